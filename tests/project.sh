#!/usr/bin/env bash
# The project's own tests (user space), called by tests/check.sh:
#   tests/project.sh build        build the tool and the unit tests
#   tests/project.sh run DIR      run them; prints "PROJECT-TOTALS P F S"
# Unit tests run on the host with ASan/UBSan; end-to-end tests run inside the
# patched kernel; the feature probe is also checked on the host's (stock)
# kernel, which must get a clear error.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
U=$B/user

build() {
	make -s -C "$top" user >/dev/null || return 1
	# The concurrency stress test.
	gcc -O2 -Wall -Wextra -Werror -pthread -isystem "$B/headers/include" \
		-o "$U/stress" "$top/tests/stress/stress.c" || return 1
	# The same with room for 1000 committed versions only: a short run
	# uses them all, and the rest of it runs without a commit to record.
	gcc -O2 -Wall -Wextra -Werror -pthread -isystem "$B/headers/include" -DMAX_VERSIONS=1000 \
		-o "$U/stress-capped" "$top/tests/stress/stress.c" || return 1
	# The event lifecycle stress test (abandoned waits, full queue, grants).
	gcc -O2 -Wall -Wextra -Werror -pthread -isystem "$B/headers/include" \
		-o "$U/lifecycle" "$top/tests/stress/lifecycle.c" || return 1
	# The uAPI fuzzer (tests/fuzz/uapi_fuzz.c).
	gcc -O1 -g -pthread -Wall -Wextra -Werror -isystem "$B/headers/include" \
		-o "$U/uapi_fuzz" "$top/tests/fuzz/uapi_fuzz.c" || return 1
	# The benchmarks (make bench), for their smoke test.
	bash "$top/bench/build.sh" || return 1
	# The alternatives comparison (docs/alternatives.md).
	gcc -O2 -Wall -Wextra -Werror -isystem "$B/headers/include" \
		-o "$U/reload" "$top/examples/alternatives/reload.c" || return 1
	# The complete examples of the patched landlock.rst.
	bash "$top/tests/doc-examples.sh" "$U" || return 1
	# The kernel series' sample supervisor (samples/landlock/supervisor.c).
	gcc -O2 -Wall -Wextra -Werror -isystem "$B/headers/include" \
		-o "$U/supervisor-sample" "$B/linux/samples/landlock/supervisor.c" || return 1
	# The library with ASan/UBSan for the unit tests and the conformance
	# corpus (tests/conformance).
	local san="-g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer" f
	mkdir -p "$U/san" || return 1
	for f in uapi policy config json supervisor events; do
		gcc -std=gnu11 $san -Wall -Wextra -Werror -I"$top/include" -I"$top/lib" \
			-isystem "$B/headers/include" $(pkg-config --cflags json-c yajl) \
			-c -o "$U/san/$f.o" "$top/lib/$f.c" || return 1
	done
	g++ -std=c++17 $san -Wall -Wextra -Werror -I"$top/lib" $(pkg-config --cflags tomlplusplus) \
		-c -o "$U/san/toml.o" "$top/lib/toml.cpp" || return 1
	for f in user/policy_test user/events_test conformance/conformance; do
		gcc -std=gnu11 $san -Wall -Wextra -Werror -I"$top/include" -I"$top/lib" \
			-isystem "$B/headers/include" -c -o "$U/san/${f#*/}.o" "$top/tests/$f.c" &&
			g++ $san -o "$U/${f#*/}" "$U/san/${f#*/}.o" "$U"/san/{uapi,policy,config,json,supervisor,events,toml}.o \
				$(pkg-config --libs json-c yajl tomlplusplus) || return 1
	done
	# The command's internals (tests/user/cli_test.c), against the library.
	gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
		-fno-omit-frame-pointer -I"$top/include" -I"$top/cli" -I"$top/lib" \
		-isystem "$B/headers/include" $(pkg-config --cflags json-c) \
		-o "$U/cli_test" "$top/tests/user/cli_test.c" \
		"$top"/cli/{learn,strmap,trace,output}.c -L"$U" -Wl,-rpath,"$U" \
		-llandlock-supervise $(pkg-config --libs json-c) || return 1
	# The events tests again, without ASan (which UML cannot run), for the
	# end-to-end run in the patched kernel.
	gcc -std=gnu11 -g -O1 -pthread -Wall -Wextra -Werror -I"$top/include" -I"$top/lib" \
		-isystem "$B/headers/include" -o "$U/events_test_uml" "$top/tests/user/events_test.c" \
		"$U/liblandlock-supervise.a" $(pkg-config --libs json-c yajl tomlplusplus) -lstdc++ ||
		return 1
	# Notified opens on 9p (->atomic_open), for the Debian system's 9p
	# output directory (tests/system/guest.sh).
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$top/include" -I"$top/lib" -I"$top/tests/user" \
		-isystem "$B/headers/include" -o "$U/atomic_open_test" "$top/tests/user/atomic_open_test.c" \
		"$U/liblandlock-supervise.a" $(pkg-config --libs json-c yajl tomlplusplus) -lstdc++ ||
		return 1
}

run() {
	local dir=$1 pass=0 fail=0 out p f
	cd "$top" || return 1

	echo "unit tests (host, ASan/UBSan):"
	out=$("$U/policy_test" 2>&1); echo "$out" | tail -n 5
	read -r p f < <(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))

	echo "library events, argument checks and failed grants (host, ASan/UBSan):"
	out=$("$U/events_test" 2>&1); echo "$out" | tail -n 5
	read -r p f < <(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))

	echo "command internals (host, ASan/UBSan; 100,000 learned files):"
	out=$("$U/cli_test" 2>&1); echo "$out" | tail -n 5
	read -r p f < <(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))

	echo "command options, --check and --print-policy (host kernel):"
	out=$("$top/tests/user/cli_options.sh" "$U/landlock-supervise" 2>&1); echo "$out" | grep -v '^ok'
	read -r p f < <(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))

	echo "make install, then a program built against the installed tree; exported symbols:"
	out=$(bash "$top/tests/user/install.sh" 2>&1); echo "$out" | grep -v '^ok'
	read -r p f < <(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))

	echo "landlockconfig conformance corpus (host, ASan/UBSan):"
	out=$("$U/conformance" "$top/tests/conformance" 2>&1); echo "$out" | grep -v '^ok ' | tail -n 20
	read -r p f < <(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))

	echo "host kernel without the feature: --require-supervisor gets a clear error:"
	if ll_abi=$("$U/landlock-supervise" --require-supervisor -- true 2>&1); then
		echo "  unexpected success"; fail=$((fail + 1))
	elif echo "$ll_abi" | grep -qE "no Landlock supervisor support|has no Landlock|disabled"; then
		echo "  ok: $ll_abi"; pass=$((pass + 1))
	else
		echo "  unclear: $ll_abi"; fail=$((fail + 1))
	fi

	if [ "${LL_DEBUG:-0}" = 1 ]; then
		echo "policy parser fuzzing (libFuzzer, 30 s):"
		if bash "$top/tests/fuzz/run.sh" 30; then
			pass=$((pass + 1))
		else
			echo "  the fuzzer found a crash or a hang: see $B/fuzz/crash-* or timeout-*"; fail=$((fail + 1))
		fi
	fi

	# Longer randomized runs on the debug kernel; seeds and durations can be
	# set from the host (LL_STRESS_SEED=... make check reproduces a run).
	local envs=() v
	# KASAN's quarantine keeps freed objects counted in slabinfo: the
	# stress test's slab check is replaced by a kmemleak scan at the end.
	[ "${LL_DEBUG:-0}" = 1 ] && envs+=(-e LL_FUZZ_SECONDS="${LL_FUZZ_SECONDS:-20}"
		-e LL_STRESS_SLAB_CHECK=0 -e LL_KMEMLEAK=1)
	for v in LL_STRESS_SECONDS LL_STRESS_SEED LL_FUZZ_SEED; do
		[ -n "${!v:-}" ] && envs+=(-e "$v=${!v}")
	done
	[ "${LL_DEBUG:-0}" != 1 ] && [ -n "${LL_FUZZ_SECONDS:-}" ] && envs+=(-e "LL_FUZZ_SECONDS=$LL_FUZZ_SECONDS")

	echo "end-to-end tests (patched kernel):"
	"$top/scripts/uml-run" "${envs[@]}" -w "$dir" -t 600 -- "$top/tests/e2e/run.sh" \
		"$U/landlock-supervise" "$dir/e2e" >"$dir/e2e.log" 2>&1
	local rc=$?
	tr -d '\r' <"$dir/e2e.log" | grep -E '^(ok|not ok|#)'
	read -r p f < <(tr -d '\r' <"$dir/e2e.log" | sed -n 's/^E2E-TOTALS //p' | tail -n1)
	if [ -z "${p:-}" ] || [ $rc -ne 0 ]; then
		echo "  end-to-end run incomplete (uml-run exit $rc, see $dir/e2e.log)"
		fail=$((fail + 1))
	fi
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
	echo "PROJECT-TOTALS $pass $fail 0"
}

case ${1:-} in
build) build ;;
run) run "${2:?directory}" ;;
*) echo "usage: $0 build|run DIR" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# make check: builds what is missing, then runs every test of the project.
# Inside the patched kernel: the Landlock KUnit tests (at boot), the stock and
# new Landlock kselftests, and the project's end-to-end tests; on the host:
# the library's unit tests.  Ends with one line "N passed, N failed, N skipped"
# and exits non-zero when anything failed or the kernel complained.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
run=$B/check
# make check-debug: the same tests on a kernel with lockdep, atomic-sleep,
# list, RCU and slab debugging (kernel/config/debug.config).
if [ "${LL_DEBUG:-0}" = 1 ]; then
	export LL_DEBUG
	export LL_UML_OUT=$B/uml-debug LL_CONFIG_EXTRA=debug.config
	export LL_UML=$B/uml-debug/linux
	run=$B/check-debug
fi
rm -rf "$run"; mkdir -p "$run"

pass=0 fail=0 skip=0
step() { printf '\n==> %s\n' "$*"; }
count() { pass=$((pass + $1)); fail=$((fail + $2)); skip=$((skip + ${3:-0})); }

step "dependencies and build"
bash "$top/scripts/deps.sh" || exit 1
bash "$top/kernel/scripts/kernel.sh" build || exit 1
bash "$top/tests/kselftests.sh" || exit 1
if [ -f "$top/tests/project.sh" ]; then
	bash "$top/tests/project.sh" build || exit 1
fi

step "KUnit (Landlock suites, at boot)"
"$top/scripts/uml-run" --kunit -w "$run" -l "$run/kunit.log" -t 120 -- true >/dev/null
rc=$?
python3 "$B/linux/tools/testing/kunit/kunit.py" parse "$run/kunit.log" >"$run/kunit.txt" 2>&1
grep -E '^\[.*\] (Testing complete|=+ \[(PASSED|FAILED|SKIPPED)\])' "$run/kunit.txt" | sed 's/^\[[^]]*\] //' | grep -v '^$'
line=$(grep -o 'Ran [0-9]* tests:.*' "$run/kunit.txt" | tail -n1)
kp=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$line"); kf=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$line")
ks=$(sed -n 's/.*skipped: \([0-9]*\).*/\1/p' <<<"$line"); ke=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$line")
if [ -z "$kp" ] || [ $rc -ne 0 ]; then
	echo "KUnit: no results or the kernel complained (uml-run exit $rc; see $run/kunit.log)"
	count "${kp:-0}" $((${kf:-0} + 1)) "${ks:-0}"
else
	echo "KUnit: $line"
	count "$kp" $((${kf:-0} + ${ke:-0})) "${ks:-0}"
fi

step "UML: FPU state sized from the host (AMX hosts), registers kept across switches"
bash "$top/tests/fpu.sh" "$run/fpu" >"$run/fpu.txt" 2>&1
cat "$run/fpu.txt"
read -r kp kf < <(sed -n 's/^FPU-TOTALS //p' "$run/fpu.txt")
count "${kp:-0}" "${kf:-1}"

step "Landlock kselftests (stock and new) in the patched kernel"
"$top/scripts/uml-run" -w "$run" -t 900 -- "$top/tests/guest/run-kselftests.sh" "$B/kselftest" "$run/kselftest" >"$run/kselftest.log" 2>&1
rc=$?
grep -E '^\[[a-z_]+\] (not ok|ok [0-9]+ # SKIP|# (Totals|FAIL|SKIP))|no totals' "$run/kselftest.log" | head -80
read -r kp kf ks < <(tr -d '\r' <"$run/kselftest.log" | sed -n 's/^KSELFTEST-TOTALS //p' | tail -n1)
if [ -z "${kp:-}" ] || [ "${kp:-0}" -eq 0 ] || [ $rc -ne 0 ]; then
	echo "kselftests: incomplete or the kernel complained (uml-run exit $rc; see $run/kselftest.log)"
	tail -n 20 "$run/kselftest.log"
	count "${kp:-0}" $((${kf:-0} + 1)) "${ks:-0}"
else
	echo "kselftests: $kp passed, $kf failed, $ks skipped"
	count "$kp" "$kf" "$ks"
fi

if [ "${LL_DEBUG:-0}" = 1 ]; then
	step "ENOMEM paths (failslab) and leaks (kmemleak) in the debug kernel"
	"$top/scripts/uml-run" -w "$run" -t 900 -e LL_FAULT_SECONDS="${LL_FAULT_SECONDS:-20}" \
		${LL_FUZZ_SEED:+-e LL_FUZZ_SEED=$LL_FUZZ_SEED} \
		-- "$top/tests/guest/faults.sh" "$B/kselftest" "$B/user" "$run/faults" >"$run/faults.log" 2>&1
	rc=$?
	grep -E '^(uapi_fuzz|kmemleak scan:|\[[a-z_]+\] |FAULTS-RESULT)' "$run/faults.log"
	# shellcheck source=results.sh
	. "$top/tests/results.sh"
	read -r fp ff < <(guest_results "$run/faults.log" FAULTS 4 $rc)
	count "$fp" "$ff"
fi

step "kernel series: W=1 build of security/landlock, checkpatch --strict"
if bash "$top/kernel/scripts/kernel.sh" w1 >"$run/w1.log" 2>&1; then
	echo "W=1: no new warning"; count 1 0
else
	echo "W=1: warnings (see $run/w1.log)"; tail -n 20 "$run/w1.log"; count 0 1
fi
if bash "$top/kernel/scripts/kernel.sh" checkpatch >"$run/checkpatch.log" 2>&1 &&
	! grep -qE '^(ERROR|WARNING|CHECK):' "$run/checkpatch.log"; then
	echo "checkpatch --strict: clean"; count 1 0
else
	echo "checkpatch --strict: findings (see $run/checkpatch.log)"
	grep -E -A3 '^(ERROR|WARNING|CHECK):' "$run/checkpatch.log" | head -40
	count 0 1
fi

step "user space: clang-format, cppcheck"
if bash "$top/scripts/lint.sh" >"$run/lint.log" 2>&1; then count 1 0; else count 0 1; fi
cat "$run/lint.log"

if [ -f "$top/tests/project.sh" ]; then
	step "project tests"
	bash "$top/tests/project.sh" run "$run" >"$run/project.log" 2>&1
	cat "$run/project.log"
	read -r kp kf ks < <(sed -n 's/^PROJECT-TOTALS //p' "$run/project.log" | tail -n1)
	if [ -z "${kp:-}" ]; then count 0 1 0; else count "$kp" "$kf" "$ks"; fi
fi

echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

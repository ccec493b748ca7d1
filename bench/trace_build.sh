#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the patched kernel (bench/run.sh): dependency tracing of a real
# C build, with ground truth, and its overhead.
#   bench/trace_build.sh BIN_DIR SNAPSHOT [qemu]
# SNAPSHOT is bench/trace_prepare.py's output: kernel objects (kbuild's own
# compile commands, ccache off) and the files they read.  It is copied to the
# guest's /run (a tmpfs), then built clean, untraced once to warm the caches,
# then in rounds, each running the three ways one after the other
# (round-robin, the order rotating): untraced, under
# `landlock-supervise --trace` (no base policy: every file is traced, the
# toolchain included) and under `strace -f -e trace=%file`.
# After each traced build, bench/trace_compare.py checks the trace against
# the compiler's own dependency files (-MD).
# Raw lines ("trace ...") go to stdout for bench/report.py; a line with
# "failed" if a file the compiler read is missing from the trace.
# LL_BENCH_QUICK=1: one round of the "quick" group; LL_TRACE_ROUNDS and
# LL_TRACE_GROUPS override the defaults; LL_TRACE_ARGS adds options to the
# traced way (LL_TRACE_ARGS="--base examples/compiler.json" shows a failure).
set -euo pipefail
bin=$1
snap=$2
qemu=${3:-}
here=$(cd "$(dirname "$0")" && pwd)

extra=() dep=
if [ -n "$qemu" ]; then
	# Software emulation: compiles run several times slower than in UML,
	# and strace's stops far more (3 objects: about 3 minutes on a quiet
	# machine; on a busy one QEMU's emulated context switches, and so
	# strace, slow down many times more than the rest).
	# The host's root is uncached 9p there, where a rule on a file does not
	# hold (each lookup makes a new inode): the toolchain and the system
	# headers cannot be traced file by file.  So: objects that read no
	# system header (-nostdinc), and a base policy for the toolchain.
	# The dependency files go to a directory of their own there: where cc1
	# creates one (O_WRONLY) before as creates the object (O_RDWR) in the
	# same directory, --trace grants the directory for writing only, and
	# the kernel cannot ask about as's read access to the file it has just
	# created (a plain denial: "as: can't create ...").  UML hides this:
	# /proc/PID/syscall is missing there, and --trace grants both.
	rounds=3 groups=qemu extra=(--base "$here/../examples/compiler.json") dep=.deps
elif [ -n "${LL_BENCH_QUICK:-}" ]; then
	groups=quick
else
	# 13 minutes in UML on a machine busy with other builds, less on a
	# quiet one: strace is half of it.
	rounds=3 groups="landlock oslinux kernel"
fi
[ -n "${LL_BENCH_QUICK:-}" ] && rounds=1
rounds=${LL_TRACE_ROUNDS:-$rounds}
read -ra groups <<<"${LL_TRACE_GROUPS:-$groups}"
[ -n "${LL_TRACE_ARGS:-}" ] && read -ra extra <<<"$LL_TRACE_ARGS"

# In the guest's /run, a tmpfs: not under /tmp, and not in the host directory
# the guest may write (uncached 9p under QEMU makes a new inode at each
# lookup, and rules tied to inodes do not hold there).
# A user of a real system (make check-system) has XDG_RUNTIME_DIR there.
work=${XDG_RUNTIME_DIR:-/run}/ll-bench/trace
rm -rf "$work"; mkdir -p "$work/tmp"
cp -a "$snap" "$work/tree"
tree=$work/tree
# Every way uses the same TMPDIR (landlock-supervise makes its own under it).
export TMPDIR=$work/tmp
# The output directories exist before each build (kbuild makes them before
# it compiles): each way starts from the same clean state.
clean() { # OUT
	rm -rf "$1"
	sed "s|^|$1/|" "$tree/dirs" | xargs mkdir -p
	[ -z "$dep" ] || sed "s|^|$1/$dep/|" "$tree/dirs" | xargs mkdir -p
}
build() { # OUT [TRACER...]
	local out=$1
	shift
	"$@" make -s -j1 -f "$tree/Makefile" -C "$tree/obj" T="$tree" OUT="$out" DEP="$out${dep:+/$dep}" \
		"${groups[@]}"
}
ns() { date +%s%N; }

echo "trace code $(for g in "${groups[@]}"; do grep "^$g " "$tree/groups"; done | tr '\n' ' ')"
echo "trace release $(cat "$tree/release" 2>/dev/null)"
echo "trace options ${extra[*]+${extra[*]}}"
fail() { echo "trace failed: $*"; tail -n 20 "$work/build.log"; exit 1; }
clean "$work/warm"
t0=$(ns)
build "$work/warm" >"$work/build.log" 2>&1 || fail "the warm-up build failed"
t1=$(ns)
echo "trace warm 0 $(((t1 - t0) / 1000))"

ways=(plain landlock strace)
status=0
for ((r = 1; r <= rounds; r++)); do
	broken=
	for ((i = 0; i < 3; i++)); do
		way=${ways[(i + r - 1) % 3]}
		out=$work/out-$way
		clean "$out"
		tracer=()
		case $way in
		landlock) tracer=("$bin/landlock-supervise" ${extra[@]+"${extra[@]}"} --trace="$work/trace.json" --) ;;
		strace) tracer=(strace -f -qq -e trace=%file -o "$work/strace.txt") ;;
		esac
		t0=$(ns)
		if ! build "$out" "${tracer[@]}" >"$work/build.log" 2>&1; then
			# Said, and the round left out; the other rounds still run.
			echo "trace failed: the $way build of round $r failed:" \
				"$(grep -v '^make' "$work/build.log" | grep -m1 -i 'error\|denied' || tail -n1 "$work/build.log")"
			status=1 broken=1
			break
		fi
		t1=$(ns)
		echo "trace $way $r $(((t1 - t0) / 1000))"
	done
	[ -z "$broken" ] || continue
	# Ground truth for this round's traced build; the details once, at the
	# end, with the strace cross-check.
	last=()
	[ "$r" -eq "$rounds" ] && last=(--details --strace "$work/strace.txt")
	python3 "$here/trace_compare.py" --round "$r" ${last[@]+"${last[@]}"} "$tree" \
		"$work/out-landlock" "$work/trace.json" "$TMPDIR" || status=1
done
# Two checks of --trace beyond this build, once, untimed (not in the quick
# run).  What a base policy that allows the toolchain's directories hides
# (the configuration of this benchmark before).  And an in-tree build, the
# objects next to their sources (as kbuild without O=): a directory in which
# the build creates files is granted as a whole hierarchy, watched by inotify
# without its subdirectories, so what is read in them is not traced.
if [ -z "${LL_BENCH_QUICK:-}" ] && [ -z "$qemu" ]; then
	clean "$work/out-base"
	build "$work/out-base" "$bin/landlock-supervise" --base "$here/../examples/compiler.json" \
		--trace="$work/trace-base.json" -- >"$work/build.log" 2>&1 || fail "the build with --base failed"
	python3 "$here/trace_compare.py" --check base "$tree" "$work/out-base" "$work/trace-base.json" "$TMPDIR"
	cp -a "$tree" "$work/intree"
	"$bin/landlock-supervise" --trace="$work/trace-intree.json" -- make -s -j1 -f "$tree/Makefile" \
		-C "$work/intree/obj" T="$work/intree" OUT="$work/intree/src" oslinux >"$work/build.log" 2>&1 ||
		fail "the in-tree build failed"
	python3 "$here/trace_compare.py" --check in-tree "$work/intree" "$work/intree/src" \
		"$work/trace-intree.json" "$TMPDIR"
fi
exit $status

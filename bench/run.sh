#!/bin/bash
# Runs inside the patched kernel (make bench): every benchmark, raw lines on
# stdout for scripts/bench.sh.
#   bench/run.sh BIN_DIR [qemu]
# LL_BENCH_QUICK=1: each benchmark once with small counts (make check).
# With "qemu" (the x86_64 build under QEMU, software emulation): the same
# comparisons, where system calls and context switches are guest work.
set -u
bin=$1
qemu=${2:-}
# Scratch space in the guest's /run, a tmpfs (bench/trace_build.sh says why);
# for a user of a real system (make check-system), in the user's runtime
# directory there (XDG_RUNTIME_DIR, a tmpfs too).
work=${XDG_RUNTIME_DIR:-/run}/ll-bench
rm -rf "$work"; mkdir -p "$work" || exit 1
top=$(cd "$(dirname "$0")/.." && pwd)
ip link set lo up 2>/dev/null

# A benchmark that dies prints a "failed" line (make check's smoke fails on it);
# each one says how long it took (a comment line, not a result).
bench() { # NAME [ARGS...]
	local start=$SECONDS
	"$bin/$1" "${@:2}" || echo "$* failed (exit status $?)"
	echo "# $*: $((SECONDS - start)) s"
}
bench access_check
bench commit_bench
bench notify_rtt
# Under QEMU, the round trip again with every process on one CPU: wake-ups
# across virtual CPUs can take milliseconds there.
[ -z "$qemu" ] || bench notify_rtt one-cpu

# Dependency tracing of a real C build (objects of the patched kernel), with
# the compiler's own dependency files as ground truth; its build was prepared
# on the host by bench/build.sh.
start=$SECONDS
"$top/bench/trace_build.sh" "$bin" "$(dirname "$bin")/bench-trace" "$qemu" ||
	echo "trace failed (exit status $?)"
echo "# trace_build: $((SECONDS - start)) s"

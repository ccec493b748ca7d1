#!/bin/bash
# Runs inside the debug kernel (make check-debug): the uAPI fuzzer while slab
# allocations fail at random in its task tree (failslab), then this series'
# kselftests without faults (the kernel must still work), then a kmemleak
# scan.  Prints "FAULTS-RESULT NAME ok|fail" lines.
#   tests/guest/faults.sh KSELFTEST_DIR USER_BIN_DIR WORK_DIR
kst=$1
bin=$2
work=$3
secs=${LL_FAULT_SECONDS:-20}
seed=${LL_FUZZ_SEED:-$RANDOM}
dbg=/sys/kernel/debug
mountpoint -q $dbg || mount -t debugfs none $dbg

result() { # NAME STATUS
	if [ "$2" -eq 0 ]; then echo "FAULTS-RESULT $1 ok"; else echo "FAULTS-RESULT $1 fail (exit $2)"; fi
}

# Only what this run leaves behind counts: earlier objects are cleared.
echo scan >$dbg/kmemleak; echo clear >$dbg/kmemleak

# 1 allocation in 20 fails, sleeping ones included, only in tasks that have
# /proc/PID/make-it-fail set (the fuzzer's threads and children inherit it).
f=$dbg/failslab
echo 1 >$f/task-filter; echo 5 >$f/probability; echo 1 >$f/interval
echo -1 >$f/times; echo 0 >$f/space; echo 0 >$f/verbose
echo N >$f/ignore-gfp-wait
# The fuzzing threads set their own make-it-fail once started (an exec
# with failing allocations would not start).  The fuzzer ignores failed
# calls: what counts is that it ends and the kernel reports nothing.
LL_FUZZ_MAKE_IT_FAIL=1 "$bin/uapi_fuzz" "$secs" "$seed" 2
result uapi-fuzz-failslab $?
echo 0 >$f/probability

rm -rf "$work/kselftest"; mkdir -p "$work/kselftest"
cp -a "$kst"/. "$work/kselftest"/
(cd "$work/kselftest" && for t in supervisor_test notify_test; do
	./$t >"$work/$t.log" 2>&1; rc=$?
	grep -E '^(not ok|# Totals)' "$work/$t.log" | sed "s|^|[$t] |"
	result "$t-after-faults" $rc
done)

"$(dirname "$0")/kmemleak.sh" "$work/kmemleak.txt"
result kmemleak-landlock $?

#!/bin/bash
# Runs inside the x86_64 KCSAN kernel under QEMU with several CPUs (make
# check-smp): the new Landlock kselftests, the stress test (plain, fork and
# exec storms, nested supervisors), the uAPI fuzzer, and no plain denial
# of a notified first access, and the event lifecycle stress.  Prints
# "SMP-RESULT NAME ok|fail" per test.
#   tests/guest/smp.sh KSELFTEST_DIR USER_BIN_DIR [lifecycle]
# With "lifecycle" (the KASAN kernel: tests/smp.sh), only the event lifecycle
# stress runs (tests/stress/lifecycle.c): waits given up alone, then all.
kst=$1
bin=$2
only=${3:-}
secs=${LL_SMP_SECONDS:-30}
seed=${LL_SMP_SEED:-$RANDOM}
echo "smp: $(nproc) CPUs, $secs s per stress run, seed $seed"

result() { # NAME STATUS
	if [ "$2" -eq 0 ]; then echo "SMP-RESULT $1 ok"; else echo "SMP-RESULT $1 fail (exit $2)"; fi
}

# Abandoned waits, threads and processes exiting while they wait, a full
# queue, grants racing all of them, the supervisor closed and made again;
# then no lost event, no failed creation by two threads.
if [ "$only" = lifecycle ]; then
	"$bin/lifecycle" "$secs" "$seed" abandon; result lifecycle-abandon $?
	"$bin/lifecycle" "$secs" "$((seed + 1))"; result lifecycle $?
	exit 0
fi

# The kselftests of this series (the stock ones are UML's job: this kernel
# lacks some of the file systems they use), from a tmpfs: uncached 9p makes a
# new inode at each lookup, so rules tied to inodes would not apply there.
mkdir -p /tmp/kselftest && cp -a "$kst"/. /tmp/kselftest/
cd /tmp/kselftest || exit 1
for t in supervisor_test notify_test quiet_test alternatives_test; do
	out=$(./$t 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(not ok|# Totals)' | sed "s|^|[$t] |"
	result "$t" $rc
done
cd / || exit 1

"$bin/stress" "$secs" "$seed"; result stress $?
"$bin/stress" "$secs" "$((seed + 1))" fork-storm; result stress-fork-storm $?
"$bin/stress" "$secs" "$((seed + 2))" exec-storm; result stress-exec-storm $?
"$bin/uapi_fuzz" "$secs" "$((seed + 3))" 4; result uapi-fuzz-threads $?
"$bin/stress" "$secs" "$((seed + 4))" nested; result stress-nested $?
"$bin/lifecycle" "$secs" "$((seed + 5))"; result lifecycle $?

# Every denied first open reaches the supervisor: the round-trip benchmark
# counts the opens that got a plain denial instead (x86_64 only: another
# task work, e.g. the scheduler tick's mm_cid one, may set TIF_NOTIFY_RESUME
# while the notification's task work runs).
out=$("$bin/notify_rtt" 2>&1); rc=$?
plain=$(printf '%s\n' "$out" | awk '$1 ~ /^rttplain/ { s += $3; n += $4 } END { printf "%d %d", s, n }')
echo "smp: notify_rtt: ${plain% *} plain denials in ${plain#* } first opens"
[ $rc -eq 0 ] && [ "${plain% *}" -eq 0 ]; result notify-no-plain-denial $?

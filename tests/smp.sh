#!/usr/bin/env bash
# make check-smp: the tests that need several CPUs, in the x86_64 build with
# KCSAN and lockdep (kernel/config/kcsan.config) under QEMU -smp 4 (software
# emulation, no KVM here), then the event lifecycle stress
# (tests/stress/lifecycle.c) again in the x86_64 build with KASAN, list
# debugging and lockdep (kernel/config/kasan.config): KASAN and KCSAN cannot
# be in one kernel.  UML, the main test kernel, has one CPU.
# Fails on any test failure, on any lockdep/BUG/WARNING report, on any
# KASAN, list corruption or refcount report, and on any KCSAN
# data race with a function of security/landlock in its stacks; KCSAN races
# elsewhere in the kernel are listed, not counted.  About 6 minutes, plus a
# first build of the two kernels (about 5 minutes each with -j2).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
run=$B/check-smp
rm -rf "$run"; mkdir -p "$run"

bash "$top/scripts/deps.sh" qemu || exit 1
bash "$top/kernel/scripts/kernel.sh" build-x86 kcsan || exit 1
bash "$top/kernel/scripts/kernel.sh" build-x86 kasan || exit 1
bash "$top/tests/kselftests.sh" || exit 1
bash "$top/tests/project.sh" build || exit 1

"$top/scripts/qemu-run" --allow-splat -s "${LL_SMP_CPUS:-4}" -t 1500 -w "$run" \
	-k "$B/x86-kcsan/arch/x86/boot/bzImage" -l "$run/console.log" \
	-e LL_SMP_SECONDS="${LL_SMP_SECONDS:-30}" ${LL_SMP_SEED:+-e LL_SMP_SEED=$LL_SMP_SEED} \
	-- "$top/tests/guest/smp.sh" "$B/kselftest" "$B/user" >"$run/run.log" 2>&1
rc=$?
grep -E '^(smp:|stress:|lifecycle:|uapi_fuzz|\[[a-z_]+\] |SMP-RESULT)' "$run/run.log"

# shellcheck source=results.sh
. "$top/tests/results.sh"
read -r pass fail < <(guest_results "$run/run.log" SMP 11 $rc)

# Kernel reports: KCSAN ones are split into Landlock's (a stack frame in a
# function of security/landlock) and the rest.
nm --defined-only "$B"/x86-kcsan/security/landlock/*.o | awk '$2 ~ /^[tT]$/ { print $3 }' |
	sort -u >"$run/landlock-functions.txt"
python3 - "$run/console.log" "$run/landlock-functions.txt" >"$run/reports.txt" <<'P'
import re, sys
log = open(sys.argv[1], errors="replace").read().splitlines()
ours_fn = set(open(sys.argv[2]).read().split())
frame = re.compile(r"^\s*(?:\[<[0-9a-f]+>\] )?([A-Za-z0-9_.]+)\+0x[0-9a-f]+/0x[0-9a-f]+")


def in_landlock(report):
    for line in report:
        m = frame.match(line)
        if m and m.group(1).split(".")[0] in ours_fn:
            return True
    return False


ours, others, splats, report = [], [], [], None
for line in log:
    text = re.sub(r"^\[ *\d+\.\d+\] ", "", line)
    if text.startswith("BUG: KCSAN:"):
        report = [text]
        continue
    if report is not None:
        report.append(text)
        if text.startswith("=" * 20):
            (ours if in_landlock(report) else others).append(report)
            report = None
        continue
    if re.match(r"(BUG:|WARNING:|Kernel panic|possible circular locking|possible recursive locking|"
                r"inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|Oops)", text):
        splats.append(text)
print("landlock-races %d" % len(ours))
print("other-races %d" % len(others))
print("other-splats %d" % len(splats))
for r in ours:
    print("LANDLOCK RACE: " + "\n  ".join(r[:30]))
for r in others:
    print("other race: " + r[0])
for s in splats:
    print("SPLAT: " + s)
P
cat "$run/reports.txt" | grep -v '^  ' | sort | uniq -c | sort -rn | head -30
if ! grep -q '^landlock-races ' "$run/reports.txt" || [ ! -s "$run/landlock-functions.txt" ]; then
	echo "check-smp: the kernel's reports could not be read (see $run/console.log)"
	fail=$((fail + 1))
elif grep -qE '^(landlock-races|other-splats) [1-9]' "$run/reports.txt"; then
	echo "check-smp: the kernel reported a problem in Landlock or a splat (see $run/reports.txt)"
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi

# The event lifecycle stress in the KASAN kernel: a freed event used again, a
# list node unlinked twice or from another thread's list, a reference count
# below zero, a lock misused; a loop that never ends is a hang (the stress
# test's time limits, then qemu-run's).
mkdir -p "$run/kasan"
"$top/scripts/qemu-run" --allow-splat -s "${LL_SMP_CPUS:-4}" -t 900 -w "$run/kasan" \
	-k "$B/x86-kasan/arch/x86/boot/bzImage" -l "$run/kasan-console.log" \
	-e LL_SMP_SECONDS="${LL_SMP_SECONDS:-30}" ${LL_SMP_SEED:+-e LL_SMP_SEED=$LL_SMP_SEED} \
	-- "$top/tests/guest/smp.sh" "$B/kselftest" "$B/user" lifecycle >"$run/kasan-run.log" 2>&1
rc=$?
grep -E '^(smp:|lifecycle:|SMP-RESULT)' "$run/kasan-run.log" | sed 's/^/[kasan] /'
read -r p f < <(guest_results "$run/kasan-run.log" SMP 2 $rc)
pass=$((pass + p)); fail=$((fail + f))
kasan_splat='(BUG:|WARNING:|Kernel panic|cut here|list_(add|del) corruption|refcount_t:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|KASAN:|Oops)'
if [ ! -s "$run/kasan-console.log" ]; then
	echo "check-smp: no console log of the KASAN kernel (see $run/kasan-run.log)"
	fail=$((fail + 1))
elif grep -qE "^(\[ *[0-9]+\.[0-9]+\] )?$kasan_splat" "$run/kasan-console.log"; then
	echo "check-smp: the KASAN kernel reported a problem (see $run/kasan-console.log):"
	grep -E -A12 "^(\[ *[0-9]+\.[0-9]+\] )?$kasan_splat" "$run/kasan-console.log" | head -60
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi
echo
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]

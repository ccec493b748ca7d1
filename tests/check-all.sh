#!/usr/bin/env bash
# make check: every test, on both UML kernels: the patched kernel (tests/
# check.sh) and the same series built with lockdep, KASAN, kmemleak and the
# other debug options (LL_DEBUG=1 tests/check.sh, with fault injection and
# longer fuzzing), then the series on arm64 under QEMU (tests/arm64.sh, make
# check-arm64), then a Debian 12 system booted by systemd on the x86_64
# kernel under QEMU (tests/system.sh, make check-system).  Ends with one
# line "N passed, N failed, N skipped" and exits non-zero when anything
# failed.  (make check-quick runs the first
# part; make check-smp, the QEMU SMP/KCSAN run, is separate: see README.)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0 skip=0
B=${LL_BUILD_DIR:-$top/build}
mkdir -p "$B"
# Adds the closing "N passed, N failed, N skipped" line of LOG to the totals;
# a log without it (the part stopped early, e.g. a build failed) is one
# failure.
tally() { # LOG
	local p f s
	read -r p f s < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' \
		"$1" | tail -n1)
	[ -n "${p:-}" ] || { p=0 f=1 s=0; }
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
}
for debug in 0 1; do
	[ $debug = 1 ] && printf '\n#### The same on the debug kernel (make check-debug)\n'
	LL_DEBUG=$debug bash "$top/tests/check.sh" 2>&1 | tee "$B/check-all.$debug.log"
	tally "$B/check-all.$debug.log"
done
for part in "arm64:The series on arm64, under QEMU (make check-arm64)" \
	"system:A Debian 12 system with systemd on the x86_64 kernel, under QEMU (make check-system)"; do
	printf '\n#### %s\n' "${part#*:}"
	bash "$top/tests/${part%%:*}.sh" 2>&1 | tee "$B/check-all.${part%%:*}.log"
	tally "$B/check-all.${part%%:*}.log"
done
echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

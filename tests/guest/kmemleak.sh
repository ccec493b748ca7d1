#!/bin/bash
# Runs inside the debug kernel: kmemleak scan of what the runs so far left
# behind.  Fails if an unreferenced object has Landlock in its allocation
# trace (other leaks are counted and listed, not failed on).
#   tests/guest/kmemleak.sh REPORT_FILE
report=$1
k=/sys/kernel/debug/kmemleak
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
[ -e $k ] || { echo "kmemleak: not in this kernel"; exit 1; }
# kmemleak reports objects unreferenced for 5 s, seen in two scans.
sleep 6
# A kmemleak that disabled itself refuses the scan: no report is no proof.
echo scan >$k && sleep 1 && echo scan >$k || { echo "kmemleak: the scan was refused"; exit 1; }
cat $k >"$report"
leaks=$(grep -c '^unreferenced object' "$report")
# Landlock's only if a backtrace line ("    function+0x.../0x...") names it,
# not the comm (e.g. "landlock-superv").
ours=$(awk '/^unreferenced object/ { n++ } /^    [A-Za-z0-9_.]*(landlock|hook_)[A-Za-z0-9_.]*\+0x/ { hit[n] = 1 }
	END { print length(hit) }' "$report")
echo "kmemleak scan: $leaks unreferenced objects, $ours with Landlock in their allocation trace"
[ "$ours" -eq 0 ] || { grep -B2 -A20 landlock "$report" | head -60; exit 1; }

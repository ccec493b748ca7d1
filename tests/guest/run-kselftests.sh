#!/bin/sh
# Runs inside the guest: every Landlock kselftest binary from a writable copy
# of the build directory (fs_test copies ./true from the current directory).
# Prints each binary's TAP output and a line "KSELFTEST-TOTALS pass fail skip".
src=$1
dst=$2
. "$(dirname "$0")/../kselftest-totals.sh"
rm -rf "$dst"; mkdir -p "$dst"
cp -a "$src"/. "$dst"/
cd "$dst" || exit 1
pass=0; fail=0; skip=0
for t in ./*_test; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | sed "s|^|[${t#./}] |"
	line=$(printf '%s\n' "$out" | grep '^# Totals:' | tail -n1)
	if [ -z "$line" ]; then
		echo "[${t#./}] no totals (exit $rc): counted as one failure"
		fail=$((fail + 1)); continue
	fi
	set -- $(kselftest_totals "$line")
	pass=$((pass + $1)); fail=$((fail + $2)); skip=$((skip + $3))
done
echo "KSELFTEST-TOTALS $pass $fail $skip"

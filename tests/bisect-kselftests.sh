#!/usr/bin/env bash
# One step of make check-bisect (kernel.sh bisect): builds the Landlock
# kselftests of the kernel tree TREE against its own uAPI headers, runs them
# in the UML kernel KERNEL, and prints "kselftests: P passed, F failed, S
# skipped" last.  Fails if a test fails or the run is incomplete.
#   tests/bisect-kselftests.sh TREE KERNEL WORKDIR
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$1 kernel=$2 work=$3
rm -rf "$work"; mkdir -p "$work/kselftest"
make -s -C "$tree" O="$work/hdr-out" ARCH=x86_64 INSTALL_HDR_PATH="$work/headers" headers_install >/dev/null
make -s -C "$tree/tools/testing/selftests/landlock" KHDR_INCLUDES="-isystem $work/headers/include" \
	OUTPUT="$work/kselftest" -j"$(nproc)" >"$work/build.log" 2>&1 || {
	tail -n 20 "$work/build.log"; echo "kselftests: build failed"; exit 1; }
rc=0
"$top/scripts/uml-run" -k "$kernel" -w "$work" -t 900 -- \
	"$top/tests/guest/run-kselftests.sh" "$work/kselftest" "$work/run" >"$work/run.log" 2>&1 || rc=$?
grep -E '^\[[a-z_]+\] (not ok|# FAIL)|no totals' "$work/run.log" | head -40 || true
read -r p f s < <(tr -d '\r' <"$work/run.log" | sed -n 's/^KSELFTEST-TOTALS //p' | tail -n1) || true
if [ "$rc" != 0 ] || [ -z "${p:-}" ]; then
	tail -n 20 "$work/run.log"; echo "kselftests: incomplete (uml-run exit $rc)"; exit 1
fi
echo "kselftests: $p passed, $f failed, $s skipped"
[ "$f" = 0 ]

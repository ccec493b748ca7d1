#!/usr/bin/env bash
# Builds the Landlock kselftests of the patched tree (stock ones and ours)
# against its uAPI headers, into build/kselftest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
bash "$top/kernel/scripts/kernel.sh" headers
out=$B/kselftest
mkdir -p "$out"
make -s -C "$B/linux/tools/testing/selftests/landlock" \
	KHDR_INCLUDES="-isystem $B/headers/include" OUTPUT="$out" -j"$(nproc)" >"$out/build.log" 2>&1 || {
	cat "$out/build.log" >&2
	exit 1
}

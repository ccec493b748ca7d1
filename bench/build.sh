#!/usr/bin/env bash
# Builds the benchmarks into build/user (access_check, commit_bench,
# notify_rtt): for make bench and for the smoke test of make check.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
U=$B/user
mkdir -p "$U"
for b in access_check commit notify_rtt; do
	gcc -O2 -Wall -Wextra -Werror -pthread -isystem "$B/headers/include" \
		-o "$U/${b/commit/commit_bench}" "$top/bench/$b.c" -luring
done

#!/usr/bin/env bash
# Fuzzes the policy parser with libFuzzer (clang, from Debian's packages) for
# a bounded time, seeded with examples/:  tests/fuzz/run.sh [SECONDS]
# Crashes and inputs slower than 10 s are saved in build/fuzz/ and make the
# run fail; each one should become a regression case of
# tests/user/policy_test.c.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
out=$B/fuzz
mkdir -p "$out/corpus"
cp "$top"/examples/*.json "$out/corpus/"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$top/include" -I"$top/lib" -isystem "$B/headers/include" $(pkg-config --cflags json-c) \
	-o "$out/policy_fuzz" "$top/tests/fuzz/policy_fuzz.c" \
	"$top"/lib/{uapi,policy,supervisor,events}.c $(pkg-config --libs json-c)
cd "$out"
./policy_fuzz -max_total_time="${1:-30}" -timeout=10 -max_len=4096 -artifact_prefix="$out/" corpus 2>&1 |
	tail -n 3

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
fl="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
for f in uapi policy config json supervisor events; do
	clang $fl -I"$top/include" -I"$top/lib" -isystem "$B/headers/include" \
		$(pkg-config --cflags json-c yajl) -c -o "$out/$f.o" "$top/lib/$f.c"
done
clang++ -std=c++17 $fl -I"$top/lib" $(pkg-config --cflags tomlplusplus) -c -o "$out/toml.o" \
	"$top/lib/toml.cpp"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$top/include" -c -o "$out/policy_fuzz.o" "$top/tests/fuzz/policy_fuzz.c"
clang++ -fsanitize=fuzzer,address,undefined -o "$out/policy_fuzz" "$out"/{policy_fuzz,uapi,policy,config,json,supervisor,events,toml}.o \
	$(pkg-config --libs json-c yajl tomlplusplus)
cd "$out"
./policy_fuzz -max_total_time="${1:-30}" -timeout=10 -max_len=4096 -artifact_prefix="$out/" corpus 2>&1 |
	tail -n 3

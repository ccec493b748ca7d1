#!/bin/bash
# Runs inside the patched kernel (make bench): every benchmark, raw lines on
# stdout for scripts/bench.sh.
#   bench/run.sh BIN_DIR [qemu]
# LL_BENCH_QUICK=1: each benchmark once with small counts (make check).
# With "qemu" (the x86_64 build under QEMU, software emulation): the
# comparisons that UML's host round trips distort (commits, notification
# round trip, tracing); not the access checks (their in-kernel io_uring
# figures are already free of it).
set -u
bin=$1
qemu=${2:-}
# The traced builds run in the guest's /run, a tmpfs: not in the host
# directory the guest may write, which is uncached 9p under QEMU (each lookup
# makes a new inode, and rules tied to inodes do not hold) and may be under
# /tmp (which the tracing's base policy allows, so nothing would be traced).
work=/run/ll-bench
rm -rf "$work"; mkdir -p "$work" || exit 1
top=$(cd "$(dirname "$0")/.." && pwd)
ip link set lo up 2>/dev/null

# A benchmark that dies prints a "failed" line (make check's smoke fails on it).
for b in access_check commit_bench notify_rtt; do
	[ -n "$qemu" ] && [ "$b" = access_check ] && continue
	"$bin/$b" || echo "$b failed (exit status $?)"
done

# Dependency tracing of a real C build: the library of this project.
ns() { date +%s%N; }
build_lib() { # DIR
	rm -rf "$1"; mkdir -p "$1"
	cp -r "$top/lib" "$top/include" "$1/"
	cat >"$1/Makefile" <<M
CFLAGS := -O1 -Iinclude -isystem $top/build/headers/include -I/usr/include/json-c
lib.a: lib/uapi.o lib/policy.o lib/supervisor.o lib/events.o
	ar rcs \$@ \$^
M
}
base=$top/examples/compiler.json
# A first build warms the caches (page cache, dentries) for all three.
build_lib "$work/warm"; make -s -j1 -C "$work/warm" >/dev/null 2>&1
reps="1 2 3"
[ -n "${LL_BENCH_QUICK:-}" ] && reps=1
for rep in $reps; do
	build_lib "$work/plain"; t0=$(ns); make -s -j1 -C "$work/plain" >/dev/null 2>&1; t1=$(ns)
	echo "trace plain $rep $(( (t1 - t0) / 1000 ))"
	build_lib "$work/ll"; t0=$(ns)
	"$bin/landlock-supervise" --base "$base" --trace="$work/ll.json" -- make -s -j1 -C "$work/ll" >/dev/null 2>&1
	t1=$(ns); echo "trace landlock $rep $(( (t1 - t0) / 1000 ))"
	build_lib "$work/st"; t0=$(ns)
	strace -f -qq -e trace=%file -o "$work/strace.txt" make -s -j1 -C "$work/st" >/dev/null 2>&1
	t1=$(ns); echo "trace strace $rep $(( (t1 - t0) / 1000 ))"
done
# Do both traces list the same project files (outside the toolchain)?
python3 - "$work" <<'P'
import json, re, sys
w = sys.argv[1]
t = json.load(open(w + "/ll.json"))
ll = {p.replace(w + "/ll/", "") for k in ("read", "write", "create") for p in t[k] if p.startswith(w + "/ll/")}
# make -C runs in the build directory: relative names are relative to it.
st = set()
for line in open(w + "/strace.txt"):
    if "ENOENT" in line or "execve(" in line and "= -1" in line:
        continue
    # The path argument only: the first string, after an optional dirfd.
    m = re.match(r'^\d+\s+\w+\((?:AT_FDCWD, |-?\d+, )?"([^"]*)"', line)
    if not m:
        continue
    name = m.group(1)
    path = name if name.startswith("/") else w + "/st/" + name
    if path.startswith(w + "/st/") and path != w + "/st/":
        st.add(path.replace(w + "/st/", ""))
st = {p for p in st if p not in ("lib", "include", ".")}
print("trace files landlock %d strace %d common %d" % (len(ll), len(st), len(ll & st)))
print("trace only-landlock " + " ".join(sorted(ll - st)))
print("trace only-strace " + " ".join(sorted(st - ll)))
P

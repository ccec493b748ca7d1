#!/usr/bin/env bash
# Builds the benchmarks into build/user (access_check, commit_bench,
# notify_rtt) and prepares the tracing benchmark's build in build/bench-trace
# (bench/trace_prepare.py): for make bench and for the smoke test of make
# check.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
U=$B/user
mkdir -p "$U"
for b in access_check commit notify_rtt; do
	gcc -O2 -Wall -Wextra -Werror -pthread -isystem "$B/headers/include" \
		-o "$U/${b/commit/commit_bench}" "$top/bench/$b.c" -luring
done
# The C build that bench/trace_build.sh traces: objects of the patched
# kernel, with kbuild's own commands, from the UML build (the kernel make
# check or make bench has just built; any UML build of the tree will do).
kobj=$B/uml
[ -e "$kobj/security/landlock/.cred.o.cmd" ] || kobj=${LL_UML_OUT:-$kobj}
# Alone (make check-system or check-smp on a fresh clone), no UML kernel has
# been built yet: build it.
[ -e "$kobj/security/landlock/.cred.o.cmd" ] || {
	bash "$top/kernel/scripts/kernel.sh" build
	kobj=$B/uml
}
python3 "$top/bench/trace_prepare.py" "$kobj" "$B/linux" "$B/bench-trace" \
	quick=security/landlock/cred.o,security/landlock/object.o,security/landlock/setup.o,arch/um/os-Linux/file.o,arch/um/os-Linux/util.o \
	qemu=security/landlock/cred.o,security/landlock/object.o,security/landlock/setup.o \
	landlock=security/landlock oslinux=arch/um/os-Linux/... kernel=kernel/time >/dev/null

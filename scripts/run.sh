#!/usr/bin/env bash
# make run: the main job.  Builds what is missing, then runs a program inside
# the patched kernel in a Landlock sandbox and shows what is denied.
#   scripts/run.sh [-- COMMAND [ARGS...]]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
bash "$top/scripts/deps.sh"
bash "$top/kernel/scripts/kernel.sh" build
bash "$top/kernel/scripts/kernel.sh" headers
mkdir -p "$B/user"
cc -O2 -Wall -Wextra -isystem "$B/headers/include" -o "$B/user/sandboxer" \
	"$B/linux/samples/landlock/sandboxer.c"
[ "${1:-}" = "--" ] && shift
work=$B/uml-run/demo
rm -rf "$work"; mkdir -p "$work"
if [ $# -eq 0 ]; then
	set -- sh -c 'echo "read /etc/hostname (allowed):"; cat /etc/hostname;
		echo "write in the work directory (not allowed by the policy):";
		echo hello >denied.txt || echo "=> denied by Landlock, as expected"'
fi
echo "Running in the patched kernel: $*"
exec "$top/scripts/uml-run" -w "$work" -C "$work" \
	-e LL_FS_RO=/ -e LL_FS_RW=/dev/null:/tmp -e LL_TCP_BIND= -e LL_TCP_CONNECT= \
	-- "$B/user/sandboxer" "$@"

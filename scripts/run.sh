#!/usr/bin/env bash
# make run: the main job.  Builds what is missing (packages, patched kernel,
# tool), then, inside the patched kernel:
#   scripts/run.sh                      the demo (examples/demo.sh)
#   scripts/run.sh [-- OPTIONS --] COMMAND...
#                                       COMMAND under landlock-supervise, by
#                                       default in permissive mode with a log
# Files written by the run are in build/uml-run/run/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
bash "$top/scripts/deps.sh"
bash "$top/kernel/scripts/kernel.sh" build
make -s -C "$top" user >/dev/null
tool=$B/user/landlock-supervise
work=$B/uml-run/run
rm -rf "$work"; mkdir -p "$work"

if [ $# -eq 0 ]; then
	echo "Running the demo inside the patched kernel (files in $work)"
	exec "$top/scripts/uml-run" -w "$work" -t 300 -- "$top/examples/demo.sh" "$tool" "$work"
fi
args=(--base "$top/examples/shell.json" --permissive="$work/learned.json" --log "$work/events.jsonl")
if [ -n "${LL_ARGS:-}" ]; then
	read -r -a args <<<"$LL_ARGS"
fi
echo "Running in the patched kernel: landlock-supervise ${args[*]} -- $*"
echo "(files in $work)"
"$top/scripts/uml-run" -w "$work" -C "$work" -t 600 -- "$tool" "${args[@]}" -- "$@"

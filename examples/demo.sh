#!/bin/bash
# The main job's demo, run inside the patched kernel by `make run`:
#   examples/demo.sh TOOL WORKDIR
# 1. a denial, logged; 2. a live reload that widens, then narrows, a running
# sandbox; 3. permissive mode writing a policy that replays with no event.
# Exits non-zero if a step did not do what it shows (make check runs it).
set -u
tool=$1
work=$2
top=$(cd "$(dirname "$0")/.." && pwd)
base=$top/examples/shell.json
cd "$work" || exit 1
mkdir -p docs private
echo "public notes" >docs/notes.txt
echo "s3cr3t" >private/key.txt

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
failures=0
expect() { # WHAT CONDITION...
	local what=$1
	shift
	"$@" || { echo "  DEMO FAILED: $what"; failures=$((failures + 1)); }
}
rw_policy() { # FILE DIR...
	local file=$1 parents
	shift
	parents=$(printf '"%s",' "$@")
	printf '{"abi": 6, "ruleset": [{"handledAccessFs": ["abi.all"]}],\n "pathBeneath": [{"allowedAccess": ["abi.read_write"], "parent": [%s]}]}\n' \
		"${parents%,}" >"$file"
}

say "1. A supervised command is denied what its policy lacks"
rw_policy live.json "$work/docs"
echo "$ landlock-supervise --base shell.json --policy live.json --log denials.jsonl -- cat docs/notes.txt private/key.txt"
"$tool" --base "$base" --policy live.json --log denials.jsonl -- cat docs/notes.txt private/key.txt
status=$?
echo "(exit status $status)  the denial, as logged:"
cat denials.jsonl
expect "cat fails on the denied file (status 1)" [ "$status" = 1 ]
expect "the denial is logged" grep -q 'key.txt' denials.jsonl

say "2. Live reload: the policy file changes while the sandbox runs"
cat >reader.sh <<'S'
for i in 1 2 3; do
	if cat private/key.txt >/dev/null 2>&1; then echo "  [sandbox] round $i: private/key.txt readable"
	else echo "  [sandbox] round $i: private/key.txt denied"; fi
	sleep 1
done
S
rw_policy live.json "$work/docs" "$work/reader.sh"
"$tool" --base "$base" --policy live.json --watch -- sh reader.sh >reader.out &
pid=$!
sleep 0.6
echo "  [supervisor] adding private/ to live.json"
rw_policy live.json.new "$work/docs" "$work/reader.sh" "$work/private"; mv live.json.new live.json
sleep 1
echo "  [supervisor] removing it again"
rw_policy live.json.new "$work/docs" "$work/reader.sh"; mv live.json.new live.json
wait $pid
cat reader.out

say "3. Permissive mode learns a policy; the replay needs no event"
cat >job.sh <<'S'
cat docs/notes.txt private/key.txt >/dev/null
mkdir -p out && date >out/stamp
S
"$tool" --base "$base" --permissive=learned.json --log learn.jsonl -- sh job.sh
echo "  events while learning: $(wc -l <learn.jsonl); learned.json:"
sed 's/^/    /' learned.json
rm -rf out
"$tool" --base "$base" --policy learned.json --log replay.jsonl -- sh job.sh
status=$?
events=$(cat replay.jsonl 2>/dev/null | wc -l)
echo "  replay exit status: $status; events during the replay: $events"
expect "permissive mode writes a policy" [ -s learned.json ]
expect "the learned policy replays (status 0)" [ "$status" = 0 ]
expect "the replay needs no event" [ "$events" = 0 ]
exit $((failures > 0))

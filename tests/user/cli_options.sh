#!/bin/bash
# Option handling of landlock-supervise, on the host (any kernel: nothing
# here needs the supervisor feature):
#   tests/user/cli_options.sh TOOL
# Prints "ok - NAME" or "not ok - NAME" per case and "N passed, N failed".
set -u
tool=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
pass=0 fail=0

# NAME EXPECTED_STATUS STDERR_PATTERN ARGS...
expect() {
	local name=$1 want=$2 pattern=$3 rc
	shift 3
	"$tool" "$@" >out.txt 2>err.txt
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -qE -- "$pattern" err.txt out.txt; then
		echo "ok - $name"; pass=$((pass + 1))
	else
		echo "not ok - $name (status $rc, want $want)"; sed 's/^/#   /' err.txt out.txt | head -n 5
		fail=$((fail + 1))
	fi
}

printf '{"abi": 6,\n "pathBeneath": [}\n' >bad.json
printf '{"abi": 6, "ruleset": [{"handledAccessFs": ["abi.all"]}],\n "pathBeneath": [{"allowedAccess": ["read_file"], "parent": ["%s"]}]}\n' "$work/nothere" >missing.json
printf '{"abi": 6, "ruleset": [{"handledAccessFs": ["abi.all"]}],\n "pathBeneath": [{"allowedAccess": ["raed_file"], "parent": ["/usr"]}]}\n' >typo.json
shell=$top/examples/shell.json

expect version 0 '^landlock-supervise [0-9]' --version
expect help 0 'usage:' --help
expect unknown-option 125 'help' --nope -- true
expect no-command 125 'no COMMAND' --base "$shell"
expect fold-needs-permissive 125 'fold needs --permissive' --fold 3 -- true
expect fold-strict-number 125 '"3x" is not a number' --permissive=p.json --fold 3x -- true
expect fold-zero 125 'not a number from 1' --permissive=p.json --fold 0 -- true
expect fold-min-depth-needs-fold 125 'needs --fold' --permissive=p.json --fold-min-depth 3 -- true
expect trace-format-needs-trace 125 'trace-format needs --trace' --trace-format=make -- true
expect trace-format-value 125 'json or make' --trace --trace-format=xml -- true
expect strategy-needs-watch 125 'strategy needs --watch' --strategy=clear --policy "$shell" -- true
expect watch-needs-policy 125 'watch needs a --policy' --watch -- true
expect exclusive-modes 125 'exclude each other' --ask --permissive -- true
# "--permissive out.json -- make" must not run out.json.
expect optional-value-needs-equals 125 "--permissive=FILE.*out.json" --permissive out.json -- true
expect optional-value-trace 125 "--trace=FILE" --trace deps.d -- make
expect optional-value-ask 125 "--ask=FILE" --ask answers.json -- true
expect port-range 125 '"70000" is not a number' --bind-tcp 70000 -- true
expect port-number 125 'is not a number' --connect-tcp http -- true
# Policies are checked before the kernel: a typo is a policy error here too.
expect typo-before-kernel 125 'typo.json:.*raed_file' --policy typo.json -- true
expect syntax-before-kernel 125 'bad.json:2:' --base bad.json -- true
expect missing-path-before-kernel 125 'nothere: No such file' --policy missing.json -- true
expect shorthand-missing-path 125 'nothere: No such file' --ro "$work/nothere" -- true
expect check-ok 0 'shell.json: ok' --check "$shell"
expect check-error 1 'bad.json:2:[0-9]+:' --check "$shell" bad.json
expect check-typo 1 "typo.json:2:[0-9]+:.*raed_file" --check typo.json
expect check-missing-warns 0 'warning: .*nothere does not exist' --check missing.json
expect check-needs-files 125 'needs policy files' --check
expect check-runs-nothing 125 'runs nothing' --check --permissive=x.json "$shell"
expect print-policy 0 '"parent": "/usr"' --print-policy "$shell"
expect print-policy-error 1 'bad.json:2:' --print-policy bad.json
expect print-shorthands 0 '"port": 443' --ro /usr --rx /bin --rw "$work" --connect-tcp 443 --print-policy

# The rights of the shorthands, exactly.
"$tool" --ro /usr --rx /bin --rw "$work" --bind-tcp 8080 --print-policy >sh.json 2>&1
if python3 - sh.json "$work" <<'P'; then
import json, sys
p = json.load(open(sys.argv[1]))
rules = {r["parent"]: set(r["allowedAccess"]) for r in p["pathBeneath"]}
assert rules["/usr"] == {"read_file", "read_dir"}, rules
assert rules["/bin"] == {"execute", "read_file", "read_dir"}, rules
assert "write_file" in rules[sys.argv[2]] and "execute" not in rules[sys.argv[2]], rules
assert p["netPort"] == [{"port": 8080, "allowedAccess": ["bind_tcp"]}], p["netPort"]
assert set(p["handledAccessNet"]) == {"bind_tcp", "connect_tcp"}, p
P
	echo "ok - shorthand-rights"; pass=$((pass + 1))
else
	echo "not ok - shorthand-rights"; sed 's/^/#   /' sh.json | head; fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

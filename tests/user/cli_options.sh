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
# Issue 24 item 6: a missing path is named with its policy's FILE:LINE:COLUMN,
# also when a variable makes it.
expect missing-path-position 125 "^landlock-supervise: missing.json:2:[0-9]+: $work/nothere: No such file or directory" --policy missing.json -- true
printf '{"abi": 6, "variable": [{"name": "d", "literal": ["%s", "%s"]}],\n "pathBeneath": [{"allowedAccess": ["read_file"],\n  "parent": ["${d}/x"]}]}\n' "$work" "$work/nothere" >var.json
mkdir -p x
expect missing-path-variable 125 "^landlock-supervise: var.json:3:[0-9]+: $work/nothere/x: No such file" --base var.json -- true
expect check-ok 0 'shell.json: ok' --check "$shell"
expect check-error 1 'bad.json:2:[0-9]+:' --check "$shell" bad.json
expect check-typo 1 "typo.json:2:[0-9]+:.*raed_file" --check typo.json
expect check-missing-warns 0 'warning: .*nothere does not exist' --check missing.json
expect check-needs-files 125 'needs policy files' --check
expect check-runs-nothing 125 'runs nothing' --check --permissive=x.json "$shell"
expect print-policy 0 '"/usr"' --print-policy "$shell"
expect print-policy-error 1 'bad.json:2:' --print-policy bad.json
expect print-shorthands 0 '^ +443$' --ro /usr --rx /bin --rw "$work" --connect-tcp 443 --print-policy

# The rights of the shorthands, exactly.
"$tool" --ro /usr --rx /bin --rw "$work" --bind-tcp 8080 --print-policy >sh.json 2>&1
if python3 - sh.json "$work" <<'P'; then
import json, sys
p = json.load(open(sys.argv[1]))
rules = {x: set(r["allowedAccess"]) for r in p["pathBeneath"] for x in r["parent"]}
assert rules["/usr"] == {"read_file", "read_dir"}, rules
assert rules["/bin"] == {"execute", "read_file", "read_dir"}, rules
assert "write_file" in rules[sys.argv[2]] and "execute" not in rules[sys.argv[2]], rules
assert p["netPort"] == [{"allowedAccess": ["bind_tcp"], "port": [8080]}], p["netPort"]
assert set(p["ruleset"][0]["handledAccessNet"]) == {"bind_tcp", "connect_tcp"}, p
P
	echo "ok - shorthand-rights"; pass=$((pass + 1))
else
	echo "not ok - shorthand-rights"; sed 's/^/#   /' sh.json | head; fail=$((fail + 1))
fi


# NAME CONDITION...: a case written as a shell condition.
case_() {
	local name=$1; shift
	if "$@" >case.txt 2>&1; then
		echo "ok - $name"; pass=$((pass + 1))
	else
		echo "not ok - $name"; sed 's/^/#   /' case.txt err.txt 2>/dev/null | head -n 8; fail=$((fail + 1))
	fi
}

# Issue 24 item 8: what --print-policy writes, --check accepts, and it
# prints the same rules again (a round trip), with ports and scopes.
round_trip() {
	"$tool" --print-policy "$@" >rt1.json 2>err.txt || return 1
	"$tool" --check rt1.json >>err.txt 2>&1 || { cat err.txt; return 1; }
	"$tool" --print-policy rt1.json >rt2.json 2>>err.txt || return 1
	cmp rt1.json rt2.json || { diff rt1.json rt2.json; return 1; }
}
case_ print-policy-round-trip-shorthands round_trip --ro /usr --rw "$work" --connect-tcp 443
case_ print-policy-round-trip-file round_trip "$shell"
printf '{"abi": 6, "ruleset": [{"handledAccessFs": ["read_file"], "scoped": ["signal"]}],\n "pathBeneath": [{"allowedAccess": ["read_file"], "parent": ["/a$$b"]}]}\n' >dollar.json
case_ print-policy-round-trip-scope-dollar round_trip dollar.json

# Issue 24 item 7: an output that cannot be written is refused before the
# command runs (and on any kernel: before the kernel is probed).
unwritable() { # OPTION...: status 125, the path named, the command not run
	rm -f ran
	"$tool" "$@" -- touch "$work/ran" >out.txt 2>err.txt
	local rc=$?
	[ "$rc" -eq 125 ] && grep -q '/nonexistent/' err.txt && [ ! -e ran ] ||
		{ echo "status $rc"; cat err.txt; return 1; }
}
case_ unwritable-permissive unwritable --permissive=/nonexistent/p.json
case_ unwritable-ask unwritable --ask=/nonexistent/a.json
case_ unwritable-trace unwritable --trace=/nonexistent/t.json
case_ unwritable-log unwritable --log /nonexistent/l.jsonl
mkdir -p adir
unwritable_dir() {
	"$tool" --permissive=adir -- touch "$work/ran" >out.txt 2>err.txt
	[ $? -eq 125 ] && grep -q 'adir: Is a directory' err.txt && [ ! -e ran ]
}
case_ unwritable-is-directory unwritable_dir


# Issue 24 item 10: what landrun, nono and bubblewrap users expect.
expect comma-list-empty-item 125 'empty item' --ro /usr,,/etc -- true
expect comma-list-trailing 125 'empty item' --rw /usr, -- true
expect net-excludes-ports 125 '--net allows all of TCP' --net --connect-tcp 80 -- true
expect unsetenv-name 125 'not a variable name' --unsetenv A=B -- true
expect env-name 125 'not a variable name' --env =x -- true
expect access-needs-explain 125 '--access needs --explain' --access read_file -- true
expect access-names 125 'not a list of filesystem rights' --explain /usr --access raed_file
expect explain-no-command 125 'runs nothing' --explain /usr -- true
expect dry-run-excludes-check 125 'excludes' --dry-run --check "$shell"
"$tool" --ro /usr,/etc --rox /bin --rwx "$work/x,$work/y" --connect-tcp 80,443 --bind-tcp 8080 \
	--print-policy >cl.json 2>&1
if python3 - cl.json "$work" <<'P'; then
import json, sys
p = json.load(open(sys.argv[1])); w = sys.argv[2]
rules = {x: set(r["allowedAccess"]) for r in p["pathBeneath"] for x in r["parent"]}
assert rules["/usr"] == rules["/etc"] == {"read_file", "read_dir"}, rules
assert rules["/bin"] == {"execute", "read_file", "read_dir"}, rules
fs = set(p["ruleset"][0]["handledAccessFs"])
assert rules[w + "/x"] == rules[w + "/y"] == fs and "execute" in fs, rules
ports = {x: r["allowedAccess"] for r in p["netPort"] for x in r["port"]}
assert ports == {80: ["connect_tcp"], 443: ["connect_tcp"], 8080: ["bind_tcp"]}, ports
P
	echo "ok - comma-lists-rox-rwx"; pass=$((pass + 1))
else
	echo "not ok - comma-lists-rox-rwx"; sed 's/^/#   /' cl.json | head; fail=$((fail + 1))
fi

# --explain: which rule allows what, in user space (any kernel).
mkdir -p proj; echo x >proj/f
explain() {
	"$tool" --ro /usr --rw "$work/proj" --explain /usr/bin/env --explain "$work/proj/f" \
		--explain "$work/proj/new" >ex.txt 2>&1 || return 1
	grep -q "^/usr/bin/env: allowed read_file by the base rule on /usr$" ex.txt &&
		grep -q "^/usr/bin/env: denied execute,write_file" ex.txt &&
		grep -q "^$work/proj/f: allowed write_file,read_file.* by the base rule on $work/proj$" ex.txt &&
		grep -q "^$work/proj/new: allowed .*make_reg" ex.txt || { cat ex.txt; return 1; }
	"$tool" --ro /usr --explain /usr/bin/env --access read_file >ex.txt 2>&1 || return 1
	"$tool" --ro /usr --explain /usr/bin/env --access read_file,execute >ex.txt 2>&1
	[ $? -eq 1 ] && grep -q "^/usr/bin/env: denied execute$" ex.txt
}
case_ explain explain

# The system directories a sandboxed program needs here.
sys=
for d in /usr /lib /lib64 /bin /sbin; do [ -e "$d" ] && sys+=${sys:+,}$d; done
# --dry-run prints the layer (network handled, scopes) and runs nothing;
# where the kernel has no Landlock at all, nothing can run.
if "$tool" --dry-run --rx "$sys" -- true >/dev/null 2>dr.txt; then
	dry() {
		rm -f ran
		"$tool" --dry-run --rx "$sys" -- touch "$work/ran" >dr.json 2>dr.txt || return 1
		[ ! -e ran ] && grep -q 'dry run: touch would run' dr.txt || return 1
		# TCP is handled unless the kernel's ABI (best effort) lacks it.
		python3 - dr.json dr.txt <<'P' || return 1
import json, sys
r = json.load(open(sys.argv[1]))["ruleset"][0]
if "not enforced: " not in open(sys.argv[2]).read():
    assert set(r["handledAccessNet"]) == {"bind_tcp", "connect_tcp"}, r
    assert set(r["scoped"]) == {"signal", "abstract_unix_socket"}, r
P
		"$tool" --dry-run --net --no-scope --rx "$sys" -- true >dr.json 2>dr.txt &&
			! grep -q 'handledAccessNet\|scoped' dr.json
	}
	case_ dry-run dry

	# Behaviour, supervised or best effort (the host's kernel may lack the
	# series): the same defaults either way.
	denied_read() { ! "$tool" --rx "$sys" -- cat "$work/proj/f" 2>/dev/null; }
	case_ run-denies-outside-rules denied_read
	env_control() {
		A=outer B=outer "$tool" --rx "$sys" --clearenv --env A --env C=3 --unsetenv C \
			--env D=4 -- env >env.txt 2>err.txt || return 1
		sort env.txt | grep -v '^TMPDIR=' | tr '\n' ' ' | grep -qx 'A=outer D=4 ' ||
			{ cat env.txt err.txt; return 1; }
	}
	case_ env-control env_control
	tmpdir() {
		"$tool" --rx "$sys" -- sh -c 'echo x >"$TMPDIR/t" && cat "$TMPDIR/t" && echo "$TMPDIR"' \
			>tmp.txt 2>err.txt || { cat err.txt; return 1; }
		[ "$(head -n1 tmp.txt)" = x ] || return 1
		# Removed at exit, with what the command left in it.
		[ ! -e "$(tail -n1 tmp.txt)" ] || return 1
		"$tool" --no-tmpdir --rx "$sys" -- sh -c 'echo "${TMPDIR-unset}"' >tmp.txt 2>/dev/null
		[ "$(cat tmp.txt)" = "${TMPDIR-unset}" ]
	}
	case_ private-tmpdir tmpdir
	# "--rw $PWD -- make" with a C compiler: its temporary files go to the
	# private TMPDIR.
	if command -v make >/dev/null && command -v cc >/dev/null; then
		build() {
			mkdir -p mk && cd mk || return 1
			printf 'int main(void) { return 0; }\n' >m.c
			printf 'm: m.c\n\tcc -o m m.c\n' >Makefile
			"$tool" --rx "$sys" --ro /etc --rw "$PWD" -- make -s >../mk.txt 2>&1 ||
				{ cd ..; cat mk.txt; return 1; }
			cd .. && [ -x mk/m ]
		}
		case_ rw-pwd-make build
	fi
	if "$tool" --require-supervisor --dry-run -- true >/dev/null 2>&1; then
		case_ supervisor-present grep -q 'supervised Landlock layer' dr.txt
	else
		best_effort() {
			"$tool" --require-supervisor -- true 2>err.txt; [ $? -eq 125 ] || return 1
			grep -q 'no Landlock supervisor support.*--require-supervisor needs it' err.txt || return 1
			"$tool" --permissive=p.json -- true 2>err.txt; [ $? -eq 125 ] || return 1
			grep -q -- '--permissive needs it' err.txt || return 1
			"$tool" --rx "$sys" -- true 2>err.txt || return 1
			grep -q 'enforced as a fixed Landlock ruleset (ABI [0-9])' err.txt
		}
		case_ best-effort best_effort
	fi
else
	case_ no-landlock grep -q 'nothing can be enforced' dr.txt
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/bash
# End-to-end tests of landlock-supervise, run inside the patched kernel:
#   tests/e2e/run.sh TOOL WORKDIR
# Prints "ok - NAME" or "not ok - NAME" per test and "E2E-TOTALS P F".
set -u
tool=$1
work=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
base=$top/examples/shell.json
pass=0 fail=0

rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 1

ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; fail=$((fail + 1)); }
check() { # NAME CONDITION...
	local name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

policy_rw() { # FILE DIR: read-write rules on DIR
	cat >"$1" <<J
{"abi": 6, "ruleset": [{"handledAccessFs": ["abi.all"]}],
 "pathBeneath": [{"allowedAccess": ["abi.read_write"], "parent": ["$2"]}]}
J
}

# 1. A --policy rule is in force; what it lacks is denied.
t_policy() {
	mkdir -p p/allowed p/other
	echo data >p/allowed/f; echo data >p/other/f
	policy_rw p.json "$work/p/allowed"
	"$tool" --base "$base" --policy p.json -- sh -c 'cat p/allowed/f >/dev/null' &&
		! "$tool" --base "$base" --policy p.json -- sh -c 'cat p/other/f' 2>/dev/null
}

# 2. --watch: reloads add and remove rules while the command runs; a broken
# file keeps the previous policy and says where the error is.
t_watch() {
	rm -rf w wc w.json; mkdir -p w/a w/b wc; echo a >w/a/f; echo b >w/b/f
	# The command's control files are in wc/, granted by a base policy.
	policy_rw wc.json "$work/wc"
	policy_rw w.json "$work/w/a"
	cat >wc/job.sh <<'S'
#!/bin/sh
# Waits for each step, reports what it may read.
step() { while [ ! -e wc/step$1 ]; do sleep 0.05; done; }
r() { cat "$1" >/dev/null 2>&1 && echo yes || echo no; }
echo "start a=$(r w/a/f) b=$(r w/b/f)"; echo 1 >wc/ready1
step 1; echo "added a=$(r w/a/f) b=$(r w/b/f)"; echo 1 >wc/ready2
step 2; echo "removed a=$(r w/a/f) b=$(r w/b/f)"; echo 1 >wc/ready3
step 3; echo "broken a=$(r w/a/f) b=$(r w/b/f)"
S
	"$tool" --base "$base" --base wc.json --policy w.json --watch ${STRATEGY:+--strategy=$STRATEGY} \
		-- sh wc/job.sh >wc/out 2>wc/err &
	local pid=$!
	wait_for() { local i; for i in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.05; done; return 1; }
	wait_for wc/ready1
	cat >w.json.new <<J
{"abi": 6, "ruleset": [{"handledAccessFs": ["abi.all"]}],
 "pathBeneath": [{"allowedAccess": ["abi.read_write"], "parent": ["$work/w/a", "$work/w/b"]}]}
J
	mv w.json.new w.json; sleep 0.5; echo >wc/step1; wait_for wc/ready2
	policy_rw w.json.new "$work/w/b"; mv w.json.new w.json; sleep 0.5; echo >wc/step2
	wait_for wc/ready3
	printf '{"pathBeneath": [\n  {"allowedAccess": ["nope"], "parent": ["/"]}]}\n' >w.json.new
	mv w.json.new w.json; sleep 0.5; echo >wc/step3
	wait $pid
	grep -q "start a=yes b=no" wc/out && grep -q "added a=yes b=yes" wc/out &&
		grep -q "removed a=no b=yes" wc/out && grep -q "broken a=no b=yes" wc/out &&
		grep -q 'reload failed, previous policy kept: w.json:2:22:' wc/err ||
		{ cat wc/out wc/err; return 1; }
}

# 3. Permissive mode writes a policy that replays with no event.
t_permissive_replay() {
	mkdir -p pm/data; echo hi >pm/data/in
	cat >pm/job.sh <<'S'
cat pm/data/in >pm/data/out1
cat pm/data/in >pm/data/out2
mkdir -p pm/data/sub && echo x >pm/data/sub/new
ls pm/data >/dev/null
S
	"$tool" --base "$base" --permissive=pm/learned.json --log pm/1.jsonl -- sh pm/job.sh || return 1
	[ -s pm/1.jsonl ] || return 1
	rm -rf pm/data/out1 pm/data/out2 pm/data/sub
	"$tool" --base "$base" --policy pm/learned.json --log pm/2.jsonl -- sh pm/job.sh || return 1
	[ ! -s pm/2.jsonl ] && [ -e pm/data/sub/new ] || { cat pm/learned.json pm/2.jsonl; return 1; }
}

# 3b. --fold: many files of a directory become one rule on the directory,
# which still replays with no event.
t_permissive_fold() {
	mkdir -p fo/data
	for i in 1 2 3 4; do echo $i >fo/data/f$i; done
	"$tool" --base "$base" --permissive=fo/learned.json --fold 3 -- \
		sh -c 'cat fo/data/f1 fo/data/f2 fo/data/f3 fo/data/f4 >/dev/null' || return 1
	python3 - fo/learned.json "$work/fo/data" <<'P' || return 1
import json, sys
p = json.load(open(sys.argv[1]))
parents = [x for e in p["pathBeneath"] for x in e["parent"]]
assert sys.argv[2] in parents, parents
assert not any(x.startswith(sys.argv[2] + "/f") for x in parents), parents
P
	"$tool" --base "$base" --policy fo/learned.json --log fo/replay.jsonl -- \
		sh -c 'cat fo/data/f1 fo/data/f2 fo/data/f3 fo/data/f4 >/dev/null' &&
		[ ! -s fo/replay.jsonl ]
}

# 4. The JSON-lines log has the fields a reader needs.
t_log_fields() {
	mkdir -p lg; echo x >lg/f
	"$tool" --base "$base" --log lg/log.jsonl -- cat lg/f >/dev/null 2>&1
	python3 - lg/log.jsonl <<'P'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines, "no event"
e = lines[0]
for k in ("time", "pid", "tid", "comm", "type", "access", "object", "layer", "decision", "wait_us"):
    assert k in e, k
assert e["decision"] == "deny" and e["comm"] == "cat" and "read_file" in e["access"], e
P
}

# 5. --ask through a terminal: allow this object, then deny; --ask=OUT
# saves what was allowed as a policy.
t_ask_pty() {
	mkdir -p ask; echo secret >ask/f; echo other >ask/g
	printf 'o\nd\n' | script -qfec "$tool --base $base --ask=ask/answers.json -- sh -c 'cat ask/f; cat ask/g'" ask/typescript >ask/out 2>&1
	grep -q secret ask/out && ! grep -q '^other' ask/out && grep -q 'wants read_file on' ask/out ||
		{ cat ask/out; return 1; }
	grep -q "\"$work/ask/f\"" ask/answers.json && ! grep -q "ask/g" ask/answers.json ||
		{ cat ask/answers.json; return 1; }
}

# 6. Tracing a small C build lists exactly its inputs and outputs.
t_trace_build() {
	mkdir -p tr && cd tr || return 1
	printf '#include "util.h"\nint main(void) { return util(); }\n' >main.c
	printf 'int util(void);\n' >util.h
	printf '#include "util.h"\nint util(void) { return 0; }\n' >util.c
	printf 'prog: main.o util.o\n\tcc -o prog main.o util.o\n%%.o: %%.c util.h\n\tcc -c $<\n' >Makefile
	"$tool" --base "$base" --trace=trace.json -- make -s >make.log 2>&1 || { cat make.log; cd ..; return 1; }
	"$tool" --base "$base" --trace=trace.d --trace-format=make -- sh -c 'rm -f prog *.o && make -s' >/dev/null 2>&1
	python3 - trace.json "$PWD" <<'P' || { cd ..; return 1; }
import json, sys
t = json.load(open(sys.argv[1])); d = sys.argv[2]
written = set(t["write"]) | set(t["create"])
for f in ("main.o", "util.o", "prog"):
    assert d + "/" + f in written, (f, sorted(written))
for f in ("main.c", "util.c", "util.h", "Makefile"):
    assert d + "/" + f in t["read"], (f, sorted(t["read"]))
# Sources are inputs, never outputs.
assert not any(d + "/" + f in written for f in ("main.c", "util.c", "util.h")), written
# Files under --base rules (the toolchain in /usr) are never denied: not traced.
assert not any(p.startswith("/usr/") for p in t["read"] + t["execute"]), t["read"]
P
	grep -q "prog" trace.d && grep -q "main.c" trace.d || { cat trace.d; cd ..; return 1; }
	cd ..
}

# A nested C project: sources in src/ and src/sub/dir/, objects in out/
# and out/sub/ (directories the build makes), a header that the build
# generates into src/ before it compiles, gcc's own -MD lists.
t_trace__project() { # DIR
	rm -rf "$1"; mkdir -p "$1/src/sub/dir"
	echo 3 >"$1/VERSION"
	printf '#include "version.h"\n#include "sub/util.h"\nint a(void);\nint b(void);\nint main(void) { return a() + b() + util() - VERSION; }\n' >"$1/src/main.c"
	printf 'static inline int util(void) { return 1; }\n' >"$1/src/sub/util.h"
	printf '#include "version.h"\n#include "sub/util.h"\nint a(void) { return VERSION + util(); }\n' >"$1/src/sub/dir/a.c"
	printf '#include "sub/dir/b.h"\nint b(void) { return B; }\n' >"$1/src/sub/dir/b.c"
	printf '#define B 2\n' >"$1/src/sub/dir/b.h"
	cat >"$1/Makefile" <<'M'
CFLAGS = -Isrc -MD
out/prog: out/main.o out/sub/a.o out/sub/b.o
	cc -o $@ $^
src/version.h: VERSION
	sed 's/.*/#define VERSION &/' VERSION >$@
out/main.o: src/main.c src/version.h | out
	cc $(CFLAGS) -c -o $@ $<
out/sub/%.o: src/sub/dir/%.c src/version.h | out/sub
	cc $(CFLAGS) -c -o $@ $<
out out/sub:
	mkdir -p $@
-include out/main.d out/sub/a.d out/sub/b.d
M
}

# Checks a trace against the project's -MD lists:
#   t_trace__check DIR TRACE.json|TRACE.d json|clean|rerun
# json: every file the compiler read is in "read", every output in "write"
# or "create", no source among them; clean and rerun: each output of the
# make format has its own rule, listing at least its -MD list and never
# itself; rerun: main.o's rule does not list a.c, read after main.o's
# compiler was gone.
t_trace__check() {
	python3 - "$@" <<'P'
import glob, json, os, re, sys
d, trace, mode = sys.argv[1:4]
def rules(text):
    text = text.replace("\\\n", " ")
    out = {}
    for line in text.splitlines():
        if ":" not in line:
            continue
        target, deps = line.split(":", 1)
        target = os.path.join(d, target.strip())
        out[target] = {os.path.join(d, x) for x in deps.split()}
    return out
md = {}
for f in glob.glob(d + "/out/**/*.d", recursive=True):
    md.update(rules(open(f).read()))
# The toolchain's own files are under --base rules: not traced.
md = {o: {x for x in deps if not x.startswith("/usr/")} for o, deps in md.items()}
assert len(md) == 3, md
outputs = set(md) | {f[:-2] + ".d" for f in md} | {d + "/out/prog", d + "/src/version.h"}
sources = {x for deps in md.values() for x in deps} - {d + "/src/version.h"}
if mode == "json":
    t = json.load(open(trace))
    read, written = set(t["read"]), set(t["write"]) | set(t["create"])
    missing = {x for deps in md.values() for x in deps} - read
    assert not missing, ("reads missing", sorted(missing))
    assert outputs <= written, ("outputs missing", sorted(outputs - written))
    assert not sources & written, ("sources as outputs", sorted(sources & written))
    sys.exit(0)
got = rules(open(trace).read())
if mode == "clean":
    assert outputs <= set(got), ("outputs without a rule", sorted(outputs - set(got)))
    checked = md
else:
    rebuilt = {d + "/out/main.o", d + "/out/sub/a.o"}
    assert rebuilt | {d + "/out/prog"} <= set(got), sorted(got)
    checked = {o: md[o] for o in rebuilt}
    assert d + "/src/sub/dir/a.c" not in got[d + "/out/main.o"], ("main.o", sorted(got[d + "/out/main.o"]))
for o, deps in checked.items():
    assert deps <= got[o], (o, "misses", sorted(deps - got[o]))
    assert deps <= got[o[:-2] + ".d"], (o[:-2] + ".d", "misses", sorted(deps - got[o[:-2] + ".d"]))
    assert o not in got[o], (o, "depends on itself")
assert set(checked) <= got[d + "/out/prog"], ("prog", sorted(got[d + "/out/prog"]))
P
}

# 6b. Tracing a nested C project is exact against gcc's -MD lists: reads
# beneath src/ after the build wrote src/version.h, outputs in out/sub/
# (both were missed: inotify watched only the directory of a creation);
# one rule per output, which lists what the run had read when the process
# that wrote it was gone (make's format gave one rule for all outputs).
t_trace_nested() {
	local d=$work/tn
	t_trace__project "$d"
	(cd "$d" && "$tool" --base "$base" --trace="$work/tn-1.json" -- make -s) >tn-1.log 2>&1 ||
		{ cat tn-1.log; return 1; }
	t_trace__check "$d" "$work/tn-1.json" json || return 1
	rm -rf "$d/out" "$d/src/version.h"
	(cd "$d" && "$tool" --base "$base" --trace="$work/tn-2.d" --trace-format=make -- make -s) >tn-2.log 2>&1 ||
		{ cat tn-2.log; return 1; }
	t_trace__check "$d" "$work/tn-2.d" clean || { cat tn-2.d; return 1; }
	# Older than now (timestamps may have a coarse grain), util.h newer.
	find "$d" -exec touch -d @1600000000 {} + && touch "$d/src/sub/util.h" || return 1
	(cd "$d" && "$tool" --base "$base" --trace="$work/tn-3.d" --trace-format=make -- make -s) >tn-3.log 2>&1 ||
		{ cat tn-3.log; return 1; }
	t_trace__check "$d" "$work/tn-3.d" rerun || { cat tn-3.d; return 1; }
}

# 6c. A project under a --base rule: its accesses need no event, so the
# depfile is empty; the tool says so, naming the rule.
t_trace_base_rule() {
	rm -rf tb; mkdir -p tb
	printf 'int main(void) { return 0; }\n' >tb/m.c
	printf 'm: m.c\n\tcc -o m m.c\n' >tb/Makefile
	(cd tb && "$tool" --base "$base" --rw "$work/tb" --trace="$work/tb.d" --trace-format=make -- make -s) \
		>tb.log 2>&1 || { cat tb.log; return 1; }
	grep -q "trace: the base rule on $work/tb allows .*not traced" tb.log &&
		grep -q "depfile has no rule" tb.log || { cat tb.log; return 1; }
}

# 7. Errors: a missing command, a broken policy, a missing path.
t_errors() {
	"$tool" --base "$base" -- /nonexistent/cmd 2>er.txt; [ $? -eq 127 ] || return 1
	grep -q "command not found" er.txt || return 1
	printf '{"abi": 6,\n "pathBeneath": [}\n' >bad.json
	"$tool" --policy bad.json -- true 2>er.txt; [ $? -eq 125 ] || return 1
	grep -q "bad.json:2:" er.txt || return 1
	policy_rw miss.json "$work/does-not-exist"
	"$tool" --policy miss.json -- true 2>er.txt; [ $? -eq 125 ] || return 1
	"$tool" --base "$base" --policy miss.json --ignore-missing -- true 2>er.txt || return 1
	grep -q "missing .*does-not-exist (ignored)" er.txt
}

# 7b. Permissive mode needs no base policy: the command's binary, its
# interpreter and its libraries are learned while it starts (it hung).
t_permissive_no_base() {
	mkdir -p nb; echo hi >nb/in
	timeout 60 "$tool" --permissive=nb/true.json -- /bin/true || return 1
	[ -s nb/true.json ] || return 1
	timeout 60 "$tool" --permissive=nb/sh.json -- sh -c 'cat nb/in >nb/out' || return 1
	[ "$(cat nb/out)" = hi ] || return 1
	rm nb/out
	timeout 60 "$tool" --policy nb/sh.json --log nb/replay.jsonl -- sh -c 'cat nb/in >nb/out' ||
		{ cat nb/sh.json; return 1; }
	[ ! -s nb/replay.jsonl ] || { cat nb/replay.jsonl; return 1; }
	timeout 60 "$tool" --trace=nb/trace.json -- /bin/true || return 1
	# A command that cannot start is still reported as such.
	timeout 60 "$tool" --permissive=nb/none.json -- /nonexistent/cmd 2>nb/err; [ $? -eq 127 ]
}

# 7c. Learned rules are the narrowest that replay: reads and writes per
# file; creating a file grants on its directory the creation and what the
# new file's open used (write_file: the kernel asks about that open), with
# truncate and remove_file for a rerun over its outputs; a file of another
# directory, and one beside the new file, stay denied.
t_permissive_narrow() {
	mkdir -p nr/d nr/e; echo a >nr/d/in; echo b >nr/d/other; echo s >nr/e/secret
	local job='cat nr/d/in >/dev/null; echo x >>nr/d/in; echo y >nr/d/new'
	"$tool" --base "$base" --permissive=nr/learned.json -- sh -c "$job" || return 1
	python3 - nr/learned.json "$work/nr/d" <<'P' || return 1
import json, os, sys
p = json.load(open(sys.argv[1])); d = sys.argv[2]
rules = {}
for e in p["pathBeneath"]:
    for x in e["parent"]:
        rules.setdefault(x, set()).update(e["allowedAccess"])
# The new file was only written: no read_file on its directory.
want = {"make_reg", "write_file", "truncate", "remove_file"}
assert rules.get(d) == want, rules.get(d)
assert rules.get(d + "/in") == {"read_file", "write_file"}, rules.get(d + "/in")
assert d + "/other" not in rules and d + "/new" not in rules, rules
P
	rm nr/d/new
	"$tool" --base "$base" --policy nr/learned.json --log nr/replay.jsonl -- sh -c "$job" &&
		[ ! -s nr/replay.jsonl ] || { cat nr/replay.jsonl; return 1; }
	! "$tool" --base "$base" --policy nr/learned.json -- cat nr/e/secret 2>/dev/null &&
		! "$tool" --base "$base" --policy nr/learned.json -- cat nr/d/other 2>/dev/null
}

# 7e. Many files: each read is granted on its own (the supervisor's rules
# are indexed) and the learned policy replays with no event.
t_permissive_many() {
	mkdir -p many/d
	(cd many/d && seq 3000 | xargs touch)
	"$tool" --base "$base" --permissive=many/learned.json -- sh -c 'cat many/d/* >/dev/null' ||
		return 1
	[ "$(grep -c "$work/many/d/" many/learned.json)" -eq 3000 ] || return 1
	"$tool" --base "$base" --policy many/learned.json --log many/replay.jsonl -- \
		sh -c 'cat many/d/* >/dev/null' && [ ! -s many/replay.jsonl ]
}

# 7f. A rename and a link: rules on both directories (staged for one
# commit), logged with their destination, learned, replayed with no event.
t_permissive_rename() {
	rm -rf rn; mkdir -p rn/a rn/b; echo x >rn/a/f; echo y >rn/a/g
	local job='mv rn/a/f rn/b/f2 && ln rn/a/g rn/b/g2'
	"$tool" --base "$base" --permissive=rn/learned.json --log rn/log.jsonl -- sh -c "$job" ||
		return 1
	[ -e rn/b/f2 ] && [ -e rn/b/g2 ] && [ ! -e rn/a/f ] || { ls -R rn; return 1; }
	python3 - rn/learned.json rn/log.jsonl "$work/rn" <<'P' || return 1
import json, sys
p = json.load(open(sys.argv[1])); d = sys.argv[3]
rules = {}
for e in p["pathBeneath"]:
    for x in e["parent"]:
        rules.setdefault(x, set()).update(e["allowedAccess"])
for sub in ("a", "b"):
    assert {"refer", "make_reg", "remove_file"} <= rules.get(d + "/" + sub, set()), rules
lines = [json.loads(l) for l in open(sys.argv[2])]
moves = [e for e in lines if e.get("dest") == d + "/b/f2"]
assert moves and moves[0]["object"] == d + "/a/f" and moves[0]["decision"] == "allow", lines
P
	rm -rf rn/a rn/b; mkdir -p rn/a rn/b; echo x >rn/a/f; echo y >rn/a/g
	"$tool" --base "$base" --policy rn/learned.json --log rn/replay.jsonl -- sh -c "$job" &&
		[ ! -s rn/replay.jsonl ] || { cat rn/replay.jsonl; return 1; }
}

# 7g. A denied bind in permissive mode: the port is learned (the rule goes
# with the answer) and replays with no event.
t_permissive_net() {
	mkdir -p nt
	local job='import socket; s = socket.socket(); s.bind(("127.0.0.1", 20555)); s.close()'
	"$tool" --base "$base" --bind-tcp 1 --permissive=nt/learned.json --log nt/log.jsonl -- \
		python3 -c "$job" || return 1
	python3 - nt/learned.json nt/log.jsonl <<'P' || return 1
import json, sys
p = json.load(open(sys.argv[1]))
ports = {x: e["allowedAccess"] for e in p.get("netPort", []) for x in e["port"]}
assert ports.get(20555) == ["bind_tcp"], ports
lines = [json.loads(l) for l in open(sys.argv[2])]
net = [e for e in lines if e["type"] == "net"]
assert len(net) == 1 and net[0]["port"] == 20555 and net[0]["decision"] == "allow", net
P
	"$tool" --base "$base" --bind-tcp 1 --policy nt/learned.json --log nt/replay.jsonl -- \
		python3 -c "$job" && [ ! -s nt/replay.jsonl ] || { cat nt/replay.jsonl; return 1; }
}

# 7h. --ask, "allow its directory tree" on a file: the rule is on the
# directory (the answer carries it), so the next file asks nothing.
t_ask_tree() {
	mkdir -p at/d; echo one >at/d/f; echo two >at/d/g
	printf 't\n' | script -qfec "$tool --base $base --ask=at/answers.json -- sh -c 'cat at/d/f at/d/g'" \
		at/typescript >at/out 2>&1
	grep -qw one at/out && grep -qw two at/out || { cat at/out; return 1; }
	[ "$(grep -c 'wants read_file on' at/out)" -eq 1 ] || { cat at/out; return 1; }
	grep -q "\"$work/at/d\"" at/answers.json && ! grep -q "at/d/f" at/answers.json ||
		{ cat at/answers.json; return 1; }
}

# Runs COMMAND on a pseudo-terminal and plays a dialogue with it:
#   t_ask__drive TRANSCRIPT STEP... -- COMMAND...
# STEP is "e:REGEX" (wait until the output after the last match matches) or
# "s:TEXT" (type TEXT; \n, \x03... escapes).  Returns COMMAND's status; 124
# if a REGEX never came (the whole dialogue has 60 s).
t_ask__drive() {
	python3 - "$@" <<'P'
import codecs, os, pty, re, select, signal, sys, time
out = sys.argv[1]
i = sys.argv.index("--")
steps, cmd = sys.argv[2:i], sys.argv[i + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
buf, pos, deadline = b"", 0, time.time() + 60
def more(block=True):
    global buf
    r, _, _ = select.select([fd], [], [], max(0, deadline - time.time()) if block else 0)
    if not r:
        return False
    try:
        data = os.read(fd, 4096)
    except OSError:
        return None
    if not data:
        return None
    buf += data
    return True
status = None
for step in steps:
    kind, arg = step[0], step[2:]
    if kind == "s":
        os.write(fd, codecs.decode(arg, "unicode_escape").encode())
        continue
    rx = re.compile(arg.encode())
    while True:
        m = rx.search(buf, pos)
        if m:
            pos = m.end()
            break
        got = more()
        if got is None or time.time() >= deadline:
            sys.stderr.write("dialogue: no %r in the output\n" % arg)
            os.kill(pid, signal.SIGKILL)
            status = 124
            break
    if status is not None:
        break
while more() is not None and time.time() < deadline:
    pass
open(out, "wb").write(buf)
if status is None:
    if time.time() >= deadline:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        status = 124
    else:
        _, st = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(st)
        status = 128 - status if status < 0 else status
sys.exit(status)
P
}

# 7j. --ask "allow once": the read is allowed, the policy does not keep it,
# and once the reader has exited the same file asks again.
t_ask_once() {
	rm -rf ao; mkdir -p ao; echo secret >ao/f; echo other >ao/g
	t_ask__drive ao/out e:'wants read_file on .*/ao/f' s:'1\n' e:'wants read_file on .*/ao/g' s:'d\n' \
		e:'wants read_file on .*/ao/f' s:'d\n' -- \
		"$tool" --base "$base" --ask=ao/answers.json -- sh -c 'cat ao/f; cat ao/g; cat ao/f; echo done'
	local rc=$?
	[ $rc -eq 0 ] && [ "$(grep -c secret ao/out)" -eq 1 ] && grep -q done ao/out || { echo "rc=$rc"; cat ao/out; return 1; }
	! grep -q "ao/f" ao/answers.json || { cat ao/answers.json; return 1; }
}

# 7k. --ask, "allow this object" on a file creation: the file is created
# and usable, but the directory's tree gets nothing: reading another file
# there and creating another entry ask again (not so before: [o] granted
# read, write and create on the whole directory tree).
t_ask_create() {
	rm -rf ac; mkdir -p ac/d/sub; echo old >ac/d/sub/old; echo x >ac/barrier
	local job='echo one >ac/d/new && cat ac/d/new; cat ac/barrier >/dev/null; cat ac/d/sub/old; echo two >ac/d/new2; echo end'
	t_ask__drive ac/out e:'wants make_reg on .*/ac/d/new' s:'o\n' \
		e:'wants read_file on .*/ac/barrier' s:'d\n' \
		e:'wants read_file on .*/ac/d/sub/old' s:'d\n' \
		e:'wants make_reg on .*/ac/d/new2' s:'d\n' -- \
		"$tool" --base "$base" --ask=ac/answers.json -- sh -c "$job"
	local rc=$?
	[ $rc -eq 0 ] && grep -q '^one' ac/out && ! grep -q '^old' ac/out && grep -q end ac/out &&
		[ "$(cat ac/d/new)" = one ] && [ ! -e ac/d/new2 ] || { echo "rc=$rc"; cat ac/out; ls -R ac; return 1; }
	# The policy replays the creation (its directory's rule, as --permissive writes it).
	grep -q "\"$work/ac/d\"" ac/answers.json || { cat ac/answers.json; return 1; }
}

# 7l. A typo asks again instead of denying.
t_ask_typo() {
	rm -rf aty; mkdir -p aty; echo secret >aty/f
	t_ask__drive aty/out e:'wants read_file on .*/aty/f' s:'x\n' e:'please answer' s:'o\n' -- \
		"$tool" --base "$base" --ask -- cat aty/f || { cat aty/out; return 1; }
	grep -q secret aty/out || { cat aty/out; return 1; }
}

# 7m. Ctrl-C at a question: the question is withdrawn (denied), the
# command gets SIGINT, and the run ends without waiting for an answer.
t_ask_interrupt() {
	rm -rf ai; mkdir -p ai; echo secret >ai/f
	t_ask__drive ai/out e:'wants read_file on .*/ai/f' s:'\x03' e:'got-int' -- \
		"$tool" --base "$base" --ask -- sh -c 'trap "echo got-int; exit 3" INT; cat ai/f; echo after'
	local rc=$?
	[ $rc -eq 3 ] && ! grep -q secret ai/out && grep -q 'denied' ai/out || { echo "rc=$rc"; cat ai/out; return 1; }
}

# 7n. A command reading the terminal while a question waits cannot take
# the answer: the prompt owns the terminal; the command reads what is typed
# after.
t_ask_terminal() {
	rm -rf at2; mkdir -p at2/rw; echo secret >at2/f
	local job='(touch at2/rw/reading; read -r x </dev/tty; echo "read: $x" >at2/rw/got) &
while [ ! -e at2/rw/reading ]; do :; done; cat at2/f; wait'
	t_ask__drive at2/out e:'wants read_file on .*/at2/f' s:'o\n' e:'secret' s:'hello\n' -- \
		"$tool" --base "$base" --rw "$work/at2/rw" --ask -- sh -c "$job"
	local rc=$?
	[ $rc -eq 0 ] && grep -q secret at2/out && [ "$(cat at2/rw/got 2>/dev/null)" = "read: hello" ] ||
		{ echo "rc=$rc"; cat at2/out; cat at2/rw/got; return 1; }
}

# 7o. The other kinds of answers: a rename allowed as "this object" moves
# that entry only (the next rename asks); a port allowed once is asked
# about again by the next process.
t_ask_scopes() {
	rm -rf as; mkdir -p as/d; echo x >as/d/one; echo y >as/barrier
	local bind='import socket; s = socket.socket(); s.bind(("127.0.0.1", 20556)); s.close(); print("bound")'
	local job="mv as/d/one as/d/two; cat as/barrier; mv as/d/two as/d/three; python3 -c '$bind'; cat as/barrier; python3 -c '$bind'; echo end"
	t_ask__drive as/out e:'wants .*on .*/as/d/one' s:'o\n' e:'wants read_file on .*/as/barrier' s:'d\n' \
		e:'wants .*on .*/as/d/two' s:'d\n' e:'wants read_dir on' s:'o\n' \
		e:'wants bind_tcp on tcp port 20556' s:'1\n' \
		e:'wants read_file on .*/as/barrier' s:'d\n' e:'wants bind_tcp on tcp port 20556' s:'d\n' -- \
		"$tool" --base "$base" --bind-tcp 1 --ask -- sh -c "$job"
	local rc=$?
	[ $rc -eq 0 ] && [ "$(grep -o 'bound' as/out | wc -l)" -eq 1 ] && grep -q end as/out &&
		[ -e as/d/two ] && [ ! -e as/d/three ] || { echo "rc=$rc"; cat as/out; ls as/d; return 1; }
}

# 7p. --ask "allow once" on an open, which waits in the kernel's check: the
# kernel's one-off answer, no rule at all, so that a second open of the same
# file right after, by the same process, asks again (a rule committed for
# the call, even one withdrawn after it, would let it through).  A creation,
# which the kernel cannot answer once, gets a rule until the call is over,
# and the question says so.
t_ask_once_kernel() {
	rm -rf ak; mkdir -p ak/d; echo secret >ak/f; echo x >ak/barrier
	local job='exec 3<ak/f 4<ak/f; cat <&3; cat <&4; echo one >ak/d/new1; cat ak/barrier; echo two >ak/d/new2; echo end'
	# Each answer is typed once the whole question is out (up to its "> "):
	# the command's output then starts a line of its own.
	local q='\s+\[o\][^\n]*\[1\] allow once' p='[^>]*> '
	t_ask__drive ak/out e:"wants read_file on .*/ak/f$q \\(this access, no rule\\)$p" s:'1\n' \
		e:"wants read_file on .*/ak/f$q \\(this access, no rule\\)$p" s:'1\n' \
		e:"wants make_reg on .*/ak/d/new1$q \\(a rule until the call is over\\)$p" s:'1\n' \
		e:"wants read_file on .*/ak/barrier$p" s:'d\n' e:"wants make_reg on .*/ak/d/new2$p" s:'d\n' e:'end' -- \
		"$tool" --base "$base" --ask=ak/answers.json --log ak/log.jsonl -- sh -c "$job"
	local rc=$?
	[ $rc -eq 0 ] && [ "$(grep -c '^secret' ak/out)" -eq 2 ] && [ "$(cat ak/d/new1)" = one ] &&
		[ ! -e ak/d/new2 ] || { echo "rc=$rc"; cat ak/out; ls ak/d; return 1; }
	[ "$(grep -c '"decision":"allow"' ak/log.jsonl)" -eq 3 ] || { cat ak/log.jsonl; return 1; }
	! grep -q "ak/" ak/answers.json || { cat ak/answers.json; return 1; }
}

# 7q. --ask where a rule lets the command create files but not write them
# (make_reg on the directory): the open of each new file is asked about on
# the file itself; [o] puts the rule on that file alone, so that reading it
# and writing the directory's next new file ask again.
t_ask_created() {
	rm -rf ac2; mkdir -p ac2/d
	cat >ac2/p.json <<J
{"abi": 6, "ruleset": [{"handledAccessFs": ["abi.all"]}],
 "pathBeneath": [{"allowedAccess": ["make_reg"], "parent": ["$work/ac2/d"]}]}
J
	local job='echo one >ac2/d/new && cat ac2/d/new; echo two >ac2/d/new2; echo end'
	t_ask__drive ac2/out e:'wants write_file on .*/ac2/d/new \(a file it has just created\)' s:'o\n' \
		e:'wants read_file on .*/ac2/d/new\s' s:'d\n' \
		e:'wants write_file on .*/ac2/d/new2 \(a file it has just created\)' s:'d\n' e:'end' -- \
		"$tool" --base "$base" --policy ac2/p.json --ask=ac2/answers.json --log ac2/log.jsonl -- sh -c "$job"
	local rc=$?
	[ $rc -eq 0 ] && ! grep -q '^one' ac2/out && [ "$(cat ac2/d/new)" = one ] &&
		[ -e ac2/d/new2 ] && [ ! -s ac2/d/new2 ] || { echo "rc=$rc"; cat ac2/out; ls -l ac2/d; return 1; }
	# The log tells the opens of new files from the read of an existing one.
	python3 - ac2/log.jsonl "$work/ac2/d" <<'P' || return 1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
got = sorted((l["object"], l["created"]) for l in lines)
d = sys.argv[2]
want = [(d + "/new", False), (d + "/new", True), (d + "/new2", True)]
assert got == want, got
P
	# Learned as a creation: its directory (the file does not exist from clean).
	learn_rules ac2/answers.json >ac2/rules
	grep -qx "$work/ac2/d make_reg,remove_file,truncate,write_file" ac2/rules || { cat ac2/rules; return 1; }
}

# 7i. The library's events in this kernel (tests/user/events_test.c):
# batches, paths without descriptors, one-call grants, their record.
t_lib_events() {
	"$(dirname "$tool")/events_test_uml"
}

# 7d. SIGINT goes to the command, and the learned policy is still written
# (atomically: no temporary file left); SIGTERM the same for a trace.
t_signals() {
	mkdir -p sg; echo hi >sg/in
	python3 - "$tool" "$base" <<'P'
import json, os, signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_DFL)
tool, base = sys.argv[1:3]
def run(sig, args, script):
    for f in ("sg/ready", "sg/got"):
        if os.path.exists(f):
            os.unlink(f)
    p = subprocess.Popen([tool, "--base", base] + args + ["--", "sh", "-c", script])
    for _ in range(400):
        if os.path.exists("sg/ready"):
            break
        time.sleep(0.05)
    else:
        p.kill()
        raise SystemExit("the command did not start")
    p.send_signal(sig)
    return p.wait(timeout=60)
rc = run(signal.SIGINT, ["--permissive=sg/learned.json"],
         'trap "echo int >sg/got; exit 3" INT; cat sg/in >/dev/null; echo >sg/ready; '
         'while :; do sleep 0.1; done')
assert rc == 3, rc
assert open("sg/got").read() == "int\n"
p = json.load(open("sg/learned.json"))
parents = [x for e in p["pathBeneath"] for x in e["parent"]]
assert os.path.abspath("sg/in") in parents, parents
rc = run(signal.SIGTERM, ["--trace=sg/trace.json"],
         'cat sg/in >/dev/null; echo >sg/ready; while :; do sleep 0.1; done')
assert rc == 128 + signal.SIGTERM, rc
t = json.load(open("sg/trace.json"))
assert os.path.abspath("sg/in") in t["read"], t
left = [f for f in os.listdir("sg") if f.startswith(".")]
assert not left, left
P
}

# 8. The exit status is the command's.
t_exit_status() {
	"$tool" --base "$base" -- sh -c 'exit 7'; [ $? -eq 7 ]
}

# 9. The kernel series' sample supervisor asks on the terminal and grants.
# It allows reading everything: writing asks.  A new file takes three
# questions: its creation (y: make_reg on the directory; a creation waits at
# the end of its call, so no "o=once"), the open of the file that this
# creation made (LANDLOCK_EVENT_CREATED, waiting in the check: "o=once" is
# offered, and o allows it with no rule), then the next open of that file
# (asked again, since once left no rule; y: a rule on the file).
t_sample_supervisor() {
	rm -rf smp; mkdir -p smp
	local new="$work/smp/new"
	t_ask__drive smp/out \
		e:"wants make_reg on $new\r?\nallow\\? \\[y=always/" s:'y\n' \
		e:"wants write_file on $new \\(created by this call\\)\r?\nallow\\? \\[o=once/" s:'o\n' \
		e:"wants write_file on $new\r?\nallow\\? \\[o=once/" s:'y\n' -- \
		"$(dirname "$tool")/supervisor-sample" sh -c 'echo granted >smp/new; echo again >>smp/new' ||
		{ cat smp/out; return 1; }
	[ "$(grep -c 'wants' smp/out)" -eq 3 ] && [ "$(cat smp/new)" = "granted
again" ] || { cat smp/out smp/new; return 1; }
}

# The supervisor event loop of landlock.rst: every denied read is granted in
# the answer, and the sandboxed program gets its file.
t_doc_example() {
	rm -rf docx; mkdir -p docx
	echo hello >docx/f
	"$(dirname "$tool")/doc-example-loop" cat docx/f >docx/out 2>docx/err ||
		{ cat docx/err; return 1; }
	grep -qx hello docx/out && grep -q 'was denied 0x4 on .*/docx/f' docx/err ||
		{ cat docx/out docx/err; return 1; }
}

# 2b. --watch reacts to the policy files only (not to an editor's swap file
# next to them), and once per save.
t_watch_names() {
	rm -rf wn; mkdir -p wn/pol
	policy_rw wn/pol/p.json "$work/wn"
	"$tool" --base "$base" --policy wn/pol/p.json --watch -- \
		sh -c 'while [ ! -e wn/stop ]; do sleep 0.05; done' 2>wn/err &
	local pid=$! n
	sleep 0.5
	echo swap >wn/pol/.p.json.swp; echo x >wn/pol/other.json; mv wn/pol/other.json wn/pol/other2.json
	sleep 0.5
	n=$(grep -c 'policy reloaded' wn/err)
	[ "$n" -eq 0 ] || { echo "reloaded $n times for other files"; cat wn/err; touch wn/stop; wait $pid; return 1; }
	policy_rw wn/pol/p.json.new "$work/wn"; mv wn/pol/p.json.new wn/pol/p.json
	sleep 0.5
	cp wn/pol/p.json wn/pol/p.tmp; cat wn/pol/p.tmp >wn/pol/p.json
	sleep 0.5
	touch wn/stop; wait $pid
	n=$(grep -c 'policy reloaded' wn/err)
	[ "$n" -eq 2 ] || { echo "reloaded $n times for 2 saves"; cat wn/err; return 1; }
}

# Live reload with each strategy of the library (docs/alternatives.md).
t_watch_replace() { STRATEGY=replace t_watch; }
t_watch_clear() { STRATEGY=clear t_watch; }
t_watch_commit_ruleset() { STRATEGY=commit-ruleset t_watch; }
t_watch_intersect_ruleset() { STRATEGY=intersect-ruleset t_watch; }

# 10. Every way of reloading in docs/alternatives.md gets the job right.
t_alternatives() {
	"$(dirname "$tool")/reload" 10 2 && "$(dirname "$tool")/reload" 300 1
}

# 11. Commits, events and accesses racing: every success explained by a
# committed version, EACCES only, one answer per event, no memory kept.
t_stress() {
	"$(dirname "$tool")/stress" "${LL_STRESS_SECONDS:-3}" "${LL_STRESS_SEED:-$RANDOM}"
}

# 11a. The same once the model's versions are all used (1000): the
# supervisor no longer commits, and answers that cannot grant deny (a plain
# "allow" would allow an access waiting in the hook once, unknown to the
# model: arm64's 20 s runs failed so).  The run must reach the cap.
t_stress_capped() {
	"$(dirname "$tool")/stress-capped" "${LL_STRESS_SECONDS:-3}" "${LL_STRESS_SEED:-$RANDOM}" >sc.out
	local rc=$?
	cat sc.out
	[ $rc -eq 0 ] && grep -q '^stress: 998 commits,' sc.out
}

# 11b. The same with sandboxed processes forking short-lived readers in
# bursts (domains inherited and dropped while commits and answers go on).
t_stress_fork_storm() {
	"$(dirname "$tool")/stress" "${LL_STRESS_SECONDS:-3}" "${LL_STRESS_SEED:-$RANDOM}" fork-storm
}

# 11c. Sandboxed children execute this program again to read: domains
# cross execve() while commits and answers go on.
t_stress_exec_storm() {
	"$(dirname "$tool")/stress" "${LL_STRESS_SECONDS:-3}" "${LL_STRESS_SEED:-$RANDOM}" exec-storm
}

# 11d. Workers under two or three nested supervised layers (by the seed),
# each layer with its own supervisor (the inner ones sandboxed in the outer
# layers): every layer allowed each success, events go to the youngest
# denying layer only, no event loop, no hang.
t_stress_nested() {
	"$(dirname "$tool")/stress" "${LL_STRESS_SECONDS:-3}" "${LL_STRESS_SEED:-$RANDOM}" nested
}

# 11e. The life of events (tests/stress/lifecycle.c): waits given up by
# siglongjmp() from a signal handler while grants are made, threads and
# processes that exit while waiting, a queue filled to its limit, the
# supervisor closed and made again; then a new supervisee still gets events
# (the queue's count did not drift) and two threads creating the same file
# after a grant both succeed.  Short here (one CPU); make check-smp runs it
# on 4 CPUs under KASAN and KCSAN.
t_lifecycle() {
	"$(dirname "$tool")/lifecycle" "${LL_LIFECYCLE_SECONDS:-5}" "${LL_STRESS_SEED:-$RANDOM}"
}

# 12. Random uAPI calls (all flags, bad values, forks that enforce random
# rulesets, supervisors killed while their sandboxes wait): no kernel report,
# no hang; the seed in the log reproduces the sequence.
t_uapi_fuzz() {
	"$(dirname "$tool")/uapi_fuzz" "${LL_FUZZ_SECONDS:-5}" "${LL_FUZZ_SEED:-$RANDOM}"
}

# 12b. The same from three threads sharing the file descriptors (one closes
# what another receives on or commits to); not reproducible by its seed.
t_uapi_fuzz_threads() {
	"$(dirname "$tool")/uapi_fuzz" "${LL_FUZZ_SECONDS:-5}" "${LL_FUZZ_SEED:-$RANDOM}" 3
}

# 12c. Every benchmark of make bench runs (LL_BENCH_QUICK: small counts),
# prints all its lines (each way of the notification round trip included)
# and none "failed", tracing misses no file the compiler read, and the
# report is written.
# The demo of make run (examples/demo.sh) does what it shows.
t_demo() {
	rm -rf demo; mkdir -p demo
	"$top/examples/demo.sh" "$tool" "$work/demo" >demo.out 2>&1 || { cat demo.out; return 1; }
}

t_bench_smoke() {
	local bin out
	bin=$(dirname "$tool")
	out=$work/bench-smoke
	mkdir -p "$out"
	LL_BENCH_QUICK=1 "$top/bench/run.sh" "$bin" >"$out/raw.txt" 2>&1 || return 1
	! grep -q failed "$out/raw.txt" || { grep failed "$out/raw.txt"; return 1; }
	for kind in access_check commit commitratio replace busy rttratio rttstep \
		"trace plain" "trace landlock" "trace strace"; do
		grep -q "^$kind " "$out/raw.txt" || { echo "no '$kind' line"; return 1; }
	done
	# Every way of the notification round trip, in both modes, and its steps.
	for way in landlock-2step landlock-grant-fd landlock-grant seccomp seccomp-sync; do
		for kind in "rtt $way first" "rtt $way repeat" "rttstep $way total"; do
			grep -q "^$kind " "$out/raw.txt" || { echo "no '$kind' line"; return 1; }
		done
	done
	# Tracing's ground truth: every file the compiler read (its -MD
	# dependency files, system headers included) is in --trace's list.
	grep -q '^trace deps 1 .* missing 0$' "$out/raw.txt" ||
		{ grep '^trace \(deps\|missing\)' "$out/raw.txt"; echo "--trace missed files the compiler read"; return 1; }
	python3 "$top/bench/report.py" "$out/raw.txt" "$out" >"$out/benchmarks.md" || return 1
	grep -q '^- \*\*UML: first access with the best Landlock way' "$out/benchmarks.md" ||
		{ echo "no first-access reading in the report"; return 1; }
	grep -q '^## Dependency tracing of a real C build' "$out/benchmarks.md" ||
		{ echo "no tracing section in the report"; return 1; }
}

# 13. Debug kernel only (LL_KMEMLEAK=1): nothing that the tests above
# allocated in Landlock is left unreferenced.
t_kmemleak() {
	"$top/tests/guest/kmemleak.sh" "$work/kmemleak.txt"
}

# --- Learned policies on real work (issue 24) ------------------------------
# Each workload is learned with --permissive, then replayed with --policy
# (with --log: zero events) in the states the same command meets next.
# TMPDIR and HOME are in the work directory (the guest's / is read-only).

learn_env() { # DIR: a HOME and a TMPDIR of the test's own
	mkdir -p "$1/home" "$1/tmp"
	export HOME=$1/home TMPDIR=$1/tmp
}

# rules FILE: the learned rules, one "PATH RIGHT,RIGHT..." line each.
learn_rules() {
	python3 - "$1" <<'P'
import json, sys
p = json.load(open(sys.argv[1]))
rules = {}
for e in p.get("pathBeneath", []):
    for x in e["parent"]:
        rules.setdefault(x, set()).update(e["allowedAccess"])
for x in sorted(rules):
    print(x, ",".join(sorted(rules[x])))
P
}

# replay NAME POLICY ARGS... -- COMMAND: exit 0 and no event, else prints why.
learn_replay() {
	local name=$1 pol=$2 rc; shift 2
	rm -f "$name.jsonl"
	"$tool" --policy "$pol" --log "$name.jsonl" "$@" >"$name.out" 2>&1 <<<'' ||
		{ rc=$?; echo "replay $name: exit $rc"; tail -n 20 "$name.out"; head -n 5 "$name.jsonl" 2>/dev/null; return 1; }
	[ ! -s "$name.jsonl" ] || { echo "replay $name: events"; head -n 10 "$name.jsonl"; return 1; }
}

# A C project: nested sources, a generated header, outputs in nested
# directories, a program that is run.  Built in $1 (made here).
learn_c_tree() {
	rm -rf "$1"; mkdir -p "$1/src/util" "$1/include" "$1/tools" "$1/secret"
	cat >"$1/Makefile" <<'M'
OUT := out
OBJS := $(OUT)/obj/main.o $(OUT)/obj/util/strutil.o
CFLAGS := -O1 -Iinclude -Isrc -I$(OUT)/gen -MMD -MP
all: $(OUT)/bin/prog
$(OUT)/bin/prog: $(OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $(OBJS)
$(OUT)/obj/%.o: src/%.c $(OUT)/gen/version.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<
$(OUT)/gen/version.h: VERSION tools/genversion.sh
	@mkdir -p $(@D)
	sh tools/genversion.sh VERSION >$@.tmp && mv $@.tmp $@
check: all
	./$(OUT)/bin/prog
clean:
	rm -rf $(OUT)/obj $(OUT)/bin $(OUT)/gen
-include $(OBJS:.o=.d)
M
	echo 1.0 >"$1/VERSION"
	printf 'v=$(cat "$1")\nprintf "#define VERSION \\"%%s\\"\\n" "$v"\n' >"$1/tools/genversion.sh"
	printf '#include "version.h"\n#define GREETING "Hello " VERSION\n' >"$1/include/proj.h"
	printf 'int count_upper(const char *s);\n' >"$1/src/util/strutil.h"
	printf '#include "util/strutil.h"\nint count_upper(const char *s) { int n = 0; for (; *s; s++) n += *s >= 65 && *s <= 90; return n; }\n' >"$1/src/util/strutil.c"
	printf '#include <stdio.h>\n#include "proj.h"\n#include "util/strutil.h"\nint main(void) { printf("%%s %%d\\n", GREETING, count_upper(GREETING)); return 0; }\n' >"$1/src/main.c"
	printf 'int unused(void) { return 1; }\n' >"$1/src/unused.c"
	echo token >"$1/secret/notes.txt"
}

# 14. A C project learned from a clean tree (make check: build and run),
# replayed up to date, after an edit (outputs overwritten), after make
# clean, with and without --base; nothing outside what it used.
learn_c_project() { # BASE-ARGS...
	local d=$work/lc$#
	learn_env "$work/lc$#.env"
	learn_c_tree "$d"
	mkdir -p "$d/out"; echo '*' >"$d/out/.gitignore" # kept by make clean
	cd "$d" || return 1
	local sum; sum=$(md5sum <src/main.c)
	"$tool" "$@" --permissive=../lc$#.json -- make -s check >learn.out 2>&1 ||
		{ cat learn.out; return 1; }
	grep -q 'Hello 1.0 1' learn.out || { cat learn.out; return 1; }
	learn_rules ../lc$#.json >../lc$#.rules
	# Up to date: make only runs the program.
	learn_replay r1 ../lc$#.json "$@" -- make -s check || return 1
	# An edit: main.o, its .d and prog are overwritten, nothing else.
	sed -i 's/Hello /Hi /' include/proj.h
	learn_replay r2 ../lc$#.json "$@" -- make -s check || return 1
	grep -q 'Hi 1.0 1' r2.out || { cat r2.out; return 1; }
	# A new version: the generated header is replaced (mv over it).
	echo 2.0 >VERSION
	learn_replay r3 ../lc$#.json "$@" -- make -s check || return 1
	grep -q 'Hi 2.0 1' r3.out || { cat r3.out; return 1; }
	# Clean, then a full build again.
	make -s clean
	learn_replay r4 ../lc$#.json "$@" -- make -s check || return 1
	# Running what was built, directly.
	learn_replay r5 ../lc$#.json "$@" -- ./out/bin/prog || return 1
	# Tight: nothing on /tmp or the TMPDIR; sources not writable; files
	# never read (beside and in sibling directories of read ones) denied.
	! grep -E "^/tmp |^$TMPDIR( |/)" ../lc$#.rules || { cat ../lc$#.rules; return 1; }
	! "$tool" "$@" --policy ../lc$#.json -- sh -c 'cat src/unused.c' 2>/dev/null || return 1
	! "$tool" "$@" --policy ../lc$#.json -- sh -c 'cat secret/notes.txt' 2>/dev/null || return 1
	! "$tool" "$@" --policy ../lc$#.json -- sh -c 'echo x >>src/main.c' 2>/dev/null || return 1
	! "$tool" "$@" --policy ../lc$#.json -- sh -c 'echo x >>Makefile' 2>/dev/null || return 1
	[ "$(md5sum <src/main.c)" = "$sum" ] || { echo "src/main.c was written"; return 1; }
}
t_learn_c_project() { learn_c_project; }
t_learn_c_project_base() { learn_c_project --base "$base"; }

# 14b. The same project without an output directory: the run creates out/,
# so what it does there is allowed on the project (the nearest directory
# that existed); a clean that removes out/ replays.
t_learn_c_fresh() {
	local d=$work/lf
	learn_env "$work/lf.env"
	learn_c_tree "$d"
	sed -i 's|rm -rf $(OUT)/obj $(OUT)/bin $(OUT)/gen|rm -rf $(OUT)|' "$d/Makefile"
	cd "$d" || return 1
	"$tool" --permissive=../lf.json -- make -s check >learn.out 2>&1 || { cat learn.out; return 1; }
	learn_rules ../lf.json >../lf.rules
	learn_replay r1 ../lf.json -- make -s check || return 1
	echo 3.0 >VERSION
	learn_replay r2 ../lf.json -- make -s check || return 1
	grep -q 'Hello 3.0 1' r2.out || { cat r2.out; return 1; }
	make -s clean; [ ! -e out ] || return 1
	learn_replay r3 ../lf.json -- make -s check || return 1
	learn_replay r4 ../lf.json -- ./out/bin/prog || return 1
	! grep -E "^/tmp |^$TMPDIR( |/)" ../lf.rules || { cat ../lf.rules; return 1; }
}

# 14c. A rerun overwrites its own outputs (truncate with write).
t_learn_rerun() {
	local d=$work/lr
	rm -rf "$d"; mkdir -p "$d/o"; learn_env "$work/lr.env"; cd "$d" || return 1
	"$tool" --base "$base" --permissive=lr.json -- sh -c 'echo hi >o/out; echo new >o/new' || return 1
	learn_replay r1 lr.json --base "$base" -- sh -c 'echo hi >o/out; echo new >o/new' || return 1
	learn_replay r2 lr.json --base "$base" -- sh -c 'echo hi >o/out; echo new >o/new' || return 1
	rm -rf o/*
	learn_replay r3 lr.json --base "$base" -- sh -c 'echo hi >o/out; echo new >o/new' || return 1
}

# 14d. python3 importing modules (with and without --base); learned with
# --fold, a module it did not import stays denied.
t_learn_python() {
	local job='import json, ssl, sqlite3; print("ok")' b
	learn_env "$work/lp.env"; mkdir -p "$work/lp"; cd "$work/lp" || return 1
	for b in "" "--base $base"; do
		# shellcheck disable=SC2086
		"$tool" $b --permissive=lp.json --fold 5 -- python3 -c "$job" >learn.out 2>&1 || { cat learn.out; return 1; }
		# shellcheck disable=SC2086
		learn_replay r lp.json $b -- python3 -c "$job" || return 1
		grep -qx ok r.out || return 1
	done
	"$tool" --permissive=lp.json --fold 5 -- python3 -c "$job" >learn.out 2>&1 || { cat learn.out; return 1; }
	! "$tool" --policy lp.json -- python3 -c 'import csv' 2>/dev/null || { learn_rules lp.json | grep python; return 1; }
}

# 14e. git init, add and commit in a work directory: learned on a new
# repository, replayed on a new one and over the existing one.
t_learn_git() {
	local b job='git init -q && echo "$RANDOM$$" >>f && mkdir -p sub && date >sub/g && git add -A && git -c user.name=t -c user.email=t@example.com commit -qm c'
	learn_env "$work/lg.env"
	for b in "" "--base $base"; do
		rm -rf "$work/lg"; mkdir -p "$work/lg/w"; cd "$work/lg/w" || return 1
		# shellcheck disable=SC2086
		"$tool" $b --permissive=../lg.json -- sh -c "$job" >../learn.out 2>&1 || { cat ../learn.out; return 1; }
		learn_rules ../lg.json >../lg.rules
		# Over the existing repository, then in a new one.
		# shellcheck disable=SC2086
		learn_replay ../r1 ../lg.json $b -- sh -c "$job" || return 1
		rm -rf .git f sub
		# shellcheck disable=SC2086
		learn_replay ../r2 ../lg.json $b -- sh -c "$job" || return 1
		[ "$(git log --oneline | wc -l)" -eq 1 ] || return 1
		# shellcheck disable=SC2086
		learn_replay ../r3 ../lg.json $b -- sh -c "$job" || return 1
		[ "$(git log --oneline | wc -l)" -eq 2 ] || return 1
		cd "$work" || return 1
	done
}

# 14f. A script using mktemp (a file and a directory), writing outputs into
# a directory it makes and running one: temporary files are allowed in a
# private TMPDIR, never on the shared one; outputs created after their
# directory could get files without an event are known as created.
t_learn_mktemp() {
	local d=$work/lm b
	learn_env "$work/lm.env"
	echo private >"$TMPDIR/other-user-file"
	for b in "" "--base $base"; do
		rm -rf "$d"; mkdir -p "$d"; cd "$d" || return 1
		cat >job.sh <<'S'
set -e
f=$(mktemp); t=$(mktemp -d)
echo data >"$f"; cp "$f" "$t/copy"; cat "$t/copy" >/dev/null
sort "$f" >"$t/sorted"; mv "$t/sorted" "$t/final"
mkdir -p gen
echo first >gen/list
printf '#!/bin/sh\necho ran "$(cat gen/list)"\n' >gen/run.sh
chmod +x gen/run.sh
./gen/run.sh
rm -rf "$f" "$t"
S
		# shellcheck disable=SC2086
		"$tool" $b --permissive=lm.json -- sh job.sh >learn.out 2>&1 || { cat learn.out; return 1; }
		grep -q 'ran first' learn.out || { cat learn.out; return 1; }
		learn_rules lm.json >lm.rules
		! grep -E "^/tmp |^$TMPDIR( |/)" lm.rules || { cat lm.rules; return 1; }
		rm -rf gen
		# shellcheck disable=SC2086
		learn_replay r1 lm.json $b -- sh job.sh || return 1
		grep -q 'ran first' r1.out || return 1
		# shellcheck disable=SC2086
		learn_replay r2 lm.json $b -- sh job.sh || return 1
		# shellcheck disable=SC2016,SC2086
		! "$tool" $b --policy lm.json -- sh -c 'read -r x <"$1"' sh "$TMPDIR/other-user-file" 2>/dev/null ||
			return 1
	done
}

# 14h. Files of the command's own processes (/proc/self, /proc/$$): the
# replay's processes have other numbers.
t_learn_proc() {
	local job='read -r line </proc/self/status; ls /proc/$$/fd >/dev/null; cat /proc/self/cmdline >/dev/null'
	mkdir -p "$work/lpr"; cd "$work/lpr" || return 1
	"$tool" --permissive=lpr.json -- bash -c "$job" || return 1
	learn_replay r1 lpr.json -- bash -c "$job" || return 1
	learn_replay r2 lpr.json -- bash -c "$job" || return 1
}

# 14i. --ask=OUT learns as --permissive does: a file created without a
# question after its directory was allowed, then run, is known as created.
t_learn_ask() {
	rm -rf lak; mkdir -p lak/gen
	local job='echo a >lak/gen/a && printf "#!/bin/sh\necho built\n" >lak/gen/run.sh && chmod +x lak/gen/run.sh && ./lak/gen/run.sh'
	# The tree of gen/ for the first creation, so that the second one is
	# never asked (an answer for the entry alone may or may not be
	# withdrawn before it, depending on when inotify reports the first).
	t_ask__drive lak.out e:'wants make_reg on .*/lak/gen/a' s:'t\n' \
		e:'wants execute.* on .*/lak/gen/run.sh' s:'o\n' -- \
		"$tool" --base "$base" --ask=lak.json -- sh -c "$job" || { cat lak.out; return 1; }
	grep -q built lak.out || { cat lak.out; return 1; }
	rm -f lak/gen/*
	learn_replay lak-r lak.json --base "$base" -- sh -c "$job" || { cat lak.json; return 1; }
	grep -q built lak-r.out
}

# 14j. A kernel that asks about the open of a file that its call created:
# learning grants the creation right alone on the directories, and each new
# file's rights on the file itself while the run goes on (its log shows the
# opens of the new files), so that the files that were already in those
# directories stay asked about: a file read there after the creations is
# learned on itself, and the learned directories get what the new files
# used (write_file), not read_file.  It replays from clean and over its
# outputs with no event; what it did not read there stays denied.
t_learn_created() {
	local d=$work/lcr
	rm -rf "$d"; mkdir -p "$d/out/sub"; learn_env "$work/lcr.env"; cd "$d" || return 1
	echo in >out/in; echo old >out/sub/old; echo secret >out/sub/secret
	cat >job.sh <<'S'
set -e
cat out/in >out/a.txt
echo b >out/sub/b.txt
mkdir -p out/sub/deep
echo c >out/sub/deep/c.txt
cat out/sub/old >/dev/null
S
	"$tool" --base "$base" --permissive=lcr.json --log learn.jsonl -- sh job.sh || return 1
	python3 - learn.jsonl "$d" <<'P' || return 1
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
d = sys.argv[2]
def find(obj):
    return [e for e in events if e.get("object") == obj]
# The creations: make_reg alone on the directory; the opens: on the new files.
for f in ("out/a.txt", "out/sub/b.txt", "out/sub/deep/c.txt"):
    opens = [e for e in find(d + "/" + f) if e["access"] == ["write_file"]]
    assert opens, (f, events)
# The file read after creations in its directory: an event of its own.
assert [e for e in find(d + "/out/sub/old") if "read_file" in e["access"]], events
P
	learn_rules lcr.json >lcr.rules
	grep -qx "$d/out make_reg,remove_file,truncate,write_file" lcr.rules &&
		grep -qx "$d/out/in read_file" lcr.rules &&
		grep -qx "$d/out/sub make_dir,make_reg,remove_file,truncate,write_file" lcr.rules &&
		grep -qx "$d/out/sub/old read_file" lcr.rules || { cat lcr.rules; return 1; }
	! grep -E "^$d(/out(/sub)?)? .*read_file" lcr.rules || { cat lcr.rules; return 1; }
	# Over its outputs, then from clean, then over them again.
	learn_replay r1 lcr.json --base "$base" -- sh job.sh || return 1
	rm -rf out/a.txt out/sub/b.txt out/sub/deep
	learn_replay r2 lcr.json --base "$base" -- sh job.sh || return 1
	[ "$(cat out/sub/deep/c.txt)" = c ] || return 1
	learn_replay r3 lcr.json --base "$base" -- sh job.sh || return 1
	! "$tool" --base "$base" --policy lcr.json -- cat out/sub/secret 2>/dev/null || return 1
	! "$tool" --base "$base" --policy lcr.json -- cat out/a.txt 2>/dev/null || return 1
}

# 14k. Tracing the same kind of run: the new files are traced as created
# and written by their process, from the events of their opens, and a file
# read where files were created comes with its process too.
t_trace_created() {
	local d=$work/tcr
	rm -rf "$d"; mkdir -p "$d/out"; cd "$d" || return 1
	echo old >out/old
	"$tool" --base "$base" --trace=trace.json --log trace.jsonl -- \
		sh -c 'echo a >out/a.txt; cat out/old >/dev/null; echo b >out/b.txt' || return 1
	trace_new_files trace.json trace.jsonl "$d" out/old out/a.txt out/b.txt
}

# trace_new_files TRACE LOG DIR READ NEW...: the files NEW were traced as
# created and written, each from the event of its open (write_file on the
# file), and READ as read, from an event of its own (paths in DIR).
trace_new_files() {
	python3 - "$@" <<'P'
import json, sys
t = json.load(open(sys.argv[1]))
events = [json.loads(l) for l in open(sys.argv[2])]
d, read, new = sys.argv[3], sys.argv[4], sys.argv[5:]
for f in new:
    assert d + "/" + f in t["create"] and d + "/" + f in t["write"], t
    assert [e for e in events if e.get("object") == d + "/" + f and e["access"] == ["write_file"]], events
assert d + "/" + read in t["read"], t
assert [e for e in events if e.get("object") == d + "/" + read], events
P
}

# 14l. touch(1) creates its files with O_NONBLOCK, and the kernel asks about
# the open of the file that such an open created too: learning grants
# make_reg alone on the directory, and each new file's write_file on the
# file itself, in a nested directory and in one the run makes (its log
# shows those opens), so that a file that was already beside them, read
# after, is asked about and learned on itself; the learned directory gets
# no read_file, and the replay needs no event.  Tracing sees the new files
# created and written from their opens' events.  (A kernel that does not
# ask: touch is denied its open while learning in UML, or the directory
# gets read_file elsewhere.)
t_learn_touch() {
	local d=$work/ltc
	rm -rf "$d"; mkdir -p "$d/out/sub"; learn_env "$work/ltc.env"; cd "$d" || return 1
	echo old >out/sub/old; echo secret >out/sub/secret
	local job='touch out/sub/new && mkdir -p out/sub/deep && touch out/sub/deep/new2 && cat out/sub/old >/dev/null'
	"$tool" --base "$base" --permissive=ltc.json --log learn.jsonl -- sh -c "$job" 2>err ||
		{ cat err learn.jsonl; return 1; }
	python3 - learn.jsonl "$d" <<'P' || return 1
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
d = sys.argv[2]
def find(obj):
    return [e for e in events if e.get("object") == d + "/" + obj]
# The creation where files were: make_reg alone; the opens of the new
# files (there, and in the directory the run made): write_file on each.
assert [e for e in find("out/sub/new") if e["access"] == ["make_reg"]], events
for f in ("out/sub/new", "out/sub/deep/new2"):
    assert [e for e in find(f) if e["access"] == ["write_file"]], (f, events)
assert [e for e in find("out/sub/old") if e["access"] == ["read_file"]], events
P
	learn_rules ltc.json >ltc.rules
	grep -qx "$d/out/sub make_dir,make_reg,remove_file,truncate,write_file" ltc.rules &&
		grep -qx "$d/out/sub/old read_file" ltc.rules || { cat ltc.rules; return 1; }
	! grep -E "^$d(/out(/sub)?)? .*read_file" ltc.rules || { cat ltc.rules; return 1; }
	learn_replay r1 ltc.json --base "$base" -- sh -c "$job" || return 1
	rm -rf out/sub/new out/sub/deep
	learn_replay r2 ltc.json --base "$base" -- sh -c "$job" || return 1
	[ -f out/sub/new ] && [ -f out/sub/deep/new2 ] || return 1
	! "$tool" --base "$base" --policy ltc.json -- cat out/sub/secret 2>/dev/null || return 1
	rm -rf out/sub/new out/sub/deep
	"$tool" --base "$base" --trace=trace.json --log trace.jsonl -- sh -c "$job" 2>err ||
		{ cat err trace.jsonl; return 1; }
	trace_new_files trace.json trace.jsonl "$d" out/sub/old out/sub/new out/sub/deep/new2
}

# 14g. Tight: --fold never reaches a credential directory or a directory
# with files the run did not read; what it did not read stays denied.
t_learn_fold_tight() {
	local d=$work/lt
	rm -rf "$d"; mkdir -p "$d/data/a" "$d/data/b" "$d/part"; learn_env "$work/lt.env"; cd "$d" || return 1
	mkdir -p "$HOME/.ssh"
	echo cfg >"$HOME/.ssh/config"; echo hosts >"$HOME/.ssh/known_hosts"; echo key >"$HOME/.ssh/id_ed25519"
	for f in 1 2 3; do echo $f >data/a/$f; echo $f >part/$f; done
	echo b >data/b/secret
	local job='cat "$HOME/.ssh/config" "$HOME/.ssh/known_hosts" data/a/1 data/a/2 data/a/3 part/1 part/2 >/dev/null'
	"$tool" --base "$base" --permissive=lt.json --fold 2 -- sh -c "$job" || return 1
	learn_rules lt.json >lt.rules
	# data/a was read whole: one rule; part/ has an unread file: per file.
	grep -q "^$d/data/a read_file" lt.rules && ! grep -q "^$d/part " lt.rules || { cat lt.rules; return 1; }
	learn_replay r1 lt.json --base "$base" -- sh -c "$job" || return 1
	! "$tool" --base "$base" --policy lt.json -- cat "$HOME/.ssh/id_ed25519" 2>/dev/null || return 1
	! "$tool" --base "$base" --policy lt.json -- cat part/3 2>/dev/null || return 1
	! "$tool" --base "$base" --policy lt.json -- cat data/b/secret 2>/dev/null || return 1
}

# --- Issue 24, items 6, 7, 8 and 10 (t_reload_*, t_opt_*) ---

# The system directories a sandboxed program needs, for the shorthands.
sysdirs() { local d s=; for d in /usr /lib /lib64 /bin /sbin; do [ -e "$d" ] && s+=${s:+,}$d; done; echo "$s"; }
# Waits until FILE has a line matching PATTERN (a reload's message).
wait_grep() { local i; for i in $(seq 200); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

# 6a. --policy DIR --watch: a file added to, changed in or removed from the
# directory reloads the policy (it never did).
t_reload_dir() {
	rm -rf rd; mkdir -p rd/pol rd/a rd/b rd/c; echo a >rd/a/f; echo b >rd/b/f
	policy_rw rd/pol/10-a.json "$work/rd/a"
	policy_rw rd/c.json "$work/rd/c"
	cat >rd/c/job.sh <<'S'
r() { cat "$1" >/dev/null 2>&1 && echo yes || echo no; }
n=0
while [ ! -e rd/c/stop ]; do
	if [ -e rd/c/ask$n ]; then echo "$n a=$(r rd/a/f) b=$(r rd/b/f)" >>rd/c/out; n=$((n + 1)); fi
	sleep 0.05
done
S
	"$tool" --base "$base" --base rd/c.json --policy rd/pol --watch -- sh rd/c/job.sh 2>rd/err &
	local pid=$!
	touch rd/c/ask0; wait_grep rd/c/out '^0 '
	# A new file of the directory: composed (both handle the same rights).
	policy_rw rd/pol/20-b.json.new "$work/rd/b"; mv rd/pol/20-b.json.new rd/pol/20-b.json
	wait_grep rd/err 'policy reloaded' || { touch rd/c/stop; wait $pid; cat rd/err; return 1; }
	touch rd/c/ask1; wait_grep rd/c/out '^1 '
	rm rd/pol/10-a.json
	wait_grep rd/err 'policy reloaded (1 path rules' || { touch rd/c/stop; wait $pid; cat rd/err; return 1; }
	touch rd/c/ask2; wait_grep rd/c/out '^2 '
	touch rd/c/stop; wait $pid
	grep -qx '0 a=yes b=no' rd/c/out && grep -qx '1 a=yes b=yes' rd/c/out &&
		grep -qx '2 a=no b=yes' rd/c/out || { cat rd/c/out rd/err; return 1; }
}

# 6b. Deleting the --policy file says so (it said nothing); the previous
# policy stays in force.
t_reload_delete() {
	rm -rf rl; mkdir -p rl
	policy_rw rl/p.json "$work/rl"
	"$tool" --base "$base" --policy rl/p.json --watch -- \
		sh -c 'touch rl/ready; while [ ! -e rl/stop ]; do sleep 0.05; done; echo ok >rl/done' 2>rl/err &
	local pid=$! found
	# The watch is set before the command starts.
	for found in $(seq 400); do [ -e rl/ready ] && break; sleep 0.05; done
	rm rl/p.json
	wait_grep rl/err 'reload failed, previous policy kept: rl/p.json: No such file or directory'
	found=$?
	touch rl/stop; wait $pid
	[ $found -eq 0 ] && [ "$(cat rl/done)" = ok ] || { cat rl/err; return 1; }
}

# 6c. A path that does not exist is reported with the policy's file and
# line, at start and at a reload (the reload named neither).
t_reload_missing_path() {
	rm -rf rm_; mkdir -p rm_
	printf '{"abi": 6, "ruleset": [{"handledAccessFs": ["abi.all"]}],\n "pathBeneath": [{"allowedAccess": ["abi.read_write"],\n  "parent": ["%s", "%s"]}]}\n' \
		"$work/rm_" "$work/rm_/nothere" >rm_/miss.json
	"$tool" --base "$base" --policy rm_/miss.json -- true 2>rm_/err; [ $? -eq 125 ] || return 1
	grep -q "^landlock-supervise: rm_/miss.json:3:[0-9]*: $work/rm_/nothere: No such file or directory" rm_/err ||
		{ cat rm_/err; return 1; }
	policy_rw rm_/p.json "$work/rm_"
	"$tool" --base "$base" --policy rm_/p.json --watch -- \
		sh -c 'touch rm_/ready; while [ ! -e rm_/stop ]; do sleep 0.05; done' 2>rm_/err &
	local pid=$! found
	for found in $(seq 400); do [ -e rm_/ready ] && break; sleep 0.05; done
	cp rm_/miss.json rm_/p.json.new; mv rm_/p.json.new rm_/p.json
	wait_grep rm_/err "reload failed, previous policy kept: rm_/p.json:3:[0-9]*: $work/rm_/nothere: No such file"
	found=$?
	touch rm_/stop; wait $pid
	[ $found -eq 0 ] || { cat rm_/err; return 1; }
}

# 7. Outputs that cannot be written are refused before the command runs
# (the learned policy was lost after the run); an existing output stays.
t_opt_outputs_before_run() {
	rm -rf ob; mkdir -p ob/dir; echo keep >ob/p.json
	local o
	for o in --permissive=/nonexistent/p.json --ask=/nonexistent/a.json \
		--trace=/nonexistent/t.json --log=/nonexistent/l.jsonl --permissive=ob/dir; do
		"$tool" --base "$base" "$o" -- touch ob/ran 2>ob/err
		[ $? -eq 125 ] && [ ! -e ob/ran ] && grep -q 'nothing was run' ob/err ||
			{ echo "$o"; cat ob/err; return 1; }
	done
	# A run that fails to start leaves the previous output as it was.
	"$tool" --base "$base" --permissive=ob/p.json -- /nonexistent/cmd 2>/dev/null
	[ "$(cat ob/p.json)" = keep ]
}

# 8. --print-policy writes what --check accepts and --policy replays.
t_opt_print_round_trip() {
	rm -rf pr; mkdir -p pr/d; echo x >pr/d/f
	"$tool" --print-policy "$base" >pr/p.json 2>pr/err || { cat pr/err; return 1; }
	"$tool" --check pr/p.json >pr/check 2>&1 || { cat pr/check; return 1; }
	"$tool" --rw "$work/pr/d" --connect-tcp 443 --print-policy >pr/q.json &&
		"$tool" --check pr/q.json >pr/check 2>&1 || { cat pr/check; return 1; }
	"$tool" --policy pr/p.json --policy pr/q.json -- cat pr/d/f >/dev/null 2>pr/err ||
		{ cat pr/err; return 1; }
}

# 10a. Comma lists, --rox and --rwx; a summary of denials on exit without
# --log; --quiet silences it.
t_opt_shorthands_summary() {
	rm -rf sh_; mkdir -p sh_/w sh_/x; echo secret >sh_/secret
	printf '#!/bin/sh\necho ran\n' >sh_/x/run.sh; chmod +x sh_/x/run.sh
	"$tool" --rox "$(sysdirs)" --ro /etc,/proc --rwx "$work/sh_/w,$work/sh_/x" -- \
		sh -c 'sh_/x/run.sh && echo y >sh_/w/y && cat sh_/secret' >sh_/out 2>sh_/err
	[ $? -ne 0 ] && grep -qx ran sh_/out && [ -s sh_/w/y ] || { cat sh_/out sh_/err; return 1; }
	grep -q '^landlock-supervise: 1 access denied:$' sh_/err &&
		grep -q "^  cat: read_file $work/sh_/secret$" sh_/err || { cat sh_/err; return 1; }
	"$tool" --quiet --rox "$(sysdirs)" -- cat sh_/secret 2>sh_/err
	! grep -q 'denied:' sh_/err || { cat sh_/err; return 1; }
}

# 10b. TCP is denied by default; --connect-tcp allows ports (a list);
# --net does not restrict it; --permissive alone learns a port.
t_opt_network() {
	rm -rf nw; mkdir -p nw
	local job='exec 3<>/dev/tcp/127.0.0.1/20557'
	"$tool" --rox "$(sysdirs)" -- bash -c "$job" 2>nw/err
	grep -q 'Permission denied' nw/err || { echo "not denied:"; cat nw/err; return 1; }
	"$tool" --rox "$(sysdirs)" --connect-tcp 80,20557 -- bash -c "$job" 2>nw/err
	! grep -q 'Permission denied' nw/err || { cat nw/err; return 1; }
	"$tool" --rox "$(sysdirs)" --net -- bash -c "$job" 2>nw/err
	! grep -q 'Permission denied' nw/err || { cat nw/err; return 1; }
	"$tool" --permissive=nw/learned.json -- bash -c "$job" 2>nw/err
	python3 - nw/learned.json <<'P' || { cat nw/err; return 1; }
import json, sys
p = json.load(open(sys.argv[1]))
ports = {x: e["allowedAccess"] for e in p.get("netPort", []) for x in e["port"]}
assert ports.get(20557) == ["connect_tcp"], p
P
}

# 10c. Signals to processes outside the sandbox are scoped by default
# (ABI 6); --no-scope opts out.
t_opt_scope() {
	sleep 60 &
	local outer=$! rc1 rc2
	"$tool" --rox "$(sysdirs)" -- sh -c "kill -0 $outer" 2>/dev/null; rc1=$?
	"$tool" --rox "$(sysdirs)" --no-scope -- sh -c "kill -0 $outer" 2>/dev/null; rc2=$?
	kill $outer; wait $outer 2>/dev/null
	[ $rc1 -ne 0 ] && [ $rc2 -eq 0 ] || { echo "scoped: $rc1, --no-scope: $rc2"; return 1; }
}

# 10d. --env, --unsetenv, --clearenv; a private TMPDIR, removed at exit.
t_opt_env_tmpdir() {
	rm -rf ev; mkdir -p ev
	A=outer B=outer "$tool" --rox "$(sysdirs)" --clearenv --env A --env C=3 --unsetenv C \
		--env D=4 -- env >ev/env 2>ev/err || { cat ev/err; return 1; }
	[ "$(grep -v '^TMPDIR=' ev/env | sort | tr '\n' ' ')" = "A=outer D=4 " ] || { cat ev/env; return 1; }
	"$tool" --rox "$(sysdirs)" -- sh -c 'f=$(mktemp) && [ "${f%/*}" = "$TMPDIR" ] && echo "$TMPDIR"' >ev/tmp 2>ev/err ||
		{ cat ev/err; return 1; }
	[ -n "$(cat ev/tmp)" ] && [ ! -e "$(cat ev/tmp)" ]
}

# 10e. "--rw $PWD -- make": a real build, whose compiler needs a temporary
# directory.
t_opt_rw_make() {
	rm -rf mk; mkdir -p mk && cd mk || return 1
	printf '#include <stdio.h>\nint main(void) { puts("built"); return 0; }\n' >m.c
	printf 'm: m.c\n\tcc -o m m.c\n' >Makefile
	"$tool" --rox "$(sysdirs)" --ro /etc --rw "$PWD" -- make -s >../mk.log 2>&1 ||
		{ cd ..; cat mk.log; return 1; }
	cd .. && [ "$(mk/m)" = built ]
}

# 10f. --explain and --dry-run against the same rules as a run.
t_opt_explain_dry_run() {
	rm -rf ex; mkdir -p ex; echo x >ex/f
	"$tool" --rox "$(sysdirs)" --ro "$work/ex" --explain ex/f --access read_file >ex/out 2>&1 ||
		{ cat ex/out; return 1; }
	"$tool" --rox "$(sysdirs)" --ro "$work/ex" --explain ex/f --access write_file >ex/out 2>&1
	[ $? -eq 1 ] && grep -q '^ex/f: denied write_file$' ex/out || { cat ex/out; return 1; }
	! "$tool" --rox "$(sysdirs)" --ro "$work/ex" -- sh -c 'echo y >ex/f' 2>/dev/null || return 1
	"$tool" --dry-run --rox "$(sysdirs)" -- touch ex/ran >ex/layer.json 2>ex/err || return 1
	[ ! -e ex/ran ] && grep -q 'supervised Landlock layer' ex/err &&
		"$tool" --check ex/layer.json >/dev/null 2>&1 || { cat ex/err ex/layer.json; return 1; }
}

tests="t_demo t_stress t_stress_capped t_stress_fork_storm t_stress_exec_storm t_stress_nested t_lifecycle t_uapi_fuzz t_uapi_fuzz_threads t_bench_smoke t_alternatives t_sample_supervisor t_doc_example t_policy t_watch t_watch_replace t_watch_clear \
	t_watch_commit_ruleset t_watch_intersect_ruleset t_watch_names t_permissive_replay t_permissive_fold t_permissive_no_base \
	t_permissive_narrow t_permissive_many t_permissive_rename t_permissive_net t_signals t_log_fields t_ask_pty \
	t_ask_tree t_ask_once t_ask_create t_ask_typo t_ask_interrupt t_ask_terminal t_ask_scopes t_ask_once_kernel t_ask_created \
	t_trace_build t_trace_nested t_trace_base_rule t_trace_created t_errors t_exit_status t_lib_events \
	t_learn_c_project t_learn_c_project_base t_learn_c_fresh t_learn_rerun t_learn_python t_learn_git \
	t_learn_mktemp t_learn_proc t_learn_ask t_learn_fold_tight t_learn_created t_learn_touch \
	t_reload_dir t_reload_delete t_reload_missing_path t_opt_outputs_before_run t_opt_print_round_trip \
	t_opt_shorthands_summary t_opt_network t_opt_scope t_opt_env_tmpdir t_opt_rw_make t_opt_explain_dry_run"
[ "${LL_KMEMLEAK:-0}" = 1 ] && tests+=" t_kmemleak"
# LL_E2E_TESTS="t_signals t_watch_names" runs only these.
tests=${LL_E2E_TESTS:-$tests}
for t in $tests; do
	if (cd "$work" && $t) >"$work/$t.log" 2>&1; then ok "${t#t_}"; else not_ok "${t#t_}"; sed 's/^/#   /' "$work/$t.log" | tail -n 30; fi
done
echo "E2E-TOTALS $pass $fail"

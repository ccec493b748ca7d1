# shellcheck shell=bash
# Sourced by tests/system/guest.sh (root, in the Debian 12 system): the
# example service examples/landlock-supervise-demo.service with its policy
# examples/landlock-supervise-demo.json, installed as its comments say.
#   service_tests LL_DIR
# Uses guest.sh's result and check.  Every wait has a deadline (a missing
# event fails the test, it does not hang it).
unit=landlock-supervise-demo
demo=/srv/landlock-demo

# The HTTP status of GET PATH on the demo server (000: no answer).
http_status() { # PATH
	python3 - "$1" <<'P'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen("http://127.0.0.1:8080" + sys.argv[1], timeout=20) as r:
        r.read()
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError:
    print("000")
P
}

# Waits (at most SECONDS) until GET PATH answers STATUS.
wait_status() { # SECONDS PATH STATUS
	local _
	for _ in $(seq "$(($1 * 2))"); do
		[ "$(http_status "$2")" = "$3" ] && return 0
		sleep 0.5
	done
	echo "GET $2: $(http_status "$2"), not $3"
	return 1
}

journal() { journalctl -u "$unit" -o cat --no-pager 2>/dev/null; }

# Waits (at most SECONDS) until COMMAND succeeds.
wait_for() { # SECONDS COMMAND...
	local n=$1 _
	shift
	for _ in $(seq "$((n * 2))"); do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}

# The journal has N (or more) lines matching the extended regexp RE.
journal_has() { # N RE
	[ "$(journal | grep -cE "$2")" -ge "$1" ]
}

# The journal has a logged denial of read_file on OBJECT (the command's
# --log JSON lines, one journal entry each).
denied_in_journal() { # OBJECT
	journal | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("object") == sys.argv[1] and e.get("decision") == "deny" and "read_file" in e.get("access", ""):
        sys.exit(0)
sys.exit(1)' "$1"
}

policy_with_private() {
	python3 - "$1" <<'P'
import json, sys
p = json.load(open(sys.argv[1]))
p["pathBeneath"].append({"allowedAccess": ["read_file"], "parent": ["/srv/landlock-demo/private"]})
json.dump(p, sys.stdout, indent=2)
P
}

service_tests() { # LL_DIR
	local ll=$1 pid uid reloads
	rm -rf "$demo"; mkdir -p "$demo/public" "$demo/private"
	echo "hello from the sandbox" >"$demo/public/index.html"
	echo "the quarterly report" >"$demo/private/report.txt"
	install -d /etc/landlock-supervise
	install -m 644 "$ll/examples/$unit.json" /etc/landlock-supervise/demo.json
	install -m 644 "$ll/examples/$unit.service" /etc/systemd/system/
	systemctl daemon-reload
	check service-starts systemctl start "$unit"
	check service-serves-public wait_status 120 /public/index.html 200
	pid=$(systemctl show -P MainPID "$unit")
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	echo "MainPID $pid ($(cat "/proc/$pid/comm" 2>/dev/null)), uid $uid"
	check service-unprivileged test -n "$uid" -a "$uid" != 0

	# A denial: the server cannot read private/, and the journal says so.
	check service-denies-private wait_status 20 /private/report.txt 404
	check service-denial-in-journal wait_for 30 denied_in_journal "$demo/private/report.txt"

	# An edited policy is not in force before systemctl reload...
	policy_with_private "$ll/examples/$unit.json" >/etc/landlock-supervise/demo.json.new
	mv /etc/landlock-supervise/demo.json.new /etc/landlock-supervise/demo.json
	check service-edit-needs-reload test "$(http_status /private/report.txt)" = 404
	# ...and is after it, live: the same process serves private/ now.
	check service-reload systemctl reload "$unit"
	check service-reload-grants wait_status 30 /private/report.txt 200
	check service-reload-logged wait_for 30 journal_has 1 'policy reloaded'
	check service-same-process test "$(systemctl show -P MainPID "$unit")" = "$pid"

	# The rule removed again: revoked for new accesses, the rest still served.
	install -m 644 "$ll/examples/$unit.json" /etc/landlock-supervise/demo.json
	reloads=$(journal | grep -c 'policy reloaded')
	check service-reload-again systemctl reload "$unit"
	check service-reload-revokes wait_status 30 /private/report.txt 404
	check service-reload-keeps-public test "$(http_status /public/index.html)" = 200
	check service-second-reload-logged wait_for 30 journal_has $((reloads + 1)) 'policy reloaded'

	# A broken policy: the previous one stays in force, the journal says
	# where the error is.
	printf '{"abi": 6,\n "pathBeneath": [}\n' >/etc/landlock-supervise/demo.json
	systemctl reload "$unit"
	check service-broken-policy-logged wait_for 30 journal_has 1 \
		'reload failed, previous policy kept: .*policy.json:2:'
	check service-broken-policy-kept test "$(http_status /public/index.html)" = 200 -a \
		"$(http_status /private/report.txt)" = 404

	# systemctl stop: the server gets SIGTERM through the command, the unit
	# ends cleanly, nothing is left of it.
	check service-stops systemctl stop "$unit"
	check service-stopped-cleanly test "$(systemctl show -P ActiveState "$unit")" = inactive -a \
		"$(systemctl show -P Result "$unit")" = success
	echo "exit status $(systemctl show -P ExecMainStatus "$unit")"
	check service-stop-killed-nothing eval '! journal | grep -E "Killing process .* with signal SIGKILL|Failed with result"'
	check service-no-process-left test -z "$(systemctl show -P MainPID "$unit" | grep -v '^0$')" -a \
		"$(http_status /public/index.html)" = 000
	echo "--- journal of $unit (last 40 lines)"
	journal | tail -n 40
	install -m 644 "$ll/examples/$unit.json" /etc/landlock-supervise/demo.json
}

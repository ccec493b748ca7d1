#!/bin/bash
# Runs as root inside the Debian 12 system of make check-system (started by
# ll-system-check.service, see tests/system/image.sh), booted by systemd on
# the patched x86_64 kernel:
#   tests/system/guest.sh SRC OUT
# SRC is the host's tree (read-only 9p), OUT a host directory; the host's
# build directory is 9p tag llbuild.  The
# project's binaries and tests are copied from SRC to /opt/ll (ext4), then:
#   - the system itself: systemd running with no failed unit, Landlock in
#     the LSM list, / on ext4, /tmp on systemd's tmpfs;
#   - the end-to-end suite (tests/e2e/run.sh, every test it has, the
#     library's event tests among them) as the unprivileged user tester
#     through a login shell (su -): once in a mount namespace where the
#     work directory and /tmp are on ext4, once in systemd's /tmp (tmpfs);
#   - notified opens on 9p (the output directory), whose ->atomic_open()
#     opens new files under the directory's lock (tests/user/
#     atomic_open_test.c, as root);
#   - the example service examples/landlock-supervise-demo.service: a
#     denial in the journal through the command's --log, systemctl reload
#     adds then removes a rule live, systemctl stop ends it cleanly;
#   - the Landlock kselftests on ext4 as root, and as tester those that
#     need no privilege (their source calls none of the selftests'
#     capability helpers, nor unshare(), mount() or setns()).
# Prints "SYSTEM-RESULT NAME ok|fail" per result, "SYSTEM-TOTALS P F S" and
# "SYSTEM-DONE" at the end.
set -u
src=$1
out=$2
# The host's build directory (9p tag llbuild, read-only).
build=/mnt/ll-build
mkdir -p "$build"
mountpoint -q "$build" ||
	mount -t 9p -o ro,cache=loose,trans=virtio,version=9p2000.L,msize=262144 llbuild "$build" || exit 1
ll=/opt/ll
pass=0 fail=0 skip=0
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8

result() { # NAME ok|fail [DETAIL...]
	local name=$1 r=$2
	shift 2
	echo "SYSTEM-RESULT $name $r"
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	if [ "$r" = ok ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
check() { # NAME COMMAND...
	local name=$1
	shift
	if "$@"; then result "$name" ok; else result "$name" fail "failed: $*"; fi
}
section() { printf '\n### %s (%s)\n' "$*" "$(date +%T)"; }

section "the system"
uname -a
systemctl --version | head -n1
state=$(systemctl is-system-running --wait 2>/dev/null)
echo "systemd: $state"
failed_units=$(systemctl list-units --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')
check systemd-running-no-failed-unit test "$state" = running -a -z "$failed_units"
[ -z "$failed_units" ] || systemctl status --no-pager $failed_units 2>&1 | head -n 40
echo "lsm: $(cat /sys/kernel/security/lsm)"
check landlock-in-lsm-list grep -qw landlock /sys/kernel/security/lsm
check root-is-ext4 test "$(findmnt -no FSTYPE /)" = ext4
check tmp-is-systemd-tmpfs test "$(findmnt -no FSTYPE /tmp)" = tmpfs -a \
	"$(systemctl show -P ActiveState tmp.mount)" = active

section "the project's binaries and tests, copied to $ll (ext4)"
rm -rf "$ll"; mkdir -p "$ll/build"
for d in tests examples bench docs man; do cp -a "$src/$d" "$ll/$d" || exit 1; done
for d in user kselftest bench-trace; do
	[ -d "$build/$d" ] && { cp -a "$build/$d" "$ll/build/$d" || exit 1; }
done
chmod -R a+rX "$ll"
du -sh "$ll"
tool=$ll/build/user/landlock-supervise
# Every program has its shared libraries (else: a package for
# tests/system/packages).
missing=$(for f in "$ll"/build/user/*; do
	[ -f "$f" ] && [ -x "$f" ] &&
		LD_LIBRARY_PATH=$ll/build/user ldd "$f" 2>/dev/null | grep 'not found' | sed "s|^|${f##*/}: |"
done)
check programs-have-their-libraries test -z "$missing"
[ -z "$missing" ] || echo "$missing"
install -m 755 "$tool" /usr/local/bin/landlock-supervise
check command-runs-as-user su - tester -c "landlock-supervise --version"

# The host's LL_E2E_TESTS, seeds and durations (tests/system.sh).
e2e_env=$(tr '\n' ' ' <"$out/e2e.env" 2>/dev/null)
# One run of the end-to-end suite as tester: NAME, the filesystem type
# that the work directory and /tmp must have, the work directory, and a
# command run as root first in a mount namespace of its own (private: no
# mount from outside can stack on its /tmp), in a login shell.
e2e() { # NAME FSTYPE WORKDIR SETUP
	local name=$1 fstype=$2 dir=$3 setup=$4 log=$out/e2e-$1.log line
	section "end-to-end suite as tester, $name (work directory $dir)"
	unshare -m --propagation private bash -c "$setup && exec su - tester -c \
		'cd && mkdir -p $dir && df --output=fstype $dir | tail -n1 && df --output=fstype /tmp | tail -n1 && \
		$e2e_env LL_STRESS_SLAB_CHECK=0 $ll/tests/e2e/run.sh $tool $dir'" >"$log" 2>&1 </dev/null
	grep -E '^(ok|not ok|#)' "$log" | grep -v '^ok' | head -n 200
	head -n2 "$log" | sed 's/^/filesystems (work, \/tmp): /'
	check "e2e-$name/work-and-tmp-on-$fstype" test "$(head -n2 "$log" | tr '\n' ' ')" = "$fstype $fstype "
	while read -r line; do
		case $line in
		"ok - "*) result "e2e-$name/${line#ok - }" ok ;;
		"not ok - "*) result "e2e-$name/${line#not ok - }" fail ;;
		esac
	done < <(grep -E '^(ok|not ok) - ' "$log")
	grep -q '^E2E-TOTALS ' "$log" || { result "e2e-$name/complete" fail "no E2E-TOTALS line"; tail -n 20 "$log"; }
}
# ext4: the work directory in tester's home; /tmp (where the library's
# event tests, the stress test and the fuzzer make their files) is a
# directory of tester's home too, in a mount namespace of its own.
# tester's runtime directory (XDG_RUNTIME_DIR, a tmpfs under /run/user that
# logind mounts for the user's first session), mounted before the
# namespaces are made: lingering keeps it from boot on.
install -d -o tester -g tester /home/tester/tmp
loginctl enable-linger tester
for _ in $(seq 120); do mountpoint -q /run/user/1000 && break; sleep 0.5; done
check tester-runtime-directory mountpoint -q /run/user/1000
e2e ext4 ext4 /home/tester/e2e "mount --bind /home/tester/tmp /tmp"
e2e tmpfs tmpfs /tmp/e2e-tester "true"

section "notified opens on 9p, which opens new files under the directory's lock ($out)"
# tests/user/atomic_open_test.c: no requester waits under the lock (the
# supervisor creates in the same directory while it answers), and the library
# knows that creations there are not asked about again on the new file.
"$ll/build/user/atomic_open_test" "$out" >"$out/atomic-open.log" 2>&1
rc=$?
cat "$out/atomic-open.log"
if [ $rc -eq 0 ]; then result atomic-open-9p ok; else result atomic-open-9p fail "exit status $rc"; fi

section "the example service (examples/landlock-supervise-demo.service)"
# shellcheck source=service.sh
. "$ll/tests/system/service.sh"
service_tests "$ll"

section "Landlock kselftests as root on ext4"
# shellcheck source=../kselftest-totals.sh
. "$ll/tests/kselftest-totals.sh"
kselftests() { # NAME USER TESTS...
	local name=$1 user=$2 t line p f s
	shift 2
	rm -rf "/var/tmp/ks-$name"; cp -a "$ll/build/kselftest" "/var/tmp/ks-$name"
	chown -R "$user" "/var/tmp/ks-$name"
	for t in "$@"; do
		su - "$user" -c "cd /var/tmp/ks-$name && ./$t" >"$out/kselftest-$name-$t.log" 2>&1
		line=$(grep '^# Totals:' "$out/kselftest-$name-$t.log" | tail -n1)
		if [ -z "$line" ]; then
			result "kselftest-$name/$t" fail "no totals"; tail -n 20 "$out/kselftest-$name-$t.log"
			continue
		fi
		read -r p f s < <(kselftest_totals "$line")
		grep '^not ok' "$out/kselftest-$name-$t.log" | grep -v '# SKIP' | head -n 20
		echo "$t: $line"
		pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	done
}
all=$(cd "$ll/build/kselftest" && ls -1 -- *_test)
kselftests root root $all
section "Landlock kselftests as tester (those that need no privilege)"
ksrc=$build/linux/tools/testing/selftests/landlock
nocap=$(for t in $all; do
	grep -qE '\b(set_cap|clear_cap|drop_caps|disable_caps|_init_caps|unshare|mount|setns)\(' \
		"$ksrc/$t.c" || echo "$t"
done)
echo "as tester: $(echo $nocap)"
[ -n "$nocap" ] || result kselftest-tester/none fail "no kselftest without privileges"
kselftests tester tester $nocap

section "done"
echo "SYSTEM-TOTALS $pass $fail $skip"
echo SYSTEM-DONE

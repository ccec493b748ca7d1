#!/usr/bin/env bash
# make install into a staging directory (DESTDIR, PREFIX=/usr), then a
# program built from the installed tree only, through pkg-config: linked
# with the shared library and with the static one, run.  And the shared
# library exports exactly the functions of the header, each at symbol
# version LANDLOCK_SUPERVISE_0.1 or, for those that 0.2 added or changed,
# LANDLOCK_SUPERVISE_0.2.  Every exported function has a man page that
# man(1) finds in the installed tree (tests/user/man_check.py checks the
# pages against the header).  Prints "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
pass=0 fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "not ok $1"; fail=$((fail + 1)); }
t() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

tmp=$(mktemp -d /tmp/ll-install.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

do_install() {
	# LL_USER_DIR: another user-space build directory (make U=...).
	make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr ${LL_USER_DIR:+U="$LL_USER_DIR"} \
		>"$tmp/install.log" 2>&1 ||
		{ sed 's/^/#   /' "$tmp/install.log"; return 1; }
}
t "make install DESTDIR=... PREFIX=/usr" do_install
for f in bin/landlock-supervise lib/liblandlock-supervise.so.0 lib/liblandlock-supervise.so \
	lib/liblandlock-supervise.a lib/pkgconfig/landlock-supervise.pc \
	include/landlock-supervise.h include/landlock-supervise/linux/landlock.h \
	share/man/man1/landlock-supervise.1 share/man/man3/liblandlock-supervise.3; do
	t "installed /usr/$f" test -e "$dest/usr/$f"
done
t "the .so link and soname" test "$(readlink "$dest/usr/lib/liblandlock-supervise.so")" = \
	liblandlock-supervise.so.0
t "the installed header is the patched uAPI" \
	grep -q LANDLOCK_CREATE_RULESET_SUPERVISOR "$dest/usr/include/landlock-supervise/linux/landlock.h"

# One man page per exported function (its own, or a .so link to the page
# of its group), installed, and found by man(1) in the installed tree.
mandir=$dest/usr/share/man
symbols=$(sed -n 's/^\t\(ll_[a-z0-9_]*\);$/\1/p' "$top/lib/liblandlock-supervise.map" | sort -u)
nopage=$(for s in $symbols; do [ -f "$mandir/man3/$s.3" ] || echo "$s"; done)
t "a man page installed for each of the $(echo "$symbols" | wc -l) exported functions${nopage:+; none for: }$(echo $nopage)" \
	test -z "$nopage"
if command -v man >/dev/null; then
	unresolved=$(for s in $symbols; do
		page=$(man -M "$mandir" -w "$s" 2>/dev/null)
		case $page in "$mandir"/man3/*.3) ;; *) echo "$s" ;; esac
	done)
	t "man -w finds every function's page in the installed tree${unresolved:+; not: }$(echo $unresolved)" \
		test -z "$unresolved"
	t "man ll_event_answer_grant_fd shows its group's page (.so link)" sh -c \
		"man -M '$mandir' -P cat ll_event_answer_grant_fd 2>/dev/null | grep -q 'll_event_answer_grant_fd(struct ll_supervisor'"
else
	bad "man(1) is not installed: the lookups are not checked"
fi

cat >"$tmp/hello.c" <<'C'
#include <landlock-supervise.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>

#ifndef LANDLOCK_CREATE_RULESET_SUPERVISOR
#error "not the patched <linux/landlock.h>"
#endif

int main(void)
{
	struct ll_policy *policy = ll_policy_new();
	char err[LL_ERR_LEN];
	int ret;

	if (!policy)
		return 1;
	ret = ll_policy_load_string(policy, "t.json",
				    "{\"pathBeneath\": [{\"allowedAccess\": [\"read_file\"],"
				    " \"parent\": [\"/usr\"]}]}",
				    err, sizeof(err));
	printf("%s %s %zu %d\n", ll_version(), LL_SUPERVISE_VERSION_STRING,
	       ll_policy_num_paths(policy),
	       ll_policy_path_access(policy, "/usr") == LANDLOCK_ACCESS_FS_READ_FILE);
	ll_policy_free(policy);
	return ret ? 1 : 0;
}
C
pc() {
	PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig \
		pkg-config "$@" landlock-supervise
}
# The pages against the header and the map; their examples compiled with
# the installed tree only.
out=$(python3 "$top/tests/user/man_check.py" "$top" $(pc --cflags) 2>&1)
t "the pages match the header and the map, their examples compile ($(echo "$out" | tail -n1); tests/user/man_check.py)" \
	test "$(echo "$out" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p')" = 0
echo "$out" | grep -A8 '^not ok' | sed 's/^/#   /'
version=$(sed -n 's/^#define LL_SUPERVISE_VERSION_STRING "\(.*\)"/\1/p' "$top/include/landlock-supervise.h")
t "pkg-config --modversion" test "$(pc --modversion)" = "$version"
# Only the installed tree: no -I of the source or build directories.
t "built with pkg-config (shared)" \
	cc -Wall -Wextra -Werror $(pc --cflags) -o "$tmp/hello" "$tmp/hello.c" $(pc --libs)
out=$(LD_LIBRARY_PATH=$dest/usr/lib "$tmp/hello" 2>&1)
t "runs with the installed library: $out" test "$out" = "$version $version 1 1"
t "linked with the installed .so.0" \
	sh -c "LD_LIBRARY_PATH='$dest/usr/lib' ldd '$tmp/hello' | grep -q '$dest/usr/lib/liblandlock-supervise.so.0'"
static_libs=$(pc --libs --static | sed 's/-llandlock-supervise/-Wl,-Bstatic -llandlock-supervise -Wl,-Bdynamic/')
t "built with pkg-config --static (static library)" \
	cc -Wall -Wextra -Werror $(pc --cflags) -o "$tmp/hello-static" "$tmp/hello.c" $static_libs
out=$("$tmp/hello-static" 2>&1)
t "runs statically linked: $out" test "$out" = "$version $version 1 1"

# Exported symbols: the header's LL_EXPORT functions, nothing more.
lib=$dest/usr/lib/liblandlock-supervise.so.0
want=$(grep -A3 '^LL_EXPORT' "$top/include/landlock-supervise.h" | tr '\n' ' ' |
	grep -oE '\*?ll_[a-z0-9_]+\(' | tr -d '*(' | sort -u)
got=$(nm -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u)
if [ "$want" = "$got" ]; then
	ok "exports the $(echo "$want" | wc -l) functions of the header, nothing else"
else
	bad "exported symbols differ from the header's functions:"
	diff <(echo "$want") <(echo "$got") | sed 's/^/#   /'
fi
# Version nodes: 0.1's functions at LANDLOCK_SUPERVISE_0.1, those that 0.2
# added or changed at LANDLOCK_SUPERVISE_0.2, and 0.1's ll_event_recv (which
# opened descriptors) kept for the programs linked against 0.1.
at() {
	nm -D --defined-only "$lib" | awk -v v="$1" '$2 == "T" && $3 ~ v { sub(/@.*/, "", $3); print $3 }' |
		sort -u | tr '\n' ' '
}
t "every export at version LANDLOCK_SUPERVISE_0.1 or 0.2" \
	test -z "$(nm -D --defined-only "$lib" | awk '$2 == "T" && $3 !~ /@@?LANDLOCK_SUPERVISE_0\.[12]$/')"
# The map's LANDLOCK_SUPERVISE_0.2 node (which must keep 0.2's ll_event_recv).
added=$(sed -n '/^LANDLOCK_SUPERVISE_0.2 {/,/^}/s/^\t\(ll_[a-z0-9_]*\);$/\1/p' "$top/lib/liblandlock-supervise.map" |
	sort | tr '\n' ' ')
t "the map's 0.2 node has ll_event_recv and the answers: $added" \
	grep -q "ll_event_answer_grant .*ll_event_recv ll_event_recv_batch ll_event_recv_flags " <<<"$added"
t "0.2's functions at LANDLOCK_SUPERVISE_0.2: $(at '@@LANDLOCK_SUPERVISE_0[.]2$')" \
	test "$(at '@@LANDLOCK_SUPERVISE_0[.]2$')" = "$added"
t "0.1's ll_event_recv kept (non-default version)" \
	test "$(at '[^@]@LANDLOCK_SUPERVISE_0[.]1$')" = "ll_event_recv "

# Which ll_event_recv a program gets: one linked against 0.1 (here, against a
# stand-in with 0.1's node) keeps 0.1's; one built now gets 0.2's.
mkdir -p "$tmp/old"
cat >"$tmp/old/stub.c" <<'C'
void *ll_event_new(void) { return 0; }
void ll_event_free(void *event) { (void)event; }
int ll_event_recv(int fd, void *event) { (void)fd; (void)event; return 0; }
C
printf 'LANDLOCK_SUPERVISE_0.1 { global: ll_event_new; ll_event_free; ll_event_recv; local: *; };\n' \
	>"$tmp/old/stub.map"
cat >"$tmp/recv.c" <<'C'
#include <landlock-supervise.h>

int main(void)
{
	struct ll_event *event = ll_event_new();
	int ret = ll_event_recv(-1, event);

	ll_event_free(event);
	return ret == -1 ? 0 : 1;
}
C
binding() { # PROGRAM: the version of ll_event_recv it is bound to
	LD_LIBRARY_PATH=$dest/usr/lib LD_DEBUG=bindings "$1" 2>&1 |
		sed -n "s/.*normal symbol \`ll_event_recv' \[\(.*\)\]$/\1/p"
}
cc -shared -fPIC -Wl,-soname,liblandlock-supervise.so.0 -Wl,--version-script="$tmp/old/stub.map" \
	-o "$tmp/old/liblandlock-supervise.so" "$tmp/old/stub.c" &&
	cc $(pc --cflags) -o "$tmp/recv-0.1" "$tmp/recv.c" -L"$tmp/old" -llandlock-supervise &&
	cc $(pc --cflags) -o "$tmp/recv-0.2" "$tmp/recv.c" $(pc --libs)
t "a program linked against 0.1 gets ll_event_recv@LANDLOCK_SUPERVISE_0.1: $(binding "$tmp/recv-0.1")" \
	test "$(binding "$tmp/recv-0.1")" = LANDLOCK_SUPERVISE_0.1
t "a program built now gets ll_event_recv@@LANDLOCK_SUPERVISE_0.2: $(binding "$tmp/recv-0.2")" \
	test "$(binding "$tmp/recv-0.2")" = LANDLOCK_SUPERVISE_0.2
t "both run (EBADF from either version)" sh -c \
	"LD_LIBRARY_PATH='$dest/usr/lib' '$tmp/recv-0.1' && LD_LIBRARY_PATH='$dest/usr/lib' '$tmp/recv-0.2'"
make -s -C "$top" uninstall DESTDIR="$dest" PREFIX=/usr ${LL_USER_DIR:+U="$LL_USER_DIR"} >/dev/null 2>&1
left=$(find "$dest" -type f -o -type l)
t "make uninstall removes every file it installed${left:+: }$(echo $left)" test -z "$left"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

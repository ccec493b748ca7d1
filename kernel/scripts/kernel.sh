#!/usr/bin/env bash
# Lays the base kernel tree, applies the harness patches and this project's
# series, builds User-Mode Linux (and x86_64), exports and refreshes the
# series.
#
#   kernel.sh tree      lay build/linux (once) and apply the patches (when they
#                       changed in kernel/)
#   kernel.sh build     tree + build build/uml/linux with ccache
#   kernel.sh build-x86 [EXTRA]
#                       tree + build an x86_64 bzImage for QEMU (build/x86[-EXTRA])
#   kernel.sh build-arm64
#                       tree + cross-build an arm64 Image for QEMU (build/arm64)
#   kernel.sh deb       Debian packages of the patched x86_64 kernel, from
#                       Debian's own 6.12 configuration (build/deb/*.deb)
#   kernel.sh headers   install the uAPI headers into build/headers
#   kernel.sh series    the two series as they would be mailed, with cover
#                       letters: build/series/core/, build/series/alternatives/
#   kernel.sh refresh   export the commits of build/linux back into
#                       kernel/patches/ (and kernel/harness/)
#   kernel.sh bisect    build every core patch with W=1 and run its
#                       kselftests in UML (make check-bisect)
#
# There are two series: the core one, kernel/patches/core/, and the
# alternatives the RFC thread discussed, kernel/patches/alternatives/, on top
# of it (for comparison, not for merging).  Each is kept as git format-patch
# files applied in the order of its "series" file; new files are in the
# patches like any other change.  kernel/harness/ holds, the same way, the
# patches the harness needs that are not part of the series (UML fixes).
#
# build/linux is a git repository: tag "base" is Debian's source as shipped,
# then one commit per harness patch (tag "harness"), then one commit per core
# patch (tag "core"), then one per alternative (branch "ours").  It is edited
# like any kernel tree: commit, "git commit --fixup", "git rebase -i
# --autosquash harness", then "make refresh" rewrites the patch files whose
# content changed.  The script never re-lays the tree over commits or edits
# that were not exported.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
K=$B/linux
O=${LL_UML_OUT:-$B/uml}
P=$top/kernel/patches
PC=$P/core
PA=$P/alternatives
H=$top/kernel/harness
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/landlock-supervisor/ccache}
export CCACHE_BASEDIR=$B
export CCACHE_NOHASHDIR=1
jobs=${JOBS:-$(nproc)}

# shellcheck source=/dev/null
. <(grep -E '^[a-z]+=' "$top/kernel/BASE")

# One kernel tree change or build at a time on this machine (2 cores; the
# tree is shared): every command holds an exclusive lock on build/.kernel.lock.
if [ -z "${LL_KERNEL_LOCKED:-}" ]; then
	mkdir -p "$B"
	export LL_KERNEL_LOCKED=1
	exec flock "$B/.kernel.lock" bash "$0" "$@"
fi

log() { printf 'kernel: %s\n' "$*" >&2; }
die() { printf 'kernel: error: %s\n' "$*" >&2; exit 1; }

patch_list() { grep -vE '^\s*(#|$)' "$1/series" 2>/dev/null || true; }

# Digest of what defines the patched tree.
patches_digest() {
	(cd "$top" && find kernel/BASE kernel/patches kernel/harness -type f -print0 2>/dev/null |
		sort -z | xargs -0 sha1sum) | sha1sum | cut -d' ' -f1
}

stamp() { cat "$K/.git/ll-$1" 2>/dev/null || true; }
record() {
	patches_digest >"$K/.git/ll-applied"
	git -C "$K" rev-parse ours >"$K/.git/ll-exported"
}

# Refuses to go on while build/linux is being edited: a rebase or git am
# under way, uncommitted edits, or another branch than ours checked out.
check_settled() {
	[ -d "$K/.git/rebase-merge" ] || [ -d "$K/.git/rebase-apply" ] &&
		die "build/linux: a rebase or git am is under way: finish it (git -C build/linux rebase --continue) or abort it"
	[ -z "$(git -C "$K" status --porcelain --untracked-files=no)" ] ||
		die "build/linux has uncommitted edits: commit them (git commit --fixup=COMMIT; git rebase -i --autosquash harness) and run 'make refresh', or drop them (git -C build/linux checkout -f .)"
	[ "$(git -C "$K" symbolic-ref -q --short HEAD 2>/dev/null)" = ours ] ||
		die "build/linux is not on branch ours: git -C build/linux checkout ours"
}

# Refuses to lose work in build/linux: as check_settled, and commits that
# were not exported with "make refresh".
check_exported() {
	check_settled
	local head want
	head=$(git -C "$K" rev-parse -q --verify ours 2>/dev/null || true)
	want=$(stamp exported)
	[ -z "$want" ] || [ "$head" = "$want" ] ||
		die "build/linux has commits that are not in kernel/patches: run 'make refresh' first (or drop them: git -C build/linux reset --hard $want)"
}

lay_base() {
	local installed
	installed=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
	[ -n "$installed" ] || die "$package is not installed: run scripts/deps.sh"
	if [ "$installed" != "$version" ]; then
		log "warning: installed $package is $installed, the series was made against $version"
	fi
	[ -f "$tarball" ] || die "$tarball is missing"
	log "extracting $tarball (about 20 s)"
	rm -rf "$K" "$K.tmp"
	mkdir -p "$K.tmp"
	tar -xf "$tarball" -C "$K.tmp" --strip-components=1
	mv "$K.tmp" "$K"
	log "recording the base in git (about a minute)"
	git -C "$K" init -q
	git -C "$K" config user.name "landlock-supervisor"
	git -C "$K" config user.email "landlock-supervisor@localhost"
	git -C "$K" config core.autocrlf false
	git -C "$K" config gc.auto 0
	git -C "$K" add -A -f .
	git -C "$K" commit -q -m "Linux $kernelversion (Debian $package $installed)"
	git -C "$K" tag base
	echo "$installed" >"$K/.git/ll-base-version"
}

# Applies DIR's patches with git am, one commit each.
am_dir() { # DIR
	local name
	for name in $(patch_list "$1"); do
		[ -f "$1/$name" ] || die "${1#"$top"/}/$name is listed in series but missing"
		git -C "$K" am -q --keep-cr --whitespace=nowarn "$1/$name" >"$B/apply.err" 2>&1 || {
			git -C "$K" am --abort >/dev/null 2>&1 || true
			die "${1#"$top"/}/$name does not apply on $package $(cat "$K/.git/ll-base-version") (series made against $version): $(head -3 "$B/apply.err")"
		}
	done
}

# Lays base + harness + core + alternatives on branch ours.
apply_series() {
	git -C "$K" checkout -q -f -B ours base
	git -C "$K" clean -q -fdx
	am_dir "$H"
	git -C "$K" tag -f harness >/dev/null
	am_dir "$PC"
	git -C "$K" tag -f core >/dev/null
	am_dir "$PA"
}

cmd_tree() {
	mkdir -p "$B"
	[ -d "$K/.git" ] && git -C "$K" rev-parse -q --verify base >/dev/null || lay_base
	if [ "$(patches_digest)" != "$(stamp applied)" ] || [ "${1:-}" = force ]; then
		git -C "$K" rev-parse -q --verify ours >/dev/null && check_exported
		log "applying $(patch_list "$H" | wc -l) harness, $(patch_list "$PC" | wc -l) core and $(patch_list "$PA" | wc -l) alternative patches"
		apply_series
		record
	fi
}

# Configures output directory OUT for ARCH from allnoconfig and fragments.
configure() { # ARCH OUT FRAGMENT...
	local arch=$1 out=$2
	shift 2
	mkdir -p "$out" "$CCACHE_DIR"
	cat "$@" >"$out/.ll-fragment"
	if ! cmp -s "$out/.ll-fragment" "$out/.ll-fragment.used" 2>/dev/null || [ ! -f "$out/.config" ]; then
		log "configuring $arch in $out (${*##*/})"
		make -s -C "$K" O="$out" ARCH="$arch" KCONFIG_ALLCONFIG="$out/.ll-fragment" allnoconfig >/dev/null
		cp "$out/.ll-fragment" "$out/.ll-fragment.used"
		# Every line of the fragments must have taken effect.
		local miss
		miss=$(grep -E '^CONFIG_' "$out/.ll-fragment" | sort -u | while read -r l; do
			grep -qxF "$l" "$out/.config" || echo "$l"; done)
		[ -z "$miss" ] || log "warning: config lines not in effect: $(echo $miss)"
	fi
}

cmd_build() {
	cmd_tree
	local frags=("$top/kernel/config/uml.config")
	[ -n "${LL_CONFIG_EXTRA:-}" ] && frags+=("$top/kernel/config/$LL_CONFIG_EXTRA")
	configure um "$O" "${frags[@]}"
	log "building UML ($O/linux, -j$jobs, ccache $CCACHE_DIR)"
	make -s -C "$K" O="$O" ARCH=um CC="ccache gcc" -j"$jobs" linux
}

# x86_64 for QEMU (scripts/qemu-run): build/x86, or build/x86-EXTRA with the
# fragment kernel/config/EXTRA.config on top (e.g. kcsan).
cmd_build_x86() {
	local extra=${1:-} out=$B/x86
	local frags=("$top/kernel/config/x86.config")
	if [ -n "$extra" ]; then
		[ -f "$top/kernel/config/$extra.config" ] || die "no kernel/config/$extra.config"
		frags+=("$top/kernel/config/$extra.config")
		out=$B/x86-$extra
	fi
	cmd_tree
	configure x86_64 "$out" "${frags[@]}"
	log "building x86_64 ($out/arch/x86/boot/bzImage, -j$jobs, ccache $CCACHE_DIR)"
	make -s -C "$K" O="$out" ARCH=x86_64 CC="ccache gcc" -j"$jobs" bzImage
}

# arm64 for QEMU's virt machine (tests/arm64.sh), with Debian's cross
# compiler (scripts/deps.sh arm64).
cmd_build_arm64() {
	local out=$B/arm64
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		die "aarch64-linux-gnu-gcc is missing: run 'scripts/deps.sh arm64'"
	cmd_tree
	export CROSS_COMPILE=aarch64-linux-gnu-
	configure arm64 "$out" "$top/kernel/config/arm64.config"
	log "building arm64 ($out/arch/arm64/boot/Image, -j$jobs, ccache $CCACHE_DIR)"
	make -s -C "$K" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" -j"$jobs" Image
	make -s -C "$K" O="$out" ARCH=arm64 INSTALL_HDR_PATH="$out/headers" headers_install >/dev/null
}

# Installable Debian packages (bindeb-pkg) of the patched kernel for x86_64,
# configured from Debian's own configuration (linux-config-6.12), with what
# a local build cannot have switched off: Debian's signing certificates and
# debug information (which would triple the build time and size).  The
# harness patches (UML only) change nothing for x86_64.
cmd_deb() {
	local out=$B/deb/build cfg
	cfg=$(ls /usr/src/linux-config-6.12/config.amd64_none_amd64.xz 2>/dev/null || true)
	[ -n "$cfg" ] || die "Debian's configuration is missing: run 'scripts/deps.sh deb'"
	cmd_tree
	mkdir -p "$out"
	if [ ! -f "$out/.config" ] || [ "$cfg" -nt "$out/.config" ]; then
		xz -dc "$cfg" >"$out/.config"
		"$K/scripts/config" --file "$out/.config" \
			--set-str LOCALVERSION "-landlock-supervisor" \
			--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
			--enable SECURITY_LANDLOCK \
			--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --disable DEBUG_INFO_DWARF4 \
			--disable DEBUG_INFO_DWARF5 --enable DEBUG_INFO_NONE --disable DEBUG_INFO_BTF
		make -s -C "$K" O="$out" ARCH=x86_64 olddefconfig
		grep -q '^CONFIG_LSM=.*landlock' "$out/.config" ||
			"$K/scripts/config" --file "$out/.config" --set-str LSM \
				"landlock,$(sed -n 's/^CONFIG_LSM="\(.*\)"/\1/p' "$out/.config")"
		make -s -C "$K" O="$out" ARCH=x86_64 olddefconfig
	fi
	log "building Debian packages in $B/deb (-j$jobs; hours on 2 cores: every module of Debian's configuration)"
	make -s -C "$K" O="$out" ARCH=x86_64 CC="ccache gcc" -j"$jobs" \
		KDEB_PKGVERSION="$version+ll1" bindeb-pkg
	log "packages: $(ls "$B"/deb/*.deb 2>/dev/null | tr '\n' ' ')"
}

# Builds security/landlock with W=1 in its own output directory (so that the
# main build keeps its flags) and fails on any warning.
cmd_w1() {
	cmd_tree
	local o=$B/uml-w1
	mkdir -p "$o"
	cp "$O/.config" "$o/.config"
	make -s -C "$K" O="$o" ARCH=um CC="ccache gcc" olddefconfig >/dev/null
	# Rebuilds every Landlock object so that all warnings show.
	rm -f "$o"/security/landlock/*.o
	make -s -C "$K" O="$o" ARCH=um CC="ccache gcc" W=1 -j"$jobs" security/landlock/ 2>&1 |
		tee "$o/w1.log"
	# kernel-doc (6.12) cannot parse "layer_mask_t (*const x)[N]" parameters,
	# which upstream Landlock uses: its two messages about them are ignored.
	! grep -E 'warning|error' "$o/w1.log" | grep -vE \
		"member '' not described|Excess function parameter '(layer_masks[a-z_0-9]*|layers)' description" |
		grep -q .
}

# checkpatch --strict on the exported series.  OPEN_ENDED_LINE ("Lines should
# not end with a '('") is what clang-format (the tree's .clang-format, which
# Landlock's files follow) writes for long calls and prototypes: upstream
# Landlock has the same lines (e.g. "no_more_access(" in fs.c), and the two
# tools cannot both be satisfied there.
cmd_checkpatch() {
	cmd_series >/dev/null 2>&1
	# Debian's python3 has ply, for the SPDX check.
	PATH=/usr/bin:$PATH perl "$K/scripts/checkpatch.pl" --strict --quiet \
		--ignore FILE_PATH_CHANGES,OPEN_ENDED_LINE \
		$(find "$B/series" -name '*.patch' ! -name '0000-cover-letter.patch' | sort)
}

cmd_headers() {
	cmd_tree
	local stamp="$B/headers/.ll-applied" want
	want=$(sha1sum <"$K/include/uapi/linux/landlock.h" | cut -d' ' -f1)
	if [ "$want" != "$(cat "$stamp" 2>/dev/null)" ]; then
		log "installing uAPI headers into $B/headers"
		make -s -C "$K" O="$B/hdr-out" ARCH=x86_64 INSTALL_HDR_PATH="$B/headers" headers_install >/dev/null
		echo "$want" >"$stamp"
	fi
}

# Fills the cover letter COVER (format-patch's template) from TEMPLATE: its
# first line is the subject, the rest the blurb, where the line "@FIGURES@"
# becomes the summary of docs/benchmarks.md (between its "cover:begin" and
# "cover:end" markers) and "@ALTERNATIVES@" the recommendation of
# docs/alternatives.md (likewise).
fill_cover() { # COVER TEMPLATE
	python3 - "$1" "$2" "$top/docs" <<'PY'
import re, sys
cover, template, docs = sys.argv[1:]
def block(name):
    try:
        text = open(f"{docs}/{name}").read()
    except OSError:
        return f"(docs/{name} is missing)"
    m = re.search(r"<!-- cover:begin -->\n(.*?)<!-- cover:end -->", text, re.S)
    return m.group(1).strip() if m else f"(docs/{name} has no cover:begin block)"
lines = open(template).read().split("\n")
subject, blurb = lines[0], "\n".join(lines[1:]).strip("\n")
blurb = blurb.replace("@FIGURES@", block("benchmarks.md"))
blurb = blurb.replace("@ALTERNATIVES@", block("alternatives.md"))
text = open(cover).read()
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", blurb)
open(cover, "w").write(text)
PY
}

# The two series as they would be mailed, each with its cover letter:
# build/series/core/ and build/series/alternatives/.
cmd_series() {
	cmd_tree
	rm -rf "$B/series"
	git -C "$K" format-patch -q --no-signature --zero-commit --cover-letter \
		--subject-prefix="RFC PATCH v2" -o "$B/series/core" harness..core
	fill_cover "$B/series/core/0000-cover-letter.patch" "$top/kernel/cover/core.txt"
	git -C "$K" format-patch -q --no-signature --zero-commit --cover-letter \
		--subject-prefix="RFC PATCH v2 alternatives" -o "$B/series/alternatives" core..ours
	fill_cover "$B/series/alternatives/0000-cover-letter.patch" "$top/kernel/cover/alternatives.txt"
	log "wrote $(ls "$B/series/core" | wc -l) files to $B/series/core and $(ls "$B/series/alternatives" | wc -l) to $B/series/alternatives"
}

# Writes the commits RANGE of build/linux into DIR (git format-patch files
# and DIR/series), rewriting only the files whose content changed.
export_range() { # RANGE DIR
	local range=$1 dir=$2 tmp f n=0
	tmp=$(mktemp -d "$B/export.XXXXXX")
	mkdir -p "$dir"
	git -C "$K" format-patch -q --no-numbered --no-signature --zero-commit \
		--filename-max-length=100 -o "$tmp" "$range"
	(cd "$tmp" && ls -1 -- *.patch 2>/dev/null || true) >"$tmp/series"
	for f in "$tmp"/*.patch "$tmp/series"; do
		[ -e "$f" ] || continue
		if ! cmp -s "$f" "$dir/${f##*/}"; then
			cp "$f" "$dir/${f##*/}"
			[ "${f##*/}" = series ] || { log "wrote ${dir#"$top"/}/${f##*/}"; n=$((n + 1)); }
		fi
	done
	for f in "$dir"/*.patch; do
		[ -e "$f" ] || continue
		[ -e "$tmp/${f##*/}" ] || { rm -f "$f"; log "removed ${dir#"$top"/}/${f##*/}"; }
	done
	rm -rf "$tmp"
	echo $n
}

# A rebase leaves tag TAG behind: it moves to the commit of branch ours with
# the subject of the commit it tagged.
follow_tag() { # TAG
	local tag=$1 subject c
	git -C "$K" merge-base --is-ancestor "$tag" ours && return 0
	subject=$(git -C "$K" log -1 --format=%s "$tag")
	c=$(git -C "$K" log --format='%H %s' base..ours | grep -F " $subject" | head -n1 | cut -d' ' -f1)
	[ -n "$c" ] && [ -n "$subject" ] ||
		die "branch ours no longer holds the commit \"$subject\" of tag $tag: tag it with 'git -C build/linux tag -f $tag COMMIT'"
	git -C "$K" tag -f "$tag" "$c" >/dev/null
	log "tag $tag moved to $(git -C "$K" log -1 --format='%h %s' "$c")"
}

cmd_refresh() {
	[ -d "$K/.git" ] || die "no build/linux: run 'make kernel' first"
	check_settled
	[ "$(git -C "$K" rev-parse base)" != "$(git -C "$K" rev-parse harness)" ] ||
		die "tag harness is on base: was a rebase made onto another commit?"
	follow_tag harness
	follow_tag core
	git -C "$K" merge-base --is-ancestor harness core ||
		die "tag core is before tag harness"
	[ -z "$(git -C "$K" log --format=%s --grep='^\(fixup\|squash\|amend\)! ' harness..ours)" ] ||
		die "fixup commits are left: git -C build/linux rebase -i --autosquash harness"
	local nh nc na
	nh=$(export_range base..harness "$H")
	nc=$(export_range harness..core "$PC")
	na=$(export_range core..ours "$PA")
	record
	log "refreshed: $nc core, $na alternatives and $nh harness patch files changed"
}

# Whether check-bisect runs the kselftests at core commit C (LAST is the last
# one): with LL_BISECT_TESTS=all at every commit (about 6 minutes each in UML);
# by default at the last commit of each run of commits that change the
# kselftests (so after the kernel patches they test, and with them), and at
# LAST.  Every commit is built, with W=1 for Landlock, either way.
runs_kselftests() { # C LAST
	local c=$1 next
	[ "${LL_BISECT_TESTS:-groups}" = all ] && return 0
	[ "$c" = "$2" ] && return 0
	changes_tests "$c" || return 1
	next=$(git -C "$K" rev-list --reverse "$c..$2" | head -n1)
	! changes_tests "$next"
}

changes_tests() { # C
	git -C "$K" diff --name-only "$1~1" "$1" | grep -q '^tools/testing/selftests/landlock/'
}

# Builds each core patch (harness..core) with W=1 in build/bisect (its own
# worktree and output directory) and runs the kselftests that exist at that
# patch in UML (cf. runs_kselftests()); stops at the first failure.  Prints
# one line per patch.
cmd_bisect() {
	cmd_tree
	check_settled
	local wt=$B/bisect/linux o=$B/bisect/uml c n=0 fail=0 line
	mkdir -p "$B/bisect"
	git -C "$K" worktree prune
	[ -d "$wt" ] || git -C "$K" worktree add -q --detach "$wt" harness
	mkdir -p "$o"
	local commits last
	commits=$(git -C "$K" rev-list --reverse harness..core)
	last=$(git -C "$K" rev-parse core)
	for c in $commits; do
		n=$((n + 1))
		# LL_BISECT_FROM=N: start at core patch N (after a change to it).
		[ "$n" -ge "${LL_BISECT_FROM:-1}" ] || continue
		git -C "$wt" checkout -q -f --detach "$c"
		git -C "$wt" clean -q -fdx
		cp "$O/.config" "$o/.config"
		line="$(printf '%02d' $n) $(git -C "$K" log -1 --format=%s "$c"):"
		if ! make -s -C "$wt" O="$o" ARCH=um CC="ccache gcc" olddefconfig >/dev/null 2>&1 ||
			! make -s -C "$wt" O="$o" ARCH=um CC="ccache gcc" -j"$jobs" linux >"$o/build.log" 2>&1; then
			echo "$line build failed (see $o/build.log)"; fail=1; break
		fi
		rm -f "$o"/security/landlock/*.o
		if ! make -s -C "$wt" O="$o" ARCH=um CC="ccache gcc" W=1 -j"$jobs" security/landlock/ >"$o/w1.log" 2>&1 ||
			grep -E 'warning|error' "$o/w1.log" | grep -vE \
				"member '' not described|Excess function parameter '(layer_masks[a-z_0-9]*|layers)' description" | grep -q .; then
			echo "$line W=1 warnings (see $o/w1.log)"; fail=1; break
		fi
		if ! runs_kselftests "$c" "$last"; then
			echo "$line W=1 clean (kselftests run at the end of its group)"
			continue
		fi
		if ! bash "$top/tests/bisect-kselftests.sh" "$wt" "$o/linux" "$B/bisect/run-$n" >"$B/bisect/run-$n.log" 2>&1; then
			echo "$line kselftests failed: $(tail -n1 "$B/bisect/run-$n.log") (see $B/bisect/run-$n.log)"
			fail=1; break
		fi
		echo "$line W=1 clean, $(tail -n1 "$B/bisect/run-$n.log")"
	done
	return $fail
}

case ${1:-build} in
tree) cmd_tree ;;
build) cmd_build ;;
build-x86) shift; cmd_build_x86 "$@" ;;
build-arm64) cmd_build_arm64 ;;
deb) cmd_deb ;;
headers) cmd_headers ;;
series) cmd_series ;;
w1) cmd_w1 ;;
checkpatch) cmd_checkpatch ;;
refresh) cmd_refresh ;;
bisect) cmd_bisect ;;
*) die "unknown command: $1" ;;
esac

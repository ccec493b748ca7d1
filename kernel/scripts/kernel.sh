#!/usr/bin/env bash
# Lays the base kernel tree, applies this project's series and new files,
# builds User-Mode Linux, exports and refreshes the series.
#
#   kernel.sh tree      lay build/linux (once) and apply ours (when changed)
#   kernel.sh build     tree + build build/uml/linux with ccache
#   kernel.sh build-x86 [EXTRA]
#                       tree + build an x86_64 bzImage for QEMU (build/x86[-EXTRA])
#   kernel.sh headers   install the uAPI headers into build/headers
#   kernel.sh series    git format-patch base..HEAD into build/series
#   kernel.sh refresh [PATCH [FILE...]]
#                       turn edits made in build/linux back into kernel/
#                       (only FILEs, if given, folded into PATCH)
#
# The tree is a git repository: tag "base" is Debian's source as shipped,
# then one commit per patch of kernel/patches/series.  New kernel files live
# as real files under kernel/tree/ and are listed, per patch, in
# kernel/patches/NAME.files.  A new file that a later patch extends also has a
# snapshot, kernel/tree.d/NAME/PATH, of its state in the patch NAME that adds
# it; kernel/tree/PATH is always its final state.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
K=$B/linux
O=${LL_UML_OUT:-$B/uml}
P=$top/kernel/patches
T=$top/kernel/tree
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/landlock-supervisor/ccache}
export CCACHE_BASEDIR=$B
export CCACHE_NOHASHDIR=1
jobs=${JOBS:-$(nproc)}

# shellcheck source=/dev/null
. <(grep -E '^[a-z]+=' "$top/kernel/BASE")

log() { printf 'kernel: %s\n' "$*" >&2; }
die() { printf 'kernel: error: %s\n' "$*" >&2; exit 1; }

series_patches() { grep -vE '^\s*(#|$)' "$P/series" 2>/dev/null || true; }

# Digests of what defines the patched tree: the series, and the new files.
# What the applied commits depend on (this script too: it makes them).
patches_digest() {
	(cd "$top" && find kernel/BASE kernel/patches kernel/tree.d kernel/scripts/kernel.sh \
		-type f -print0 2>/dev/null | sort -z | xargs -0 sha1sum) | sha1sum | cut -d' ' -f1
}
tree_digest() {
	(cd "$top" && find kernel/tree -type f -print0 | sort -z | xargs -0 sha1sum) |
		sha1sum | cut -d' ' -f1
}

# Lists the new files of the series (paths in the kernel tree).
new_files() {
	local name
	for name in $(series_patches); do
		[ -f "$P/${name%.patch}.files" ] && grep -vE '^\s*(#|$)' "$P/${name%.patch}.files"
	done | awk '!seen[$0]++'
}

stamp() { cat "$K/.git/ll-$1" 2>/dev/null || true; }

# Refuses to overwrite work: edits to upstream files not yet refreshed into
# the series, or new files edited in build/linux rather than kernel/tree.
check_no_local_edits() {
	if [ -n "$(git -C "$K" status --porcelain --untracked-files=no -- . \
		$(new_files | sed 's/^/:(exclude)/'))" ]; then
		die "build/linux has edits not in the series: run 'make refresh' first (or 'git -C build/linux checkout -f .' to drop them)"
	fi
	check_new_files_not_edited
}

check_new_files_not_edited() {
	local f last
	for f in $(new_files); do
		[ -f "$K/$f" ] || continue
		last=$(grep -F " $f" "$K/.git/ll-synced" 2>/dev/null | head -n1 | cut -d" " -f1 || true)
		[ -z "$last" ] || [ "$(sha1sum <"$K/$f" | cut -d' ' -f1)" = "$last" ] ||
			die "build/linux/$f was edited there: run 'make refresh' to copy it to kernel/tree first"
	done
}

# Copies new files from kernel/tree into build/linux when they changed there.
sync_new_files() {
	local f want
	: >"$K/.git/ll-synced.new"
	for f in $(new_files); do
		want=$(sha1sum <"$T/$f" | cut -d' ' -f1)
		if [ ! -f "$K/$f" ] || [ "$(sha1sum <"$K/$f" | cut -d' ' -f1)" != "$want" ]; then
			mkdir -p "$(dirname "$K/$f")"
			cp "$T/$f" "$K/$f"
		fi
		echo "$want $f" >>"$K/.git/ll-synced.new"
	done
	mv "$K/.git/ll-synced.new" "$K/.git/ll-synced"
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

# Applies the series on a clean checkout of the base, one commit per patch.
apply_series() {
	local name files msg author
	git -C "$K" checkout -q -f -B ours base
	git -C "$K" clean -q -fdx
	for name in $(series_patches); do
		[ -f "$P/$name" ] || die "kernel/patches/$name is listed in series but missing"
		if grep -q '^diff --git ' "$P/$name"; then
			git -C "$K" apply --index --whitespace=nowarn "$P/$name" 2>"$B/apply.err" ||
				die "kernel/patches/$name does not apply on $package $(cat "$K/.git/ll-base-version") (series made against $version): $(head -3 "$B/apply.err")"
		fi
		files=${name%.patch}.files
		if [ -f "$P/$files" ]; then
			while read -r f; do
				[ -n "$f" ] || continue
				[ -f "$T/$f" ] || die "kernel/tree/$f (listed in $files) is missing"
				mkdir -p "$(dirname "$K/$f")"
				# A file that later patches extend has a snapshot for
				# the patch that adds it, so that each patch builds.
				if [ -f "$top/kernel/tree.d/${name%.patch}/$f" ]; then
					cp "$top/kernel/tree.d/${name%.patch}/$f" "$K/$f"
				else
					cp "$T/$f" "$K/$f"
				fi
				git -C "$K" add -f "$f"
			done < <(grep -vE '^\s*(#|$)' "$P/$files")
		fi
		git -C "$K" mailinfo /dev/null /dev/null <"$P/$name" >"$B/info"
		msg=$(sed -n 's/^Subject: //p' "$B/info")
		# The patch's author, so that the exported From: matches its
		# Signed-off-by.
		author="$(sed -n 's/^Author: //p' "$B/info") <$(sed -n 's/^Email: //p' "$B/info")>"
		# The body: from the first blank line to the "---" line.
		{ echo "$msg"; echo; awk 'body && /^---$/ { exit } body { print } /^$/ { body = 1 }' "$P/$name"; } >"$B/msg"
		git -C "$K" commit -q --allow-empty --author="$author" -F "$B/msg"
	done
}

cmd_tree() {
	mkdir -p "$B"
	[ -d "$K/.git" ] && git -C "$K" rev-parse -q --verify base >/dev/null || lay_base
	local pd td
	pd=$(patches_digest)
	td=$(tree_digest)
	if [ "$pd" != "$(stamp applied)" ] || [ "${1:-}" = force ]; then
		check_no_local_edits
		log "applying $(series_patches | wc -l) patches"
		apply_series
		echo "$pd" >"$K/.git/ll-applied"
		echo "$td" >"$K/.git/ll-committed-tree"
		sync_new_files
		echo "$td" >"$K/.git/ll-synced-tree"
	elif [ "$td" != "$(stamp synced-tree)" ]; then
		check_new_files_not_edited
		sync_new_files
		echo "$td" >"$K/.git/ll-synced-tree"
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

# checkpatch --strict on the exported series.  (Not on kernel/patches: run
# from this repository, checkpatch takes a tracked file for a source file and
# reads every line of those partial diffs as added code.)
cmd_checkpatch() {
	cmd_series >/dev/null 2>&1
	# Debian's python3 has ply, for the SPDX check.
	PATH=/usr/bin:$PATH perl "$K/scripts/checkpatch.pl" --strict --quiet \
		--ignore FILE_PATH_CHANGES "$B"/series/*.patch
}

cmd_headers() {
	cmd_tree
	local stamp="$B/headers/.ll-applied"
	if [ "$(stamp applied)" != "$(cat "$stamp" 2>/dev/null)" ]; then
		log "installing uAPI headers into $B/headers"
		make -s -C "$K" O="$B/hdr-out" ARCH=x86_64 INSTALL_HDR_PATH="$B/headers" headers_install >/dev/null
		stamp applied >"$stamp"
	fi
}

cmd_series() {
	cmd_tree
	# The commits must hold the current new files.
	[ "$(tree_digest)" = "$(stamp committed-tree)" ] || cmd_tree force
	rm -rf "$B/series"
	git -C "$K" format-patch -q --no-signature -o "$B/series" base..ours
	log "wrote $(ls "$B/series" | wc -l) patches to $B/series"
}

# Turns edits in build/linux into kernel/: new files are copied back, edits to
# upstream files are folded into PATCH (default: the last patch touching the
# file, else the last patch of the series) and every patch is re-exported.
# Re-exports the upstream edits of each commit of build/linux into its patch
# of kernel/patches, keeping the patch's header.
export_patches() {
	local -A newfile=()
	local f name
	for f in $(new_files); do newfile[$f]=1; done
	local i=0 commits
	mapfile -t commits < <(git -C "$K" rev-list --reverse base..ours)
	for name in $(series_patches); do
		local c=${commits[$i]} excl=()
		i=$((i + 1))
		for f in "${!newfile[@]}"; do excl+=(":(exclude)$f"); done
		{
			sed '/^---$/q' "$P/$name"
			git -C "$K" diff --stat=72 "$c^" "$c" -- . "${excl[@]}" | sed 's/^/ /;s/^  / /'
			echo
			git -C "$K" diff "$c^" "$c" -- . "${excl[@]}"
		} >"$P/$name.new"
		mv "$P/$name.new" "$P/$name"
	done
}

cmd_refresh() {
	local target=${1:-} f owner name
	shift || true
	local only=("$@")
	local -A newfile=()
	for name in $(series_patches); do
		[ -f "$P/${name%.patch}.files" ] || continue
		while read -r f; do [ -n "$f" ] && newfile[$f]=$name; done \
			< <(grep -vE '^\s*(#|$)' "$P/${name%.patch}.files")
	done
	# New files edited in build/linux (since they were last synced from
	# kernel/tree) go back to kernel/tree; files edited in both refuse.
	local last
	for f in "${!newfile[@]}"; do
		last=$(grep -F " $f" "$K/.git/ll-synced" 2>/dev/null | head -n1 | cut -d" " -f1 || true)
		[ -f "$K/$f" ] && [ "$(sha1sum <"$K/$f" | cut -d' ' -f1)" != "$last" ] || continue
		if [ "$(sha1sum <"$T/$f" | cut -d' ' -f1)" != "$last" ]; then
			die "$f was edited both in build/linux and in kernel/tree: merge them by hand"
		fi
		cp "$K/$f" "$T/$f"
		log "kernel/tree/$f updated from build/linux"
	done
	sync_new_files
	tree_digest >"$K/.git/ll-synced-tree"
	local changed
	changed=$(git -C "$K" status --porcelain --untracked-files=no -- . \
		$(new_files | sed 's/^/:(exclude)/') | cut -c4-)
	if [ ${#only[@]} -gt 0 ]; then
		changed=$(printf '%s\n' $changed | grep -xF -f <(printf '%s\n' "${only[@]}") || true)
	fi
	[ -n "$changed" ] || { log "nothing to refresh"; return 0; }
	for f in $changed; do
		if [ -n "${newfile[$f]:-}" ]; then
			continue
		fi
		owner=$target
		if [ -z "$owner" ]; then
			for name in $(series_patches); do
				grep -q "^diff --git a/$f " "$P/$name" && owner=$name
			done
			[ -n "$owner" ] || owner=$(series_patches | tail -n1)
		fi
		local c
		c=$(git -C "$K" log --format=%H --grep="^$(git mailinfo /dev/null /dev/null <"$P/$owner" | sed -n 's/^Subject: //p')\$" base..ours | head -n1)
		[ -n "$c" ] || die "no commit for $owner in build/linux"
		git -C "$K" add -f "$f"
		git -C "$K" commit -q --fixup="$c"
		log "$f folded into $owner"
	done
	if [ -n "$(git -C "$K" log --format=%s --grep='^fixup! ' base..ours)" ]; then
		GIT_SEQUENCE_EDITOR=: git -C "$K" rebase -q -i --autosquash --autostash base
	fi
	export_patches
	patches_digest >"$K/.git/ll-applied"
}

case ${1:-build} in
tree) cmd_tree ;;
build) cmd_build ;;
build-x86) shift; cmd_build_x86 "$@" ;;
headers) cmd_headers ;;
series) cmd_series ;;
w1) cmd_w1 ;;
checkpatch) cmd_checkpatch ;;
export) export_patches; patches_digest >"$K/.git/ll-applied" ;;
refresh) shift; cmd_refresh "$@" ;;
*) die "unknown command: $1" ;;
esac

#!/usr/bin/env bash
# Checks that each patch of the series builds: for each commit of
# build/linux (harness..ours: the series, on top of the harness patches), builds security/landlock (W=1) and the Landlock
# selftests in a separate worktree.  Prints one line per patch.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
wt=$B/bisect
out=$B/bisect-out
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/landlock-supervisor/ccache}
git -C "$B/linux" worktree remove --force "$wt" 2>/dev/null
git -C "$B/linux" worktree add -q -f --detach "$wt" harness || exit 1
mkdir -p "$out" && cp "$B/uml/.config" "$out/.config"
make -s -C "$wt" O="$out" ARCH=um olddefconfig >/dev/null && make -s -C "$wt" O="$out" ARCH=um -j"$(nproc)" prepare >/dev/null 2>&1
fail=0
for c in $(git -C "$B/linux" rev-list --reverse harness..ours); do
	git -C "$wt" checkout -q --detach "$c"
	subject=$(git -C "$wt" log -1 --format=%s)
	rm -f "$out"/security/landlock/*.o
	if ! make -s -C "$wt" O="$out" ARCH=um CC="ccache gcc" W=1 -j"$(nproc)" \
		security/landlock/ >"$out/build.log" 2>&1; then
		echo "FAIL $subject (build)"; grep -E 'error' "$out/build.log" | head -5; fail=1; continue
	fi
	if grep -E 'warning|error' "$out/build.log" | grep -vE \
		"member '' not described|Excess function parameter '(layer_masks[a-z_0-9]*|layers)'" | grep -q .; then
		echo "FAIL $subject (W=1 warnings)"; grep warning "$out/build.log" | head -5; fail=1; continue
	fi
	rm -rf "$out/hdr" "$out/st"; mkdir -p "$out/st"
	if ! make -s -C "$wt" O="$out-x86" ARCH=x86_64 INSTALL_HDR_PATH="$out/hdr" \
		headers_install >/dev/null 2>&1 ||
		! make -s -C "$wt/tools/testing/selftests/landlock" \
			KHDR_INCLUDES="-isystem $out/hdr/include" OUTPUT="$out/st" >"$out/st.log" 2>&1; then
		echo "FAIL $subject (selftests)"; grep -E 'error' "$out/st.log" | head -5; fail=1; continue
	fi
	echo "ok   $subject"
done
git -C "$B/linux" worktree remove --force "$wt"
exit $fail

#!/usr/bin/env bash
# make check-arm64: the series cross-built for arm64 (kernel/config/arm64.config)
# and booted under qemu-system-aarch64 (software emulation, 2 CPUs), running
# every Landlock kselftest (the stock ones and this series': supervisor,
# notify, quiet, alternatives), cross-compiled statically and carried in an
# initramfs.  Ends "N passed, N failed, N skipped"; fails on any failure,
# a missing total, or a kernel BUG/WARNING/lockdep report.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
run=$B/check-arm64
out=$B/arm64
st=$B/arm64-kselftest
rm -rf "$run"; mkdir -p "$run"

bash "$top/scripts/deps.sh" arm64 || exit 1
bash "$top/kernel/scripts/kernel.sh" build-arm64 || exit 1

# Debian's arm64 packages that the guest needs, downloaded (not installed)
# once and unpacked under build/arm64-debs/root: libcap (static library and
# headers, for the kselftests) and a static busybox (a shell and ip(8) for
# their system() calls).
debs=$B/arm64-debs
for pkg in libcap-dev busybox-static; do
	ls "$debs/${pkg}"_*_arm64.deb >/dev/null 2>&1 && continue
	mkdir -p "$debs"
	(cd "$debs" && apt-get download -q "$pkg:arm64" >/dev/null 2>&1) ||
		{ echo "cannot download $pkg:arm64 (scripts/deps.sh arm64)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
done
rm -rf "$debs/root"
for deb in "$debs"/libcap-dev_*_arm64.deb "$debs"/busybox-static_*_arm64.deb; do
	dpkg-deb -x "$deb" "$debs/root" || exit 1
done

echo "==> cross-compiling the Landlock kselftests (static, arm64)"
rm -rf "$st"; mkdir -p "$st/root/selftests"
if ! make -s -C "$B/linux/tools/testing/selftests/landlock" CROSS_COMPILE=aarch64-linux-gnu- \
	KHDR_INCLUDES="-isystem $out/headers/include -isystem $debs/root/usr/include" \
	LDFLAGS="-static -L$debs/root/usr/lib/aarch64-linux-gnu" \
	OUTPUT="$st/root/selftests" -j"$(nproc)" >"$st/build.log" 2>&1; then
	cat "$st/build.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$st/root/init" "$top/tests/arm64/init.c" || exit 1
mkdir -p "$st/root/bin" "$st/root/sbin"
cp "$debs/root/bin/busybox" "$st/root/bin/busybox"
for applet in sh ip cat ls mount; do ln -sf busybox "$st/root/bin/$applet"; done
# The concurrency stress test too (tests/stress/stress.c): it fails if a
# restart code or EINTR reaches user space, or an event is lost.
aarch64-linux-gnu-gcc -static -O2 -pthread -Wall -Wextra -Werror -isystem "$out/headers/include" \
	-o "$st/root/selftests/stress" "$top/tests/stress/stress.c" || exit 1
# The event lifecycle stress (tests/stress/lifecycle.c): waits given up by
# siglongjmp() while grants are made, a full queue, then no lost event.
aarch64-linux-gnu-gcc -static -O2 -pthread -Wall -Wextra -Werror -isystem "$out/headers/include" \
	-o "$st/root/selftests/lifecycle" "$top/tests/stress/lifecycle.c" || exit 1
{
	(cd "$st/root/selftests" && ls -1 -- *_test)
	seed=${LL_STRESS_SEED:-$RANDOM}
	echo "stress ${LL_ARM64_STRESS_SECONDS:-20} $seed"
	echo "stress ${LL_ARM64_STRESS_SECONDS:-20} $seed nested"
	echo "lifecycle ${LL_ARM64_STRESS_SECONDS:-20} $seed"
} >"$st/root/selftests/list"
(cd "$st/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$st/initrd.gz"

echo "==> booting arm64 under QEMU (TCG, 2 CPUs): $(wc -l <"$st/root/selftests/list") kselftest programs"
# shellcheck source=../scripts/guest-init.sh
. "$top/scripts/guest-init.sh"
# shellcheck source=kselftest-totals.sh
. "$top/tests/kselftest-totals.sh"
start=$(date +%s)
timeout -k 5 "${LL_ARM64_LIMIT:-2400}" qemu-system-aarch64 -nographic -no-reboot -nodefaults \
	-machine virt -cpu max -smp 2 -m 2048 -accel tcg,thread=multi \
	-serial stdio -kernel "$out/arch/arm64/boot/Image" -initrd "$st/initrd.gz" \
	-append "console=ttyAMA0 rdinit=/init panic=-1 loglevel=5" \
	</dev/null 2>&1 | sed -u 's/\r$//' >"$run/console.log"
rc=${PIPESTATUS[0]}
echo "QEMU exit $rc after $(($(date +%s) - start)) s (console: $run/console.log)"

pass=0 fail=0 skip=0
grep -E '^ARM64-EXIT|^# Totals:|^not ok' "$run/console.log" | grep -v '^not ok .* # SKIP' | head -60
current=
while read -r line; do
	case $line in
	"ARM64-RUN stress"* | "ARM64-RUN lifecycle"*) current=${line#ARM64-RUN }; current=${current%% *}; seen=stress ;;
	"ARM64-RUN "*) current=${line#ARM64-RUN }; seen=0 ;;
	"# Totals: "*)
		read -r p f s < <(kselftest_totals "$line")
		pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s)); seen=1 ;;
	"ARM64-EXIT stress 0") pass=$((pass + 1)) ;;
	"ARM64-EXIT stress"*) echo "stress: ${line#ARM64-EXIT }"; fail=$((fail + 1)) ;;
	"ARM64-EXIT lifecycle 0") pass=$((pass + 1)) ;;
	"ARM64-EXIT lifecycle"*) echo "lifecycle: ${line#ARM64-EXIT }"; fail=$((fail + 1)) ;;
	"ARM64-EXIT "*)
		[ "$seen" = 1 ] || { echo "$current: no totals"; fail=$((fail + 1)); } ;;
	esac
done < <(grep -E '^(ARM64-RUN|ARM64-EXIT|# Totals:)' "$run/console.log")
if ! grep -q '^ARM64-DONE' "$run/console.log"; then
	echo "the guest did not finish (QEMU exit $rc)"; tail -n 20 "$run/console.log"; fail=$((fail + 1))
fi
if grep -qE "^(\[ *[0-9]+\.[0-9]+\] )?$guest_splat" "$run/console.log"; then
	echo "the kernel reported a problem:"; grep -E -A3 "^(\[ *[0-9]+\.[0-9]+\] )?$guest_splat" "$run/console.log" | head -40
	fail=$((fail + 1))
fi
# A restart code must never reach user space.
if grep -qE '(= |: )-?51[2-6]\b|errno 51[2-6]|Unknown error 51[2-6]' "$run/console.log"; then
	echo "a restart code (512-516) reached user space:"; grep -E 'Unknown error 51[2-6]' "$run/console.log" | head
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

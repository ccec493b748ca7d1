#!/usr/bin/env bash
# make check-system: the patched x86_64 kernel (kernel/config/x86.config +
# system.config, build/x86-system) boots a Debian 12 system made from
# Debian's packages (tests/system/image.sh: mmdebstrap into an ext4 image,
# cached in build/system) with systemd as init, under QEMU (software
# emulation, 2 CPUs).  There tests/system/guest.sh runs the end-to-end suite
# as an unprivileged user on ext4 and on systemd's /tmp, the example service
# examples/landlock-supervise-demo.service (journal, reload, stop), and the
# Landlock kselftests as root and, those needing no capability, as the user.
# The image is read-only to the guest (QEMU's snapshot mode): the project's
# tree and build directory are shared read-only over 9p, the guest's output
# goes to build/check-system/out.  Ends "N passed, N failed, N skipped";
# fails on any failure, a missing total, or a kernel BUG/WARNING report.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
run=$B/check-system
rm -rf "$run"; mkdir -p "$run/out"

stop() { # MESSAGE
	echo "check-system: $*"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}
t0=$(date +%s)
bash "$top/scripts/deps.sh" system || stop "scripts/deps.sh system failed"
bash "$top/kernel/scripts/kernel.sh" build-x86 system || stop "the x86_64 kernel did not build"
bash "$top/tests/kselftests.sh" || stop "the kselftests did not build"
bash "$top/tests/project.sh" build || stop "the project did not build"
img=$(bash "$top/tests/system/image.sh") || stop "the Debian 12 image could not be made"
t1=$(date +%s)
echo "==> builds and image ready in $((t1 - t0)) s; booting Debian 12 under QEMU (TCG, 2 CPUs)"

# What the host's environment sets for the end-to-end suite (LL_E2E_TESTS
# selects tests; the seeds and durations reproduce a run), for guest.sh.
for v in LL_E2E_TESTS LL_STRESS_SECONDS LL_STRESS_SEED LL_FUZZ_SECONDS LL_FUZZ_SEED; do
	[ -n "${!v:-}" ] && printf '%s=%q\n' "$v" "${!v}"
done >"$run/out/e2e.env"

# shellcheck source=../scripts/guest-init.sh
. "$top/scripts/guest-init.sh"
cmdline="console=ttyS0 root=/dev/vda rw rootfstype=ext4 panic=-1 loglevel=5 ll.check"
cmdline+=" systemd.show_status=error"
timeout -k 5 "${LL_SYSTEM_LIMIT:-2400}" qemu-system-x86_64 -nographic -no-reboot -nodefaults \
	-machine pc -cpu max -smp 2 -m 2048 -accel tcg,thread=multi \
	-serial stdio -kernel "$B/x86-system/arch/x86/boot/bzImage" -append "$cmdline" \
	-drive file="$img",format=raw,if=virtio,snapshot=on \
	-fsdev local,id=src,path="$top",security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=src,mount_tag=llsrc \
	-fsdev local,id=build,path="$B",security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=build,mount_tag=llbuild \
	-fsdev local,id=out,path="$run/out",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=out,mount_tag=llout \
	</dev/null 2>&1 | sed -u 's/\r$//' >"$run/console.log"
rc=${PIPESTATUS[0]}
echo "QEMU exit $rc after $(($(date +%s) - t1)) s (console: $run/console.log, guest: $run/out/guest.log)"

log=$run/out/guest.log
[ -f "$log" ] || log=$run/console.log
grep -E '^(### |SYSTEM-RESULT .* fail|#   |[a-z_]+_test: # Totals|as tester:|systemd:|lsm:|filesystems )' "$log" | head -n 300
pass=0 fail=0 skip=0
read -r p f s < <(sed -n 's/^SYSTEM-TOTALS \([0-9]*\) \([0-9]*\) \([0-9]*\)$/\1 \2 \3/p' "$log" | tail -n1)
if [ -n "${p:-}" ] && grep -q '^SYSTEM-DONE' "$log" && [ "$(cat "$run/out/status" 2>/dev/null)" = 0 ]; then
	pass=$p fail=$f skip=$s
else
	echo "the guest did not finish (QEMU exit $rc, guest status $(cat "$run/out/status" 2>/dev/null))"
	tail -n 30 "$run/console.log"
	fail=1
fi
if grep -qE "^(\[ *[0-9]+\.[0-9]+\] )?$guest_splat" "$run/console.log"; then
	echo "the kernel reported a problem:"
	grep -E -A3 "^(\[ *[0-9]+\.[0-9]+\] )?$guest_splat" "$run/console.log" | head -40
	fail=$((fail + 1))
fi
echo "check-system: $(($(date +%s) - t0)) s in all"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

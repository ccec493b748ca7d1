#!/usr/bin/env bash
# Installs every Debian package that the build, the tests and the tools of
# this project need, skipping what is already there.  Runs as root or
# through sudo.  Safe to run again: it does nothing when all is present.
#   scripts/deps.sh        what make run, make check and make bench need
#   scripts/deps.sh qemu   also QEMU, for the x86_64 runs (make check-smp,
#                          the QEMU part of make bench)
#   scripts/deps.sh system also mmdebstrap, e2fsprogs and QEMU, for the
#                          Debian 12 system of make check-system
#   scripts/deps.sh deb    also Debian's kernel configuration and the
#                          packaging tools (make deb)
#   scripts/deps.sh arm64  also the arm64 cross compiler and QEMU for arm64
#                          (make check-arm64), and arm64 as a foreign
#                          architecture of apt, from which tests/arm64.sh
#                          downloads (not installs: libcap-dev cannot be
#                          installed for two architectures) arm64 libcap and
#                          busybox
set -euo pipefail

packages=(
	# Kernel source and UML build.
	linux-source-6.12 build-essential bc flex bison libelf-dev libssl-dev
	# checkpatch.pl (SPDX check)
	python3-ply python3-git
	ccache xz-utils rsync cpio git perl python3 kmod
	# Kernel selftests.
	libcap-dev
	# Benchmarks: batched in-kernel access checks (bench/access_check.c),
	# the tracing comparison.
	liburing-dev strace
	# Fuzzing (make fuzz, make check-debug) and the pty tests.
	clang libclang-rt-14-dev util-linux
	# User space: library, command, tests; its style and static checks.
	# The policy parser: YAJL (JSON with token positions), toml++ (TOML).
	pkg-config libjson-c-dev libyajl-dev libtomlplusplus-dev g++ clang-format cppcheck
	# Shell tools used by the harness and the tests.
	util-linux procps coreutils
)

multiarch=
if [ "${1:-}" = qemu ]; then
	packages+=(qemu-system-x86)
fi
if [ "${1:-}" = system ]; then
	packages+=(mmdebstrap e2fsprogs qemu-system-x86)
fi
if [ "${1:-}" = deb ]; then
	packages+=(linux-config-6.12 dpkg-dev debhelper)
fi
if [ "${1:-}" = arm64 ]; then
	packages+=(crossbuild-essential-arm64 qemu-system-arm)
	multiarch=arm64
fi

missing=()
for p in "${packages[@]}"; do
	# dpkg-query prints "install ok installed" for an installed package.
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
		missing+=("$p")
	fi
done

if [ -n "$multiarch" ] && ! dpkg --print-foreign-architectures | grep -qx "$multiarch"; then
	missing+=("(apt architecture $multiarch)")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: need root or sudo to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$multiarch" ] && ! dpkg --print-foreign-architectures | grep -qx "$multiarch"; then
	$sudo dpkg --add-architecture "$multiarch"
fi
$sudo apt-get update -qq
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | grep -v '^(')
[ ${#missing[@]} -eq 0 ] ||
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

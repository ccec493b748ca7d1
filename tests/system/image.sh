#!/usr/bin/env bash
# The Debian 12 system of make check-system: a root filesystem made by
# mmdebstrap (minbase variant plus tests/system/packages, from the Debian
# mirror that apt is configured with on this machine) and written into an
# ext4 disk image with mkfs.ext4 -d (no loop mount).  Cached:
#   build/system/debian12.img   the image (raw, sparse, 3 GiB)
#   build/system/debian12.key   digest of the package list and this script
# and made again only when one of them changes.  Prints the image's path.
#
# In the image: systemd as init (tmp.mount enabled: /tmp is a tmpfs that
# systemd manages), the unprivileged user "tester" (uid 1000, bash login
# shell), no getty, and ll-system-check.service, which mounts the host's
# tree (9p tag llsrc, read-only) and output directory (9p tag llout) and
# runs tests/system/guest.sh from the tree, then powers off.  The project's
# binaries and tests are not in the image: guest.sh copies them from the
# tree at each boot, so that the image stays cached.
#
#   LL_SYSTEM_MIRROR="deb URI SUITE main ..."  other apt sources (one
#                    mmdebstrap argument per line)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
out=$B/system
img=$out/debian12.img
self=$top/tests/system/image.sh
list=$top/tests/system/packages

log() { printf 'system-image: %s\n' "$*" >&2; }
die() { printf 'system-image: error: %s\n' "$*" >&2; exit 1; }

# Run by mmdebstrap (--customize-hook) on the new root ROOT.
customize() { # ROOT
	local r=$1
	echo llsystem >"$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tllsystem\n::1\tlocalhost ip6-localhost\n' >"$r/etc/hosts"
	printf '/dev/vda\t/\text4\trw,errors=remount-ro\t0\t1\n' >"$r/etc/fstab"
	chroot "$r" useradd --create-home --shell /bin/bash --uid 1000 tester
	# /tmp as systemd's tmpfs (Debian 12 ships the unit, disabled).
	cp "$r/usr/share/systemd/tmp.mount" "$r/etc/systemd/system/tmp.mount"
	chroot "$r" systemctl enable tmp.mount
	# A console for the tests' output only; nothing that wants the network.
	chroot "$r" systemctl mask getty.target serial-getty@ttyS0.service \
		apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer
	cat >"$r/usr/local/sbin/ll-system-boot" <<'S'
#!/bin/bash
# Runs tests/system/guest.sh of the host's tree (9p tag llsrc, read-only),
# its output into the host's directory (9p tag llout), then powers off.
opts=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /mnt/ll-src /mnt/ll-out
mount -t 9p -o ro,cache=loose,$opts llsrc /mnt/ll-src &&
	mount -t 9p -o cache=none,$opts llout /mnt/ll-out || { systemctl poweroff; exit 1; }
/mnt/ll-src/tests/system/guest.sh /mnt/ll-src /mnt/ll-out 2>&1 | tee /mnt/ll-out/guest.log
echo "${PIPESTATUS[0]}" >/mnt/ll-out/status
sync
systemctl poweroff
S
	chmod 755 "$r/usr/local/sbin/ll-system-boot"
	cat >"$r/etc/systemd/system/ll-system-check.service" <<'S'
[Unit]
Description=landlock-supervisor: make check-system's tests
After=multi-user.target
ConditionKernelCommandLine=ll.check

[Service]
Type=simple
ExecStart=/usr/local/sbin/ll-system-boot
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
S
	chroot "$r" systemctl enable ll-system-check.service
	rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*_Packages
}

# mmdebstrap's apt sources: this machine's Debian 12 sources (apt's own
# view of them), "deb URI SUITE main" each.
sources() {
	if [ -n "${LL_SYSTEM_MIRROR:-}" ]; then
		printf '%s\n' "$LL_SYSTEM_MIRROR"
		return
	fi
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT) $(IDENTIFIER)' |
		awk '$4 == "Packages" && $2 ~ /^bookworm(-updates|-security)?$/ && $3 == "main" { print "deb " $1 " " $2 " main" }' |
		sort -u
}

build() {
	local key dir pkgs
	key=$(cat "$list" "$self" | sha1sum | cut -d' ' -f1)
	if [ -f "$img" ] && [ "$(cat "$out/debian12.key" 2>/dev/null)" = "$key" ]; then
		echo "$img"
		return
	fi
	command -v mmdebstrap >/dev/null && command -v mkfs.ext4 >/dev/null ||
		die "mmdebstrap or mkfs.ext4 is missing: run 'scripts/deps.sh system'"
	# The files belong to root and to tester: root's mmdebstrap mode.
	local sudo=
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "making the image needs root or sudo"
		sudo=sudo
	fi
	mapfile -t mirrors < <(sources)
	[ ${#mirrors[@]} -gt 0 ] || die "no Debian 12 (bookworm) source in apt's configuration: set LL_SYSTEM_MIRROR"
	pkgs=$(grep -vE '^\s*(#|$)' "$list" | tr '\n' ',' | sed 's/,$//')
	mkdir -p "$out"
	dir=$out/root
	$sudo rm -rf "$dir" "$img.tmp"
	log "mmdebstrap bookworm minbase + $(echo "$pkgs" | tr ',' ' ') from ${mirrors[*]}"
	$sudo mmdebstrap --quiet --mode=root --variant=minbase --include="$pkgs" \
		--aptopt='APT::Install-Recommends "false"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--customize-hook="bash '$self' customize \"\$1\"" \
		bookworm "$dir" "${mirrors[@]}" >&2
	log "writing $img (mkfs.ext4 -d)"
	$sudo mkfs.ext4 -q -F -L llroot -d "$dir" "$img.tmp" 3G >&2
	$sudo rm -rf "$dir"
	$sudo chmod 644 "$img.tmp"
	$sudo mv "$img.tmp" "$img"
	echo "$key" >"$out/debian12.key"
	echo "$img"
}

case ${1:-} in
customize) customize "$2" ;;
"") build ;;
*) echo "usage: $0 [customize ROOT]" >&2; exit 2 ;;
esac

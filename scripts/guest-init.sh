# Sourced by scripts/uml-run and scripts/qemu-run: writes the guest's init,
# which mounts what a run needs, runs the command, records its status and
# powers off.  The caller sets: top cwd work ctl envs (array), the command in
# "$@", and defines two functions that print shell lines:
#   keep_host PATH       before the guest's tmpfs hide the host's /tmp and
#                        /run: keep a host PATH under them reachable
#   mount_host_ro PATH   after: mount the host's PATH read-only at PATH
#   mount_work PATH      mount the host's work directory read-write at PATH
#   power_off            end the guest
# Calls FUNCTION for the host paths the run needs that the guest's /tmp and
# /run would hide.
hidden_host_paths() { # FUNCTION
	local p
	for p in "$top" "$cwd"; do
		case $p in /tmp/* | /run/*) "$1" "$p" ;; esac
	done
}

write_guest_init() { # FILE COMMAND...
	local file=$1 e
	shift
	{
		echo '#!/bin/bash'
		echo 'mount -t proc proc /proc; mount -t sysfs sys /sys'
		echo 'mountpoint -q /dev || mount -t devtmpfs dev /dev'
		# The guest's /tmp and /run hide the host's: host paths under them
		# that the run needs (the project, the working directory) are
		# mounted again, read-only, and the work directory read-write.
		hidden_host_paths keep_host
		echo 'mount -t tmpfs -o mode=1777 tmp /tmp; mount -t tmpfs run /run'
		echo 'mkdir -p /dev/pts /dev/shm; mount -t devpts -o ptmxmode=666 devpts /dev/pts; mount -t tmpfs shm /dev/shm'
		echo 'ln -sf pts/ptmx /dev/ptmx 2>/dev/null'
		hidden_host_paths mount_host_ro
		mount_work "$work"
		printf ': >%q\n' "$ctl/started"
		echo 'hostname guest; ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null'
		echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8'
		for e in "${envs[@]}"; do printf 'export %q\n' "$e"; done
		printf '(cd %q && exec ' "$cwd"
		printf '%q ' "$@"
		echo '</dev/null)'
		printf 'echo $? >%q\n' "$ctl/status"
		echo 'sync'
		power_off
	} >"$file"
	chmod +x "$file"
}

# The kernel reports that fail a run (unless --allow-splat).
guest_splat='(BUG:|WARNING:|Kernel panic|cut here|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|kmemleak:.*unreferenced|UBSAN:|KASAN:|Oops)'

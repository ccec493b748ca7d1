#!/usr/bin/env bash
# The UML FPU state is sized from the host (kernel/harness/0001-*.patch):
#   tests/fpu.sh DIR     prints "FPU-TOTALS P F"
# 1. the size UML prints at boot is the one the host's ptrace() and CPUID
#    report (tests/fpu/xstate_size.c);
# 2. processes keep their FPU and vector registers across context switches
#    (tests/fpu/fpu_check.c), with that size and with an AMX-sized
#    allocation (fp_size_min=11008, the XSAVE area of CPUs with AMX).
# Runs on whichever kernel LL_UML names (make check: both).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?directory}
U=${LL_BUILD_DIR:-$top/build}/user
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }

mkdir -p "$dir" "$U"
flags=()
grep -qw avx /proc/cpuinfo && flags+=(-mavx)
gcc -O2 -Wall -Wextra -Werror -o "$U/xstate_size" "$top/tests/fpu/xstate_size.c" &&
	gcc -O2 "${flags[@]}" -Wall -Wextra -Werror -o "$U/fpu_check" "$top/tests/fpu/fpu_check.c" ||
	{ not_ok "build the FPU tests"; echo "FPU-TOTALS $pass $fail"; exit 1; }
read -r _ host_ptrace _ host_cpuid < <("$U/xstate_size")
echo "host: FPU state $host_ptrace bytes (ptrace), XSAVE area $host_cpuid bytes (CPUID 0xd)$(grep -qw amx_tile /proc/cpuinfo && echo ', AMX')"

run() { # NAME LOG [UML ARGS...]
	local name=$1 log=$2
	shift 2
	"$top/scripts/uml-run" -w "$dir" -t 300 -l "$log" "$@" -- "$U/fpu_check" >"$log.out" 2>&1
	local rc=$?
	if [ $rc -eq 0 ] && grep -q '^fpu_check: ok' "$log.out"; then
		ok "$name"
	else
		not_ok "$name (uml-run exit $rc)"; tail -n 15 "$log.out"
	fi
}

run "registers survive context switches (FPU state sized from the host)" "$dir/fpu.log"
line=$(tr -d '\r' <"$dir/fpu.log" | grep -o 'UML: host FPU state.*' | head -n1)
echo "guest: ${line:-no size line}"
read -r g_ptrace g_cpuid g_alloc < <(sed -n \
	's/.*host FPU state \([0-9]*\) bytes (ptrace), XSAVE area \([0-9]*\) bytes (CPUID 0xd), \([0-9]*\) bytes per thread.*/\1 \2 \3/p' <<<"$line")
if [ -n "${g_ptrace:-}" ] && [ "$g_ptrace" = "$host_ptrace" ] && [ "$g_cpuid" = "$host_cpuid" ] &&
	[ "$g_alloc" -ge "$g_ptrace" ]; then
	ok "UML sizes the FPU state as the host reports it ($g_ptrace bytes)"
else
	not_ok "UML sizes the FPU state as the host reports it (host $host_ptrace/$host_cpuid, UML: ${line:-nothing})"
fi

run "registers survive context switches with an AMX-sized FPU state (11008 bytes)" \
	"$dir/fpu-amx.log" -a fp_size_min=11008
if tr -d '\r' <"$dir/fpu-amx.log" | grep -q 'UML: host FPU state .* 11008 bytes per thread'; then
	ok "fp_size_min=11008 gives 11008 bytes per thread"
else
	not_ok "fp_size_min=11008 gives 11008 bytes per thread"
fi
echo "FPU-TOTALS $pass $fail"

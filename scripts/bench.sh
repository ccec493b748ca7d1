#!/usr/bin/env bash
# make bench: builds the benchmarks, runs them once inside the patched kernel
# (UML, 15 to 20 minutes on an idle machine, most of it tracing a kernel
# build three ways in rounds: bench/trace_build.sh), repeats them in the
# x86_64 build under QEMU (several minutes, plus a first build of that
# kernel, about 4 minutes), and writes docs/benchmarks.md and
# docs/commit-cost.png.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
U=$B/user
bash "$top/scripts/deps.sh" qemu
command -v gnuplot >/dev/null || { apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 || sudo apt-get install -y -qq gnuplot-nox >/dev/null; }
bash "$top/kernel/scripts/kernel.sh" build
bash "$top/kernel/scripts/kernel.sh" build-x86
make -s -C "$top" user >/dev/null
bash "$top/bench/build.sh"
work=$B/bench
rm -rf "$work"; mkdir -p "$work"
kinds='access_check|accessratio|commit|commitratio|replace|busy|rtt(ratio|step|plain|flags)?(-1cpu)?|trace'
: >"$work/results.txt"
# Runs bench/run.sh in RUNNER (uml-run or qemu-run) with ARGS, its results
# prefixed with PREFIX; a failure (e.g. the time limit on a busy machine) is
# said, and recorded for the report ("run PLATFORM failed STATUS"), with the
# host's load average before and after ("hostload PLATFORM L1 L5 L15 ...").
run() { # PLATFORM PREFIX RAW RUNNER ARGS...
	local platform=$1 prefix=$2 raw=$3 rc=0 before
	shift 3
	before=$(cut -d' ' -f1-3 /proc/loadavg)
	"$@" >"$raw" 2>&1 || rc=$?
	tr -d '\r' <"$raw" | grep '^# ' || true
	{
		echo "hostload $platform $before $(cut -d' ' -f1-3 /proc/loadavg)"
		[ $rc -eq 0 ] || echo "run $platform failed $rc"
		tr -d '\r' <"$raw" | grep -E "^($kinds) " | sed "s/^/$prefix/" || true
	} >>"$work/results.txt"
	[ $rc -eq 0 ] || echo "bench: the $platform run failed (exit status $rc; see $raw)" >&2
}
echo "Running the benchmarks in the patched kernel (15 to 20 minutes on an idle machine)..."
run UML "" "$work/raw.txt" "$top/scripts/uml-run" -w "$work" -t 3600 -- "$top/bench/run.sh" "$U"
echo "Repeating them in QEMU (several minutes)..."
run QEMU "qemu " "$work/raw-qemu.txt" "$top/scripts/qemu-run" -s 2 -w "$work" -t 2400 \
	-k "$B/x86/arch/x86/boot/bzImage" -- "$top/bench/run.sh" "$U" qemu
python3 "$top/bench/report.py" "$work/results.txt" "$work" >"$work/benchmarks.md"
mv "$work/benchmarks.md" "$top/docs/benchmarks.md"
plot_commit() {
	gnuplot -e "set terminal png size 640,400; set output '$top/docs/commit-cost.png'; \
		set logscale x; set xlabel 'rules held by the supervisor'; \
		set ylabel 'one-rule commit, median (us, UML)'; set yrange [0:*]; set key off; \
		set title 'Commit cost does not grow with the rules held'; \
		plot '$1' using 1:2 with linespoints lw 2 pt 7"
}
plot_commit "$work/commit.dat"
echo "Wrote docs/benchmarks.md and docs/commit-cost.png"

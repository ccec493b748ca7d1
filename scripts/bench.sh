#!/usr/bin/env bash
# make bench: builds the benchmarks, runs them once inside the patched kernel
# (UML, 10 to 16 minutes, most of it tracing a kernel build three ways in
# rounds: bench/trace_build.sh), repeats the comparisons that UML distorts in the
# x86_64 build under QEMU (several minutes, plus a first build of that kernel,
# about 4 minutes), and writes docs/benchmarks.md and docs/commit-cost.png.
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
echo "Running the benchmarks in the patched kernel (10 to 16 minutes)..."
"$top/scripts/uml-run" -w "$work" -t 2400 -- "$top/bench/run.sh" "$U" >"$work/raw.txt" 2>&1
kinds='access_check|accessratio|commit|commitratio|replace|busy|rtt(ratio|step|plain|flags)?(-1cpu)?|trace'
tr -d '\r' <"$work/raw.txt" | grep -E "^($kinds) " >"$work/results.txt"
echo "Repeating the comparisons in QEMU (several minutes)..."
# The report says what is missing if this part fails.
"$top/scripts/qemu-run" -s 2 -w "$work" -t 2400 -k "$B/x86/arch/x86/boot/bzImage" \
	-- "$top/bench/run.sh" "$U" qemu >"$work/raw-qemu.txt" 2>&1 ||
	echo "bench: the QEMU run failed (see $work/raw-qemu.txt)" >&2
{ tr -d '\r' <"$work/raw-qemu.txt" | grep -E "^($kinds) " || true; } | sed 's/^/qemu /' >>"$work/results.txt"
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

# SPDX-License-Identifier: GPL-2.0-or-later
"""The tracing section of docs/benchmarks.md (bench/report.py), from the
"trace ..." lines of bench/trace_build.sh and bench/trace_compare.py."""
import os
import statistics

WAYS = ("plain", "landlock", "strace")
NAMES = {"plain": "untraced", "landlock": "`landlock-supervise --trace`",
         "strace": "`strace -f -e trace=%file`"}


def trace_data(src):
    """What one platform's lines say: times per (way, round), the code, the
    ground-truth lines, and any failure."""
    t = [l[1:] for l in src if l[0] == "trace" and len(l) > 1]
    d = {"times": {}, "rounds": [], "code": [], "deps": [], "extra": {}, "failed": [],
         "checks": {}, "other": {}}
    for l in t:
        if l[0] in WAYS and len(l) == 3:
            d["times"][(l[0], int(l[1]))] = float(l[2])
            if int(l[1]) not in d["rounds"]:
                d["rounds"].append(int(l[1]))
        elif l[0] == "code":
            d["code"] = [l[i:i + 3] for i in range(1, len(l) - 2, 3)]
        elif l[0] == "deps":
            # deps R depfiles N deps N read N executed N missing N
            d["deps"].append(dict(zip(l[2::2], (int(x) for x in l[3::2]))) | {"round": l[1]})
        elif l[0] == "extra" and len(l) >= 3:
            d["extra"][l[1]] = (int(l[2]), l[3:])
        elif l[0] == "check" and len(l) == 6:  # check NAME deps N missing N
            d["checks"].setdefault(l[1], {}).update(deps=int(l[3]), missing=int(l[5]))
        elif l[0] == "check-missing" and len(l) >= 2:
            d["checks"].setdefault(l[1], {})["files"] = l[2:]
        elif l[0].startswith("failed"):
            d["failed"].append(" ".join(l))
        else:
            d["other"][l[0]] = l[1:]
    return d


def per_round(d, way, base):
    """The ratios WAY / BASE of each round that has both."""
    return [d["times"][(way, r)] / d["times"][(base, r)] for r in d["rounds"]
            if (way, r) in d["times"] and (base, r) in d["times"] and d["times"][(base, r)]]


def tops(dirs):
    """DIRS without those beneath another one of them."""
    dirs = sorted(set(dirs))
    return [x for x in dirs if not any(x.startswith(y + "/") for y in dirs)]


def mmm(v, fmt="%.2f"):
    """'median (min to max)' of V."""
    return ("%s (%s to %s)" % (fmt, fmt, fmt)) % (statistics.median(v), min(v), max(v)) if v else "n/a"


def times_table(w, d, label):
    n = len(d["rounds"])
    w("%s, %d round%s:" % (label, n, "s" if n != 1 else ""))
    w("")
    w("| build | seconds: median (min to max) | ratio to untraced, per round: median (min to max) |")
    w("|---|---|---|")
    for way in WAYS:
        v = [d["times"][(way, r)] / 1e6 for r in d["rounds"] if (way, r) in d["times"]]
        w("| %s | %s | %s |" % (NAMES[way], mmm(v), mmm(per_round(d, way, "plain"))
                                  if way != "plain" else "1"))
    w("")
    st = per_round(d, "strace", "landlock")
    added_ll = [r - 1 for r in per_round(d, "landlock", "plain")]
    added_st = [r - 1 for r in per_round(d, "strace", "plain")]
    if st:
        w("strace / `--trace` build time: %s.  Time added to the build: `--trace` %s, strace %s "
          "(median, min to max over rounds)." % (
              mmm(st), mmm([100 * x for x in added_ll], "%+.1f%%"),
              mmm([100 * x for x in added_st], "%+.0f%%")))
        w("")
    if "warm" in d["other"]:
        w("(The untraced warm-up build before the rounds: %.1f s.)" % (float(d["other"]["warm"][1]) / 1e6))
        w("")


def truth(w, d):
    last = d["deps"][-1] if d["deps"] else None
    if not last:
        w("No ground-truth line: the run did not get that far.")
        w("")
        return
    sysdeps = d["other"].get("system-deps", ["0"])
    outs = d["other"].get("outputs", [])
    outs = dict(zip(outs[0:6:2], outs[1:6:2]))
    stc = d["other"].get("strace-check", [])
    stc = dict(zip(stc[0::2], stc[1::2]))
    missing_all = [x["missing"] for x in d["deps"]]
    w("| ground truth (last round; missing: every round) | files |")
    w("|---|---|")
    w("| objects compiled (one -MD dependency file each) | %d |" % last["depfiles"])
    w("| files the compiler read: union of the dependency files | %d |" % last["deps"])
    w("| of which outside the kernel tree (system headers: C library, compiler) | %s |" % sysdeps[0])
    w("| files in `--trace`'s read list | %d |" % last["read"])
    w("| files in `--trace`'s execute list | %d |" % last["executed"])
    w("| **read by the compiler, missing from `--trace`** (must be 0) | **%s** |" % (
        " / ".join(str(m) for m in missing_all)))
    if outs:
        w("| outputs (objects and dependency files) written; missing from `--trace`'s write/create lists | %s; %s |" % (
            outs.get("expected", "?"), outs.get("missing", "?")))
    lost = d["other"].get("outputs", [])[6:]
    if lost:
        w("| outputs missing from the write/create lists (see the known gap below) | %s |" % (
            ", ".join("`%s`" % f for f in lost)))
    if stc:
        w("| cross-check: dependency files' entries that strace did not see opened | %s |" % stc.get("missing", "?"))
    w("")
    miss = d["other"].get("missing", [])
    if miss and miss != ["none"]:
        w("Missing: %s." % " ".join("`%s`" % p for p in miss))
        w("")
    if len(sysdeps) > 1:
        w("The system headers come from %s (with their subdirectories)." % ", ".join(
            "`%s`" % p for p in tops(sysdeps[1:])))
        w("")
    w("What `--trace` lists beyond the compiler's inputs and the build's outputs,")
    w("by kind (T/ is the build's tree, OUT/ its output directory, TMP/ its")
    w("TMPDIR):")
    w("")
    w("| kind | files | which |")
    w("|---|---|---|")
    why = {
        "toolchain-program": "programs run by the build (make, the compiler driver, cc1, as) and the dynamic loader",
        "shared-library": "their shared libraries and the loader's cache",
        "build-script": "the build's Makefile",
        "temporary": "the compiler's assembly output, read back by as, in the TMPDIR that `--trace` gives the command",
        "output": "objects read back by as while it writes them (also in the write/create lists)",
        "locale": "the C library's locale and character set data (the guest's LANG is C.UTF-8)",
        "directory": "directories listed (make lists the directory of its Makefile)",
        "other": "anything else",
    }
    for cat, (n, files) in d["extra"].items():
        if cat in ("temporary", "output") and n > 4:
            shown = "%s, ... (%d files)" % (", ".join("`%s`" % f for f in files[:2]), n)
        else:
            shown = ", ".join("`%s`" % f for f in files) or "none"
        w("| %s: %s | %d | %s |" % (cat, why.get(cat, ""), n, shown))
    w("")
    base = d["checks"].get("base")
    if base and "deps" in base:
        dirs = tops(f.rsplit("/", 1)[0] for f in base.get("files", []))
        w("**Why no base policy.** The same traced build with `--base")
        w("examples/compiler.json` (this benchmark's configuration before: it allows")
        w("reading and executing beneath /bin, /lib, /lib64, /usr and /etc) misses")
        w("%d of the %d files the compiler read%s.  An access that a base rule" % (
            base["missing"], base["deps"], ", all beneath %s" % " and ".join("`%s`" % x for x in dirs) if dirs else ""))
        w("allows is never denied, so the supervisor never hears of it: a base policy")
        w("is for what should *not* be traced.  The ground truth wants every read,")
        w("so the build runs with none, and the toolchain's own files are in the")
        w("trace, listed above.")
        w("")
    intree = d["checks"].get("in-tree")
    if intree and "deps" in intree:
        w("**Known gap: in-tree builds.** The same traced, with the `%s` objects" % (
            next((c[2] for c in d["code"] if c[0] == "oslinux"), "arch/um/os-Linux")))
        w("written next to their sources (as kbuild does without `O=`): %d of the %d" % (
            intree["missing"], intree["deps"]))
        w("files the compiler read are missing from `--trace`%s." % (
            ": " + ", ".join("`%s`" % f for f in intree.get("files", [])) if intree["missing"] else ""))
        if intree["missing"]:
            w("When the build creates its first object in a directory, `--trace`")
            w("grants the creation there (`grant()` in `cli/landlock-supervise.c`, with")
            w("read and write added by `learn_rights()` for an `O_RDWR` creation: `as`")
            w("opens its output so); a Landlock rule covers the directory's whole")
            w("hierarchy, and `cli/trace.c` then watches that directory alone with")
            w("inotify, which is not recursive.  So files read, written or created in")
            w("its subdirectories (here `skas/`) are neither denied nor watched: the")
            w("same cause leaves objects of subdirectories out of the write lists in")
            w("the out-of-tree build above.  The out-of-tree build that the ground")
            w("truth checks reads nothing beneath its output directories.")
        w("")


def section(lines, qlines, w):
    """Writes the section with W, from the UML LINES and the QEMU QLINES."""
    uml, qemu = trace_data(lines), trace_data(qlines)
    w("## Dependency tracing of a real C build, with ground truth")
    w("")
    code = uml["code"] or qemu["code"]
    desc = {"landlock": "Landlock with this series",
            "oslinux": "UML's host side, compiled against the host's C library: system headers",
            "kernel": "timers, hrtimers, clock sources and events, POSIX timers, NTP, timekeeping",
            "quick": "the subset that `make check`'s smoke run builds"}
    w("The code base: objects of the patched kernel tree (`build/linux`, UML")
    w("configuration), %s object files:" % sum(int(c[1]) for c in code) if code else
      "The code base: objects of the patched kernel tree (`build/linux`, UML configuration):")
    w("")
    for i, (name, n, dirs) in enumerate(code):
        w("- `%s`: %s objects (%s)%s" % (dirs.replace(",", "`, `"), n, desc.get(name, name),
                                         "." if i == len(code) - 1 else ";"))
    w("")
    w("Each is compiled with kbuild's own command for it (read from its `.o.cmd`")
    w("record; `bench/trace_prepare.py`), without ccache, by `make -j1`, with one")
    w("change: the compiler writes its dependency file with `-MD`, which lists")
    w("every file it read, system headers included (kbuild's `-Wp,-MMD` leaves")
    w("them out).  The files these compiles read in the kernel tree are copied")
    w("once, before the benchmark, to the guest's tmpfs; system headers and the")
    w("toolchain are the host's.  `bench/trace_build.sh` builds it clean (empty")
    w("output directory, same TMPDIR) three ways: untraced, under")
    w("`landlock-supervise --trace` with no base policy (every file the build")
    w("opens or runs is denied once, then granted that file alone: so the")
    w("toolchain is traced too), and under `strace -f -qq -e trace=%file`.  One")
    w("untraced build first warms the caches; then each round runs the three")
    w("ways one after the other, in an order that rotates from round to round,")
    w("so that a slow phase of the machine hits every way alike.  Ratios are")
    w("taken within a round; the spread is over the rounds.")
    w("")
    w("**Ground truth.** After each traced build, `bench/trace_compare.py`")
    w("checks that every file in the union of the compiler's dependency files is")
    w("in `--trace`'s read list (a missing one fails `make check`'s smoke run),")
    w("that every object and dependency file is in its write/create lists, and")
    w("classifies whatever else it lists.  As a check of the ground truth")
    w("itself, strace must have seen each of these files opened.")
    w("")
    if uml["other"].get("options"):
        w("(In this run the traced way also had `%s`.)" % " ".join(uml["other"]["options"]))
        w("")
    truth(w, uml if uml["deps"] else qemu)
    for f in uml["failed"]:
        w("UML: `%s`." % f)
    for f in qemu["failed"]:
        w("QEMU: `%s`." % f)
    if uml["failed"] or qemu["failed"]:
        w("")
    w("### Overhead")
    w("")
    if uml["rounds"]:
        times_table(w, uml, "UML")
    if qemu["rounds"]:
        qcode = ", ".join("`%s`" % c[2].replace(",", "`, `") for c in qemu["code"])
        opts = " ".join(qemu["other"].get("options", []))
        w("QEMU x86_64 (2 virtual CPUs, software emulation: about ten times slower")
        w("than UML for a compile, far more for strace's stops) builds only %s" % qcode)
        w("(no system header: `-nostdinc`), and `--trace` runs with %s: the guest's root is" % (
            "`%s`" % opts.replace(os.path.dirname(opts.split()[-1]) + "/", "examples/") if opts else "no option"))
        w("the host's over uncached 9p, where each lookup of a file makes a new")
        w("inode and a rule on a file never matches again, so the toolchain and the")
        w("system headers cannot be traced file by file there (the kernel tree is in")
        w("the guest's tmpfs).")
        w("")
        times_table(w, qemu, "QEMU")
        if qemu["deps"]:
            w("QEMU ground truth: %s files read by the compiler; missing from `--trace`: %s." % (
                qemu["deps"][-1]["deps"], " / ".join(str(x["missing"]) for x in qemu["deps"])))
            w("")
    else:
        w("QEMU: no tracing figures in this run (the x86_64 kernel was not built, or")
        w("its run failed).")
        w("")
    w("**Reading.** Targets: `--trace` ≤ 1.2x untraced; strace at least 5x slower")
    w("than `--trace`.")
    for label, d in (("UML", uml), ("QEMU", qemu)):
        ll, st = per_round(d, "landlock", "plain"), per_round(d, "strace", "plain")
        if not (ll and st):
            continue
        ratio = per_round(d, "strace", "landlock")
        own, over = statistics.median(ll) - 1, statistics.median(st) - 1
        w("%s: `--trace` %.2fx untraced at the median, %.2fx in the worst round (%s);"
          " strace %.2fx slower than `--trace` (%s as a ratio of build times).  %s" % (
              label, statistics.median(ll), max(ll),
              "met" if max(ll) <= 1.2 else "met at the median" if statistics.median(ll) <= 1.2 else "missed",
              statistics.median(ratio), "met" if statistics.median(ratio) >= 5 else "missed",
              "What strace adds to the build is %.0fx what `--trace` adds." % (over / own) if own >= 0.01 else
              "`--trace` adds nothing measurable here (%+.0f%% at the median, %+.0f%% to %+.0f%%"
              " over the rounds), strace %+.0f%%." % (
                  100 * own, 100 * (min(ll) - 1), 100 * (max(ll) - 1), 100 * over)))
    w("")
    w("`--trace` wakes the supervisor once per file (the first access; the rule")
    w("it adds lets later ones through), while strace stops the build's process")
    w("at every file system call, and the compiler makes several per header (it")
    w("probes each include directory).  A compile is mostly computation that")
    w("neither tracer slows, so what strace adds depends on what a stop costs")
    w("against that computation: in UML a stop is a round trip through the host;")
    w("under QEMU its context switches are emulated too and cost far more.  The")
    w("same holds, less, for `--trace`'s events: one per file, each a round")
    w("trip to the supervisor.")
    w("")

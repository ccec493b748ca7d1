#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turns the raw lines of bench/run.sh (one run) into docs/benchmarks.md."""
import os
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import report_trace  # noqa: E402

results, work = sys.argv[1], sys.argv[2]
all_lines = [l.split() for l in open(results) if l.strip()]
# Lines from the QEMU run (x86_64, software emulation) start with "qemu".
lines = [l for l in all_lines if l[0] != "qemu"]
qlines = [l[1:] for l in all_lines if l[0] == "qemu"]


# The host's cores (make bench's machine).
CORES = os.cpu_count() or 1


def us(ns):
    return "%.1f" % (float(ns) / 1000)


def ratio(a, b):
    return "%.2f" % (float(a) / float(b)) if float(b) else "n/a"


def spread(v, digits=2):
    """'median (Q1-Q3; min-max)' of a {median, min, max, q1, q3} dict."""
    return ("%.{0}f (%.{0}f-%.{0}f; %.{0}f-%.{0}f)".format(digits)) % (
        v["median"], v["q1"], v["q3"], v["min"], v["max"])


out = []
w = out.append
w("# Benchmarks")
w("")
w("Written by `make bench` from one run inside the patched kernel (User-Mode")
w("Linux on a 2-core machine).  Every figure is compared with another one of")
w("the same run; absolute times are **UML times** unless marked QEMU: in UML")
w("every system call and every context switch is a round trip through the")
w("host (ptrace), which costs several to tens of microseconds and dwarfs in-kernel costs")
w("of a few hundred nanoseconds.  Medians of several repetitions, with")
w("their spread in brackets.")
w("")
w("Where UML distorts a comparison, it is measured another way: access checks")
w("also in the kernel, through io_uring batches (one system call for 2,048")
w("checks); every comparison also in the x86_64 build of the series under")
w("QEMU (`scripts/qemu-run`, 2 virtual CPUs, software emulation: slow in")
w("absolute terms, but system calls and context switches are guest work")
w("there, as on hardware).")
w("")
# How busy the host was, and runs that did not finish (scripts/bench.sh).
for l in lines:
    if l[0] == "hostload" and len(l) == 8:
        w("Host load average (1, 5 and 15 minutes) before and after the %s run: %s, then %s%s." % (
            l[1], " ".join(l[2:5]), " ".join(l[5:8]),
            " (this machine has %d cores, of which the run itself keeps one or two busy: other"
            " work shared them, which slows and disturbs absolute times more than ratios taken"
            " within a round)" % CORES
            if max(float(x) for x in l[2:8]) > CORES + 1 else ""))
        w("")
    elif l[0] == "run" and len(l) == 4 and l[2] == "failed":
        w("**The %s run did not finish** (exit status %s%s): what it had not printed yet is"
          " missing below." % (l[1], l[3], ", its time limit" if l[3] == "124" else ""))
        w("")
# The targets' summary (targets_section) goes here, once every section is read.
targets_at = len(out)

# --- Access checks (access_section: bench/access_check.c, UML and QEMU)
ACCESS_PLATFORMS = (("UML", lines), ("QEMU", qlines))
RATIO_NAMES = ("median", "min", "max", "rounds", "q1", "q3")


def access_data(src):
    """The access_check lines of SRC: times and per-round ratios to stock."""
    d = {"abs": {}, "ratio": {}, "failed": []}
    for l in src:
        if l[0] == "access_check" and "failed" in l:
            d["failed"].append(" ".join(l[1:]))
        elif l[0] == "access_check" and len(l) == 8:
            d["abs"][(l[1], int(l[2]), int(l[3]), l[4])] = [float(x) for x in l[5:8]]
        elif l[0] == "accessratio" and len(l) == 11:
            d["ratio"][(l[1], int(l[2]), int(l[3]), l[4])] = dict(
                zip(RATIO_NAMES, [float(x) for x in l[5:8]] + [int(l[8])] + [float(x) for x in l[9:11]]))
    return d


def access_table(d, ops, unit):
    """One table of access_check lines for OPS."""
    scale = us if unit == "µs" else (lambda ns: "%.0f" % float(ns))
    rows = [(op, dd, layers) for op in ops for dd in (1, 10, 100) for layers in (1, 4, 16)
            if (op, dd, layers, "stock") in d["abs"]]
    if not rows:
        return
    w("| op | depth | layers | none %s | stock %s | supervisee %s | supervisee / stock | "
      "supervisor %s | supervisor / stock |" % ((unit,) * 4))
    w("|---|---|---|---|---|---|---|---|---|")
    for op, dd, layers in rows:
        cell = lambda c: (lambda a: "%s (%s-%s)" % (scale(a[0]), scale(a[1]), scale(a[2])) if a else "n/a")(
            d["abs"].get((op, dd, layers, c)))
        none = d["abs"].get((op, dd, 1, "none"))
        rat = lambda c: spread(d["ratio"][(op, dd, layers, c)], 3 if unit == "ns" else 2) if (op, dd, layers, c) in d["ratio"] else "n/a"
        w("| %s | %d | %d | %s | %s | %s | %s | %s | %s |" % (
            op, dd, layers, scale(none[0]) if none else "n/a", cell("stock"), cell("supervisee"),
            rat("supervisee"), cell("supervisor"), rat("supervisor")))
    w("")


def access_summary(d, op):
    """Per configuration: the per-case median ratios of OP's cases."""
    return {c: [v["median"] for k, v in sorted(d["ratio"].items()) if k[0] == op and k[3] == c]
            for c in ("supervisee", "supervisor")}


ACCESS_TARGETS = {"supervisee": 1.02, "supervisor": 1.3}


def access_reading(p, d, op):
    """One line per configuration: the median of OP's cases against its target."""
    summ = access_summary(d, op)
    out_lines = []
    for c, v in summ.items():
        if not v:
            continue
        m, target = statistics.median(v), ACCESS_TARGETS[c]
        out_lines.append(
            "%s: %s-granted is **%.2fx stock** at the median of the %d %s cases (each case: "
            "the median of its rounds' ratios; cases %.2f to %.2f, %d of %d at most %.2fx): "
            "**%s**." % (p, c, m, len(v), op, min(v), max(v), sum(x <= target for x in v), len(v),
                         target, "≤ %.2fx, met" % target if m <= target else "> %.2fx, missed" % target))
    return out_lines


def access_section():
    data = {p: access_data(src) for p, src in ACCESS_PLATFORMS}
    have = [p for p, _ in ACCESS_PLATFORMS if data[p]["abs"] or data[p]["failed"]]
    w("## Access-check cost (openat, stat)")
    w("")
    w("A file at depth D under L layers; the rule granting it is on the top")
    w("directory: in plain layers (*stock*), in the supervisee rulesets of")
    w("supervised layers (*supervisee*), or only in their committed supervisor rules")
    w("(*supervisor*, the slow path: the domain's rules deny, then the committed")
    w("versions of the denying layers are walked).  Landlock does not check")
    w("stat(2): it is a control.")
    w("")
    rounds = next((v["rounds"] for p in have for v in data[p]["ratio"].values()), None)
    w("Each configuration has its own sandboxed process, idle between samples.")
    w("The cases are interleaved: after a warm-up round, %s short rounds, each" % (rounds or "several"))
    w("with one sample of every case (a sample: a few hundred system calls, or")
    w("one io_uring batch), the groups of cases (op, depth, layers) and the")
    w("configurations within a group in an order that rotates from round to")
    w("round.  A ratio to *stock* is taken within a round, between samples taken")
    w("one after the other, so that the machine's slow and fast phases hit both")
    w("alike; ratios: the median over the rounds, then in brackets the middle")
    w("half of the rounds (first to third quartile) and the lowest and highest")
    w("round.  Times: median over the rounds (fastest and slowest round in")
    w("brackets).")
    w("")
    labels = {"UML": "UML", "QEMU": "QEMU x86_64 (2 virtual CPUs, software emulation)"}
    w("### One system call per access (timed from user space)")
    w("")
    for p in have:
        w("%s, µs per access:" % labels[p])
        w("")
        access_table(data[p], ("openat", "stat"), "µs")
    w("### In-kernel: %s accesses per io_uring_enter()" % "2048")
    w("")
    w("The same cases, each sample one batch of 2,048 io_uring operations,")
    w("timed around the single `io_uring_enter()` that runs them in the")
    w("kernel, in the sandboxed task or in io-wq workers with its credentials")
    w("(the check is the same `file_open` hook).  The system call round trip is")
    w("paid once per 2,048 accesses (an `IORING_OP_NOP` costs about 0.2 µs in")
    w("UML), so these figures (in **ns** per access) are kernel time: path walk,")
    w("file allocation, io_uring's own work and the Landlock check.")
    w("")
    for p in have:
        w("%s, ns per access:" % labels[p])
        w("")
        access_table(data[p], ("openat-batch", "statx-batch"), "ns")
    for p in have:
        for f in data[p]["failed"]:
            w("%s: failed: `%s`." % (p, f))
            w("")
    w("**Reading.** Targets: supervisee-granted ≤ 1.02x stock, supervisor-granted")
    w("≤ 1.3x stock, at the median of the in-kernel table's openat cases.")
    w("")
    for p in have:
        for line in access_reading(p, data[p], "openat-batch"):
            w("- " + line)
    w("")
    for p in have:
        summ = access_summary(data[p], "openat")
        if summ["supervisee"]:
            w("One system call per access, %s: supervisee %.2fx and supervisor %.2fx stock at the median"
              " of the openat cases (%.2f to %.2f and %.2f to %.2f)." % (
                  p, statistics.median(summ["supervisee"]), statistics.median(summ["supervisor"]),
                  min(summ["supervisee"]), max(summ["supervisee"]),
                  min(summ["supervisor"]), max(summ["supervisor"])))
    w("")
    w("By construction, the supervisee-granted path runs the stock code unchanged")
    w("(the supervisor rules are only consulted after a denial): its ratio is")
    w("noise around 1, which the interleaved rounds keep small.  The")
    w("supervisor-granted path first runs the stock walk, which denies, then")
    w("walks the path again with one trie lookup per denying supervised layer")
    w("and directory, in committed versions pinned once per check: its cost")
    w("grows with depth and layers, which the batch table shows.  In UML a")
    w("system call is a host round trip that hides the check in the first")
    w("table; statx is a control (Landlock does not check it).")
    w("")
    return data


access = access_section()

# --- Commits (commit_section: bench/commit.c, UML and QEMU)
PLATFORMS = (("UML", lines), ("QEMU", qlines))


def ratio_fields(l, names):
    """The fields NAMES of a ratio line's numbers L (floats; counts as int)."""
    return {k: (int(x) if k in ("rounds", "le1") else float(x)) for k, x in zip(names, l)}


def platform_table(key_name, columns, platforms, keys, cells):
    """One row per key: COLUMNS for each of PLATFORMS, from CELLS(platform, key)."""
    if not keys or not platforms:
        return
    w("| %s | %s |" % (key_name, " | ".join("%s %s" % (p, c) for p in platforms for c in columns)))
    w("|---|" + "---|" * (len(columns) * len(platforms)))
    for k in keys:
        w("| %s | %s |" % (k, " | ".join(c for p in platforms for c in cells(p, k))))
    w("")


def commit_data(src):
    commits = {int(l[1]): [float(x) for x in l[2:5]] for l in src if l[0] == "commit" and len(l) == 5}
    ratios = {int(l[1]): ratio_fields(l[2:], ("median", "min", "max", "rounds", "q1", "q3"))
              for l in src if l[0] == "commitratio" and len(l) == 8}
    replaces = [l for l in src if l[0] == "replace" and len(l) == 4]
    busy = {l[1]: l[2:] for l in src if l[0] == "busy"}
    failed = [" ".join(l) for l in src if l[0] == "commit" and "failed" in l]
    return commits, ratios, replaces, busy, failed


def commit_section():
    data = {name: commit_data(src) for name, src in PLATFORMS}
    w("## Commit cost")
    w("")
    w("A one-rule change (stage + commit, one system call: alternately adding and")
    w("removing a rule on one file) on a supervisor that holds N file rules (N")
    w("files, one rule each).  The cases are interleaved: %s short rounds, each" % (
        next((str(v["rounds"]) for v in data["UML"][1].values()), "several")))
    w("with a few commits of every case in a rotated order, so that the")
    w("machine's slow and fast phases hit every case alike; each ratio to the")
    w("10-rule case is taken within a round, and its spread is over the rounds.")
    w("Times: median of all commits (fastest and slowest commit in brackets).")
    w("")
    have = [name for name, _ in PLATFORMS if data[name][0]]

    def commit_cells(p, n):
        c, r = data[p][0].get(n), data[p][1].get(n)
        return ["%s (%s-%s)" % (us(c[0]), us(c[1]), us(c[2])) if c else "n/a", spread(r) if r else "n/a"]

    platform_table("rules held", ("commit µs", "ratio to 10 rules (quartiles; min-max over rounds)"), have,
                   sorted({n for p in have for n in data[p][0]}), commit_cells)
    for p in have:
        for f in data[p][4]:
            w("%s: `%s`." % (p, f))
    with open(work + "/commit.dat", "w") as dat:
        for n, (m, lo, hi) in sorted(data["UML"][0].items()):
            dat.write("%d %s %s %s\n" % (n, us(m), us(lo), us(hi)))
    w("![one-rule commit cost](commit-cost.png)")
    w("")
    w("A full replace of N rules with `LANDLOCK_IOCTL_COMMIT_RULESET` (port")
    w("rules: at most 65,536 distinct):")
    w("")
    rep = {p: {int(l[1]): l for l in data[p][2]} for p in have}

    def replace_cells(p, n):
        l = rep[p].get(n)
        return [us(l[2]), l[3]] if l else ["n/a", "n/a"]

    platform_table("full replace of N rules", ("µs per rule", "slab bytes per rule"), have,
                   sorted({n for p in have for n in rep[p]}), replace_cells)
    busy_rows = [(p, data[p][3]) for p in have if "idle" in data[p][3] and "committing" in data[p][3]]
    if busy_rows:
        w("A sandboxed thread binding to a port that only committed supervisor rules")
        w("allow (1,000 port rules), while the supervisor is idle, then while it")
        w("commits in a loop:")
        w("")
        w("| platform | supervisor | bind median µs | min | p99 | commits meanwhile | median ratio committing / idle |")
        w("|---|---|---|---|---|---|---|")
        for p, busy in busy_rows:
            for k in ("idle", "committing"):
                m, lo, p99 = busy[k][:3]
                w("| %s | %s | %s | %s | %s | %s | %s |" % (
                    p, k, us(m), us(lo), us(p99), busy[k][3] if k == "committing" else "",
                    ratio(busy["committing"][0], busy["idle"][0]) if k == "committing" else ""))
        w("")
    w("**Reading.** Target: the 100,000-rule commit within 3x of the 10-rule one.")
    for p in have:
        r = data[p][1].get(100000)
        if r:
            w("%s: %.2fx at the median of %d rounds (middle half %.2f-%.2f, all %.2f-%.2f), %s." % (
                p, r["median"], r["rounds"], r["q1"], r["q3"], r["min"], r["max"],
                "met in every round" if r["max"] <= 3 else
                "met at the median" if r["median"] <= 3 else "missed"))
    for p in have:
        c = data[p][0]
        if 10 in c and 100000 in c:
            w("%s: the 10-rule commit takes %s µs, the 100,000-rule one %s µs (%+.1f µs)." % (
                p, us(c[10][0]), us(c[100000][0]), (c[100000][0] - c[10][0]) / 1000))
    w("In UML a system call's host round trip is most of a commit's time and")
    w("hides the growth of its own work; in QEMU a system call costs less")
    w("against the kernel's work, so the difference shows more there.")
    w("A change copies the trie nodes on its key's path (at most one per level:")
    w("1 node up to 64 rules, 3 for 100,000), and a commit publishes the staged")
    w("roots in O(1); the KUnit test `test_trie_change_cost_is_logarithmic` checks")
    w("the node count exactly.  Checks never take the supervisor's lock: a commit")
    w("does not make them wait (compare the medians); a p99 under a committing")
    w("thread is CPU time slicing (UML has one CPU), not lock contention.")
    w("")
    return data


commit = commit_section()

# --- Notification round trip (rtt_section: bench/notify_rtt.c, UML and QEMU)
RTT_WAYS = ("landlock-2step", "landlock-grant-fd", "landlock-grant", "landlock-once", "seccomp", "seccomp-sync")
LL_WAYS = RTT_WAYS[:4]
# The Landlock ways whose answer lasts (a rule); landlock-once allows one open.
GRANT_WAYS = RTT_WAYS[:3]
RTT_STEPS = ("notify", "recv", "rule", "close", "answer", "tail", "total", "reopen", "plain", "clock")


def rtt_data(src, tag=""):
    """The notify_rtt lines of SRC whose first word ends with TAG."""
    d = {"abs": {}, "ratio": {}, "step": {}, "failed": [], "plain": {}, "flags": {}}
    for l in src:
        kind = l[0][:-len(tag)] if tag and l[0].endswith(tag) else l[0] if not tag else None
        if kind == "rtt" and "failed" in l:
            d["failed"].append(" ".join(l))
        elif kind == "rtt" and len(l) == 6:
            d["abs"][(l[1], l[2])] = [float(x) for x in l[3:6]]
        elif kind == "rttratio" and len(l) == 11:
            d["ratio"][(l[1], l[2], l[3])] = ratio_fields(
                l[4:], ("median", "min", "max", "rounds", "le1", "q1", "q3"))
        elif kind == "rttstep" and len(l) == 7:
            d["step"][(l[1], l[2])] = [float(x) for x in l[3:6]] + [int(l[6])]
        elif kind == "rttplain" and len(l) == 4:
            d["plain"][l[1]] = (int(l[2]), int(l[3]))
        elif kind == "rttflags" and len(l) == 5:
            d["flags"][l[1]] = tuple(int(x) for x in l[2:5])
    return d


def in_hook(d):
    """True if every open event of the Landlock ways had ALLOW_ONCE (waited in
    the access check), False if none did, None if mixed or unknown."""
    ev = sum(v[0] for v in d["flags"].values())
    no = sum(v[1] for v in d["flags"].values())
    if not ev:
        return None
    return True if no == 0 else False if no == ev else None


# The round trip's platforms: UML, QEMU (2 virtual CPUs), QEMU on one CPU.
RTT_PLATFORMS = (("UML", lines, ""), ("QEMU", qlines, ""), ("QEMU one CPU", qlines, "-1cpu"))


def rtt_table(d, label):
    w("%s:" % label)
    w("")
    w("| way | first µs | first / seccomp | first / seccomp-sync | repeat µs | repeat / seccomp |")
    w("|---|---|---|---|---|---|")
    for way in RTT_WAYS:
        cells = []
        for mode, bases in (("first", ("seccomp", "seccomp-sync")), ("repeat", ("seccomp",))):
            a = d["abs"].get((way, mode))
            cells.append("%s (%s-%s)" % (us(a[0]), us(a[1]), us(a[2])) if a else "n/a")
            for base in bases:
                r = d["ratio"].get((way, mode, base))
                cells.append("1" if base == way else spread(r) if r else "n/a")
        w("| %s | %s |" % (way, " | ".join(cells)))
    w("")
    for f in d["failed"]:
        w("Failed: `%s`%s." % (f, " (the kernel's open events have no `LANDLOCK_EVENT_ALLOW_ONCE`: "
                               "an answer without a grant cannot allow the open)" if "no-allow-once" in f else ""))
        w("")
    if d["flags"]:
        ev = sum(v[0] for v in d["flags"].values())
        no = sum(v[1] for v in d["flags"].values())
        cr = sum(v[2] for v in d["flags"].values())
        w("Events of the Landlock ways: %d, of which %d without `LANDLOCK_EVENT_ALLOW_ONCE`%s%s." % (
            ev, no, " (%s)" % ", ".join("%s %d of %d" % (way, v[1], v[0]) for way, v in sorted(d["flags"].items())
                                        if v[1]) if no else " (every open waited in its access check)",
            "; %d with `LANDLOCK_EVENT_CREATED` (none expected: no `O_CREAT`)" % cr if cr else ""))
        w("")
    plain = {way: v for way, v in d["plain"].items() if v[0]}
    if plain:
        w("Plain denials (retried; see the reading): %s." % ", ".join(
            "%s %d of %d opens" % (way, v[0], v[1]) for way, v in sorted(plain.items())))
        w("")


def best_first(d, ways=GRANT_WAYS):
    """The way of WAYS with the lowest median first-access ratio to seccomp."""
    got = [(d["ratio"][(way, "first", "seccomp")], way) for way in ways
           if (way, "first", "seccomp") in d["ratio"]]
    return min(got, key=lambda x: x[0]["median"]) if got else (None, None)


def step_table(d, label):
    ways = [way for way in RTT_WAYS if (way, "total") in d["step"]]
    if not ways:
        return
    n = d["step"][(ways[0], "total")][3]
    w("%s, µs per open, median of %d rounds' medians (min-max over the rounds):" % (label, n))
    w("")
    w("| step | " + " | ".join(ways) + " |")
    w("|---|" + "---|" * len(ways))
    for step in RTT_STEPS:
        cells = []
        for way in ways:
            v = d["step"].get((way, step))
            zero = step in ("rule", "close") and way != "landlock-2step" and not (
                step == "close" and way == "landlock-grant-fd")
            zero = zero or (step == "reopen" and way not in GRANT_WAYS)
            cells.append("-" if zero or not v else "%s (%s-%s)" % (us(v[0]), us(v[1]), us(v[2])))
        w("| %s | %s |" % (step, " | ".join(cells)))
    w("")


def gap_table(d, label, way):
    """Where the gap between WAY and seccomp goes."""
    if (way, "total") not in d["step"] or ("seccomp", "total") not in d["step"]:
        return None
    st = lambda x, step: d["step"][(x, step)][0]
    steps = ["notify", "recv"] + (["close"] if way == "landlock-grant-fd" else []) + ["tail"]
    gap = st(way, "total") - st("seccomp", "total")
    w("%s: where the gap of *%s* to seccomp goes (medians;" % (label, way))
    w("their differences need not add up exactly to the total's):")
    w("")
    w("| step | %s µs | seccomp µs | difference µs | share of the gap |" % way)
    w("|---|---|---|---|---|")
    for step in steps + ["total"]:
        a = st(way, step)
        b = st("seccomp", step) if step != "close" else 0.0
        w("| %s | %s | %s | %+.1f | %s |" % (step, us(a), us(b), (a - b) / 1000,
                                          "%.0f%%" % (100 * (a - b) / gap) if gap > 0 else "n/a"))
    w("")
    return gap, {s: st(way, s) - st("seccomp", s) for s in steps}


def one_call_way(d):
    """The one-call granting way (two calls for the supervisor, as seccomp)
    with the lower median first-access ratio."""
    got = [(d["ratio"][(way, "first", "seccomp")]["median"], way) for way in ("landlock-grant", "landlock-grant-fd")
           if (way, "first", "seccomp") in d["ratio"] and (way, "total") in d["step"]]
    return min(got)[1] if got else None


def first_line(p, d):
    """The reading of the first-access target on platform P (cover letter)."""
    r, way = best_first(d)
    if r is None:
        return "- %s: no first-access ratio (see the failures above)." % p
    sync = d["ratio"].get((way, "first", "seccomp-sync"))
    rep = [d["ratio"][(x, "repeat", "seccomp")]["median"] for x in GRANT_WAYS
           if (x, "repeat", "seccomp") in d["ratio"]]
    once = d["ratio"].get(("landlock-once", "first", "seccomp"))
    once_rep = d["ratio"].get(("landlock-once", "repeat", "seccomp"))
    return ("- **%s: first access with the best Landlock way (%s) is %.2fx seccomp**"
            " at the median of %d rounds (middle half %.2f-%.2f, all %.2f-%.2f; at most"
            " 1.0x in %d of %d rounds): %s%s%s%s." % (
                p, way, r["median"], r["rounds"], r["q1"], r["q3"], r["min"], r["max"], r["le1"],
                r["rounds"], verdict(r["median"], 1.0),
                "; against seccomp-sync %s" % spread(sync) if sync else "",
                "; repeated access %.2f-%.2fx seccomp across the ways that grant" % (min(rep), max(rep))
                if rep else "",
                "; **landlock-once (allowed once, no rule) %.2fx** (%.2f-%.2f; %.2f-%.2f): %s, repeated"
                " access %.2fx (it asks every time, as seccomp)" % (
                    once["median"], once["q1"], once["q3"], once["min"], once["max"],
                    verdict(once["median"], 1.0), once_rep["median"] if once_rep else float("nan"))
                if once else "; landlock-once: no figure (see the failures above)"))


def verdict(x, target):
    return "**≤ %.1fx, met**" % target if x <= target else "**> %.1fx, missed**" % target


def rtt_section():
    data = {name: rtt_data(src, tag) for name, src, tag in RTT_PLATFORMS}
    have = [p for p, _, _ in RTT_PLATFORMS if data[p]["abs"] or data[p]["failed"]]
    hooks = {p: in_hook(data[p]) for p in have}
    w("## Notification round trip")
    w("")
    w("Per openat().  *first*: each open is of a new file and needs the")
    w("supervisor; *repeat*: one new file opened 100 times per batch (a Landlock")
    w("grant lasts; a once-answer and a seccomp notification do not).  The ways:")
    w("")
    w("- *landlock-2step*: receive with the object's O_PATH fd")
    w("  (`LANDLOCK_RECV_OBJECT_FD`), `landlock_add_rule()` on it with")
    w("  `LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR`, close the fd, answer ALLOW;")
    w("- *landlock-grant-fd*: receive with the fd, answer ALLOW with")
    w("  `LANDLOCK_RESPONSE_GRANT` (the kernel adds and commits the rule on the")
    w("  event's object with the answer), close the fd;")
    w("- *landlock-grant*: receive without fd (flags 0: no fd is opened), answer")
    w("  ALLOW with `LANDLOCK_RESPONSE_GRANT`;")
    w("- *landlock-once*: receive without fd, answer ALLOW without a grant: for")
    w("  an event with `LANDLOCK_EVENT_ALLOW_ONCE`, this open only is allowed,")
    w("  and a later open of the same file asks again (as with seccomp);")
    w("- *seccomp*: `SECCOMP_RET_USER_NOTIF` on openat, answered with")
    w("  `SECCOMP_USER_NOTIF_FLAG_CONTINUE`; *seccomp-sync* the same with")
    w("  `SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP`.")
    w("")
    if all(hooks[p] for p in have) and have:
        w("The denied open waits for the answer in its access check (its events")
        w("have `LANDLOCK_EVENT_ALLOW_ONCE`, counted under each table), then goes")
        w("on: after a grant or a once-answer it is allowed without a second path")
        w("walk or restart.")
    else:
        w("An open whose event has `LANDLOCK_EVENT_ALLOW_ONCE` waits for the answer")
        w("in its access check, then goes on; without it (counted under each")
        w("table) the denied open waits after the failed system call, then")
        w("restarts and succeeds against the new rule.")
    w("Each way has its own sandboxed process;")
    w("one supervisor answers them all, blocked in its receive call.  The ways")
    w("are interleaved: short rounds (a batch of 20 *first* opens and one of 100")
    w("*repeat* opens per way, in a rotated order), so that the machine's slow")
    w("and fast phases (UML's system call cost changes between phases) hit every")
    w("way alike.  Times: median of the rounds' per-open figures (fastest and")
    w("slowest round in brackets); ratios: taken within each round, median over")
    w("the rounds, then in brackets the middle half of the rounds (first to")
    w("third quartile) and the lowest and highest round.  A round that a pause")
    w("of the machine hits gives an extreme ratio: the quartiles say more.")
    w("")
    labels = {"UML": "UML (1 CPU; every system call and context switch is a host round trip)",
              "QEMU": "QEMU x86_64, 2 virtual CPUs (software emulation: slow in absolute terms, "
                      "but system calls and context switches are guest work)",
              "QEMU one CPU": "QEMU x86_64, every process of the benchmark on the first of the 2 "
                              "virtual CPUs (`notify_rtt one-cpu`: no wake-up across CPUs)"}
    for p in have:
        rtt_table(data[p], labels[p])
    w("### Where the time goes: one open, step by step")
    w("")
    w("More rounds of *first* batches, with timestamps: the sandboxed process")
    w("stamps before and after its openat, the supervisor (waiting in poll(2)")
    w("here) when it wakes and after each call.  Steps: *notify*, from the")
    w("openat to the supervisor's wake-up (for Landlock the denied open's path")
    w("walk and check, the event and the wake-up; for seccomp the filter at")
    w("system call entry and the wake-up); *recv*, the receive ioctl; *rule*,")
    w("landlock-2step's `landlock_add_rule()` with commit; *close*, closing the")
    w("event's fd (after the answer for landlock-grant-fd); *answer*, the answer")
    w("ioctl (with the grant); *tail*, from the answer's start to the openat's")
    w("return: the answer and the wake-up, then for Landlock the rest of the")
    w("open after its access check (an event with `LANDLOCK_EVENT_ALLOW_ONCE`:")
    w("file allocation and descriptor, no second path walk) or the restarted")
    w("open (an event without it: path walk and check again), for seccomp the")
    w("continued open (its only path walk); *total*, the openat as the")
    w("sandboxed process sees it; *reopen*, an open of an already granted file")
    w("in the sandbox (a sandboxed open that needs no supervisor; not for")
    w("landlock-once, whose opens all ask); *plain*, an unsandboxed open of")
    w("the same file; *clock*, one timestamp (a system call in UML, which")
    w("inflates every step there).  On one CPU the woken process may run before")
    w("the answer ioctl returns, which then holds the process's return: *tail*")
    w("is the step that does not depend on that.")
    w("")
    gaps = {}
    for p in have:
        d = data[p]
        step_table(d, p)
        way = one_call_way(d)
        g = gap_table(d, p, way) if way else None
        if g:
            st = lambda x, step: d["step"][(x, step)][0]
            gaps[p] = (way,) + g + (st(way, "reopen"), st(way, "plain"))
            w("An open of an already granted file in the sandbox took %s µs, an" % us(st(way, "reopen")))
            w("unsandboxed open of the same files %s µs; one timestamp costs %s µs," % (
                us(st(way, "plain")), us(st(way, "clock"))))
            w("and each step holds about one.")
            w("")
        if ("landlock-once", "total") in d["step"]:
            g = gap_table(d, p, "landlock-once")
            if g:
                gaps[p + " once"] = ("landlock-once",) + g + (None, None)
    w("**Reading.** Target: first access ≤ 1.0x seccomp (its plain")
    w("`SECCOMP_USER_NOTIF_FLAG_CONTINUE` way), with the best Landlock way that")
    w("grants (the rule lasts) and with landlock-once.")
    w("")
    # The cover letter of the series quotes this block (kernel.sh series).
    w("<!-- cover:begin -->")
    for p in have:
        w(first_line(p, data[p]))
    w("<!-- cover:end -->")
    w("")
    if any(v[0] for p in have for v in data[p]["plain"].values()):
        w("**Plain denials.** Some opens were denied with a plain `EACCES`,")
        w("without an event, although the supervisor was waiting for one (counts")
        w("under the tables): the benchmark counts them and opens again, which")
        w("sends the event, so their cost is in the figures.  Earlier runs saw")
        w("them only in the x86_64 build, for events without")
        w("`LANDLOCK_EVENT_ALLOW_ONCE` (the wait in task work, which gave a plain")
        w("denial when `TIF_NOTIFY_RESUME` was set again while task works ran).")
        w("")
    q = data.get("QEMU")
    if q and ("seccomp", "first") in q["abs"] and ("seccomp-sync", "first") in q["abs"]:
        a, b = q["abs"][("seccomp", "first")][0], q["abs"][("seccomp-sync", "first")][0]
        if a > 3 * b:
            w("With 2 virtual CPUs, waking a process on the other CPU took")
            w("milliseconds in many rounds (seccomp: %s µs per first open;" % us(a))
            w("seccomp-sync, which wakes the supervisor on the waker's CPU: %s µs):" % us(b))
            w("those rounds measure how the busy host schedules QEMU's CPU threads,")
            w("not the mechanisms, hence the wide spreads.  The one-CPU run has no")
            w("wake-up across CPUs.")
            w("")
    for key, g in gaps.items():
        p = key.replace(" once", "")
        way, gap, deltas, reopen, plain = g
        if gap <= 0:
            w("%s: in the breakdown run *%s* is %.1f µs faster per open than seccomp." % (p, way, -gap / 1000))
            w("")
            continue
        parts = sorted(deltas.items(), key=lambda x: -x[1])
        w("%s: of the %.1f µs that *%s* adds per first open in the breakdown run, %s." % (
            p, gap / 1000, way, ", ".join("%s %+.1f µs (%.0f%%)" % (s, v / 1000, 100 * v / gap) for s, v in parts)))
        if hooks[p]:
            w("The denied open's path walk and check are in *notify*, before the")
            w("event; seccomp's continued open walks its path in *tail*; with the")
            w("wait in the check, the Landlock open's *tail* is the answer, the")
            w("wake-up and the end of the open, without a second walk.")
        elif reopen is not None:
            w("The denied open's path walk and check (in *notify*) and the restarted")
            w("open (in *tail*) are work seccomp does once; one such open costs")
            w("about %.1f µs here (*reopen*; %.1f µs unsandboxed)." % (reopen / 1000, plain / 1000))
        w("")
    w("What each way costs the supervisor: *landlock-2step* makes four calls per")
    w("event (receive, rule with commit, close, answer), *landlock-grant-fd*")
    w("three, *landlock-grant* and *landlock-once* two, as seccomp does (receive,")
    w("answer); a grant lasts, so in the *repeat* column the supervisor is woken")
    w("once per file with the ways that grant, and at every open with")
    w("landlock-once and seccomp.")
    w("")
    return data


rtt = rtt_section()

# --- Tracing (bench/trace_build.sh, bench/trace_compare.py)
report_trace.section(lines, qlines, w)


def targets_section():
    """The targets of this run's figures, each met or missed, for the top."""
    t = []
    row = lambda target, p, measured, met: t.append("| %s | %s | %s | %s |" % (
        target, p, measured, "met" if met else "**missed**" if met is not None else "no figure"))
    t.append("## Targets")
    t.append("")
    t.append("From this run; each one is read in its section below.  A ratio is the")
    t.append("median over interleaved rounds (then the middle half of the rounds and")
    t.append("all of them), or, for access checks, the median over the cases of each")
    t.append("case's median ratio (then the range over the cases).")
    t.append("")
    rr = lambda x: "%.2fx (%.2f-%.2f; %.2f-%.2f)" % (x["median"], x["q1"], x["q3"], x["min"], x["max"])
    t.append("| target | platform | measured | |")
    t.append("|---|---|---|---|")
    for p, _, _ in RTT_PLATFORMS:
        d = rtt.get(p)
        if not d or not (d["abs"] or d["failed"]):
            continue
        r, way = best_first(d)
        row("first access ≤ 1.0x seccomp, best way that grants%s" % (" (%s)" % way if way else ""), p,
            rr(r) if r else "n/a", r["median"] <= 1.0 if r else None)
        o = d["ratio"].get(("landlock-once", "first", "seccomp"))
        row("first access ≤ 1.0x seccomp, landlock-once", p, rr(o) if o else "n/a (%s)" % (
            "no in-hook wait: events without `LANDLOCK_EVENT_ALLOW_ONCE`"
            if any("no-allow-once" in f for f in d["failed"]) else "see its section"),
            o["median"] <= 1.0 if o else None)
    for p, _ in ACCESS_PLATFORMS:
        summ = access_summary(access[p], "openat-batch")
        if not (access[p]["abs"] or access[p]["failed"]):
            continue
        for c, target in ACCESS_TARGETS.items():
            v = summ[c]
            m = statistics.median(v) if v else None
            row("%s-granted open ≤ %.2fx stock (in-kernel batches)" % (c, target), p,
                "%.3fx (cases %.3f-%.3f)" % (m, min(v), max(v)) if v else "n/a",
                m <= target if v else None)
    for p, _ in PLATFORMS:
        r = commit.get(p, (None, {}))[1].get(100000)
        if r:
            row("100,000-rule commit ≤ 3x the 10-rule one", p, rr(r), r["median"] <= 3)
    t.append("")
    t.append("The tracing targets (`--trace` ≤ 1.2x untraced, strace ≥ 5x `--trace`) are")
    t.append("read in their section.")
    t.append("")
    return t


out[targets_at:targets_at] = targets_section()
print("\n".join(out))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks a `landlock-supervise --trace` JSON against the compiler's own
dependency files (bench/trace_build.sh, in the guest).

    trace_compare.py [--round R] [--details] [--strace FILE] TREE OUT TRACE TMPDIR

TREE is the build's snapshot (its recipes run in TREE/obj), OUT the traced
build's output directory (the objects and their -MD files), TRACE the JSON,
TMPDIR the build's TMPDIR.  Ground truth: the union of the .d files, every
header and source the compiler read, system headers included; each must be
in the trace's "read" list.  What the trace has beyond the build's inputs and
outputs is classified, not hidden.  Prints "trace ..." lines for
bench/report.py, and "trace failed: ..." if a file is missing.
"""
import argparse
import json
import os
import re
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--round", default="1")
ap.add_argument("--details", action="store_true")
ap.add_argument("--strace")
ap.add_argument("--check", metavar="NAME",
                help="a build that may miss files: say which, do not fail")
ap.add_argument("tree")
ap.add_argument("out")
ap.add_argument("trace")
ap.add_argument("tmpdir")
a = ap.parse_args()
cwd = os.path.join(a.tree, "obj")


def real(path):
    return os.path.realpath(os.path.join(cwd, path))


def depfiles(out):
    for root, _, files in os.walk(out):
        for f in files:
            if f.endswith(".o.d"):
                yield os.path.join(root, f)


deps, outputs = set(), set()
for d in depfiles(a.out):
    with open(d) as f:
        target, _, prereqs = f.read().replace("\\\n", " ").partition(":")
    deps.update(real(p) for p in prereqs.split())
    outputs.update((real(target.strip()), real(d)))

t = json.load(open(a.trace))
read = {real(p) for p in t["read"]}
executed = {real(p) for p in t["execute"]}
written = {real(p) for p in t["write"] + t["create"]}
missing = sorted(deps - read)
if a.check:
    print("trace check %s deps %d missing %d" % (a.check, len(deps), len(missing)))
    tree = os.path.realpath(a.tree) + "/"
    print("trace check-missing %s %s" % (a.check, " ".join(p.replace(tree, "T/") for p in missing)))
    sys.exit(0)
print("trace deps %s depfiles %d deps %d read %d executed %d missing %d" % (
    a.round, len(outputs) // 2, len(deps), len(read), len(executed), len(missing)))

if a.details:
    tree = os.path.realpath(a.tree) + "/"
    out = os.path.realpath(a.out) + "/"
    tmp = os.path.realpath(a.tmpdir) + "/"

    def short(p):
        p += "/" if p + "/" in (tree, out, tmp) else ""
        return p.replace(tree, "T/").replace(out, "OUT/").replace(tmp, "TMP/")

    def category(p):
        """Why a file outside the compiler's inputs is in the trace."""
        if p.startswith(out):
            return "output"
        if p.startswith(tmp):
            return "temporary"  # the compiler's assembly, read by as
        if p.startswith(tree):
            return "build-script"  # the Makefile
        if os.path.isdir(p):
            return "directory"
        if p in executed or re.search(r"/(bin|libexec|sbin)/|/lib/gcc/", p):
            return "toolchain-program"  # make, sh, gcc, cc1, as...
        if re.search(r"\.so(\.[0-9]+)*$", p) or p == "/etc/ld.so.cache":
            return "shared-library"  # and the loader's cache
        if p.startswith(("/usr/lib/locale/", "/usr/lib/x86_64-linux-gnu/gconv/")) or p == "/etc/locale.alias":
            return "locale"
        return "other"

    print("trace missing %s" % (" ".join(short(p) for p in missing) or "none"))
    extra = {}
    for p in sorted((read | executed) - deps):
        extra.setdefault(category(p), []).append(short(p))
    for c in ("toolchain-program", "shared-library", "locale", "build-script", "temporary",
              "output", "directory", "other"):
        print("trace extra %s %d %s" % (c, len(extra.get(c, [])), " ".join(extra.get(c, []))))
    # The other way round: the objects and .d files the build wrote.
    lost = sorted(outputs - written)
    print("trace outputs expected %d traced %d missing %d %s" % (
        len(outputs), len(outputs & written), len(lost), " ".join(short(p) for p in lost)))
    print("trace system-deps %d %s" % (
        sum(1 for p in deps if not p.startswith(tree)),
        " ".join(sorted({os.path.dirname(p) for p in deps if not p.startswith(tree)}))))

if a.strace:
    # Cross-check of the ground truth: strace saw every file of the .d
    # files opened (successful open, openat, execve; names relative to the
    # recipes' directory).
    seen, pending = set(), {}
    call = re.compile(r'^(\d+)\s+(?:open|openat|execve)\((?:AT_FDCWD, |-?\d+, )?"([^"]*)"(.*)$')
    resumed = re.compile(r'^(\d+)\s+<\.\.\. (?:open|openat|execve) resumed>(.*)$')
    for line in open(a.strace):
        m = call.match(line)
        if m:
            pid, path, rest = m.groups()
            if rest.endswith("<unfinished ...>"):
                pending[pid] = path
                continue
        else:
            m = resumed.match(line)
            if not m or m.group(1) not in pending:
                continue
            pid, rest = m.groups()
            path = pending.pop(pid)
        if not re.search(r"= -1 ", rest):
            seen.add(real(path))
    print("trace strace-check deps %d missing %d" % (len(deps), len(deps - seen)))

if missing:
    print("trace failed: %d files the compiler read are not in the trace (round %s): %s" % (
        len(missing), a.round, " ".join(missing[:20])))
    sys.exit(1)

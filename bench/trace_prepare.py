#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prepares, on the host, the C build that bench/trace_build.sh traces.

    bench/trace_prepare.py OBJTREE SRCTREE OUT GROUP=DIR[,DIR...] ...

OBJTREE is a kbuild output directory that has built its objects once (the
UML kernel, build/uml), SRCTREE its source tree (build/linux).  For every
object of the DIRs (a DIR ending in "/..." includes its subdirectories, one
ending in ".o" is that object alone),
the compile command comes from kbuild's own record (the .o.cmd file), with
three changes: no ccache, the compiler writes its dependency file with -MD
(every header read, system headers included; kbuild's -Wp,-MMD leaves them
out), and the object goes to an output directory given at build time.

OUT receives a snapshot of every file these compiles read in the two trees
(found by running each command once with -M), laid out as src/ and obj/, and
a Makefile (make -f OUT/Makefile -C T/obj T=T OUT=O [DEP=D] GROUP) whose
targets are the groups' objects (their dependency files go to D, by default
next to them).  The snapshot keeps the benchmark apart from later
kernel builds and edits, and lets the guest copy it to a tmpfs.  System
headers (/usr/include, the compiler's own) stay where they are.
"""
import os
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def objects(objtree, d):
    """The .o.cmd files of directory D of OBJTREE (recursively with /...),
    or of the one object D if it ends in .o."""
    if d.endswith(".o"):
        return [os.path.join(objtree, os.path.dirname(d), "." + os.path.basename(d) + ".cmd")]
    rec = d.endswith("/...")
    d = d[:-4] if rec else d
    found = []
    for root, dirs, files in os.walk(os.path.join(objtree, d)):
        dirs.sort()
        for f in sorted(files):
            if f.startswith(".") and f.endswith(".o.cmd"):
                found.append(os.path.join(root, f))
        if not rec:
            break
    return found


def command(cmd_file, objtree, srctree):
    """(object, source, argv) of a .o.cmd file, or None if it is no C compile."""
    with open(cmd_file) as f:
        line = next((l for l in f if l.startswith("savedcmd_")), None)
    if not line:
        return None
    obj, _, cmd = line.partition(" := ")
    obj = obj[len("savedcmd_"):]
    argv = shlex.split(cmd)
    if argv and argv[0] == "ccache":
        argv = argv[1:]
    if "-c" not in argv or "-o" not in argv or not argv[-1].endswith(".c"):
        return None
    src = argv[-1]
    if not src.startswith(srctree + "/"):
        return None  # generated sources: not in the snapshot
    argv = [a for a in argv if not a.startswith(("-Wp,-MMD,", "-Wp,-MD,"))]
    return obj, src, argv


def deps(argv, objtree):
    """Every file the preprocessor reads for ARGV (run in OBJTREE)."""
    i = argv.index("-o")
    pre = argv[:i] + argv[i + 2:]
    pre = [a for a in pre if a != "-c"] + ["-M", "-MF", "/dev/stdout"]
    out = subprocess.run(pre, cwd=objtree, check=True, capture_output=True, text=True).stdout
    files = out.replace("\\\n", " ").split(":", 1)[1].split()
    return [os.path.normpath(os.path.join(objtree, f)) for f in files]


def main():
    objtree, srctree, out = (os.path.realpath(a) for a in sys.argv[1:4])
    groups = [g.split("=", 1) for g in sys.argv[4:]]
    spec = dict(groups)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    copied = set()
    rules, members, outdirs = [], {}, set()

    def snap(path):
        for tree, sub in ((srctree, "src"), (objtree, "obj")):
            if path.startswith(tree + "/"):
                rel = sub + "/" + path[len(tree) + 1:]
                if rel not in copied:
                    copied.add(rel)
                    os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
                    shutil.copy2(path, os.path.join(out, rel))
                return rel
        return None

    cmds = {}
    for name, dirs in groups:
        members[name] = []
        for d in dirs.split(","):
            for cmd_file in objects(objtree, d):
                c = command(cmd_file, objtree, srctree) if os.path.exists(cmd_file) else None
                if not c:
                    continue
                members[name].append(c[0])
                cmds[c[0]] = c
    empty = [name for name, objs in members.items() if not objs]
    if empty:
        sys.exit("trace_prepare: no compiled C object in %s for %s: is the kernel built?" % (
            objtree, ", ".join(empty)))
    # The preprocessor runs (a fraction of a compile each), two at a time.
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        found = dict(zip(cmds, pool.map(lambda c: deps(c[2], objtree), cmds.values())))
    for obj, src, argv in cmds.values():
        for f in found[obj]:
            snap(f)
        snap(src)
        # The Makefile's recipe: source tree paths under $(T)/src, the
        # object and its dependency file under $(OUT).
        i = argv.index("-o")
        argv[i + 1] = "@OUT@/" + obj
        argv[i:i] = ["-MD", "-MF", "@DEP@/" + obj + ".d"]
        words = []
        for a in argv:
            q = shlex.quote(a.replace(srctree + "/", "@T@/src/").replace(srctree + "=", "@T@/src="))
            words.append(q.replace("$", "$$").replace("@T@", "$(T)").replace("@OUT@", "$(OUT)").replace("@DEP@", "$(DEP)"))
        rules.append("$(OUT)/%s:\n\t%s\n" % (obj, " ".join(words)))
        outdirs.add(os.path.dirname(obj))
    with open(os.path.join(out, "Makefile"), "w") as mk:
        mk.write("# Written by bench/trace_prepare.py: make -f THIS -C $(T)/obj T=... OUT=... GROUP\n")
        mk.write("# ccache off: the compiler runs as kbuild runs it, without a cache.\n")
        mk.write("export CCACHE_DISABLE := 1\n")
        mk.write("# Where the dependency files go (kbuild: next to the objects).\n")
        mk.write("DEP ?= $(OUT)\n")
        mk.write(".PHONY: %s\n" % " ".join(members))
        for name, objs in members.items():
            mk.write("%s: %s\n" % (name, " ".join("$(OUT)/" + o for o in objs)))
        mk.write("\n" + "\n".join(rules))
    with open(os.path.join(out, "dirs"), "w") as f:
        f.write("\n".join(sorted(outdirs)) + "\n")
    with open(os.path.join(out, "groups"), "w") as f:
        for name, objs in members.items():
            f.write("%s %d %s\n" % (name, len(objs), spec[name]))
    release = os.path.join(objtree, "include/config/kernel.release")
    if os.path.exists(release):
        shutil.copy(release, os.path.join(out, "release"))
    size = sum(os.path.getsize(os.path.join(out, r)) for r in copied)
    print("trace_prepare: %s: %d objects, %d files (%.1f MB) copied" % (
        out, len(cmds), len(copied), size / 1e6))


main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The library's man pages against the header and the version script.

Every symbol that lib/liblandlock-supervise.map exports has a page in
man/man3 (its own, or a ".so" link to the page that groups it), whose
SYNOPSIS declares it exactly as include/landlock-supervise.h does; every
page has the sections NAME, SYNOPSIS, DESCRIPTION, RETURN VALUE, ERRORS and
SEE ALSO, names only exported functions, refers only to pages that exist,
uses only LL_ constants of the header, and renders without groff warnings;
the overview, liblandlock-supervise(3), names every function.  With
compiler flags after TOP (tests/user/install.sh gives those of the installed
tree), the EXAMPLES of every page compile with -Wall -Wextra -Werror (a
fragment in a function that has the variables the pages use).  Prints
"ok ..." or "not ok ..." lines, then "N passed, N failed".

    tests/user/man_check.py TOP [CFLAGS...]
"""
import os
import re
import shlex
import subprocess
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../..")
cflags = sys.argv[2:]
man3 = os.path.join(top, "man/man3")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok " + what)
    else:
        failed += 1
        print("not ok " + what)


def norm(decl):
    decl = decl.replace("\\-", "-").replace("\\e", "\\")
    decl = re.sub(r"\s+", " ", decl).strip()
    decl = re.sub(r"\(\s+", "(", decl)
    decl = re.sub(r"\s+([),;])", r"\1", decl)
    return decl


header = open(os.path.join(top, "include/landlock-supervise.h")).read()
header_nc = re.sub(r"/\*.*?\*/", " ", header, flags=re.S)
decls = {}
code = re.sub(r"^#.*?(?<!\\)$", " ", header_nc, flags=re.M | re.S)
for d in re.findall(r"\bLL_EXPORT\s+([^;]*;)", code):
    name = re.search(r"\b(ll_[a-z0-9_]+)\s*\(", d).group(1)
    decls[name] = norm(d)
constants = set(re.findall(r"#define\s+(LL_[A-Z0-9_]+)", header_nc))
constants |= set(re.findall(r"\b(LL_[A-Z0-9_]+)\s*[,=}]", header_nc))

mapfile = open(os.path.join(top, "lib/liblandlock-supervise.map")).read()
symbols = sorted(set(re.findall(r"^\t(ll_[a-z0-9_]+);$", mapfile, re.M)))
check(set(symbols) == set(decls), "the map exports the %d functions of the header" % len(decls))


def macro_text(line):
    """The text of a man line (.B, .BI... or plain); None for other requests."""
    m = re.match(r"^\.(B|I|BI|IB|BR|RB|IR|RI)\s+(.*)$", line)
    if not m:
        return None if line.startswith(".") else line
    args = shlex.split(m.group(2).replace("\\", "\\\\"), posix=True)
    args = [a.replace("\\\\", "\\") for a in args]
    return (" " if m.group(1) in ("B", "I") else "").join(args)


def sections(text):
    return re.findall(r"^\.SH\s+\"?([^\"\n]+)\"?$", text, re.M)


def synopsis(text):
    """Declarations of the SYNOPSIS: {function: normalized declaration}."""
    m = re.search(r"^\.SH SYNOPSIS\n(.*?)^\.SH ", text, re.M | re.S)
    found, current = {}, None
    for line in (m.group(1).splitlines() if m else []):
        t = macro_text(line)
        if t is None:
            continue
        if current is None and re.search(r"\bll_[a-z0-9_]+\(", t):
            current = t
        elif current is not None:
            current += " " + t
        if current is not None and ";" in current:
            d = norm(current)
            found[re.search(r"\b(ll_[a-z0-9_]+)\(", d).group(1)] = d
            current = None
    return found


pages = {}
for f in sorted(os.listdir(man3)):
    if not f.endswith(".3"):
        continue
    text = open(os.path.join(man3, f)).read()
    so = re.match(r"^\.so man3/(\S+)\n$", text)
    pages[f[:-2]] = ("so", so.group(1)[:-2]) if so else ("page", text)
    check(so or text.startswith(".so") is False, "%s: a page or one .so line" % f)

real = {n: t for n, (k, t) in pages.items() if k == "page"}
named = {}
for name, text in real.items():
    m = re.search(r"^\.SH NAME\n(.*?) \\- ", text, re.M)
    names = [n.strip() for n in m.group(1).split(",")] if m else []
    for n in names:
        named[n] = name
    want = ["NAME", "SYNOPSIS", "DESCRIPTION", "RETURN VALUE", "ERRORS", "SEE ALSO"]
    have = sections(text)
    check(all(s in have for s in want) and [s for s in have if s in want] == want,
          "%s.3: sections %s (has %s)" % (name, ", ".join(want), ", ".join(have)))
    check(re.match(r'^\.TH %s 3 ' % re.escape(name.upper()), text) is not None,
          "%s.3: .TH %s 3" % (name, name.upper()))
    syn = synopsis(text)
    check(sorted(syn) == sorted(names), "%s.3: SYNOPSIS declares what NAME lists (%s)"
          % (name, ", ".join(names)))
    for fn, d in sorted(syn.items()):
        check(decls.get(fn) == d, "%s.3: %s as in the header%s" % (
            name, fn, "" if decls.get(fn) == d else ":\n#   page:   %s\n#   header: %s"
            % (d, decls.get(fn))))
    syn_text = re.search(r"^\.SH SYNOPSIS\n(.*?)^\.SH ", text, re.M | re.S)
    unknown = sorted(set(re.findall(r"\b(LL_[A-Z0-9_]+)\b", syn_text.group(1) if syn_text else ""))
                     - constants)
    check(not unknown, "%s.3: SYNOPSIS constants are the header's %s" % (name, unknown or ""))
    refs = re.findall(r"^\.BR\s+(\S+)\s+\(3\)", text, re.M)
    refs += re.findall(r"\\fB(ll_[a-z0-9_]+|liblandlock\\-supervise)\\fR\(3\)", text)
    bad = sorted(set(r for r in refs
                     if r.replace("\\-", "-") != "liblandlock-supervise" and r not in pages))
    check(not bad, "%s.3: every page it refers to exists %s" % (name, bad or ""))
    out = subprocess.run(["groff", "-man", "-ww", "-z", "-t"], input=text, text=True,
                         capture_output=True)
    check(out.returncode == 0 and not out.stderr.strip(),
          "%s.3: groff -ww renders it without warnings %s" % (name, out.stderr.strip()))

for sym in symbols:
    kind, target = pages.get(sym, (None, None))
    if kind == "so":
        check(named.get(sym) == target and target in real,
              "%s.3: .so link to %s.3, which documents it" % (sym, target))
    else:
        check(kind == "page" and named.get(sym) == sym, "%s.3: a page that documents it" % sym)
for name, (kind, target) in sorted(pages.items()):
    if name not in symbols and kind == "so":
        check(False, "%s.3: a link for a function the library does not export" % name)
for n in sorted(named):
    check(n in symbols, "%s: named in %s.3 and exported" % (n, named[n]))

FRAGMENT = """#define _GNU_SOURCE
#include <err.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/landlock.h>
#include <landlock-supervise.h>

void example(struct ll_supervisor *sup, struct ll_event *ev, struct ll_policy *policy,
             int supervisee_fd, int argc, char **argv);
void example(struct ll_supervisor *sup, struct ll_event *ev, struct ll_policy *policy,
             int supervisee_fd, int argc, char **argv)
{
\t(void)sup, (void)ev, (void)policy, (void)supervisee_fd, (void)argc, (void)argv;
\t{
%s
\t}
}
"""


def examples(text):
    """The C sources of a page's EXAMPLES (fragments in a function)."""
    m = re.search(r"^\.SH EXAMPLES?\n(.*?)(^\.SH |\Z)", text, re.M | re.S)
    blocks = re.findall(r"^\.nf\n(.*?)^\.fi$", m.group(1), re.M | re.S) if m else []
    blocks = [b.replace("\\e", "\\").replace("\\-", "-") for b in blocks]
    return [b if "int main(" in b else FRAGMENT % b for b in blocks]


overview = open(os.path.join(top, "man/liblandlock-supervise.3")).read()
if cflags:
    for name, text in sorted(list(real.items()) + [("liblandlock-supervise", overview)]):
        for i, src in enumerate(examples(text)):
            out = subprocess.run(["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror"] + cflags +
                                 ["-x", "c", "-c", "-o", "/dev/null", "-"],
                                 input=src, text=True, capture_output=True)
            check(out.returncode == 0, "%s.3: example %d compiles%s" % (
                name, i + 1, "" if out.returncode == 0 else ":\n" + "\n".join(
                    "#   " + l for l in out.stderr.splitlines()[:8])))
missing = [s for s in symbols if "\\fB%s\\fR" % s not in overview and
           not re.search(r"^\.BI? \"?[^\n]*\b%s\(" % s, overview, re.M)]
check(not missing, "liblandlock-supervise.3 names every function %s" % (missing or ""))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)

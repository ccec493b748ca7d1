#!/usr/bin/env bash
# Compiles the complete C programs of the patched landlock.rst (the code
# blocks that have a main()) against the series' uAPI headers, with -Wall
# -Wextra -Werror: the documentation's examples must build.  The supervisor
# event loop is also written as OUT/doc-example-loop, which the end-to-end
# tests run (t_doc_example).
#   tests/doc-examples.sh OUT
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${LL_BUILD_DIR:-$top/build}
out=$1
mkdir -p "$out/doc-examples"
python3 - "$B/linux/Documentation/userspace-api/landlock.rst" "$out/doc-examples" <<'P'
import sys
rst, out = sys.argv[1:]
lines = open(rst).read().split('\n')
n = 0
i = 0
while i < len(lines):
    if lines[i].strip() == '.. code-block:: c':
        i += 1
        block = []
        while i < len(lines) and (lines[i] == '' or lines[i].startswith('    ')):
            block.append(lines[i][4:])
            i += 1
        src = '\n'.join(block).strip('\n') + '\n'
        if 'int main(' in src:
            n += 1
            name = 'loop' if 'handle_events' in src else str(n)
            open(f'{out}/doc-example-{name}.c', 'w').write(src)
        continue
    i += 1
if n == 0:
    sys.exit('no complete example in ' + rst)
P
for f in "$out"/doc-examples/*.c; do
	gcc -Wall -Wextra -Werror -isystem "$B/headers/include" -o "${f%.c}" "$f" ||
		{ echo "doc-examples: ${f##*/} (from landlock.rst) does not build" >&2; exit 1; }
done
cp "$out/doc-examples/doc-example-loop" "$out/doc-example-loop"

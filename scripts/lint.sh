#!/usr/bin/env bash
# User-space style and static checks (make lint, and part of make check):
# clang-format (.clang-format: kernel style, 100 columns) and cppcheck on
# every C file of the project outside kernel/ (the kernel side has
# checkpatch.pl).  `scripts/lint.sh --fix` reformats in place.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v '^kernel/')
if [ "${1:-}" = --fix ]; then
	clang-format -i "${files[@]}"
	exit
fi
rc=0
if clang-format --dry-run -Werror "${files[@]}" 2>/dev/null; then
	echo "clang-format: clean"
else
	echo "clang-format: differences (scripts/lint.sh --fix):"
	clang-format --dry-run "${files[@]}" 2>&1 | grep -E '^[^ ].*: (warning|error):' | head -20
	rc=1
fi
mapfile -t cfiles < <(printf '%s\n' "${files[@]}" | grep '\.c$')
if cppcheck --quiet --enable=warning,portability,performance --std=c11 \
	--inline-suppr --error-exitcode=1 -I include -I lib "${cfiles[@]}"; then
	echo "cppcheck: clean"
else
	echo "cppcheck: findings above"
	rc=1
fi
exit $rc

# Sourced (POSIX sh) by tests/guest/run-kselftests.sh and tests/arm64.sh:
#   kselftest_totals LINE   prints "PASSED FAILED SKIPPED" for a kselftest
#                           "# Totals: pass:P fail:F ... skip:S error:E" line
#                           (errors count as failures)
kselftest_totals() {
	printf '%s\n' "$1" | sed 's/.* pass:\([0-9]*\) fail:\([0-9]*\) .* skip:\([0-9]*\) error:\([0-9]*\).*/\1 \2 \3 \4/' |
		{ read -r p f s e; echo "$p $((f + e)) $s"; }
}

# Sourced by tests/check.sh and tests/smp.sh: counts the "PREFIX-RESULT NAME
# ok|fail" lines that a guest script printed.
#   guest_results LOG PREFIX EXPECTED RC   prints "PASSED FAILED"; a run that
#   did not complete (RC != 0, or fewer results than EXPECTED) is one more
#   failure, with the end of LOG on stderr.
guest_results() {
	local log=$1 prefix=$2 expected=$3 rc=$4 p f
	# UML's console ends lines with CR LF.
	p=$(tr -d '\r' <"$log" | grep -c "^$prefix-RESULT .* ok\$")
	f=$(tr -d '\r' <"$log" | grep -c "^$prefix-RESULT .* fail")
	if [ "$rc" -ne 0 ] || [ $((p + f)) -ne "$expected" ]; then
		echo "the run did not complete (exit $rc; see $log)" >&2
		tail -n 20 "$log" >&2
		f=$((f + 1))
	fi
	echo "$p $f"
}

# pass_fail.sh - sourced by the kit's shell tests (platforms.sh, dist.sh):
# one line per check, "[PASS] SUITE: what" or "[FAIL] SUITE: what" with the
# end of its log, counted in $passed and $failed.  Set $suite first.
passed=0 failed=0

ok() {
	printf '[PASS] %s: %s\n' "$suite" "$1"
	passed=$((passed + 1))
}
# bad WHAT [LOG]: a failed check, and the last lines of LOG.
bad() {
	printf '[FAIL] %s: %s\n' "$suite" "$1"
	[ $# -gt 1 ] && [ -f "$2" ] && tail -n 12 "$2" | sed 's/^/       /'
	failed=$((failed + 1))
}

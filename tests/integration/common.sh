# Sourced by integration tests (not a test itself: ctest runs test_*.sh):
# skip unless $AWP_BIN is the awp binary, pass/fail counters, ok and ko,
# and the closing line ctest's runner reads.
if [ -z "${AWP_BIN:-}" ] || [ ! -x "$AWP_BIN" ]; then
	echo "SKIP: \$AWP_BIN is not set to the awp binary"
	exit 77
fi
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# "N passed, N failed"; the status says whether all passed.
summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

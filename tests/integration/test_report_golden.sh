#!/bin/bash
# awp scan on the Debian 12 fixture image ($AWP_FIXTURES_DIR/debian12-ext4-gpt.raw)
# with the advisory database imported from $AWP_SHARED_DIR/vulndata: every
# report format compared with its golden file in tests/golden/ after
# normalising timestamps, durations, the database age, the image path and
# UUIDs. AWP_UPDATE_GOLDEN=1 rewrites the golden files (review the diff: the
# fixture follows the current bookworm point release, so it may drift).
set -u
[ -n "${AWP_BIN:-}" ] && [ -x "$AWP_BIN" ] || { echo "SKIP: \$AWP_BIN is not set"; exit 77; }
src=${AWP_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/integration/report_lib.sh"
report_need_fixture
fail=0
for fmt in table json sarif cyclonedx html; do
	out=$tmp/report.$fmt
	"$AWP_BIN" scan --db "$db" --format "$fmt" --output "$out" --no-progress "$img" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL: $fmt: exit $rc (findings expected: 1)"; cat "$tmp/err"; fail=1; continue
	fi
	report_normalise "$out" "$img" > "$tmp/norm.$fmt"
	golden=$src/tests/golden/debian12-ext4-gpt.$fmt
	if [ "${AWP_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp/norm.$fmt" "$golden"
		echo "updated $golden"
	elif ! diff -u "$golden" "$tmp/norm.$fmt" > "$tmp/diff"; then
		echo "FAIL: $fmt differs from $golden:"; head -40 "$tmp/diff"; fail=1
	else
		echo "ok: $fmt"
	fi
done
# the same scan piped (the default format) is the plain table
"$AWP_BIN" scan --db "$db" --no-progress "$img" 2>/dev/null | cat > "$tmp/piped.raw"
report_normalise "$tmp/piped.raw" "$img" > "$tmp/piped"
cmp -s "$tmp/piped" "$src/tests/golden/debian12-ext4-gpt.table" || { echo "FAIL: piped table differs"; fail=1; }
exit $fail

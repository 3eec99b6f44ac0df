# Shared by the report tests: build the advisory database from
# $AWP_SHARED_DIR/vulndata once per test into $tmp, and normalise reports
# (timestamps, durations, database age, the image path, UUIDs) so that they
# can be compared with golden files. Sourced; expects $tmp and $AWP_BIN.
report_need_fixture() {
	img=${AWP_FIXTURES_DIR:-/nonexistent}/debian12-ext4-gpt.raw
	vulndata=${AWP_SHARED_DIR:-/nonexistent}/vulndata
	[ -f "$img" ] || { echo "SKIP: $img not found (AWP_FIXTURES_DIR)"; exit 77; }
	ls "$vulndata"/*.zip >/dev/null 2>&1 || { echo "SKIP: no OSV zips in $vulndata (AWP_SHARED_DIR)"; exit 77; }
	db=$tmp/vuln.db
	"$AWP_BIN" db import --db "$db" "$vulndata"/*.zip >/dev/null 2>&1
	[ $? -le 1 ] || { echo "FAIL: db import"; exit 1; }
}

# normalise FILE IMAGE-PATH > OUT
report_normalise() {
	python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
text = text.replace(sys.argv[2], "IMAGE")
text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "TIMESTAMP", text)
text = re.sub(r"urn:uuid:[0-9a-f-]{36}", "urn:uuid:UUID", text)
text = re.sub(r'"(duration_seconds|age_hours)": [0-9.]+', r'"\1": 0', text)
text = re.sub(r"in \d+\.\d+ s:", "in N s:", text)            # table: scan time
text = re.sub(r", \d+\.\d+ s</div>", ", N s</div>", text)      # html: scan time
text = re.sub(r"database \d+\.\d+ h old", "database N h old", text)
text = re.sub(r"\d+\.\d+ hours old", "N hours old", text)
# Secret fingerprints: the fixture builder makes new SSH and RSA keys on
# every build, so their fingerprints are per build.
text = re.sub(r"fp1:[0-9a-f]{32}", "fp1:FINGERPRINT", text)
# The generated keys' PEM lengths vary by a few bytes between builds, so the
# byte totals do too (file counts do not).
text = re.sub(r'"(bytes|content_bytes)": \d+', r'"\1": 0', text)
text = re.sub(r"files \(\d+\.\d MiB\)", "files (N MiB)", text)
text = re.sub(r"\(\d+\.\d MiB\), (\d+) packages", r"(N MiB), \1 packages", text)
# Debian package versions follow the current point release at build time
# (fixtures README: read versions from the manifest, never pin them).
import json, os
man = re.sub(r"\.(qcow2|vmdk)$", ".raw", sys.argv[2]) + ".expected.json"
if os.path.exists(man):
    vers = set()
    for p in json.load(open(man)).get("packages", []):
        if p.get("type") == "dpkg":
            vers.update(v for v in (p.get("version"), p.get("source_version")) if v)
    for v in sorted(vers, key=len, reverse=True):
        e = re.escape(v)
        text = re.sub(r'(?<=["@ >])' + e + r'(?=[?"<\s]|$)', "DPKG_VERSION", text, flags=re.M)
sys.stdout.write(text)
PY
}

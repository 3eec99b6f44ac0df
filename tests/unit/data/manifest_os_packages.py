#!/usr/bin/env python3
"""Print the OS packages of a fixture manifest (*.expected.json), one per line:
type|name|version|arch|source_name|source_version, sorted. Used by
test_osdb_fixtures.c to compare with what awp reads."""
import json
import sys

m = json.load(open(sys.argv[1]))
rows = []
for p in m.get("packages", []):
    t = p.get("type")
    if t == "dpkg":
        if p.get("status", "ii") not in ("ii", "hi"):
            continue
        rows.append((t, p["name"], p["version"], p.get("arch", ""), p.get("source_name", ""), p.get("source_version", "")))
    elif t == "rpm":
        srpm = p.get("source_rpm") or ""
        sv = ""
        for sfx in (".src.rpm", ".nosrc.rpm"):
            if srpm.endswith(sfx):
                base = srpm[: -len(sfx)]
                sv = "-".join(base.rsplit("-", 2)[1:])
        rows.append((t, p["name"], p["evr"], p.get("arch", ""), p.get("source_name", ""), sv))
    elif t == "apk":
        rows.append((t, p["name"], p["version"], p.get("arch", ""), p.get("source_name", ""), ""))
for line in sorted("|".join(r) for r in rows):  # byte order, like strcmp
    print(line)

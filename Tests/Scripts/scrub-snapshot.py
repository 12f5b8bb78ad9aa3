#!/usr/bin/env python3
"""Makes a saved snapshot fit to commit: nothing of the machine that made it.

    scrub-snapshot.py IN.json OUT.json

- command lines are dropped (they can hold secrets);
- the scenario scripts' temporary directories (/tmp/cutaway-<name>.XXXXXX) get stable names
  (/srv/cutaway-<name>), so pictures and captions carry no random temp paths;
- mounts of the machine's own (anything under /mnt, /media, /opt, /home, /work, /srv that a
  scenario did not make) are removed with everything mounted below them;
- the hostname becomes "demo-host".
Run by Tests/Scripts/make-snapshot-fixture.sh; idempotent.
"""
import json, re, sys

TEMP = re.compile(r"/tmp/cutaway-([a-z]+)\.[A-Za-z0-9]{6}")
MACHINE = ("/mnt", "/media", "/opt", "/home", "/work", "/srv")


def stable(value):
    if isinstance(value, str):
        return TEMP.sub(lambda m: "/srv/cutaway-" + m.group(1), value)
    if isinstance(value, list):
        return [stable(v) for v in value]
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items()}
    return value


def machine_mount(point):
    return any(point == p or point.startswith(p + "/") for p in MACHINE) and not point.startswith("/srv/cutaway-")


s = json.load(open(sys.argv[1]))
for p in s.get("processes", []):
    p["commandLine"] = []
    p.pop("commandLineBase64", None)
if "hostname" in s:
    s["hostname"] = "demo-host"
s = stable(s)
for table in s.get("mountTables", []):
    dropped = set()
    kept = []
    for m in table["mounts"]:
        if machine_mount(m["mountPoint"]) or m["parentId"] in dropped:
            dropped.add(m["id"])
        else:
            kept.append(m)
    table["mounts"] = kept
json.dump(s, open(sys.argv[2], "w"), indent=1, sort_keys=True)

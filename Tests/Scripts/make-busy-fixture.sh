#!/usr/bin/env bash
# Re-creates Tests/CutawayTests/Fixtures/snapshots/busy.json, the README's busy-host example:
# 24 alike namespace sets from busy-host.sh plus two sets made differently (a mount namespace
# alone; a user+net pair), snapshotted and cut down to those and the host's own namespaces.
# Only the scenario's mounts and a few generic host mounts (/, /proc, /sys, /dev, cgroups)
# are kept, the hostname is `busy-host`, command lines are emptied: no name, path or mount of
# the machine that made it. Then draws output/examples/busy-namespaces.png and busy-page.png.
# Needs root, the cutaway build and chromium (scripts/install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/Tests/CutawayTests/Fixtures/snapshots/busy.json"
state=$(mktemp -d /tmp/cutaway-busy-fx.XXXXXX)
odd=()
cleanup() {
    for pid in "${odd[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    "$here/busy-host.sh" down "$state" || true
    rm -rf "$state"
}
trap cleanup EXIT
(cd "$root" && swift build --product cutaway >/dev/null)
bin="$(cd "$root" && swift build --show-bin-path)/cutaway"
"$here/busy-host.sh" up "$state" 24 3
. "$state/env"
unshare --mount --propagation private sleep 31320$$ </dev/null >/dev/null 2>&1 & odd+=($!)
unshare --user --map-root-user --net sleep 31321$$ </dev/null >/dev/null 2>&1 & odd+=($!)
sleep 0.5
"$bin" snapshot --json > "$state/raw.json"
/usr/bin/python3 - "$state/raw.json" "$out" "$BASE" "$PIDS" "${odd[*]}" <<'PY'
import json, sys, fnmatch
raw, out, base, pids, odd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
s = json.load(open(raw))
keep = {int(p) for p in pids.split(",")} | {int(p) for p in odd.split()} | {s["reader"]["pid"]}
reader = s["reader"]["namespaces"]
procs = [p for p in s["processes"] if p["pid"] in keep]
for p in procs:
    p["commandLine"] = []; p.pop("commandLineBase64", None); p["ppid"] = 1
used = {(t, i) for p in procs for t, i in p["namespaces"].items()} | {(t, i) for t, i in reader.items()}
ns = [n for n in s["namespaces"] if (n["type"], n["inode"]) in used]
alive = {p["pid"] for p in procs}
for n in ns:
    n["pids"] = [x for x in n["pids"] if x in alive]; n["threads"] = []; n["holders"] = []
generic = ["/", "/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/sys/fs/cgroup", "/sys/fs/cgroup/*", "/tmp"]
mnts = {i for t, i in used if t == "mnt"}
tables = []
for t in s["mountTables"]:
    if t["mountNamespace"] not in mnts: continue
    ms = []
    for m in t["mounts"]:
        mp = m["mountPoint"]
        if mp.startswith(base + "/"):
            m["mountPoint"] = "/tmp/cutaway-busy" + mp[len(base):]
        elif not any(fnmatch.fnmatch(mp, g) for g in generic):
            continue
        if m["source"] not in ("proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "cgroup", "cgroup2", "none", "/dev/vda") and not m["source"].startswith("cutaway-busy"):
            m["source"] = "/dev/vda"
        ms.append(m)
    ids = {m["id"] for m in ms}
    for m in ms:
        if m["parentId"] not in ids and m["mountPoint"] != "/":
            m["parentId"] = next(x["id"] for x in ms if x["mountPoint"] == "/")
    t["mounts"] = ms
    t["readFrom"] = t["readFrom"] if t["readFrom"] in alive else min(alive)
    tables.append(t)
s.update(hostname="busy-host", processes=procs, namespaces=ns, mountTables=tables,
         idMaps=[m for m in s["idMaps"] if ("user", m["userNamespace"]) in used],
         containers=[], overlays=[], diagnostics=[])
v = s["visibility"]
for k in list(v):
    v[k] = [] if isinstance(v[k], list) else (False if isinstance(v[k], bool) else (0 if isinstance(v[k], int) else v[k]))
v["processesListed"] = len(procs)
json.dump(s, open(out, "w"), separators=(",", ":"), sort_keys=True)
PY
echo "wrote $out ($(wc -c < "$out") bytes)"
gallery="$state/gallery"
"$bin" render "$out" --output "$gallery" --format png >/dev/null
cp "$gallery/namespaces.png" "$root/output/examples/busy-namespaces.png"
member=$(echo "$PIDS" | cut -d, -f5)
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,860 \
    --screenshot="$root/output/examples/busy-page.png" "file://$gallery/index.html#find=$member" >/dev/null 2>&1
echo "wrote output/examples/busy-namespaces.png and busy-page.png"

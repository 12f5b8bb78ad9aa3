#!/usr/bin/env bash
# The benchmark: cutaway against lsns, findmnt and find, on the same work, alternately, in
# one run. Prints a table of medians, ratios and peak RSS and writes it as JSON to
# output/bench/ (see output/bench/README.md and the README's "Speed" section).
#
#   sudo scripts/bench.sh            full size (300 namespace sets x 20 mounts, a 10 x 5,000
#                                    overlay, 20k/100k-line mountinfo); a few minutes
#   sudo scripts/bench.sh --small    a small run that proves it works (CI; under a minute)
#
# Sizes and runs can be set by environment: BENCH_SETS, BENCH_MOUNTS, BENCH_LAYERS,
# BENCH_FILES, BENCH_LINES, BENCH_LINES_LARGE, BENCH_RUNS, BENCH_SLOW_RUNS (findmnt on the
# smaller mountinfo, quadratic), BENCH_DIAGRAM_RUNS (snapshot --output, which draws every
# diagram), BENCH_TIMEOUT (seconds per run, default 600), BENCH_ONLY (comma-separated parts of
# work names, e.g. "layers,namespaces --json": run only those). CUTAWAY=path picks the binary
# (default: the release build of scripts/install.sh; CI passes the debug build the tests used).
#
# Everything it creates lives under /tmp/cutaway-speed-bench.*: namespace sets held by
# processes it started (killed by pid on exit, also on Ctrl-C), an overlay mounted only inside
# a private mount namespace, generated files. The host's mount table is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD/scripts/bench

small=0
[ "${1:-}" = "--small" ] && small=1
if [ $small = 1 ]; then
    : "${BENCH_SETS:=10}" "${BENCH_MOUNTS:=3}" "${BENCH_LAYERS:=3}" "${BENCH_FILES:=300}"
    : "${BENCH_LINES:=2000}" "${BENCH_LINES_LARGE:=10000}" "${BENCH_RUNS:=2}" "${BENCH_SLOW_RUNS:=1}" "${BENCH_DIAGRAM_RUNS:=1}"
else
    : "${BENCH_SETS:=300}" "${BENCH_MOUNTS:=20}" "${BENCH_LAYERS:=10}" "${BENCH_FILES:=5000}"
    : "${BENCH_LINES:=20000}" "${BENCH_LINES_LARGE:=100000}" "${BENCH_RUNS:=5}" "${BENCH_SLOW_RUNS:=3}" "${BENCH_DIAGRAM_RUNS:=1}"
fi

export BENCH_SETS BENCH_MOUNTS BENCH_LAYERS BENCH_FILES BENCH_LINES BENCH_LINES_LARGE BENCH_RUNS BENCH_SLOW_RUNS BENCH_DIAGRAM_RUNS

if [ -z "${CUTAWAY:-}" ]; then
    # The build scripts/install.sh installs: the Swift runtime and Foundation linked in.
    swift build -c release --static-swift-stdlib --product cutaway >&2
    CUTAWAY=$PWD/.build/release/cutaway
fi
CUTAWAY=$(realpath "$CUTAWAY")
[ -x "$CUTAWAY" ] || { echo "bench: $CUTAWAY is not executable" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time for peak RSS (./scripts/install-deps.sh installs it)" >&2; exit 1; }

state=$(mktemp -d /tmp/cutaway-speed-bench.XXXXXX)
runner=
cleanup() {
    status=$?
    trap - EXIT INT TERM
    [ -n "$runner" ] && kill -TERM "$runner" 2>/dev/null && wait "$runner" 2>/dev/null
    "$here/namespaces.sh" down "$state" || true
    "$here/overlay.sh" down "$state" || true
    rm -rf "$state/snapshot-out" "$state"/mountinfo-* "$state/plan.json" "$state/cutaway-speed-rss"
    rmdir "$state" 2>/dev/null || echo "bench: left $state (not empty)" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

root=0
[ "$(id -u)" = 0 ] && root=1
echo "bench: building scenarios in $state" >&2
python3 "$here/mountinfo.py" "$BENCH_LINES" > "$state/mountinfo-small"
python3 "$here/mountinfo.py" "$BENCH_LINES_LARGE" > "$state/mountinfo-large"
# With BENCH_ONLY, build only the scenarios the chosen work reads.
wants() { [ -z "${BENCH_ONLY:-}" ] && return 0; local w; for w in "$@"; do case ",$BENCH_ONLY," in *"$w"*) return 0;; esac; done; return 1; }
if [ $root = 1 ]; then
    if wants namespaces snapshot; then "$here/namespaces.sh" up "$state" "$BENCH_SETS" "$BENCH_MOUNTS"; fi
    if wants layers; then "$here/overlay.sh" up "$state" "$BENCH_LAYERS" "$BENCH_FILES"; fi
else
    echo "bench: not root: only the mountinfo work runs (namespace sets and the overlay need root)" >&2
fi

python3 - "$state" "$CUTAWAY" "$root" "$small" <<'PY' > "$state/plan.json"
import json, os, sys
state, cutaway, root, small = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1"
env = os.environ
runs, slow, diagrams = int(env["BENCH_RUNS"]), int(env["BENCH_SLOW_RUNS"]), int(env["BENCH_DIAGRAM_RUNS"])
lines, large = int(env["BENCH_LINES"]), int(env["BENCH_LINES_LARGE"])
work = []
def item(name, mine, anchor=None, anchor_name=None, target=None, runs=None, relative=None, inside=None):
    wrap = (lambda argv: ["nsenter", "-t", inside, "-m", "--"] + argv) if inside else (lambda argv: argv)
    work.append({"name": name, "cutaway": wrap([cutaway] + mine), "display": ["cutaway"] + mine,
                 "anchor": wrap(anchor) if anchor else None, "anchorName": anchor_name or (" ".join(anchor) if anchor else None),
                 "target": target or {}, "runs": runs, "relativeTo": relative})
if root:
    lsns = ["lsns", "-J", "-T"]
    item("namespaces --json", ["namespaces", "--json"], lsns, "lsns -J -T", {"ratio": 0.5})
    item("snapshot --json", ["snapshot", "--json"], lsns, "lsns -J -T", {"ratio": 1.0, "rssMiB": 64})
    item("snapshot --output DIR", ["snapshot", "--output", f"{state}/snapshot-out"], lsns, "lsns -J -T", {"ratio": 10}, runs=diagrams)
mi = f"{state}/mountinfo-small"
item(f"mounts --mountinfo ({lines} lines) --json", ["mounts", "--mountinfo", mi, "--json"], ["findmnt", "-F", mi, "-J"], "findmnt -F F -J",
     {"ratio": 0.02, "rssMiB": 64}, runs=slow)
item(f"mounts --mountinfo ({large} lines) --json", ["mounts", "--mountinfo", f"{state}/mountinfo-large", "--json"],
     target={"ratio": 5.5}, relative=f"mounts --mountinfo ({lines} lines) --json")
if root and os.path.exists(f"{state}/overlay-holder"):
    holder = open(f"{state}/overlay-holder").read().strip()
    merged = f"{state}/merged"
    find = ["find", merged, "-printf", "%s %y\\n"]
    item("layers M --files --json", ["layers", merged, "--files", "--json"], find, "find M -printf '%s %y\\n'", {"ratio": 1.0}, inside=holder)
    item("layers M", ["layers", merged], find, "find M -printf '%s %y\\n'", {"ratio": 0.75}, inside=holder)
only = [w for w in env.get("BENCH_ONLY", "").split(",") if w]
if only:
    keep = {w["name"] for w in work if any(o in w["name"] for o in only)}
    keep |= {w["relativeTo"] for w in work if w["name"] in keep and w["relativeTo"]}
    work = [w for w in work if w["name"] in keep]
size = {"namespaceSets": int(env["BENCH_SETS"]) if root else 0, "mountsPerSet": int(env["BENCH_MOUNTS"]),
        "overlayLayers": int(env["BENCH_LAYERS"]) if root else 0, "filesPerLayer": int(env["BENCH_FILES"]),
        "mountinfoLines": [lines, large], "runs": runs, "slowRuns": slow, "small": small,
        "processes": len([p for p in os.listdir("/proc") if p.isdigit()])}
json.dump({"runs": runs, "size": size, "work": work}, sys.stdout, indent=1)
PY

echo "bench: $(ls /proc | grep -c '^[0-9]') processes, cutaway = $CUTAWAY" >&2
BENCH_STATE=$state python3 "$here/run.py" "$state/plan.json" "$PWD/output/bench" &
runner=$!
wait "$runner"

#!/bin/sh
# Doc-comment coverage of cutaway's public API, one line a module, then every public
# symbol without a doc comment as `file:line kind name` (the list to work through).
#
# Usage: scripts/doc-coverage.sh [--summary] [MODULE ...]
#   MODULE       only these modules (default: every module with public symbols)
#   --summary    only the counts, not the list of undocumented symbols
#
# How: `swift package dump-symbol-graph` (SwiftPM builds the package in debug and writes one
# symbol graph a module, plus one per module it extends, under .build/<triple>/symbolgraph).
# A symbol counts as documented when it has its own `///` comment. Members that implement a
# protocol requirement of another module (`description`, `<`, `hash(into:)`, `init(from:)`)
# and have no comment of their own carry the protocol's documentation: they are counted as
# "inherited", not as missing. Synthesized members (memberwise inits, Codable conformances
# the compiler writes) are skipped. Exits 0; the numbers are the result.
set -eu
cd "$(dirname "$0")/.."

summary=0
if [ "${1:-}" = "--summary" ]; then summary=1; shift; fi

# The test targets have no symbol graph (SwiftPM says so and exits 1); the graphs of the
# modules are written all the same, so a failure only counts when none were written.
# Graphs of a module that has since gone would linger: start from an empty directory.
rm -rf "$(dirname "$(swift build --show-bin-path)")/symbolgraph"
out=$(swift package dump-symbol-graph --skip-synthesized-members 2>&1) || true
dir=$(printf '%s\n' "$out" | sed -n 's/^Files written to //p' | tail -n 1)
if [ -z "$dir" ] || ! ls "$dir"/*.symbols.json >/dev/null 2>&1; then
    printf 'doc-coverage: no symbol graphs written:\n%s\n' "$out" >&2
    exit 1
fi

SUMMARY=$summary python3 - "$dir" "$PWD" "$@" <<'PY'
import glob, json, os, sys

directory, root, wanted = sys.argv[1], sys.argv[2], set(sys.argv[3:])
products = set()
for line in open(os.path.join(root, "Package.swift")):
    line = line.strip()
    if line.startswith(".library(name:"):
        products.add(line.split('"')[1])

rows, missing = {}, []
for path in sorted(glob.glob(os.path.join(directory, "*.symbols.json"))):
    graph = json.load(open(path))
    module = graph["module"]["name"]          # the module that declares the symbols
    if wanted and module not in wanted:
        continue
    if not os.path.isdir(os.path.join(root, "Sources", module)):   # test targets
        continue
    row = rows.setdefault(module, {"total": 0, "own": 0, "inherited": 0, "missing": 0})
    for symbol in graph["symbols"]:
        if "location" not in symbol:          # synthesized by the compiler
            continue
        row["total"] += 1
        doc = symbol.get("docComment")
        if doc is None:
            row["missing"] += 1
            uri = symbol["location"]["uri"].removeprefix("file://")
            line = symbol["location"]["position"]["line"] + 1
            missing.append((os.path.relpath(uri, root), line, symbol["kind"]["identifier"],
                            ".".join(symbol["pathComponents"])))
        elif doc.get("module", module) != module:
            row["inherited"] += 1
        else:
            row["own"] += 1

print(f"{'module':<18} {'product':<8} {'public':>6} {'own doc':>8} {'inherited':>9} {'missing':>7} {'covered':>8}")
for module in sorted(rows):
    r = rows[module]
    if r["total"] == 0:
        continue
    covered = 100.0 * (r["own"] + r["inherited"]) / r["total"]
    print(f"{module:<18} {'yes' if module in products else 'no':<8} {r['total']:>6} {r['own']:>8} "
          f"{r['inherited']:>9} {r['missing']:>7} {covered:>7.1f}%")
total = sum(r["total"] for r in rows.values())
documented = sum(r["own"] + r["inherited"] for r in rows.values())
if total:
    print(f"{'all':<18} {'':<8} {total:>6} {'':>8} {'':>9} {total - documented:>7} {100.0 * documented / total:>7.1f}%")
if os.environ.get("SUMMARY") != "1" and missing:
    print()
    print("undocumented public symbols:")
    for file, line, kind, name in sorted(missing):
        print(f"{file}:{line} {kind.removeprefix('swift.')} {name}")
PY

#!/usr/bin/env bash
# Re-makes the committed gallery output/examples/ from the committed demo snapshot
# (Tests/CutawayTests/Fixtures/snapshots/demo.json, made by Tests/Scripts/make-snapshot-fixture.sh):
# every diagram as SVG and PNG, report.txt and index.html. Needs no root and no engines.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build --product cutaway >/dev/null
# The busy-host pictures come from their own scenario (Tests/Scripts/make-busy-fixture.sh).
mkdir -p output/examples && find output/examples -mindepth 1 ! -name "busy-*.png" -delete
"$(swift build --show-bin-path)/cutaway" render Tests/CutawayTests/Fixtures/snapshots/demo.json --output output/examples --format png

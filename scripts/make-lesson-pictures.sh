#!/usr/bin/env bash
# Re-makes tutorials/images/NN-name.png, the end-state picture each lesson opens with: runs
# every lesson non-interactively (as root; each in its own sandbox) and keeps the last
# picture it draws.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build --product cutaway >/dev/null
bin="$(swift build --show-bin-path)/cutaway"
mkdir -p tutorials/images
for f in tutorials/[0-9][0-9]-*.md; do
    name=$(basename "$f" .md)
    out=$(mktemp -d /tmp/cutaway-lesson-pictures.XXXXXX)
    "$bin" lesson run "$name" --non-interactive --output "$out" > "$out/run.log"
    last=$(grep '^Picture: .*\.png$' "$out/run.log" | tail -n 1 | cut -d' ' -f2)
    cp "$last" "tutorials/images/$name.png"
    echo "tutorials/images/$name.png"
    rm -rf "$out"
done

#!/usr/bin/env bash
# Re-makes tutorials/images/NN-name.png, the end-state picture each lesson opens with: runs
# every lesson non-interactively (as root; each in its own sandbox) and keeps the last
# picture it draws. The lessons draw with `cutaway lesson draw`, which shows the lesson's
# directory as $LAB and folds the machine's own mounts, so no path or name of the machine
# that made them ends up in a picture.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "make-lesson-pictures: run as root (lessons create namespaces and mounts)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build --product cutaway >/dev/null
bin="$(swift build --show-bin-path)/cutaway"
mkdir -p tutorials/images
for f in tutorials/[0-9][0-9]-*.md; do
    name=$(basename "$f" .md)
    out=$(mktemp -d /tmp/cutaway-lesson-pictures.XXXXXX)
    if ! "$bin" lesson run "$name" --non-interactive --output "$out" > "$out/run.log" 2>&1; then
        echo "make-lesson-pictures: lesson $name failed; see below" >&2
        grep -E '✘|failed' "$out/run.log" >&2 || tail -n 20 "$out/run.log" >&2
        rm -rf "$out"
        exit 1
    fi
    last=$(grep '^Picture: .*\.png$' "$out/run.log" | tail -n 1 | cut -d' ' -f2-)
    cp "$last" "tutorials/images/$name.png"
    echo "tutorials/images/$name.png"
    rm -rf "$out"
done

#!/usr/bin/env bash
# Builds ("up") and removes ("down") the overlay the layer-walk benchmark reads: LAYERS
# layers (an upper layer and LAYERS-1 lower layers) of FILES entries each, mounted on the
# host at DIR/merged, so that `cutaway layers DIR/merged` and `find DIR/merged` read the
# same stack.
#
#   overlay-bench-tree.sh up DIR [LAYERS=10] [FILES=5000]   DIR must not exist yet
#   overlay-bench-tree.sh down DIR                          unmounts DIR/merged, removes DIR
#
# Every layer has the same 50 directories d00..d49 (merged across layers), each with
# FILES/50 entries: files of its own (f-LAYER-N, a few bytes each), 10 names every layer has
# (shared-N: the top copy wins, the lower ones are hidden) and, in the upper three layers, 2
# whiteouts (character devices 0/0) that delete files of the layer below.
set -euo pipefail
cmd=${1:?usage: overlay-bench-tree.sh up|down DIR [LAYERS] [FILES]}
dir=${2:?usage: overlay-bench-tree.sh up|down DIR [LAYERS] [FILES]}

case $cmd in
up)
    [ "$(id -u)" = 0 ] || { echo "overlay-bench-tree: needs root (mount)" >&2; exit 77; }
    layers=${3:-10}
    files=${4:-5000}
    [ "$layers" -ge 2 ] || { echo "overlay-bench-tree: needs at least 2 layers" >&2; exit 2; }
    [ ! -e "$dir" ] || { echo "overlay-bench-tree: $dir exists; give a new directory" >&2; exit 2; }
    mkdir -p "$dir/merged" "$dir/work"
    /usr/bin/python3 - "$dir" "$layers" "$files" <<'PY'
import os, sys
base, layers, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
dirs = 50
per_dir = max(1, files // dirs)
for layer in range(layers):
    root = os.path.join(base, "layer%02d" % layer)
    for d in range(dirs):
        path = os.path.join(root, "d%02d" % d)
        os.makedirs(path)
        whiteouts = 2 if layer < 3 and layer + 1 < layers else 0
        shared = min(10, per_dir - whiteouts)
        own = per_dir - whiteouts - shared
        for n in range(shared):
            with open(os.path.join(path, "shared-%d" % n), "w") as f:
                f.write("layer %d\n" % layer)
        for n in range(own):
            with open(os.path.join(path, "f-%02d-%d" % (layer, n)), "w") as f:
                f.write("%d/%d\n" % (layer, n))
        for n in range(whiteouts):
            os.mknod(os.path.join(path, "f-%02d-%d" % (layer + 1, n)), 0o600 | 0o020000, os.makedev(0, 0))
PY
    lower=$(seq -f "$dir/layer%02g" 1 $((layers - 1)) | paste -sd:)
    mount -t overlay cutaway-bench -o "lowerdir=$lower,upperdir=$dir/layer00,workdir=$dir/work" "$dir/merged"
    ;;
down)
    [ -d "$dir" ] || exit 0
    if mountpoint -q "$dir/merged"; then umount "$dir/merged"; fi
    rm -rf "$dir"
    ;;
*) echo "usage: overlay-bench-tree.sh up|down DIR [LAYERS] [FILES]" >&2; exit 2 ;;
esac

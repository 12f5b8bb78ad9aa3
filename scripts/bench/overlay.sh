#!/usr/bin/env bash
# Builds the benchmark's overlay, or removes it.
#
#   overlay.sh up STATE_DIR LAYERS FILES   LAYERS lower dirs of FILES files each (in
#                                          directories of 100), an upper dir, an overlay
#                                          of them at STATE_DIR/merged; the pid of the
#                                          process holding its mount namespace goes to
#                                          STATE_DIR/overlay-holder
#   overlay.sh down STATE_DIR              kills that pid, removes the layers
#
# The overlay is mounted in a private mount namespace held by one sleeping process (run
# commands on it with `nsenter -t PID -m`), so nothing is ever mounted on the host and the
# mount vanishes with the holder. Layers overlap like image layers do: each layer rewrites
# every 10th file of the one below, deletes a few (whiteouts) and makes one directory opaque.
# Needs root.
set -euo pipefail

cmd=${1:?usage: overlay.sh up STATE_DIR LAYERS FILES | down STATE_DIR}
state=${2:?usage: overlay.sh up STATE_DIR LAYERS FILES | down STATE_DIR}

case $cmd in
up)
    layers=${3:?LAYERS}; files=${4:?FILES}
    [ "$(id -u)" = 0 ] || { echo "overlay.sh: needs root (mount)" >&2; exit 77; }
    mkdir -p "$state/upper" "$state/work" "$state/merged"
    python3 - "$state" "$layers" "$files" <<'PY'
import os, sys
state, layers, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for l in range(layers):
    root = f"{state}/layer{l}"
    for f in range(files):
        d = f"{root}/d{f // 100:04d}"
        if f % 100 == 0:
            os.makedirs(d, exist_ok=True)
        name = f"{d}/f{f:06d}" if l == 0 or f % 10 == l % 10 else f"{d}/l{l}-{f:06d}"
        with open(name, "w") as out:
            out.write(f"layer {l} file {f}\n" * (1 + f % 7))
    if l > 0:
        for f in range(l, files, 997):  # a few whiteouts of the bottom layer's files
            d = f"{root}/d{f // 100:04d}"
            os.makedirs(d, exist_ok=True)
            w = f"{d}/f{f:06d}"
            if not os.path.lexists(w):
                os.mknod(w, 0o600 | 0o020000, os.makedev(0, 0))
        if l == layers - 1:
            os.setxattr(f"{root}/d0000", "trusted.overlay.opaque", b"y")
PY
    lower=$(for l in $(seq $((layers - 1)) -1 0); do printf '%s:' "$state/layer$l"; done)
    unshare --mount --propagation private sh -c '
        mount -t overlay cutaway-speed-overlay -o "lowerdir=$2,upperdir=$1/upper,workdir=$1/work" "$1/merged"
        : > "$1/overlay-ready"
        exec sleep 86400
    ' sh "$state" "${lower%:}" </dev/null >/dev/null 2>"$state/overlay.err" &
    echo $! > "$state/overlay-holder"
    for _ in $(seq 1 100); do
        [ -e "$state/overlay-ready" ] && exit 0
        [ -s "$state/overlay.err" ] && { cat "$state/overlay.err" >&2; exit 1; }
        sleep 0.1
    done
    echo "overlay.sh: the overlay was not mounted within 10 s" >&2; exit 1
    ;;
down)
    if [ -f "$state/overlay-holder" ]; then
        pid=$(cat "$state/overlay-holder")
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        rm -f "$state/overlay-holder"
    fi
    # Never remove anything below a mount point: only once the holder (and its mount) is gone.
    if ! grep -q " $state/merged " /proc/self/mountinfo; then
        rm -rf "$state"/layer* "$state/upper" "$state/work" "$state/merged" "$state/overlay-ready" "$state/overlay.err"
    fi
    ;;
*) echo "usage: overlay.sh up STATE_DIR LAYERS FILES | down STATE_DIR" >&2; exit 2 ;;
esac

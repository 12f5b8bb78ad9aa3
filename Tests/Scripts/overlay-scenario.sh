#!/usr/bin/env bash
# Builds ("up") and removes ("down") real OverlayFS stacks for the kernel-oracle tests:
# cutaway's resolver must agree, file by file, with what the kernel shows in merged/.
#
#   overlay-scenario.sh up STATE_DIR     writes STATE_DIR/env
#   overlay-scenario.sh down STATE_DIR
#
# Layer directories live under BASE (on the host's /tmp, so their paths are the same
# everywhere); the overlays are mounted only inside a private mount namespace (LAB_PID),
# reachable as /proc/LAB_PID/root/BASE/merged*, and vanish when it is killed.
#   merged  (legacy lowerdir=, redirect_dir=on, metacopy=on): a /c/d.txt in two lower layers,
#           a layer named "top l:a,b\c", a char-0/0 whiteout and an opaque dir made by hand in
#           a lower layer, an xattr whiteout, then through merged/: a copy-up, a deleted dir,
#           a new dir, a dir replaced by an opaque one, a renamed dir (redirect), a chown
#           (metacopy copy-up).
#   merged2 (new mount API, one lowerdir+= per layer, the same three lower layers).
#   merged3 (lowerdir=meta::data): a metacopy file whose data is in a data-only layer.
set -euo pipefail
cmd=${1:?usage: overlay-scenario.sh up|down STATE_DIR}
state=${2:?usage: overlay-scenario.sh up|down STATE_DIR}
here=$(cd "$(dirname "$0")" && pwd)

xattr() { /usr/bin/python3 -c 'import os,sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode(), follow_symlinks=False)' "$@"; }

case $cmd in
up)
    [ "$(id -u)" = 0 ] || { echo "overlay-scenario: needs root" >&2; exit 77; }
    mkdir -p "$state"
    base=$(mktemp -d /tmp/cutaway-overlay.XXXXXX)
    top="$base/top l:a,b\\c"
    echo "BASE=$base" > "$state/env"
    cd "$base"
    mkdir -p bottom/c bottom/keep bottom/gone bottom/olddir bottom/opq middle/c middle/keep "$top" up work up2 work2 merged merged2 merged3 meta data/blobs
    echo "from bottom (lowerdir1)" > bottom/c/d.txt
    echo "from middle (lowerdir2)" > middle/c/d.txt
    echo one > bottom/one.txt
    echo two > bottom/two.txt
    echo a > bottom/keep/a.txt
    echo x > bottom/gone/x.txt
    echo f > bottom/olddir/f.txt
    echo o > bottom/opq/o.txt
    echo "metadata only" > bottom/meta.txt
    echo "edit me" > bottom/edit.txt
    ln -s c/d.txt bottom/link
    mknod middle/two.txt c 0 0                      # whiteout: hides bottom's two.txt
    xattr middle/keep trusted.overlay.opaque y      # opaque: hides bottom/keep/a.txt
    echo b > middle/keep/b.txt
    echo t > "$top/t.txt"
    : > "$top/one.txt"                              # xattr whiteout: hides bottom's one.txt
    xattr "$top/one.txt" trusted.overlay.whiteout y
    xattr "$top" trusted.overlay.opaque x           # "this directory has xattr whiteouts"
    # A metacopy file whose data lives in a data-only layer (reachable only through the redirect).
    echo "data from the data-only layer" > data/blobs/abc
    : > meta/blob.txt
    truncate -s "$(stat -c %s data/blobs/abc)" meta/blob.txt
    xattr meta/blob.txt trusted.overlay.metacopy ""
    xattr meta/blob.txt trusted.overlay.redirect /blobs/abc

    unshare --mount --propagation private sleep "31320$$" </dev/null >/dev/null 2>&1 &
    lab=$!
    echo "LAB_PID=$lab" >> "$state/env"
    for _ in $(seq 1 100); do [ "$(readlink /proc/$lab/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.05; done
    esc_top=$(printf '%s' "$top" | sed -e 's/\\/\\\\/g' -e 's/:/\\:/g' -e 's/,/\\,/g')
    nsenter -t "$lab" -m -- sh -ec "
        cd '$base'
        mount -t overlay overlay -o 'lowerdir=$esc_top:$base/middle:$base/bottom,upperdir=$base/up,workdir=$base/work,redirect_dir=on,metacopy=on' merged
        echo 'changed in the container' >> merged/edit.txt
        rm merged/gone/x.txt; rmdir merged/gone
        mkdir merged/newdir; echo n > merged/newdir/n.txt
        rm -r merged/opq; mkdir merged/opq; echo fresh > merged/opq/fresh.txt
        mv merged/olddir merged/renamed
        chown 1:1 merged/meta.txt
        /usr/bin/python3 '$here/overlay-newapi.py' merged2 'lowerdir+=$top' 'lowerdir+=$base/middle' 'lowerdir+=$base/bottom' upperdir=$base/up2 workdir=$base/work2
        mount -t overlay overlay -o 'lowerdir=$base/meta::$base/data,metacopy=on,redirect_dir=follow' merged3
    "
    echo "TOP_LAYER_B64=$(printf '%s' "$top" | base64 -w0)" >> "$state/env"
    ;;
down)
    [ -f "$state/env" ] || exit 0
    . "$state/env"
    if [ -n "${LAB_PID:-}" ]; then
        kill -KILL "$LAB_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do [ -d "/proc/$LAB_PID" ] || break; sleep 0.05; done
    fi
    case "${BASE:-}" in /tmp/cutaway-overlay.*) rm -rf "$BASE" ;; esac
    rm -f "$state/env"
    ;;
*) echo "usage: overlay-scenario.sh up|down STATE_DIR" >&2; exit 2 ;;
esac

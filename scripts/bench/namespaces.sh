#!/usr/bin/env bash
# Builds N container-like namespace sets for the benchmark, or removes them.
#
#   namespaces.sh up STATE_DIR N M    N sets of user+pid+mnt+net+uts+ipc namespaces, each
#                                     with M tmpfs mounts; pids go to STATE_DIR/holders
#   namespaces.sh down STATE_DIR      kills exactly those pids, removes STATE_DIR's files
#
# Each set is one `unshare --fork --kill-child` process (the holder, root of the set's user
# namespace mapping root to root) and its child, PID 1 of the new pid namespace, which mounts
# the tmpfs instances (sources cutaway-speed-SET-MOUNT) on directories under STATE_DIR/mnt
# and then sleeps. The mounts live only in the set's private mount namespace: the host's
# mount table never changes, and everything vanishes when the holder is killed. Needs root.
set -euo pipefail

cmd=${1:?usage: namespaces.sh up STATE_DIR N M | down STATE_DIR}
state=${2:?usage: namespaces.sh up STATE_DIR N M | down STATE_DIR}

case $cmd in
up)
    n=${3:?N}; m=${4:?M}
    [ "$(id -u)" = 0 ] || { echo "namespaces.sh: needs root (unshare, mount)" >&2; exit 77; }
    mkdir -p "$state/mnt" "$state/ready"
    for j in $(seq 1 "$m"); do mkdir -p "$state/mnt/$j"; done
    : > "$state/holders"
    for i in $(seq 1 "$n"); do
        unshare --user --map-root-user --pid --mount --net --uts --ipc --fork --kill-child \
            sh -c '
                set -e
                state=$1; i=$2; m=$3
                j=1
                while [ "$j" -le "$m" ]; do
                    mount -t tmpfs -o size=64k "cutaway-speed-$i-$j" "$state/mnt/$j"
                    j=$((j + 1))
                done
                hostname "cutaway-speed-$i"
                : > "$state/ready/$i"
                exec sleep 86400
            ' sh "$state" "$i" "$m" </dev/null >/dev/null 2>"$state/ready/$i.err" &
        echo $! >> "$state/holders"
    done
    # All sets ready (or a clear error) within 2 minutes.
    for _ in $(seq 1 1200); do
        ready=$(find "$state/ready" -maxdepth 1 -type f ! -name '*.err' | wc -l)
        [ "$ready" -ge "$n" ] && exit 0
        if [ -n "$(find "$state/ready" -name '*.err' -size +0)" ]; then
            echo "namespaces.sh: a set failed:" >&2; cat "$state"/ready/*.err >&2; exit 1
        fi
        sleep 0.1
    done
    echo "namespaces.sh: timed out, $ready of $n sets ready" >&2; exit 1
    ;;
down)
    if [ -f "$state/holders" ]; then
        while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done < "$state/holders"
        while read -r pid; do
            for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        done < "$state/holders"
        rm -f "$state/holders"
    fi
    rm -rf "$state/ready"
    # Only empty directories: the tmpfs instances were mounted in the sets' own namespaces.
    [ -d "$state/mnt" ] && find "$state/mnt" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} + 2>/dev/null; rmdir "$state/mnt" 2>/dev/null || true
    ;;
*) echo "usage: namespaces.sh up STATE_DIR N M | down STATE_DIR" >&2; exit 2 ;;
esac

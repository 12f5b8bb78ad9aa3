#!/usr/bin/env bash
# Builds ("up") and removes ("down") a busy host in miniature: N alike namespace sets, each
# user+pid+mnt+net+uts+ipc with a few tmpfs mounts, held by one sleeping process named
# cutaway-busy-<i> (PID 1 of its pid namespace). Needs root and util-linux.
#
#   busy-host.sh up STATE_DIR [N [MOUNTS]]   N sets (default 30), MOUNTS tmpfs each (default 3);
#                                            writes STATE_DIR/env: BASE=, PIDS=pid,pid,...
#   busy-host.sh down STATE_DIR              kills exactly those pids, removes BASE
#
# Nothing touches the host's mount table: the tmpfs mounts are made inside each set's own
# mount namespace (private propagation) and disappear with its process.
set -euo pipefail

cmd=${1:?usage: busy-host.sh up|down STATE_DIR [N [MOUNTS]]}
state=${2:?usage: busy-host.sh up|down STATE_DIR [N [MOUNTS]]}

case $cmd in
up)
    [ "$(id -u)" = 0 ] || { echo "busy-host: needs root" >&2; exit 77; }
    count=${3:-30}
    mounts=${4:-3}
    mkdir -p "$state"
    base=$(mktemp -d /tmp/cutaway-busy.XXXXXX)
    echo "BASE=$base" > "$state/env"
    for m in $(seq 1 "$mounts"); do mkdir "$base/m$m"; done
    # The holder's comm is the link's name: `cutaway-busy`.
    ln -s "$(command -v sleep)" "$base/cutaway-busy"
    pids=()
    for i in $(seq 1 "$count"); do
        # unshare does not fork: the shell is in the new user/mnt/net/uts/ipc namespaces and its
        # first child becomes PID 1 of the new pid namespace; the shell exits, the child stays.
        pid=$(unshare --user --map-root-user --pid --mount --net --uts --ipc --propagation private -- /bin/bash -c '
            base=$1; i=$2; mounts=$3
            # The first fork becomes PID 1: it must be the holder, or the pid namespace dies.
            (exec -a "cutaway-busy-$i" "$base/cutaway-busy" infinity) </dev/null >/dev/null 2>&1 &
            echo $!
            for ((m = 1; m <= mounts; m++)); do mount -t tmpfs -o size=64k "cutaway-busy-$i-m$m" "$base/m$m"; done
            hostname "cutaway-busy-$i"' bash "$base" "$i" "$mounts")
        pids+=("$pid")
    done
    ( IFS=,; echo "PIDS=${pids[*]}" ) >> "$state/env"
    # Ready when every holder has left the shell's namespaces for its own pid namespace.
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 100); do
            [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" != "$(readlink /proc/self/ns/pid)" ] && [ -n "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" ] && break
            sleep 0.05
        done
    done
    ;;
down)
    [ -f "$state/env" ] || exit 0
    base=$(sed -n 's/^BASE=//p' "$state/env")
    pids=$(sed -n 's/^PIDS=//p' "$state/env" | tr , ' ')
    for pid in $pids; do
        # Only a process we started: its comm is still cutaway-busy. It is PID 1 of its pid
        # namespace, which ignores SIGTERM from outside (no handler): SIGKILL.
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = cutaway-busy ] && kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in $pids; do
        # Gone, or a zombie waiting for its reaper (its namespaces are already released).
        for _ in $(seq 1 100); do
            state_=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
            [ -z "$state_" ] || [ "$state_" = Z ] && break
            sleep 0.05
        done
    done
    case $base in /tmp/cutaway-busy.*) rm -rf -- "$base" ;; esac
    ;;
*) echo "usage: busy-host.sh up|down STATE_DIR [N [MOUNTS]]" >&2; exit 2 ;;
esac

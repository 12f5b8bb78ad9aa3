#!/usr/bin/env bash
# Builds ("up") and removes ("down") a set of real namespaces for cutaway's live tests and
# for the captured fixtures (make-fixtures.sh). Needs root and util-linux/iproute2.
#
#   scenario.sh up STATE_DIR     writes STATE_DIR/env (KEY=VALUE lines, pids and paths)
#   scenario.sh down STATE_DIR   kills exactly the processes "up" started, removes its files
#
# Nothing touches the host's mount table: every mount happens inside a private "lab" mount
# namespace (LAB_PID) and disappears with it. What is built:
#   - LAB: tmpfs at BASE with, inside it, a shared mount (BASE/shared), a mount that is
#     slave in the second namespace (BASE/slave), an unbindable mount (BASE/unbind), and a
#     mount point whose name has a space, a tab, a newline and a backslash;
#     /run is a tmpfs there, and `ip netns add` made a network namespace held only by the
#     bind mount /run/netns/$NETNS_NAME.
#   - PEER_PID: a second mount namespace cloned from LAB (peer of BASE/shared, slave of BASE/slave).
#   - NESTED_PID: sleep in a user+pid namespace nested two deep (uid 0 -> 100000 -> 100000).
#   - HIDDEN_PID: sleep in a user namespace whose parent user namespace has no process left.
#   - FDHOLDER_PID: a process holding the only reference to a network namespace in fd 7.
#   - THREAD_PID / THREAD_TID: a process whose second thread alone is in THREAD_UTS.
set -euo pipefail

cmd=${1:?usage: scenario.sh up|down STATE_DIR}
state=${2:?usage: scenario.sh up|down STATE_DIR}

wait_for() { # wait_for CMD...: up to 5 s
    for _ in $(seq 1 100); do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 0.05; done
    echo "scenario: timed out waiting for: $*" >&2; return 1
}
pid_of() { pgrep -f -x "$1" | head -n 1; }
differs() { [ "$(readlink "/proc/$1/ns/$2")" != "$(readlink "/proc/self/ns/$2")" ]; }

case $cmd in
up)
    [ "$(id -u)" = 0 ] || { echo "scenario: needs root" >&2; exit 77; }
    mkdir -p "$state"
    base=$(mktemp -d /tmp/cutaway-scenario.XXXXXX)
    tag=$$
    here=$(cd "$(dirname "$0")" && pwd)
    weird=$'we ird\tname\nline\\back'
    {
        echo "BASE=$base"
        echo "NETNS_NAME=cutaway-blue-$tag"
    } > "$state/env"

    unshare --mount --propagation private sleep "31310$tag" </dev/null >/dev/null 2>&1 &
    lab=$!
    echo "LAB_PID=$lab" >> "$state/env"
    wait_for differs "$lab" mnt
    nsenter -t "$lab" -m -- sh -ec "
        mount -t tmpfs cutaway-lab '$base'
        mount --make-private '$base'
        mkdir '$base/shared' '$base/slave' '$base/unbind' \"\$1\"
        mount -t tmpfs cutaway-shared '$base/shared'; mount --make-shared '$base/shared'
        mount -t tmpfs cutaway-slave '$base/slave';   mount --make-shared '$base/slave'
        mount -t tmpfs cutaway-unbind '$base/unbind'; mount --make-unbindable '$base/unbind'
        mount -t tmpfs cutaway-weird \"\$1\"
        mount -t tmpfs cutaway-run /run
        ip netns add cutaway-blue-$tag
    " sh "$base/$weird"

    nsenter -t "$lab" -m -- unshare --mount --propagation unchanged sleep "31311$tag" </dev/null >/dev/null 2>&1 &
    wait_for pid_of "sleep 31311$tag"
    peer=$(pid_of "sleep 31311$tag")
    echo "PEER_PID=$peer" >> "$state/env"
    wait_for differs "$peer" mnt
    nsenter -t "$peer" -m -- mount --make-slave "$base/slave"
    # A mount made after the split under a shared mount propagates to the peer.
    nsenter -t "$lab" -m -- sh -ec "mkdir '$base/shared/after'; mount -t tmpfs cutaway-after '$base/shared/after'"

    # The outer namespace maps uid/gid 0-65535 to 100000-165535 (written from outside by
    # mapped-userns.py); the inner one maps its root to the outer root, so host uid 100000.
    /usr/bin/python3 "$here/mapped-userns.py" 100000 65536 \
        unshare --user --map-root-user --pid --fork --kill-child -- sleep "31312$tag" </dev/null >/dev/null 2>&1 &
    wait_for pid_of "sleep 31312$tag"
    echo "NESTED_OUTER_PID=$(pid_of "unshare --user --map-root-user --pid --fork --kill-child -- sleep 31312$tag")" >> "$state/env"
    echo "NESTED_PID=$(pid_of "sleep 31312$tag")" >> "$state/env"

    unshare --user --map-root-user -- sh -c "unshare --user --map-root-user -- sleep 31313$tag </dev/null >/dev/null 2>&1 &" </dev/null >/dev/null 2>&1
    wait_for pid_of "sleep 31313$tag"
    echo "HIDDEN_PID=$(pid_of "sleep 31313$tag")" >> "$state/env"

    unshare --net sleep "31314$tag" </dev/null >/dev/null 2>&1 &
    netowner=$!
    wait_for differs "$netowner" net
    sh -c "exec 7</proc/$netowner/ns/net; exec sleep 31315$tag" </dev/null >/dev/null 2>&1 &
    holder=$!
    wait_for test -e "/proc/$holder/fd/7"
    wait_for sh -c "readlink /proc/$holder/fd/7 | grep -q '^net:'"
    echo "FDHOLDER_NET=$(readlink "/proc/$holder/fd/7" | tr -dc 0-9)" >> "$state/env"
    kill -KILL "$netowner"; wait "$netowner" 2>/dev/null || true
    echo "FDHOLDER_PID=$holder" >> "$state/env"
    /usr/bin/python3 "$here/thread-in-uts.py" "31316$tag" </dev/null >/dev/null 2>&1 &
    threaded=$!
    echo "THREAD_PID=$threaded" >> "$state/env"
    other_thread() { # the tid of $threaded whose uts namespace differs from the process's
        for t in /proc/"$threaded"/task/*; do
            [ "$(readlink "$t/ns/uts")" != "$(readlink "/proc/$threaded/ns/uts")" ] && { basename "$t"; return 0; }
        done
        return 1
    }
    wait_for other_thread
    tid=$(other_thread)
    echo "THREAD_TID=$tid" >> "$state/env"
    echo "THREAD_UTS=$(readlink "/proc/$threaded/task/$tid/ns/uts" | tr -dc 0-9)" >> "$state/env"
    echo "BLUE_NET=$(nsenter -t "$lab" -m -- sh -c "stat -L -c %i /run/netns/cutaway-blue-$tag")" >> "$state/env"
    echo "WEIRD_NAME_B64=$(printf '%s' "$weird" | base64 -w0)" >> "$state/env"
    ;;
down)
    [ -f "$state/env" ] || exit 0
    # shellcheck disable=SC1091
    . "$state/env"
    for p in ${THREAD_PID:-} ${FDHOLDER_PID:-} ${HIDDEN_PID:-} ${NESTED_OUTER_PID:-} ${NESTED_PID:-} ${PEER_PID:-} ${LAB_PID:-}; do
        # SIGKILL: a pid namespace's init ignores SIGTERM from outside (pid_namespaces(7)).
        kill -KILL "$p" 2>/dev/null || true
    done
    for p in ${THREAD_PID:-} ${FDHOLDER_PID:-} ${HIDDEN_PID:-} ${NESTED_OUTER_PID:-} ${NESTED_PID:-} ${PEER_PID:-} ${LAB_PID:-}; do
        for _ in $(seq 1 100); do [ -d "/proc/$p" ] || break; sleep 0.05; done
    done
    [ -n "${BASE:-}" ] && rmdir "$BASE" 2>/dev/null || true
    rm -f "$state/env"
    ;;
*) echo "usage: scenario.sh up|down STATE_DIR" >&2; exit 2 ;;
esac

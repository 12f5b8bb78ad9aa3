#!/usr/bin/env bash
# Builds ("up") and removes ("down") network and IPC namespaces for cutaway's network/IPC
# live test. Needs root, iproute2, util-linux and python3.
#
#   net-scenario.sh up STATE_DIR     writes STATE_DIR/env (KEY=VALUE lines)
#   net-scenario.sh down STATE_DIR   kills exactly the processes "up" started, removes its files
#
# Nothing touches the host's mount table or its network namespace: `ip netns add` runs in a
# private "lab" mount namespace (LAB_PID) with its own /run, and every device is created
# inside the new namespaces. What is built:
#   - NETNS_A (inode NET_A): lo up; cutaway-net-va 10.77.1.1/24 + fd77:1::1/64, a veth whose
#     peer cutaway-net-vb is in NETNS_B; a route 10.77.50.0/24 via 10.77.1.2 and
#     fd77:50::/64 via fd77:1::2 (the peer); a second veth pair with both ends here,
#     cutaway-net-ia 10.77.2.1/24 and cutaway-net-ib, a port of bridge cutaway-net-br.
#     NET_PID sleeps in it.
#   - NETNS_B (inode NET_B): lo up; cutaway-net-vb 10.77.1.2/24 + fd77:1::2/64; default
#     route via 10.77.1.1. Held only by its bind mount /run/netns/NETNS_B in the lab.
#   - IPC_PID (IPC namespace IPC_NS, mount namespace of its own): python3 holding a System V
#     segment (key 0x7a770001, attached), a semaphore set (0x7a770002, 3 semaphores), a
#     message queue (0x7a770003, one 5-byte message) and the POSIX queue /cutaway-net-q,
#     with that IPC namespace's mqueue file system mounted at MQ_DIR in its mount namespace.
set -euo pipefail

cmd=${1:?usage: net-scenario.sh up|down STATE_DIR}
state=${2:?usage: net-scenario.sh up|down STATE_DIR}

wait_for() { # wait_for CMD...: up to 5 s
    for _ in $(seq 1 100); do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 0.05; done
    echo "net-scenario: timed out waiting for: $*" >&2; return 1
}
pid_of() { pgrep -f -x "$1" | head -n 1; }
differs() { [ "$(readlink "/proc/$1/ns/$2")" != "$(readlink "/proc/self/ns/$2")" ]; }

case $cmd in
up)
    [ "$(id -u)" = 0 ] || { echo "net-scenario: needs root" >&2; exit 77; }
    mkdir -p "$state"
    base=$(mktemp -d /tmp/cutaway-net-scenario.XXXXXX)
    tag=$$
    here=$(cd "$(dirname "$0")" && pwd)
    a=cutaway-net-a-$tag b=cutaway-net-b-$tag
    { echo "BASE=$base"; echo "NETNS_A=$a"; echo "NETNS_B=$b"; echo "MQ_DIR=$base/mq"; } > "$state/env"

    unshare --mount --propagation private sleep "32320$tag" </dev/null >/dev/null 2>&1 &
    lab=$!
    echo "LAB_PID=$lab" >> "$state/env"
    wait_for differs "$lab" mnt
    nsenter -t "$lab" -m -- sh -ec "
        mount -t tmpfs cutaway-net-run /run
        ip netns add $a
        ip netns add $b
        ip -n $a link set lo up
        ip -n $b link set lo up
        ip -n $a link add cutaway-net-va type veth peer name cutaway-net-vb netns $b
        ip -n $a addr add 10.77.1.1/24 dev cutaway-net-va
        ip -n $a addr add fd77:1::1/64 dev cutaway-net-va nodad
        ip -n $b addr add 10.77.1.2/24 dev cutaway-net-vb
        ip -n $b addr add fd77:1::2/64 dev cutaway-net-vb nodad
        ip -n $a link set cutaway-net-va up
        ip -n $b link set cutaway-net-vb up
        ip -n $a route add 10.77.50.0/24 via 10.77.1.2 dev cutaway-net-va
        ip -n $a -6 route add fd77:50::/64 via fd77:1::2 dev cutaway-net-va
        ip -n $b route add default via 10.77.1.1 dev cutaway-net-vb
        ip -n $a link add cutaway-net-ia type veth peer name cutaway-net-ib
        ip -n $a link add cutaway-net-br type bridge
        ip -n $a link set cutaway-net-ib master cutaway-net-br
        ip -n $a addr add 10.77.2.1/24 dev cutaway-net-ia
        ip -n $a link set cutaway-net-ia up
        ip -n $a link set cutaway-net-ib up
        ip -n $a link set cutaway-net-br up
    "
    # The kernel adds IPv6 link-local addresses (and their routes) when a device gets its
    # carrier; wait for the last one so that the oracles and cutaway see the same state.
    has_link_local() { nsenter -t "$lab" -m -- ip -n "$1" -6 addr show dev "$2" scope link | grep -q fe80; }
    for dev in cutaway-net-va cutaway-net-ia cutaway-net-ib cutaway-net-br; do wait_for has_link_local "$a" "$dev"; done
    wait_for has_link_local "$b" cutaway-net-vb
    nsenter -t "$lab" -m -- nsenter --net="/run/netns/$a" sleep "32321$tag" </dev/null >/dev/null 2>&1 &
    wait_for pid_of "sleep 32321$tag"
    echo "NET_PID=$(pid_of "sleep 32321$tag")" >> "$state/env"
    echo "NET_A=$(nsenter -t "$lab" -m -- stat -L -c %i "/run/netns/$a")" >> "$state/env"
    echo "NET_B=$(nsenter -t "$lab" -m -- stat -L -c %i "/run/netns/$b")" >> "$state/env"

    mkdir "$base/mq"
    nsenter -t "$lab" -m -- unshare --ipc --mount --propagation private -- sh -c \
        "mount -t mqueue cutaway-net-mq '$base/mq' && exec /usr/bin/python3 '$here/net-ipc-helper.py' '$state/ipc-ready'" \
        </dev/null >"$state/ipc.log" 2>&1 &
    wait_for test -s "$state/ipc-ready" || { cat "$state/ipc.log" >&2; exit 1; }
    ipc=$(pid_of "/usr/bin/python3 $here/net-ipc-helper.py $state/ipc-ready")
    echo "IPC_PID=$ipc" >> "$state/env"
    echo "IPC_NS=$(readlink "/proc/$ipc/ns/ipc" | tr -dc 0-9)" >> "$state/env"
    ;;
down)
    [ -f "$state/env" ] || exit 0
    # shellcheck disable=SC1091
    . "$state/env"
    for p in ${IPC_PID:-} ${NET_PID:-} ${LAB_PID:-}; do kill -KILL "$p" 2>/dev/null || true; done
    for p in ${IPC_PID:-} ${NET_PID:-} ${LAB_PID:-}; do
        for _ in $(seq 1 100); do [ -d "/proc/$p" ] || break; sleep 0.05; done
    done
    [ -n "${BASE:-}" ] && { rmdir "$BASE/mq" 2>/dev/null || true; rmdir "$BASE" 2>/dev/null || true; }
    rm -f "$state/env" "$state/ipc-ready" "$state/ipc.log"
    ;;
*) echo "usage: net-scenario.sh up|down STATE_DIR" >&2; exit 2 ;;
esac

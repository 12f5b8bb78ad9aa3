#!/usr/bin/env bash
# Re-makes Tests/CutawayTests/Fixtures/netlink/: the raw rtnetlink answers of the network
# namespace NETNS_A of net-scenario.sh (two veth pairs, a bridge, routes via the peer).
# Needs root. Nothing outside the scenario's namespaces is touched.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../CutawayTests/Fixtures/netlink"
state=$(mktemp -d /tmp/cutaway-net-fixtures.XXXXXX)
trap 'bash "$here/net-scenario.sh" down "$state"; rm -rf "$state"' EXIT
bash "$here/net-scenario.sh" up "$state"
# shellcheck disable=SC1091
. "$state/env"
rm -rf "$out"
nsenter -t "$LAB_PID" -m -- nsenter --net="/run/netns/$NETNS_A" /usr/bin/python3 "$here/capture-netlink.py" "$out"
# The ifindexes of the peer in NETNS_B, for the tests' expectations.
nsenter -t "$LAB_PID" -m -- ip -n "$NETNS_B" -j link show cutaway-net-vb > "$out/peer.json"
echo "wrote $out"

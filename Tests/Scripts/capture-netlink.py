#!/usr/bin/env python3
"""Records the raw rtnetlink answers cutaway's parsers read, in the caller's network namespace,
as fixtures for the pure parser tests: one file per request, one datagram per line in hex.

    capture-netlink.py OUTDIR          (run inside the namespace, e.g. with `ip netns exec`)

Writes link.hex (RTM_GETLINK dump), addr.hex (RTM_GETADDR dump), route4.hex and route6.hex
(RTM_GETROUTE dumps). Used by Tests/Scripts/make-netlink-fixtures.sh.
"""
import os
import socket
import struct
import sys

NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_DONE = 3


def dump(msg_type, payload):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, 0))
    body = payload + b"\0" * (-len(payload) % 4)
    s.send(struct.pack("=IHHII", 16 + len(body), msg_type, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    datagrams = []
    while True:
        data = s.recv(1 << 17)
        datagrams.append(data)
        offset, done = 0, False
        while offset + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, offset)
            done |= kind == NLMSG_DONE
            offset += (length + 3) & ~3
        if done:
            return datagrams


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, kind, payload in [("link", 18, bytes(16)), ("addr", 22, bytes(8)),
                            ("route4", 26, bytes([2]) + bytes(11)), ("route6", 26, bytes([10]) + bytes(11))]:
    with open(os.path.join(out, name + ".hex"), "w") as f:
        for d in dump(kind, payload):
            f.write(d.hex() + "\n")

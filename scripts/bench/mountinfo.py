#!/usr/bin/env python3
"""Writes a synthetic /proc/PID/mountinfo of N lines (proc_pid_mountinfo(5)) to stdout.

A tree like a busy host's: a root, a few hundred container roots (overlay), each with its own
subtree of tmpfs, bind and nsfs mounts; names with octal escapes (space \\040, tab \\011,
newline \\012, backslash \\134, comma \\054 in super options); propagation as shared:N,
master:N and propagate_from:N peer groups, unbindable mounts, an empty source. Deterministic
for a given N.

    mountinfo.py N > FILE
"""
import random
import sys

def main():
    n = int(sys.argv[1])
    rnd = random.Random(n)
    out = sys.stdout
    lines = []
    lines.append("1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro")
    next_id = 2
    group = 2
    containers = []
    weird = ["we\\040ird", "tab\\011name", "new\\012line", "back\\134slash", "plain"]
    while next_id <= n:
        # A container root every so often, then mounts under the current container.
        if not containers or rnd.random() < 0.03:
            cid = len(containers)
            parent = 1
            mid = next_id; next_id += 1
            lines.append(f"{mid} {parent} 0:{40 + cid % 200} / /var/lib/cutaway-speed/c{cid}/merged rw,relatime shared:{group} - overlay overlay "
                         f"rw,lowerdir=/var/lib/cutaway-speed/l{cid}/a:/var/lib/cutaway-speed/l{cid}/b,upperdir=/var/lib/cutaway-speed/u{cid},workdir=/var/lib/cutaway-speed/w{cid}")
            containers.append((mid, cid, group))
            group += 1
            continue
        mid_parent, cid, cgroup = containers[-1] if rnd.random() < 0.8 else rnd.choice(containers)
        mid = next_id; next_id += 1
        name = rnd.choice(weird)
        kind = rnd.random()
        base = f"/var/lib/cutaway-speed/c{cid}/merged"
        if kind < 0.5:
            prop = rnd.choice([f"shared:{group}", f"master:{cgroup}", f"shared:{group} master:{cgroup}", "unbindable", ""])
            if prop.startswith("shared"):
                group += 1
            opt = f" {prop}" if prop else ""
            lines.append(f"{mid} {mid_parent} 0:{100 + mid % 5000} / {base}/mnt{mid}/{name} rw,nosuid,nodev,relatime{opt} - tmpfs cutaway-speed-{mid} rw,size=65536k,mode=755")
        elif kind < 0.8:
            lines.append(f"{mid} {mid_parent} 8:1 /srv/data/{name}{mid} {base}/data{mid} rw,relatime master:1 propagate_from:1 - ext4 /dev/sda1 rw,errors=remount-ro")
        elif kind < 0.9:
            lines.append(f"{mid} {mid_parent} 0:4 net:[{4026532000 + mid}] /run/netns/cutaway-speed-{mid} rw shared:{cgroup} - nsfs nsfs rw")
        else:
            lines.append(f"{mid} {mid_parent} 0:{60 + mid % 100} / {base}/fuse{mid} rw,relatime - fuse.sshfs  rw,user_id=0,group_id=0,opt=a\\054b")
    out.write("\n".join(lines[:n]) + "\n")

main()

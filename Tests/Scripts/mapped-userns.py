#!/usr/bin/python3
"""Run a command as uid 0 in a new user + pid namespace whose uid/gid maps are
"0 OUTSIDE COUNT", written by this (root) process from outside, as an engine with
user remapping does (user_namespaces(7)). util-linux 2.38's --map-users needs
newuidmap and /etc/subuid; this needs neither.

usage: mapped-userns.py OUTSIDE COUNT CMD [ARG...]
"""
import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
libc = ctypes.CDLL(None, use_errno=True)


def unshare(flags):
    if libc.unshare(flags) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def main():
    outside, count, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(ready_r); os.close(go_w)
        unshare(CLONE_NEWUSER)
        os.write(ready_w, b"u")
        os.read(go_r, 1)  # maps written
        os.setresgid(0, 0, 0)
        os.setresuid(0, 0, 0)
        unshare(CLONE_NEWPID)
        init = os.fork()
        if init == 0:
            os.execvp(argv[0], argv)
        _, status = os.waitpid(init, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    os.close(ready_w); os.close(go_r)
    if os.read(ready_r, 1) != b"u":
        sys.exit("mapped-userns: the child could not create a user namespace")
    for name in ("uid_map", "gid_map"):
        with open(f"/proc/{child}/{name}", "w") as f:
            f.write(f"0 {outside} {count}\n")
    os.write(go_w, b"g")
    _, status = os.waitpid(child, 0)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Mount an overlay with the new mount API (fsopen/fsconfig/fsmount/move_mount, Linux 5.2+),
one layer per `lowerdir+=` / `datadir+=` option (Linux 6.8+), as the legacy option string
cannot express: layer paths may contain ':' and ',' raw.

usage: overlay-newapi.py TARGET KEY=VALUE...
  keys: lowerdir+ (repeatable, top first), datadir+ (repeatable), upperdir, workdir,
        or a bare flag/switch such as redirect_dir=on, metacopy=on, userxattr
"""
import ctypes
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_move_mount, SYS_fsopen, SYS_fsconfig, SYS_fsmount = 429, 430, 431, 432
FSCONFIG_SET_FLAG, FSCONFIG_SET_STRING, FSCONFIG_CMD_CREATE = 0, 1, 6
FSOPEN_CLOEXEC, FSMOUNT_CLOEXEC = 1, 1
MOVE_MOUNT_F_EMPTY_PATH = 4
AT_FDCWD = -100


def check(result, what):
    if result < 0:
        e = ctypes.get_errno()
        sys.exit(f"overlay-newapi: {what}: {os.strerror(e)}")
    return result


def main():
    target, options = sys.argv[1], sys.argv[2:]
    fs = check(libc.syscall(SYS_fsopen, b"overlay", FSOPEN_CLOEXEC), "fsopen")
    for option in options:
        key, sep, value = option.partition("=")
        if sep:
            check(libc.syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key.encode(), value.encode(), 0), f"fsconfig {option}")
        else:
            check(libc.syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, key.encode(), None, 0), f"fsconfig {option}")
    check(libc.syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, None, None, 0), "fsconfig create")
    mnt = check(libc.syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0), "fsmount")
    check(libc.syscall(SYS_move_mount, mnt, b"", AT_FDCWD, target.encode(), MOVE_MOUNT_F_EMPTY_PATH), "move_mount")


if __name__ == "__main__":
    main()

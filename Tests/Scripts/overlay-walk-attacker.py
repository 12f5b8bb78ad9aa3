#!/usr/bin/env python3
"""What an unprivileged owner of a layer directory can do to a root process walking it, for
the layer-walk tests (run it as another user: setpriv --reuid 65534 --regid 65534 --clear-groups).

    overlay-walk-attacker.py flip LAYER PAIRS SECONDS
        swaps LAYER/dK (a directory) with LAYER/sK (a symlink) for K < PAIRS, round-robin,
        with renameat2(RENAME_EXCHANGE), until SECONDS have passed or LAYER/stop exists;
        prints the number of swaps.
    overlay-walk-attacker.py deep LAYER LEVELS NAME_BYTES
        builds LEVELS nested directories with names of NAME_BYTES bytes below LAYER, each
        holding one file `f`, through directory descriptors (the full path exceeds PATH_MAX).
"""
import ctypes
import os
import sys
import time

RENAME_EXCHANGE = 2


def flip(layer, pairs, seconds):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fd = os.open(layer, os.O_RDONLY | os.O_DIRECTORY)
    names = [(b"d%03d" % k, b"s%03d" % k) for k in range(pairs)]
    swaps = 0
    deadline = time.monotonic() + seconds
    stop = os.path.join(layer, "stop")
    while time.monotonic() < deadline and not os.path.exists(stop):
        for d, s in names:
            if libc.renameat2(fd, d, fd, s, RENAME_EXCHANGE) != 0:
                err = ctypes.get_errno()
                sys.exit("renameat2: " + os.strerror(err))
            swaps += 1
    print(swaps, flush=True)


def deep(layer, levels, name_bytes):
    fd = os.open(layer, os.O_RDONLY | os.O_DIRECTORY)
    for level in range(levels):
        name = (b"%03d" % level) + b"n" * (name_bytes - 3)
        os.mkdir(name, dir_fd=fd)
        child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        os.close(fd)
        fd = child
        with open(os.open(b"f", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=fd), "w") as f:
            f.write("level %d\n" % level)
    os.close(fd)


if sys.argv[1] == "flip":
    flip(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
elif sys.argv[1] == "deep":
    deep(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
else:
    sys.exit(__doc__)

#!/usr/bin/env python3
"""Lists what the kernel shows in a directory tree (an overlay's merged dir), independently
of cutaway: one record per entry below DIR, `PATH\\0TYPE\\0`, PATH absolute inside DIR (raw
bytes), TYPE one of file, dir, symlink, other. Lookup semantics: a name that readdir lists
but lstat cannot find (an xattr whiteout in a directory not marked for them) is left out,
as it cannot be opened through the merged dir. Symlinks are not followed.

    overlay-merged-view.py DIR
"""
import os
import stat
import sys


def kind(mode):
    if stat.S_ISREG(mode):
        return b"file"
    if stat.S_ISDIR(mode):
        return b"dir"
    if stat.S_ISLNK(mode):
        return b"symlink"
    return b"other"


def main():
    root = os.fsencode(sys.argv[1])
    out = sys.stdout.buffer
    pending = [b""]
    while pending:
        rel = pending.pop()
        for name in sorted(os.listdir(root + rel if rel else root)):
            path = rel + b"/" + name
            try:
                st = os.lstat(root + path)
            except FileNotFoundError:
                continue
            out.write(path + b"\0" + kind(st.st_mode) + b"\0")
            if stat.S_ISDIR(st.st_mode):
                pending.append(path)


main()

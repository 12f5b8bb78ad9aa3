#!/usr/bin/python3
"""A process whose second thread alone is in a new UTS namespace.

unshare(CLONE_NEWUTS) called from a thread moves only that thread (namespaces(7)), so
/proc/PID/ns/uts and /proc/PID/task/TID/ns/uts differ: cutaway must list the namespace
with that thread, and no process, in it.

usage: thread-in-uts.py MARKER    (MARKER only makes the command line unique for pgrep)
"""
import ctypes
import signal
import threading

CLONE_NEWUTS = 0x04000000
libc = ctypes.CDLL(None, use_errno=True)
ready = threading.Event()


def worker():
    if libc.unshare(CLONE_NEWUTS) == 0:
        libc.sethostname(b"cutaway-thread", 14)
        ready.set()
    threading.Event().wait()


threading.Thread(target=worker, daemon=True).start()
ready.wait(5)
signal.pause()

#!/usr/bin/env python3
"""Creates IPC objects in the caller's IPC namespace for cutaway's network/IPC live test, then
waits to be killed: a System V shared memory segment (attached once), a semaphore set of 3,
a System V message queue holding one 5-byte message, and the POSIX message queue
/cutaway-net-q. Writes READY_FILE when everything exists.

    net-ipc-helper.py READY_FILE
"""
import ctypes
import os
import signal
import sys

libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT, IPC_EXCL = 0o1000, 0o2000
SHM_KEY, SEM_KEY, MSG_KEY = 0x7A770001, 0x7A770002, 0x7A770003


def check(value, what):
    if value == -1 or value is None:
        err = ctypes.get_errno()
        sys.exit(f"net-ipc-helper: {what}: {os.strerror(err)}")
    return value


libc.shmat.restype = ctypes.c_void_p
shm = check(libc.shmget(SHM_KEY, 4096, IPC_CREAT | IPC_EXCL | 0o600), "shmget")
address = libc.shmat(shm, None, 0)
if address in (None, ctypes.c_void_p(-1).value):
    check(-1, "shmat")
check(libc.semget(SEM_KEY, 3, IPC_CREAT | IPC_EXCL | 0o600), "semget")
msq = check(libc.msgget(MSG_KEY, IPC_CREAT | IPC_EXCL | 0o600), "msgget")


class Message(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 5)]


check(libc.msgsnd(msq, ctypes.byref(Message(1, b"hello")), 5, 0), "msgsnd")
O_RDWR, O_CREAT = 0o2, 0o100
libc.mq_open.restype = ctypes.c_int
check(libc.mq_open(b"/cutaway-net-q", O_RDWR | O_CREAT, 0o600, None), "mq_open")

with open(sys.argv[1], "w") as ready:
    ready.write("ready\n")
while True:
    signal.pause()

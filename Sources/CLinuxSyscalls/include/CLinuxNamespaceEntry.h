// Typed entry points for looking inside network and IPC namespaces, for the calls Swift's
// Glibc module does not give us: setns(2) and fstatfs(2) are not exported, mq_open(3) is
// variadic, and <linux/netlink.h> (sockaddr_nl, NETLINK_ROUTE) is not in the module.
// Every function returns what the system call returns (-1 with errno set on failure).
#ifndef CLINUXNAMESPACEENTRY_H
#define CLINUXNAMESPACEENTRY_H

#include <stdint.h>
#include <sys/types.h>

/// setns(2): moves the calling *thread* into the namespace `fd` refers to. For
/// CLONE_NEWNET and CLONE_NEWIPC this changes only the calling thread.
int cutaway_setns(int fd, int nstype);

/// mq_open(3) of an existing POSIX message queue, read-only, never creating it
/// (mq_overview(7)): the queue of the calling thread's IPC namespace. Returns the
/// descriptor (an fd on Linux; close(2) it) or -1.
int cutaway_mq_open_existing(const char *name);

/// A NETLINK_ROUTE socket (netlink(7), rtnetlink(7)), close-on-exec. It stays bound to the
/// network namespace of the calling thread at creation, wherever it is used afterwards.
int cutaway_netlink_route_socket(void);

/// sendto(2) of one netlink message to the kernel (nl_pid 0).
ssize_t cutaway_netlink_send(int fd, const void *buf, size_t len);

/// recvfrom(2) of one netlink datagram. Returns the datagram's full length (MSG_TRUNC:
/// larger than `len` when it did not fit) and the sender's port id in `sender`.
ssize_t cutaway_netlink_receive(int fd, void *buf, size_t len, uint32_t *sender);

/// SO_RCVTIMEO on `fd`, so that no receive waits longer than `seconds`.
int cutaway_socket_receive_timeout(int fd, int seconds);

#endif

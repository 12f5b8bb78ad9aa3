#define _GNU_SOURCE
#include "CLinuxNamespaceEntry.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <linux/netlink.h>

int cutaway_setns(int fd, int nstype) { return setns(fd, nstype); }

int cutaway_mq_open_existing(const char *name) { return (int)mq_open(name, O_RDONLY | O_CLOEXEC); }

int cutaway_netlink_route_socket(void) { return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE); }

ssize_t cutaway_netlink_send(int fd, const void *buf, size_t len) {
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    return sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof kernel);
}

ssize_t cutaway_netlink_receive(int fd, void *buf, size_t len, uint32_t *sender) {
    struct sockaddr_nl from;
    socklen_t fromlen = sizeof from;
    memset(&from, 0, sizeof from);
    ssize_t n = recvfrom(fd, buf, len, MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
    if (n >= 0 && sender) *sender = from.nl_pid;
    return n;
}

int cutaway_socket_receive_timeout(int fd, int seconds) {
    struct timeval tv = { .tv_sec = seconds, .tv_usec = 0 };
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

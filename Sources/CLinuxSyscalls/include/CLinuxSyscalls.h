// Typed entry points for the Linux calls Swift's Glibc module does not give us:
// the nsfs ioctls of ioctl_ns(2) (<linux/nsfs.h>; ioctl(2) is variadic and the request
// numbers are _IO/_IOR macros) and lgetxattr(2) (<sys/xattr.h> is not in the module).
// Every function returns what the system call returns (-1 with errno set on failure);
// callers map errno to typed errors.
#ifndef CLINUXSYSCALLS_H
#define CLINUXSYSCALLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
// Calls for looking inside network and IPC namespaces (setns, netlink, mq_open).
#include "CLinuxNamespaceEntry.h"
#include "CLinuxSignalPipe.h"

/// NS_GET_USERNS: a new fd for the user namespace that owns the namespace `fd` refers to.
int cutaway_ns_get_userns(int fd);
/// NS_GET_PARENT: a new fd for the parent of a pid or user namespace.
int cutaway_ns_get_parent(int fd);
/// NS_GET_NSTYPE: the CLONE_NEW* flag of the namespace.
int cutaway_ns_get_nstype(int fd);
/// NS_GET_OWNER_UID: the uid (in the caller's user namespace) of the creator of a user namespace.
int cutaway_ns_get_owner_uid(int fd, uint32_t *uid);
/// NS_GET_ID (Linux 6.11+): the 64-bit namespace id, never reused while the system runs.
int cutaway_ns_get_id(int fd, uint64_t *id);

/// lgetxattr(2): the value of extended attribute `name` of `path` itself (symlinks not
/// followed); with size 0, the size the value needs.
ssize_t cutaway_lgetxattr(const char *path, const char *name, void *value, size_t size);

#endif

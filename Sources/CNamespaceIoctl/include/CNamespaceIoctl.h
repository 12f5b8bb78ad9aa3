// Typed entry points for the nsfs ioctls of ioctl_ns(2) and <linux/nsfs.h>.
//
// Swift cannot call the variadic ioctl(2) or expand the _IO/_IOR macros, so this
// shim spells each request once. Every function returns what ioctl(2) returns
// (-1 with errno set on failure); callers map errno to typed errors.
#ifndef CNAMESPACEIOCTL_H
#define CNAMESPACEIOCTL_H

#include <stdint.h>

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

#endif

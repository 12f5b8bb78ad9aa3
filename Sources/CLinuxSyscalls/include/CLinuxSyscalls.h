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
// Directory walks by descriptor (openat, getdents, fstatat, xattrs by fd).
#include "CLinuxDirectory.h"
// Calls for looking inside network and IPC namespaces (setns, netlink, mq_open).
#include "CLinuxNamespaceEntry.h"
#include "CLinuxSignalPipe.h"

/// getdents64(2): directory entries of `fd` as struct linux_dirent64 records into `buffer`;
/// returns the bytes filled, 0 at the end.
ssize_t cutaway_getdents64(int fd, void *buffer, size_t size);

/// NS_GET_USERNS: a new fd for the user namespace that owns the namespace `fd` refers to.
int cutaway_ns_get_userns(int fd);
/// NS_GET_PARENT: a new fd for the parent of a pid or user namespace.
int cutaway_ns_get_parent(int fd);
/// NS_GET_OWNER_UID: the uid (in the caller's user namespace) of the creator of a user namespace.
int cutaway_ns_get_owner_uid(int fd, uint32_t *uid);
/// NS_GET_ID (Linux 6.11+): the 64-bit namespace id, never reused while the system runs.
int cutaway_ns_get_id(int fd, uint64_t *id);

/// lgetxattr(2): the value of extended attribute `name` of `path` itself (symlinks not
/// followed); with size 0, the size the value needs.
ssize_t cutaway_lgetxattr(const char *path, const char *name, void *value, size_t size);

/// openat2(2): open `path` relative to `dirfd` with `flags`/`mode` and the RESOLVE_* bits in
/// `resolve` (struct open_how). Fails with ENOSYS before Linux 5.6.
int cutaway_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve);

/// pipe2(2) with O_CLOEXEC: `fds[0]` the read end, `fds[1]` the write end, both close-on-exec
/// from the start, so no child spawned meanwhile inherits them (pipe2 is not in Swift's
/// Glibc module).
int cutaway_pipe_cloexec(int fds[2]);

/// RESOLVE_* flags of openat2(2), spelled from include/uapi/linux/openat2.h.
#define CUTAWAY_RESOLVE_NO_XDEV 0x01
#define CUTAWAY_RESOLVE_NO_MAGICLINKS 0x02
#define CUTAWAY_RESOLVE_NO_SYMLINKS 0x04
#define CUTAWAY_RESOLVE_BENEATH 0x08
#define CUTAWAY_RESOLVE_IN_ROOT 0x10

/// fstatfs(2): the f_type (file system magic) of the file `fd` refers to, in `*type`.
int cutaway_fstatfs_type(int fd, uint64_t *type);

/// statfs(2) f_type of the nsfs file system (include/uapi/linux/magic.h).
#define CUTAWAY_NSFS_MAGIC 0x6e736673
/// O_PATH of open(2), which Swift's Glibc module does not export on every libc.
#define CUTAWAY_O_PATH 010000000

/// openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: opens `path` relative to `dirfd`
/// only if every step of its resolution (symlinks and `..` included) stays beneath `dirfd`;
/// fails with EXDEV otherwise (Linux 5.6+; ENOSYS before). Used for container engine stores.
int cutaway_open_beneath(int dirfd, const char *path, int flags);

/// The CPUs this process may run on: CPU_COUNT of sched_getaffinity(2) (a cpuset or
/// `taskset` leaves fewer than the machine has); sysconf(_SC_NPROCESSORS_ONLN) if that fails.
int cutaway_usable_cpus(void);

#endif

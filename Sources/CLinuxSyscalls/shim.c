#define _GNU_SOURCE
#include <sched.h>
#include "CLinuxSyscalls.h"
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>
#include <sys/vfs.h>
#include <string.h>
#include <linux/types.h>

ssize_t cutaway_getdents64(int fd, void *buffer, size_t size) { return syscall(SYS_getdents64, fd, buffer, size); }

/* Spelled from include/uapi/linux/nsfs.h so that older headers still build. */
#define CUTAWAY_NSIO 0xb7
#define CUTAWAY_NS_GET_USERNS _IO(CUTAWAY_NSIO, 0x1)
#define CUTAWAY_NS_GET_PARENT _IO(CUTAWAY_NSIO, 0x2)
#define CUTAWAY_NS_GET_OWNER_UID _IO(CUTAWAY_NSIO, 0x4)
#define CUTAWAY_NS_GET_ID _IOR(CUTAWAY_NSIO, 13, uint64_t)

int cutaway_ns_get_userns(int fd) { return ioctl(fd, CUTAWAY_NS_GET_USERNS); }
int cutaway_ns_get_parent(int fd) { return ioctl(fd, CUTAWAY_NS_GET_PARENT); }
int cutaway_ns_get_owner_uid(int fd, uint32_t *uid) { return ioctl(fd, CUTAWAY_NS_GET_OWNER_UID, uid); }
int cutaway_ns_get_id(int fd, uint64_t *id) { return ioctl(fd, CUTAWAY_NS_GET_ID, id); }

ssize_t cutaway_lgetxattr(const char *path, const char *name, void *value, size_t size) {
    return lgetxattr(path, name, value, size);
}

/* struct open_how and the RESOLVE_* flags of include/uapi/linux/openat2.h, spelled here so that
   older headers still build. */
struct cutaway_open_how { __u64 flags; __u64 mode; __u64 resolve; };
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

int cutaway_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve) {
    struct cutaway_open_how how;
    memset(&how, 0, sizeof how);
    how.flags = flags;
    how.mode = mode;
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int cutaway_open_beneath(int dirfd, const char *path, int flags) {
    return cutaway_openat2(dirfd, path, (__u64)(unsigned)flags, 0, CUTAWAY_RESOLVE_BENEATH | CUTAWAY_RESOLVE_NO_MAGICLINKS);
}

int cutaway_fstatfs_type(int fd, uint64_t *type) {
    struct statfs info;
    int r = fstatfs(fd, &info);
    if (r == 0) *type = (uint64_t)info.f_type;
    return r;
}

int cutaway_usable_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

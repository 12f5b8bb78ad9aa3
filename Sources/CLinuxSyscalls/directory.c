#define _GNU_SOURCE
#include "CLinuxDirectory.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

ssize_t cutaway_fgetxattr(int fd, const char *name, void *value, size_t size) {
    return fgetxattr(fd, name, value, size);
}

ssize_t cutaway_flistxattr(int fd, char *list, size_t size) {
    return flistxattr(fd, list, size);
}

/* struct xattr_args and the syscall number from include/uapi/linux/xattr.h and the generic
   syscall table (the same number on x86_64 and arm64), so that older headers still build. */
struct cutaway_xattr_args { uint64_t value; uint32_t size; uint32_t flags; };
#if defined(SYS_getxattrat)
#define CUTAWAY_SYS_getxattrat SYS_getxattrat
#elif defined(__x86_64__) || defined(__aarch64__)
#define CUTAWAY_SYS_getxattrat 464
#endif

ssize_t cutaway_getxattrat_nofollow(int dirfd, const char *path, const char *name, void *value, size_t size) {
#ifdef CUTAWAY_SYS_getxattrat
    struct cutaway_xattr_args args = { (uint64_t)(uintptr_t)value, (uint32_t)size, 0 };
    return syscall(CUTAWAY_SYS_getxattrat, dirfd, path, AT_SYMLINK_NOFOLLOW, name, &args, sizeof args);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int cutaway_statx_entry(int dirfd, const char *name, struct cutaway_entry_status *out) {
    struct statx stx;
    if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE | STATX_SIZE, &stx) == 0) {
        if ((stx.stx_mask & (STATX_TYPE | STATX_SIZE)) != (STATX_TYPE | STATX_SIZE)) {
            errno = EIO;
            return -1;
        }
        out->type = stx.stx_mode & S_IFMT;
        out->rdev_major = stx.stx_rdev_major;
        out->rdev_minor = stx.stx_rdev_minor;
        out->size = (int64_t)stx.stx_size;
        return 0;
    }
    if (errno != ENOSYS) return -1;
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT) != 0) return -1;
    out->type = st.st_mode & S_IFMT;
    out->rdev_major = major(st.st_rdev);
    out->rdev_minor = minor(st.st_rdev);
    out->size = (int64_t)st.st_size;
    return 0;
}

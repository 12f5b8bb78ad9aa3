// Typed entry points for reading a directory tree through descriptors only (with
// cutaway_getdents64 of CLinuxSyscalls.h): the layout of getdents64(2)'s records, statx(2)
// of an entry by name relative to its directory, the fd-based xattr calls fgetxattr(2)/flistxattr(2) (<sys/xattr.h> is not in Swift's Glibc module) and
// getxattrat(2) (Linux 6.13; no glibc wrapper yet). Every function returns what the system
// call returns (-1 with errno set on failure).
#ifndef CLINUXDIRECTORY_H
#define CLINUXDIRECTORY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// Byte offsets inside `struct linux_dirent64` (include/linux/dirent.h).
#define CUTAWAY_DIRENT64_RECLEN_OFFSET 16
#define CUTAWAY_DIRENT64_TYPE_OFFSET 18
#define CUTAWAY_DIRENT64_NAME_OFFSET 19

/// What a directory walk needs of an entry: its file type (the S_IFMT bits of the mode),
/// its size and, for a device file, its device numbers.
struct cutaway_entry_status {
    uint32_t type;
    uint32_t rdev_major;
    uint32_t rdev_minor;
    int64_t size;
};

/// statx(2) of the entry `name` in the directory open on `dirfd`, with AT_SYMLINK_NOFOLLOW
/// (a symlink is described, not followed) and AT_NO_AUTOMOUNT (an automount point is not
/// mounted by looking at it), asking for STATX_TYPE | STATX_SIZE only. On kernels without
/// statx (before 4.11: ENOSYS) the same is read with fstatat(2) and AT_SYMLINK_NOFOLLOW.
/// Fails with EIO when the file system could not give the type or size.
int cutaway_statx_entry(int dirfd, const char *name, struct cutaway_entry_status *out);

/// fgetxattr(2): the value of extended attribute `name` of the file open on `fd`; with
/// size 0, the size the value needs.
ssize_t cutaway_fgetxattr(int fd, const char *name, void *value, size_t size);

/// flistxattr(2): the NUL-separated names of the extended attributes of the file open on
/// `fd`; with size 0, the size the list needs.
ssize_t cutaway_flistxattr(int fd, char *list, size_t size);

/// getxattrat(2) (Linux 6.13+) with AT_SYMLINK_NOFOLLOW: the value of extended attribute
/// `name` of the entry `path` in the directory open on `dirfd`, without opening it and
/// without following it if it is a symlink. Fails with ENOSYS on older kernels and on
/// architectures whose number is not spelled here.
ssize_t cutaway_getxattrat_nofollow(int dirfd, const char *path, const char *name, void *value, size_t size);

#endif

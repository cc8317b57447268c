/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The system calls on names: each handler copies the app's paths into the
 * kernel with nofault (a bad pointer is EFAULT) and calls its uk_vfs_*
 * form.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/falloc.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/ramfs.h>
#include <uk/syscall.h>
#include <uk/semaphore.h>
#include <uk/vfs.h>
#include "vfs_impl.h"


/*
 * Kernel copies of the app's paths: heap buffers, or when the heap has no
 * room, a slot of a small static reserve (waiting for one if all are in
 * use). A path call therefore never fails for want of memory, so a file
 * system (or a heap) that filled all memory can still be emptied. A slot
 * holds both paths of a call, so calls cannot deadlock over slots.
 */
#define PATH_SLOTS	4

static char path_reserve[PATH_SLOTS][2][PATH_MAX];
static unsigned long path_slots_used;		/* bitmap */
static struct uk_semaphore path_slots =
	UK_SEMAPHORE_INITIALIZER(path_slots, PATH_SLOTS);

/* Makes room for n (1 or 2) paths in k. */
void vfs_kpaths_get(struct kpaths *k, int n)
{
	struct uk_alloc *a = uk_alloc_get_default();
	unsigned long used;
	int i;

	k->slot = -1;
	k->p[1] = NULL;
	for (i = 0; i < n; i++) {
		k->p[i] = uk_malloc(a, PATH_MAX);
		if (!k->p[i])
			break;
	}
	if (i == n)
		return;
	while (i--)
		uk_free(a, k->p[i]);
	uk_semaphore_down(&path_slots);
	used = __atomic_load_n(&path_slots_used, __ATOMIC_RELAXED);
	do {
		k->slot = __builtin_ctzl(~used);
	} while (!__atomic_compare_exchange_n(&path_slots_used, &used,
					      used | (1UL << k->slot), 0,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	k->p[0] = path_reserve[k->slot][0];
	k->p[1] = n > 1 ? path_reserve[k->slot][1] : NULL;
}

void vfs_kpaths_put(struct kpaths *k)
{
	if (k->slot < 0) {
		uk_free(uk_alloc_get_default(), k->p[0]);
		uk_free(uk_alloc_get_default(), k->p[1]);
		return;
	}
	__atomic_and_fetch(&path_slots_used, ~(1UL << k->slot),
			   __ATOMIC_RELEASE);
	uk_semaphore_up(&path_slots);
}

/* Copies the app's path into buf (PATH_MAX bytes); 0 or -errno. */
int vfs_path_in(char *buf, const char *upath)
{
	long len = uk_strncpy_from_user(buf, upath, PATH_MAX);

	return len < 0 ? (int)len : 0;
}

UK_SYSCALL_R_DEFINE(int, openat, int, dirfd, const char *, path,
		    int, flags, mode_t, mode)
{
	if (!(flags & O_CREAT) && (flags & O_TMPFILE) != O_TMPFILE)
		mode = 0;
	return WITH_PATH(path, uk_vfs_openat(dirfd, kpath, flags, mode));
}

UK_SYSCALL_R_DEFINE(int, open, const char *, path, int, flags,
		    mode_t, mode)
{
	return __uk_sys_openat(AT_FDCWD, path, flags, mode);
}

UK_SYSCALL_R_DEFINE(int, creat, const char *, path, mode_t, mode)
{
	return __uk_sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC,
			       mode);
}

UK_SYSCALL_R_DEFINE(int, mkdirat, int, dirfd, const char *, path,
		    mode_t, mode)
{
	return WITH_PATH(path, uk_vfs_mkdirat(dirfd, kpath, mode));
}

UK_SYSCALL_R_DEFINE(int, mkdir, const char *, path, mode_t, mode)
{
	return __uk_sys_mkdirat(AT_FDCWD, path, mode);
}

UK_SYSCALL_R_DEFINE(int, mknodat, int, dirfd, const char *, path,
		    mode_t, mode, dev_t, dev)
{
	/* Apps make no device nodes: devfs owns them. */
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return -EPERM;
	return WITH_PATH(path, uk_vfs_mknodat(dirfd, kpath, mode, dev));
}

UK_SYSCALL_R_DEFINE(int, mknod, const char *, path, mode_t, mode,
		    dev_t, dev)
{
	return __uk_sys_mknodat(AT_FDCWD, path, mode, dev);
}

UK_SYSCALL_R_DEFINE(int, unlinkat, int, dirfd, const char *, path,
		    int, flags)
{
	return WITH_PATH(path, uk_vfs_unlinkat(dirfd, kpath, flags));
}

UK_SYSCALL_R_DEFINE(int, unlink, const char *, path)
{
	return __uk_sys_unlinkat(AT_FDCWD, path, 0);
}

UK_SYSCALL_R_DEFINE(int, rmdir, const char *, path)
{
	return __uk_sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

UK_SYSCALL_R_DEFINE(int, linkat, int, olddirfd, const char *, oldpath,
		    int, newdirfd, const char *, newpath, int, flags)
{
	return WITH_PATHS(oldpath, newpath,
			  uk_vfs_linkat(olddirfd, kpath1, newdirfd, kpath2,
					flags));
}

UK_SYSCALL_R_DEFINE(int, link, const char *, oldpath, const char *, newpath)
{
	return __uk_sys_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

UK_SYSCALL_R_DEFINE(int, symlinkat, const char *, target, int, newdirfd,
		    const char *, linkpath)
{
	return WITH_PATHS(target, linkpath,
			  uk_vfs_symlinkat(kpath1, newdirfd, kpath2));
}

UK_SYSCALL_R_DEFINE(int, symlink, const char *, target,
		    const char *, linkpath)
{
	return __uk_sys_symlinkat(target, AT_FDCWD, linkpath);
}

static ssize_t readlink_k(int dirfd, const char *kpath, char *ubuf,
			  size_t size)
{
	char *kbuf;
	int rc;

	if ((ssize_t)size <= 0)
		return -EINVAL;
	kbuf = uk_malloc(uk_alloc_get_default(), PATH_MAX);
	if (!kbuf)
		return -ENOMEM;
	rc = uk_vfs_readlinkat(dirfd, kpath, kbuf, MIN(size, PATH_MAX));
	if (rc > 0 && uk_copy_to_user(ubuf, kbuf, rc))
		rc = -EFAULT;
	uk_free(uk_alloc_get_default(), kbuf);
	return rc;
}

UK_SYSCALL_R_DEFINE(ssize_t, readlinkat, int, dirfd, const char *, path,
		    char *, buf, size_t, size)
{
	return WITH_PATH(path, readlink_k(dirfd, kpath, buf, size));
}

UK_SYSCALL_R_DEFINE(ssize_t, readlink, const char *, path, char *, buf,
		    size_t, size)
{
	return __uk_sys_readlinkat(AT_FDCWD, path, buf, size);
}

UK_SYSCALL_R_DEFINE(int, renameat2, int, olddirfd, const char *, oldpath,
		    int, newdirfd, const char *, newpath, unsigned int, flags)
{
	return WITH_PATHS(oldpath, newpath,
			  uk_vfs_renameat2(olddirfd, kpath1, newdirfd, kpath2,
					   flags));
}

UK_SYSCALL_R_DEFINE(int, renameat, int, olddirfd, const char *, oldpath,
		    int, newdirfd, const char *, newpath)
{
	return __uk_sys_renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

UK_SYSCALL_R_DEFINE(int, rename, const char *, oldpath,
		    const char *, newpath)
{
	return __uk_sys_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

static int fstatat_k(int dirfd, const char *kpath, struct stat *ust,
		     int flags)
{
	struct stat st;
	int rc = uk_vfs_fstatat(dirfd, kpath, &st, flags);

	if (!rc && uk_copy_to_user(ust, &st, sizeof(st)))
		rc = -EFAULT;
	return rc;
}

UK_SYSCALL_R_DEFINE(int, newfstatat, int, dirfd, const char *, path,
		    struct stat *, st, int, flags)
{
	return WITH_PATH(path, fstatat_k(dirfd, kpath, st, flags));
}

/* Linux's struct statx (include/uapi/linux/stat.h; musl 1.2.3 has none). */
struct statx_ts {
	__s64 tv_sec;
	__u32 tv_nsec;
	__s32 reserved;
};

struct statx_buf {
	__u32 mask, blksize;
	__u64 attributes;
	__u32 nlink, uid, gid;
	__u16 mode, spare0;
	__u64 ino, size, blocks, attributes_mask;
	struct statx_ts atime, btime, ctime, mtime;
	__u32 rdev_major, rdev_minor, dev_major, dev_minor;
	__u64 mnt_id;
	__u32 dio_mem_align, dio_offset_align;
	__u64 spare3[12];
};

#define U_STATX_BASIC_STATS	0x7ffU		/* type .. blocks */
#define U_STATX_RESERVED	0x80000000U
#define U_AT_NO_AUTOMOUNT	0x800
#define U_AT_STATX_SYNC_TYPE	0x6000		/* FORCE_SYNC | DONT_SYNC */

static struct statx_ts statx_time(struct timespec ts)
{
	return (struct statx_ts){ ts.tv_sec, (__u32)ts.tv_nsec, 0 };
}

/* Every field of the basic stats is known: mask says so whatever was
 * asked for, as Linux may; there is no birth time. */
static void statx_fill(struct statx_buf *x, const struct stat *st)
{
	memset(x, 0, sizeof(*x));
	x->mask = U_STATX_BASIC_STATS;
	x->blksize = st->st_blksize;
	x->nlink = st->st_nlink;
	x->uid = st->st_uid;
	x->gid = st->st_gid;
	x->mode = st->st_mode;
	x->ino = st->st_ino;
	x->size = st->st_size;
	x->blocks = st->st_blocks;
	x->atime = statx_time(st->st_atim);
	x->mtime = statx_time(st->st_mtim);
	x->ctime = statx_time(st->st_ctim);
	x->rdev_major = major(st->st_rdev);
	x->rdev_minor = minor(st->st_rdev);
	x->dev_major = major(st->st_dev);
	x->dev_minor = minor(st->st_dev);
}

static int statx_k(int dirfd, const char *kpath, int flags,
		   struct statx_buf *ux)
{
	struct statx_buf x;
	struct stat st;
	int rc;

	rc = uk_vfs_fstatat(dirfd, kpath, &st,
			    flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH));
	if (rc)
		return rc;
	statx_fill(&x, &st);
	return uk_copy_to_user(ux, &x, sizeof(x)) ? -EFAULT : 0;
}

UK_SYSCALL_R_DEFINE(int, statx, int, dirfd, const char *, path, int, flags,
		    unsigned int, mask, struct statx_buf *, buf)
{
	if (mask & U_STATX_RESERVED)
		return -EINVAL;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | U_AT_NO_AUTOMOUNT | AT_EMPTY_PATH |
		      U_AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & U_AT_STATX_SYNC_TYPE) == U_AT_STATX_SYNC_TYPE)
		return -EINVAL;
	return WITH_PATH(path, statx_k(dirfd, kpath, flags, buf));
}

UK_SYSCALL_R_DEFINE(int, stat, const char *, path, struct stat *, st)
{
	return __uk_sys_newfstatat(AT_FDCWD, path, st, 0);
}

UK_SYSCALL_R_DEFINE(int, lstat, const char *, path, struct stat *, st)
{
	return __uk_sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

/* The system call has no flags (musl emulates AT_SYMLINK_NOFOLLOW). */
UK_SYSCALL_R_DEFINE(int, fchmodat, int, dirfd, const char *, path,
		    mode_t, mode)
{
	return WITH_PATH(path, uk_vfs_fchmodat(dirfd, kpath, mode, 0));
}

UK_SYSCALL_R_DEFINE(int, chmod, const char *, path, mode_t, mode)
{
	return __uk_sys_fchmodat(AT_FDCWD, path, mode);
}

UK_SYSCALL_R_DEFINE(int, fchmod, int, fd, mode_t, mode)
{
	return uk_vfs_fchmod(fd, mode);
}

UK_SYSCALL_R_DEFINE(int, fchownat, int, dirfd, const char *, path,
		    uid_t, uid, gid_t, gid, int, flags)
{
	return WITH_PATH(path, uk_vfs_fchownat(dirfd, kpath, uid, gid,
					       flags));
}

UK_SYSCALL_R_DEFINE(int, chown, const char *, path, uid_t, uid, gid_t, gid)
{
	return __uk_sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

UK_SYSCALL_R_DEFINE(int, lchown, const char *, path, uid_t, uid, gid_t, gid)
{
	return __uk_sys_fchownat(AT_FDCWD, path, uid, gid,
				 AT_SYMLINK_NOFOLLOW);
}

UK_SYSCALL_R_DEFINE(int, fchown, int, fd, uid_t, uid, gid_t, gid)
{
	return uk_vfs_fchown(fd, uid, gid);
}

static int times_in(const struct timespec *utimes, struct timespec *kt)
{
	if (!utimes)
		return 0;
	return uk_copy_from_user(kt, utimes, 2 * sizeof(*kt));
}

UK_SYSCALL_R_DEFINE(int, utimensat, int, dirfd, const char *, path,
		    const struct timespec *, times, int, flags)
{
	struct timespec kt[2];
	int rc = times_in(times, kt);

	if (rc)
		return rc;
	if (!path)
		return uk_vfs_utimensat(dirfd, NULL, times ? kt : NULL, flags);
	return WITH_PATH(path, uk_vfs_utimensat(dirfd, kpath,
						times ? kt : NULL, flags));
}

/* Linux's struct timeval and struct utimbuf (64-bit ABIs). */
struct k_timeval {
	long sec, usec;
};

struct k_utimbuf {
	long actime, modtime;
};

/* futimesat(2), utimes(2): microseconds, no UTIME_NOW/OMIT; a field out
 * of [0, 1000000) is EINVAL (Linux's do_futimesat). */
UK_SYSCALL_R_DEFINE(int, futimesat, int, dirfd, const char *, path,
		    const struct k_timeval *, tv)
{
	struct k_timeval ktv[2];
	struct timespec kt[2];
	int i, rc;

	if (tv) {
		rc = uk_copy_from_user(ktv, tv, sizeof(ktv));
		if (rc)
			return rc;
		for (i = 0; i < 2; i++) {
			if (ktv[i].usec < 0 || ktv[i].usec >= 1000000)
				return -EINVAL;
			kt[i].tv_sec = ktv[i].sec;
			kt[i].tv_nsec = ktv[i].usec * 1000;
		}
	}
	if (!path)
		return uk_vfs_utimensat(dirfd, NULL, tv ? kt : NULL, 0);
	return WITH_PATH(path, uk_vfs_utimensat(dirfd, kpath,
						tv ? kt : NULL, 0));
}

UK_SYSCALL_R_DEFINE(int, utimes, const char *, path,
		    const struct k_timeval *, tv)
{
	return __uk_sys_futimesat(AT_FDCWD, path, tv);
}

/* utime(2): whole seconds; NULL sets both times to now. */
UK_SYSCALL_R_DEFINE(int, utime, const char *, path,
		    const struct k_utimbuf *, buf)
{
	struct k_utimbuf kb;
	struct timespec kt[2];
	int rc;

	if (buf) {
		rc = uk_copy_from_user(&kb, buf, sizeof(kb));
		if (rc)
			return rc;
		kt[0] = (struct timespec){ .tv_sec = kb.actime };
		kt[1] = (struct timespec){ .tv_sec = kb.modtime };
	}
	return WITH_PATH(path, uk_vfs_utimensat(AT_FDCWD, kpath,
						buf ? kt : NULL, 0));
}

/* memfd_create(2) flags (linux/memfd.h). */
#define MFD_CLOEXEC_	0x0001U
#define MFD_SEALING_	0x0002U
#define MFD_HUGETLB_	0x0004U
#define MFD_NOEXEC_	0x0008U
#define MFD_EXEC_	0x0010U
/* Longest name: NAME_MAX less the "memfd:" prefix Linux puts before. */
#define MFD_NAME_MAX	(NAME_MAX - 6)

/* An anonymous regular file in memory (an unnamed ramfs node), open
 * O_RDWR. The name only labels it on Linux (/proc/self/fd): it is
 * checked (EFAULT, EINVAL if longer than 249 bytes) and not kept. No
 * huge pages (EINVAL). MFD_ALLOW_SEALING (implied by MFD_NOEXEC_SEAL)
 * lets fcntl F_ADD_SEALS seal it; without, it carries F_SEAL_SEAL.
 * MFD_NOEXEC_SEAL also seals the (cleared) execute bits: F_SEAL_EXEC. */
UK_SYSCALL_R_DEFINE(int, memfd_create, const char *, name,
		    unsigned int, flags)
{
	char kname[MFD_NAME_MAX + 1];
	struct uk_ramfs_node *n;
	long len;

	if (flags & ~(MFD_CLOEXEC_ | MFD_SEALING_ | MFD_NOEXEC_ | MFD_EXEC_))
		return -EINVAL;
	if ((flags & MFD_EXEC_) && (flags & MFD_NOEXEC_))
		return -EINVAL;
	len = uk_strncpy_from_user(kname, name, sizeof(kname));
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	if (len < 0)
		return (int)len;
	/* As Linux: a+rwx, or a+rw for MFD_NOEXEC_SEAL; no umask. */
	n = uk_ramfs_create_unnamed((flags & MFD_NOEXEC_) ? 0666 : 0777,
				    !!(flags & (MFD_SEALING_ | MFD_NOEXEC_)));
	if (!n)
		return -ENOMEM;
	if (flags & MFD_NOEXEC_)
		n->seals |= UK_RAMFS_SEAL_EXEC;
	return uk_fdtab_open(&n->file, O_RDWR | O_LARGEFILE |
			     ((flags & MFD_CLOEXEC_) ? O_CLOEXEC : 0));
}

UK_SYSCALL_R_DEFINE(int, faccessat2, int, dirfd, const char *, path,
		    int, mode, int, flags)
{
	return WITH_PATH(path, uk_vfs_faccessat(dirfd, kpath, mode, flags));
}

UK_SYSCALL_R_DEFINE(int, faccessat, int, dirfd, const char *, path,
		    int, mode)
{
	return __uk_sys_faccessat2(dirfd, path, mode, 0);
}

UK_SYSCALL_R_DEFINE(int, access, const char *, path, int, mode)
{
	return __uk_sys_faccessat2(AT_FDCWD, path, mode, 0);
}

UK_SYSCALL_R_DEFINE(int, truncate, const char *, path, off_t, len)
{
	return WITH_PATH(path, uk_vfs_truncate(kpath, len));
}

UK_SYSCALL_R_DEFINE(int, chdir, const char *, path)
{
	return WITH_PATH(path, uk_vfs_chdir(kpath));
}

UK_SYSCALL_R_DEFINE(int, fchdir, int, fd)
{
	return uk_vfs_fchdir(fd);
}

/* As Linux: the length of the path with its NUL, which is copied. */
UK_SYSCALL_R_DEFINE(long, getcwd, char *, buf, size_t, size)
{
	char *k = uk_malloc(uk_alloc_get_default(), PATH_MAX);
	int rc;

	if (!k)
		return -ENOMEM;
	rc = uk_vfs_getcwd(k, PATH_MAX);
	if (rc < 0)
		goto out;
	if (size < (size_t)rc)
		rc = -ERANGE;
	else if (uk_copy_to_user(buf, k, rc))
		rc = -EFAULT;
out:
	uk_free(uk_alloc_get_default(), k);
	return rc;
}

UK_SYSCALL_R_DEFINE(mode_t, umask, mode_t, mask)
{
	return uk_vfs_umask(mask);
}

UK_SYSCALL_R_DEFINE(ssize_t, getdents64, int, fd, void *, dirp,
		    size_t, count)
{
	return uk_vfs_getdents(fd, dirp, count);
}

/* Linux's struct statfs on 64-bit ABIs (asm-generic/statfs.h). */
struct k_statfs {
	long type, bsize;
	__u64 blocks, bfree, bavail, files, ffree;
	int fsid[2];
	long namelen, frsize, flags, spare[4];
};

#define TMPFS_MAGIC		0x01021994
#define PIPEFS_MAGIC		0x50495045
#define SOCKFS_MAGIC		0x534f434b
#define ANON_INODE_FS_MAGIC	0x09041934
#define ST_VALID		0x0020

/*
 * What statfs(2) says of a file system of type: the names live in RAM
 * like Linux's tmpfs, whose size and file count are bounded by memory
 * (its defaults: all pages, half as many inodes).
 */
static int statfs_out(struct k_statfs *ubuf, long type)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	struct k_statfs s;

	memset(&s, 0, sizeof(s));
	s.type = type;
	s.bsize = s.frsize = 4096;
	s.namelen = NAME_MAX;
	s.flags = ST_VALID;
	if (fa && type == TMPFS_MAGIC) {
		s.blocks = fa->total_memory / 4096;
		s.bfree = s.bavail = fa->free_memory / 4096;
		s.files = s.blocks / 2;
		s.ffree = s.bfree / 2;
	}
	return uk_copy_to_user(ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

static int statfs_k(const char *kpath, struct k_statfs *ubuf)
{
	struct stat st;
	int rc = uk_vfs_fstatat(AT_FDCWD, kpath, &st, 0);

	return rc ? rc : statfs_out(ubuf, TMPFS_MAGIC);
}

UK_SYSCALL_R_DEFINE(int, statfs, const char *, path,
		    struct k_statfs *, buf)
{
	return WITH_PATH(path, statfs_k(kpath, buf));
}

/* A file outside the namespace is on one of Linux's internal file
 * systems: pipes, sockets, or the anonymous inodes of eventfd & co. */
UK_SYSCALL_R_DEFINE(int, fstatfs, int, fd, struct k_statfs *, buf)
{
	struct uk_file *f = uk_fdtab_get_file(fd);
	long type = TMPFS_MAGIC;

	if (PTRISERR(f))
		return PTR2ERR(f);
	if (!f->vnode && S_ISFIFO(f->mode))
		type = PIPEFS_MAGIC;
	else if (!f->vnode && S_ISSOCK(f->mode))
		type = SOCKFS_MAGIC;
	else if (!f->vnode)
		type = ANON_INODE_FS_MAGIC;
	uk_file_put(f);
	return statfs_out(buf, type);
}

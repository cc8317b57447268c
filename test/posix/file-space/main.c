/*
 * Space, hints and times of files, checked the same way on Linux and on
 * Amphi: fallocate (allocate, KEEP_SIZE, PUNCH_HOLE) and posix_fallocate,
 * posix_fadvise, readahead, sync/syncfs/sync_file_range, preadv2 and
 * pwritev2 with their flags, memfd_create and its seals (F_SEAL_EXEC
 * with MFD_NOEXEC_SEAL), and the old time calls
 * (utimes, futimesat, utime) by their own numbers, as binaries made for
 * Linux make them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "../posix-check.h"

/* Linux's values, for C libraries whose headers lack them. */
#define KEEP_SIZE	0x01
#define PUNCH_HOLE	0x02
#define RWF_DSYNC_	0x02
#define RWF_SYNC_	0x04
#define RWF_NOWAIT_	0x08
#define RWF_APPEND_	0x10
#define MFD_CLOEXEC_	0x01U
#define MFD_SEALING_	0x02U
#define MFD_NOEXEC_	0x08U
#define MFD_EXEC_	0x10U
#define F_SEAL_EXEC_	0x20

static char dir_name[64];
static char buf[65536];
static void *volatile bad_ptr = (void *)16;

static int all_zero(const char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static void check_fallocate(void)
{
	struct stat st;
	blkcnt_t before;
	int fd, ro, p[2], s[2];

	fd = open("fa", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	/* Mode 0 grows the file; the new bytes read as zeros. */
	CHECK(fallocate(fd, 0, 0, 10000) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10000);
	CHECK(st.st_blocks * 512 >= 10000);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 10000 && all_zero(buf, 10000));
	CHECK(lseek(fd, 0, SEEK_CUR) == 0);
	/* KEEP_SIZE allocates past the end without moving it. */
	CHECK(fallocate(fd, KEEP_SIZE, 10000, 20000) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10000);
	CHECK(st.st_blocks * 512 >= 30000);
	/* A hole punched into data reads as zeros; the size stays. */
	memset(buf, 'x', 16384);
	CHECK(pwrite(fd, buf, 16384, 0) == 16384);
	CHECK(fstat(fd, &st) == 0);
	before = st.st_blocks;
	CHECK(fallocate(fd, PUNCH_HOLE | KEEP_SIZE, 4096, 8192) == 0);
	CHECK(fallocate(fd, PUNCH_HOLE | KEEP_SIZE, 100, 100) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 16384);
	CHECK(st.st_blocks < before);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 16384);
	CHECK(buf[99] == 'x' && all_zero(buf + 100, 100) && buf[200] == 'x');
	CHECK(buf[4095] == 'x' && all_zero(buf + 4096, 8192));
	CHECK(buf[12288] == 'x' && buf[16383] == 'x');
	/* Past the end, punching changes nothing. */
	CHECK(fallocate(fd, PUNCH_HOLE | KEEP_SIZE, 20000, 4096) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 16384);
	/* posix_fallocate: mode 0, the error as its result. */
	CHECK(posix_fallocate(fd, 0, 20000) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 20000);
	CHECK(posix_fallocate(fd, -1, 10) == EINVAL);
	/* Errors. */
	CHECK(fallocate(fd, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(fallocate(fd, 0, -1, 10) == -1 && errno == EINVAL);
	CHECK(fallocate(fd, PUNCH_HOLE, 0, 10) == -1 && errno == EOPNOTSUPP);
	CHECK(fallocate(fd, 0x100, 0, 10) == -1 && errno == EOPNOTSUPP);
	CHECK(fallocate(fd, 0, LLONG_MAX - 100, 4096) == -1 &&
	      errno == EFBIG);
	CHECK(fallocate(-1, 0, 0, 10) == -1 && errno == EBADF);
	ro = open("fa", O_RDONLY);
	CHECK(fallocate(ro, 0, 0, 10) == -1 && errno == EBADF);
	CHECK(posix_fallocate(ro, 0, 10) == EBADF);
	close(ro);
	CHECK(pipe(p) == 0);
	CHECK(fallocate(p[1], 0, 0, 10) == -1 && errno == ESPIPE);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(fallocate(s[0], 0, 0, 10) == -1 && errno == ENODEV);
	close(s[0]);
	close(s[1]);
	/* The hints. */
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0);
	CHECK(posix_fadvise(fd, 0, 4096, POSIX_FADV_DONTNEED) == 0);
	CHECK(posix_fadvise(fd, 100, 100, POSIX_FADV_WILLNEED) == 0);
	CHECK(posix_fadvise(fd, 0, 0, 77) == EINVAL);
	CHECK(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL) == EINVAL);
	CHECK(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL) == ESPIPE);
	CHECK(posix_fadvise(-1, 0, 0, POSIX_FADV_NORMAL) == EBADF);
	CHECK(readahead(fd, 0, 4096) == 0);
	CHECK(readahead(p[0], 0, 4096) == -1 && errno == EINVAL);
	CHECK(readahead(-1, 0, 4096) == -1 && errno == EBADF);
	ro = open("fa", O_WRONLY);
	CHECK(readahead(ro, 0, 4096) == -1 && errno == EBADF);
	close(ro);
	/* Write-back. */
	sync();
	CHECK(syncfs(fd) == 0);
	CHECK(syncfs(-1) == -1 && errno == EBADF);
	CHECK(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE |
			      SYNC_FILE_RANGE_WAIT_AFTER) == 0);
	CHECK(sync_file_range(fd, 0, 100, 8) == -1 && errno == EINVAL);
	CHECK(sync_file_range(fd, -1, 100, 0) == -1 && errno == EINVAL);
	CHECK(sync_file_range(fd, 0, -1, 0) == -1 && errno == EINVAL);
	CHECK(sync_file_range(p[0], 0, 0, 0) == -1 && errno == ESPIPE);
	CHECK(sync_file_range(-1, 0, 0, 0) == -1 && errno == EBADF);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink("fa");
}

/* The system calls: C libraries wrap them differently (or not). */
static ssize_t rv2(int fd, void *b, size_t n, off_t off, int flags)
{
	struct iovec iov = { b, n };

	return syscall(SYS_preadv2, fd, &iov, 1, (long)off, 0L, flags);
}

static ssize_t wv2(int fd, const void *b, size_t n, off_t off, int flags)
{
	struct iovec iov = { (void *)b, n };

	return syscall(SYS_pwritev2, fd, &iov, 1, (long)off, 0L, flags);
}

static void check_rw2(void)
{
	int fd, p[2];

	fd = open("rw2", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	/* Offset -1: the file position, which moves. */
	CHECK(wv2(fd, "0123456789", 10, -1, 0) == 10);
	CHECK(lseek(fd, 0, SEEK_CUR) == 10);
	/* An offset: the position stays. */
	CHECK(wv2(fd, "AB", 2, 2, RWF_DSYNC_) == 2);
	CHECK(lseek(fd, 0, SEEK_CUR) == 10);
	CHECK(rv2(fd, buf, 100, -1, 0) == 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(rv2(fd, buf, 4, -1, 0) == 4 && !memcmp(buf, "01AB", 4));
	CHECK(lseek(fd, 0, SEEK_CUR) == 4);
	CHECK(rv2(fd, buf, 4, 6, RWF_SYNC_) == 4 && !memcmp(buf, "6789", 4));
	CHECK(lseek(fd, 0, SEEK_CUR) == 4);
	/* RWF_APPEND: at the end whatever the offset; with an offset the
	 * position stays, with -1 it moves past the data. */
	CHECK(wv2(fd, "Z", 1, 0, RWF_APPEND_) == 1);
	CHECK(lseek(fd, 0, SEEK_CUR) == 4);
	CHECK(wv2(fd, "Y", 1, -1, RWF_APPEND_) == 1);
	CHECK(lseek(fd, 0, SEEK_CUR) == 12);
	CHECK(pread(fd, buf, 100, 0) == 12 && !memcmp(buf, "01AB456789ZY",
						       12));
	/* Errors. */
	CHECK(rv2(fd, buf, 4, 0, 0x10000) == -1 && errno == EOPNOTSUPP);
	CHECK(wv2(fd, buf, 4, 0, 0x10000) == -1 && errno == EOPNOTSUPP);
	CHECK(rv2(fd, buf, 4, -2, 0) == -1 && errno == EINVAL);
	CHECK(rv2(-1, buf, 4, 0, 0) == -1 && errno == EBADF);
	CHECK(rv2(fd, bad_ptr, 4, 0, 0) == -1 && errno == EFAULT);
	CHECK(pipe(p) == 0);
	CHECK(wv2(p[1], "pipe", 4, -1, 0) == 4);
	CHECK(rv2(p[0], buf, 4, 0, 0) == -1 && errno == ESPIPE);
	CHECK(rv2(p[0], buf, 100, -1, 0) == 4 && !memcmp(buf, "pipe", 4));
	/* RWF_NOWAIT: a blocking pipe answers EAGAIN when empty. */
	CHECK(rv2(p[0], buf, 100, -1, RWF_NOWAIT_) == -1 && errno == EAGAIN);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink("rw2");
}

static void check_memfd(void)
{
	char name[300];
	struct stat st;
	char *m;
	int fd, fd2;

	fd = memfd_create("amphi-test", 0);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(st.st_size == 0 && st.st_nlink == 0);
	CHECK((st.st_mode & 07777) == 0777);
	CHECK(fcntl(fd, F_GETFD) == 0);
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	memset(buf, 'm', 5000);
	CHECK(write(fd, buf, 5000) == 5000);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5000 && buf[4999] == 'm');
	CHECK(ftruncate(fd, 8192) == 0);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		CHECK(m[0] == 'm' && m[5000] == 0);
		memcpy(m + 6000, "mapped", 6);
		CHECK(pread(fd, buf, 6, 6000) == 6 &&
		      !memcmp(buf, "mapped", 6));
		munmap(m, 8192);
	}
	/* Its space is a file system's too. */
	CHECK(fallocate(fd, PUNCH_HOLE | KEEP_SIZE, 0, 4096) == 0);
	CHECK(pread(fd, buf, 4096, 0) == 4096 && all_zero(buf, 4096));
	CHECK(fallocate(fd, 0, 0, 16384) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 16384);
	/* Two of one name are two files. */
	fd2 = memfd_create("amphi-test", MFD_CLOEXEC_ | MFD_SEALING_);
	CHECK(fd2 >= 0 && fd2 != fd);
	CHECK(fcntl(fd2, F_GETFD) == FD_CLOEXEC);
	CHECK(fstat(fd2, &st) == 0 && st.st_size == 0);
	close(fd2);
	close(fd);
	/* Names up to 249 bytes. */
	memset(name, 'n', sizeof(name));
	name[249] = '\0';
	fd = memfd_create(name, 0);
	CHECK(fd >= 0);
	close(fd);
	name[249] = 'n';
	name[250] = '\0';
	CHECK(memfd_create(name, 0) == -1 && errno == EINVAL);
	CHECK(memfd_create(bad_ptr, 0) == -1 && errno == EFAULT);
	CHECK(memfd_create("x", 0x100) == -1 && errno == EINVAL);
	CHECK(memfd_create("x", MFD_EXEC_ | MFD_NOEXEC_) == -1 &&
	      errno == EINVAL);
}

/* File seals on memfds: each seal refuses what it names, SEAL_WRITE
 * waits for shared mappings to go, SEAL_SEAL ends the sealing. */
static void check_seals(void)
{
	char *m;
	int fd, p[2];

	fd = memfd_create("sealed", MFD_SEALING_);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GET_SEALS) == 0);
	memset(buf, 'a', 8192);
	CHECK(write(fd, buf, 8192) == 8192);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0);
	CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW));
	CHECK(ftruncate(fd, 4096) == -1 && errno == EPERM);
	CHECK(ftruncate(fd, 16384) == -1 && errno == EPERM);
	CHECK(ftruncate(fd, 8192) == 0);
	CHECK(pwrite(fd, "b", 1, 8192) == -1 && errno == EPERM);
	CHECK(pwrite(fd, "b", 1, 100) == 1);
	CHECK(fallocate(fd, 0, 8000, 1000) == -1 && errno == EPERM);
	CHECK(fallocate(fd, KEEP_SIZE, 8000, 1000) == -1 && errno == EPERM);
	CHECK(fallocate(fd, 0, 0, 4096) == 0);
	m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EBUSY);
	munmap(m, 8192);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0);
	CHECK(pwrite(fd, "c", 1, 100) == -1 && errno == EPERM);
	CHECK(fallocate(fd, PUNCH_HOLE | KEEP_SIZE, 0, 4096) == -1 &&
	      errno == EPERM);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
	      MAP_FAILED && errno == EPERM);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && m[100] == 'b');
	munmap(m, 4096);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	munmap(m, 4096);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == -1 && errno == EPERM);
	CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SEAL | F_SEAL_SHRINK |
					 F_SEAL_GROW | F_SEAL_WRITE));
	close(fd);
	/* Without MFD_ALLOW_SEALING: sealed against sealing. */
	fd = memfd_create("plain", 0);
	CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EPERM);
	close(fd);
	/* FUTURE_WRITE: mappings made before still write. */
	fd = memfd_create("future", MFD_SEALING_);
	CHECK(fcntl(fd, F_ADD_SEALS, 0x1000) == -1 && errno == EINVAL);
	CHECK(ftruncate(fd, 4096) == 0);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) == 0);
	if (m != MAP_FAILED) {
		m[0] = 'w';
		CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == 'w');
		munmap(m, 4096);
	}
	CHECK(pwrite(fd, "x", 1, 0) == -1 && errno == EPERM);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
	      MAP_FAILED && errno == EPERM);
	close(fd);
	/* Files that cannot be sealed at all. */
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[1], F_GET_SEALS) == -1 && errno == EINVAL);
	CHECK(fcntl(p[1], F_ADD_SEALS, F_SEAL_SEAL) == -1 && errno == EINVAL);
	close(p[0]);
	close(p[1]);
}

/* The mode's permission bits of fd, or -1. */
static int fd_perms(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : (int)(st.st_mode & 07777);
}

/* MFD_NOEXEC_SEAL and F_SEAL_EXEC (Linux 6.3+, memfd_create(2)): the
 * execute bits cleared and frozen; sealing them on an executable file
 * seals it against writing too (W^X). Assumes the host's default
 * vm.memfd_noexec 0 (MFD_EXEC allowed, the default). */
static void check_exec_seals(void)
{
	int fd;

	fd = memfd_create("noexec", MFD_NOEXEC_);
	CHECK(fd >= 0 && fd_perms(fd) == 0666);
	CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_EXEC_);
	CHECK(fchmod(fd, 0777) == -1 && errno == EPERM);
	CHECK(fchmod(fd, 0766) == -1 && errno == EPERM);
	CHECK(fchmod(fd, 0644) == 0 && fd_perms(fd) == 0644);
	CHECK(pwrite(fd, "w", 1, 0) == 1);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == 0);
	CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_EXEC_ | F_SEAL_SHRINK));
	close(fd);
	fd = memfd_create("exec", MFD_EXEC_);
	CHECK(fd >= 0 && fd_perms(fd) == 0777);
	CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL);
	close(fd);
	/* On an executable file, SEAL_EXEC brings the write seals. */
	fd = memfd_create("wx", MFD_EXEC_ | MFD_SEALING_);
	CHECK(fcntl(fd, F_GET_SEALS) == 0);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC_) == 0);
	CHECK(fcntl(fd, F_GET_SEALS) ==
	      (F_SEAL_EXEC_ | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
	       F_SEAL_FUTURE_WRITE));
	CHECK(pwrite(fd, "w", 1, 0) == -1 && errno == EPERM);
	CHECK(fchmod(fd, 0666) == -1 && errno == EPERM);
	CHECK(fchmod(fd, 0755) == 0);
	close(fd);
	/* Not on one without execute bits. */
	fd = memfd_create("rw", MFD_SEALING_);
	CHECK(fchmod(fd, 0600) == 0);
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC_) == 0);
	CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_EXEC_);
	CHECK(pwrite(fd, "w", 1, 0) == 1);
	CHECK(fchmod(fd, 0700) == -1 && errno == EPERM);
	close(fd);
}

/* Within a few seconds of now. */
static int is_now(time_t t)
{
	time_t now = time(NULL);

	return t >= now - 5 && t <= now + 1;
}

/* The old time calls by their numbers. arm64 has none of them: there,
 * utimensat, the call they became, takes the same arguments converted
 * (a pointer that cannot be read goes as it is), so that the checks and
 * the output are the host's. */
#ifdef SYS_utimes
static long sys_futimesat(int dir, const char *path,
			  const struct timeval *tv)
{
	return syscall(SYS_futimesat, dir, path, tv);
}

static long sys_utimes(const char *path, const struct timeval *tv)
{
	return syscall(SYS_utimes, path, tv);
}

static long sys_utime(const char *path, const struct utimbuf *ub)
{
	return syscall(SYS_utime, path, ub);
}
#else
static long sys_futimesat(int dir, const char *path,
			  const struct timeval *tv)
{
	struct timespec ts[2];
	const void *t = tv;

	if (tv && tv != bad_ptr) {
		ts[0].tv_sec = tv[0].tv_sec;
		ts[0].tv_nsec = tv[0].tv_usec * 1000;
		ts[1].tv_sec = tv[1].tv_sec;
		ts[1].tv_nsec = tv[1].tv_usec * 1000;
		t = ts;
	}
	return syscall(SYS_utimensat, dir, path, t, 0);
}

static long sys_utimes(const char *path, const struct timeval *tv)
{
	return sys_futimesat(AT_FDCWD, path, tv);
}

static long sys_utime(const char *path, const struct utimbuf *ub)
{
	struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
	const void *t = ub;

	if (ub && ub != bad_ptr) {
		ts[0].tv_sec = ub->actime;
		ts[1].tv_sec = ub->modtime;
		t = ts;
	}
	return syscall(SYS_utimensat, AT_FDCWD, path, t, 0);
}
#endif

static void check_old_times(void)
{
	struct timeval tv[2] = { { 1000000000, 123456 },
				 { 1100000000, 654321 } };
	struct utimbuf ub = { 2000, 3000 };
	struct stat st;
	int fd, dir;

	fd = open("ut", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	close(fd);
	/* The C library's (musl: through utimensat). */
	CHECK(utimes("ut", tv) == 0);
	CHECK(stat("ut", &st) == 0 && st.st_atim.tv_sec == 1000000000 &&
	      st.st_atim.tv_nsec == 123456000);
	CHECK(st.st_mtim.tv_sec == 1100000000 &&
	      st.st_mtim.tv_nsec == 654321000);
	CHECK(utime("ut", &ub) == 0);
	CHECK(stat("ut", &st) == 0 && st.st_atime == 2000 &&
	      st.st_mtime == 3000 && st.st_mtim.tv_nsec == 0);
	/* The old numbers themselves, as a binary made for Linux. */
	CHECK(sys_utimes("ut", tv) == 0);
	CHECK(stat("ut", &st) == 0 && st.st_atim.tv_sec == 1000000000 &&
	      st.st_atim.tv_nsec == 123456000);
	CHECK(st.st_mtim.tv_sec == 1100000000 &&
	      st.st_mtim.tv_nsec == 654321000);
	CHECK(sys_utimes("ut", NULL) == 0);
	CHECK(stat("ut", &st) == 0 && is_now(st.st_mtime) &&
	      is_now(st.st_atime));
	tv[1].tv_usec = 1000000;
	CHECK(sys_utimes("ut", tv) == -1 && errno == EINVAL);
	tv[1].tv_usec = -1;
	CHECK(sys_utimes("ut", tv) == -1 && errno == EINVAL);
	tv[1].tv_usec = 0;
	CHECK(sys_utimes("missing", tv) == -1 && errno == ENOENT);
	CHECK(sys_utimes("ut", bad_ptr) == -1 && errno == EFAULT);
	CHECK(sys_utimes(bad_ptr, tv) == -1 && errno == EFAULT);
	dir = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(sys_futimesat(dir, "ut", tv) == 0);
	CHECK(stat("ut", &st) == 0 && st.st_mtime == 1100000000 &&
	      st.st_mtim.tv_nsec == 0);
	CHECK(sys_futimesat(AT_FDCWD, "ut", NULL) == 0);
	CHECK(stat("ut", &st) == 0 && is_now(st.st_mtime));
	CHECK(sys_futimesat(-1, "ut", tv) == -1 && errno == EBADF);
	close(dir);
	CHECK(sys_utime("ut", &ub) == 0);
	CHECK(stat("ut", &st) == 0 && st.st_atime == 2000 &&
	      st.st_mtime == 3000);
	CHECK(sys_utime("ut", NULL) == 0);
	CHECK(stat("ut", &st) == 0 && is_now(st.st_mtime));
	CHECK(sys_utime("ut", bad_ptr) == -1 && errno == EFAULT);
	CHECK(sys_utime("missing", &ub) == -1 && errno == ENOENT);
	unlink("ut");
}

int main(void)
{
	mkdir("/tmp", 0777);
	snprintf(dir_name, sizeof(dir_name), "/tmp/amphi-posix-fspace-%d",
		 (int)getpid());
	CHECK(mkdir(dir_name, 0755) == 0);
	CHECK(chdir(dir_name) == 0);
	check_fallocate();
	check_rw2();
	check_memfd();
	check_seals();
	check_exec_seals();
	check_old_times();
	CHECK(chdir("/") == 0);
	CHECK(rmdir(dir_name) == 0);
	return posix_check_summary();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The strace-like printer behind syscall.trace: one line per call,
 *
 *   openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = -2 ENOENT
 *
 * Each system call has a format: one letter per argument saying how to
 * decode it (table fmts[] below). Everything in the caller's memory is
 * read through nofault, so a bad pointer prints as its address and never
 * faults the kernel. The line is formatted after the call returns, so
 * what a call wrote (a read's buffer, a stat) is shown; calls that do
 * not return are printed before, with "= ?".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <uk/nofault.h>
#include <uk/print.h>
#include <uk/thread.h>
#include <uk/plat/console.h>
#include "syscall_impl.h"

/*
 * Argument kinds:
 *   d int          l long         u unsigned long   x hex
 *   p pointer      o octal mode   f fd, AT_FDCWD    s string (path)
 *   b buffer in, length in the next argument
 *   B buffer out, length the result        v/V iovec array in/out
 *   O open flags   A AT_* flags   P mmap prot       M mmap flags
 *   C clone flags  F futex op     S signal          W lseek whence
 *   E epoll_ctl op I ioctl request N fcntl command  H sigprocmask how
 *   R arch_prctl code  D socket family  Y socket type
 *   t timespec in  T timespec out k sockaddr in (length next)
 *   K sockaddr out (socklen_t * next)   z struct stat out
 *   g sigset in    G sigset out   2 int[2] out (pipe)
 *   q pollfd array (count next)
 *   c clock id     j timerfd_create flags   J timerfd_settime flags
 *   i itimerspec in    n itimerspec out
 *   m inotify event mask   e inotify_init1 flags   X xattr flags
 *   y System V IPC key  Q ipc get flags  h shmat flags
 *   w msgsnd/msgrcv flags  a sembuf array (count next)
 *   U shmctl command   L semctl command  Z msgctl command
 * Result kinds: d signed, x address (mmap, brk).
 */
struct trace_fmt {
	const char *name;
	const char *args;
	char ret;
};

static const struct trace_fmt fmts[] = {
	{ "read", "fBu", 'd' },
	{ "write", "fbu", 'd' },
	{ "open", "sOo", 'd' },
	{ "close", "f", 'd' },
	{ "stat", "sz", 'd' },
	{ "fstat", "fz", 'd' },
	{ "lstat", "sz", 'd' },
	{ "poll", "qdd", 'd' },
	{ "lseek", "flW", 'd' },
	{ "mmap", "puPMfx", 'x' },
	{ "mprotect", "puP", 'd' },
	{ "munmap", "pu", 'd' },
	{ "brk", "p", 'x' },
	{ "rt_sigaction", "Sppu", 'd' },
	{ "rt_sigprocmask", "HgGu", 'd' },
	{ "rt_sigreturn", "", 'd' },
	{ "ioctl", "fIp", 'd' },
	{ "pread64", "fBul", 'd' },
	{ "pwrite64", "fbul", 'd' },
	{ "readv", "fVd", 'd' },
	{ "writev", "fvd", 'd' },
	{ "access", "sd", 'd' },
	{ "pipe", "2", 'd' },
	{ "select", "dpppp", 'd' },
	{ "sched_yield", "", 'd' },
	{ "mremap", "puuMp", 'x' },
	{ "msync", "pux", 'd' },
	{ "mincore", "pup", 'd' },
	{ "madvise", "pud", 'd' },
	{ "dup", "f", 'd' },
	{ "dup2", "ff", 'd' },
	{ "nanosleep", "tp", 'd' },
	{ "getpid", "", 'd' },
	{ "socket", "DYd", 'd' },
	{ "connect", "fkd", 'd' },
	{ "accept", "fKp", 'd' },
	{ "sendto", "fbuxkd", 'd' },
	{ "recvfrom", "fBuxKp", 'd' },
	{ "sendmsg", "fpx", 'd' },
	{ "recvmsg", "fpx", 'd' },
	{ "shutdown", "fd", 'd' },
	{ "bind", "fkd", 'd' },
	{ "listen", "fd", 'd' },
	{ "getsockname", "fKp", 'd' },
	{ "getpeername", "fKp", 'd' },
	{ "socketpair", "DYd2", 'd' },
	{ "setsockopt", "fddpd", 'd' },
	{ "getsockopt", "fddpp", 'd' },
	{ "clone", "Cppppp", 'd' },
	{ "exit", "d", 'd' },
	{ "kill", "dS", 'd' },
	{ "uname", "p", 'd' },
	{ "fcntl", "fNx", 'd' },
	{ "fsync", "f", 'd' },
	{ "fdatasync", "f", 'd' },
	{ "truncate", "sl", 'd' },
	{ "ftruncate", "fl", 'd' },
	{ "getdents64", "fpu", 'd' },
	{ "getcwd", "pu", 'd' },
	{ "chdir", "s", 'd' },
	{ "fchdir", "f", 'd' },
	{ "rename", "ss", 'd' },
	{ "mkdir", "so", 'd' },
	{ "rmdir", "s", 'd' },
	{ "creat", "so", 'd' },
	{ "link", "ss", 'd' },
	{ "unlink", "s", 'd' },
	{ "symlink", "ss", 'd' },
	{ "readlink", "sBu", 'd' },
	{ "chmod", "so", 'd' },
	{ "fchmod", "fo", 'd' },
	{ "chown", "sdd", 'd' },
	{ "fchown", "fdd", 'd' },
	{ "lchown", "sdd", 'd' },
	{ "umask", "o", 'd' },
	{ "gettimeofday", "pp", 'd' },
	{ "getrlimit", "dp", 'd' },
	{ "sysinfo", "p", 'd' },
	{ "getuid", "", 'd' },
	{ "getgid", "", 'd' },
	{ "geteuid", "", 'd' },
	{ "getegid", "", 'd' },
	{ "getppid", "", 'd' },
	{ "getpgrp", "", 'd' },
	{ "setsid", "", 'd' },
	{ "rt_sigpending", "Gu", 'd' },
	{ "mknod", "sox", 'd' },
	{ "prctl", "dxxxx", 'd' },
	{ "arch_prctl", "Rx", 'd' },
	{ "setrlimit", "dp", 'd' },
	{ "gettid", "", 'd' },
	{ "tkill", "dS", 'd' },
	{ "time", "p", 'd' },
	{ "futex", "pFdtpd", 'd' },
	{ "sched_setaffinity", "dup", 'd' },
	{ "sched_getaffinity", "dup", 'd' },
	{ "set_tid_address", "p", 'd' },
	{ "clock_gettime", "dT", 'd' },
	{ "clock_getres", "dT", 'd' },
	{ "clock_nanosleep", "dxtp", 'd' },
	{ "clock_settime", "dt", 'd' },
	{ "clock_adjtime", "dp", 'd' },
	{ "settimeofday", "pp", 'd' },
	{ "adjtimex", "p", 'd' },
	{ "exit_group", "d", 'd' },
	{ "epoll_wait", "fpdd", 'd' },
	{ "epoll_ctl", "fEfp", 'd' },
	{ "tgkill", "ddS", 'd' },
	{ "openat", "fsOo", 'd' },
	{ "mkdirat", "fso", 'd' },
	{ "mknodat", "fsox", 'd' },
	{ "newfstatat", "fszA", 'd' },
	{ "unlinkat", "fsA", 'd' },
	{ "renameat", "fsfs", 'd' },
	{ "linkat", "fsfsA", 'd' },
	{ "symlinkat", "sfs", 'd' },
	{ "readlinkat", "fsBu", 'd' },
	{ "fchmodat", "fsoA", 'd' },
	{ "fchownat", "fsddA", 'd' },
	{ "faccessat", "fsd", 'd' },
	{ "faccessat2", "fsdA", 'd' },
	{ "pselect6", "dppppp", 'd' },
	{ "ppoll", "qdtgu", 'd' },
	{ "set_robust_list", "pu", 'd' },
	{ "utimensat", "fspA", 'd' },
	{ "epoll_pwait", "fpddgu", 'd' },
	{ "eventfd", "u", 'd' },
	{ "eventfd2", "ux", 'd' },
	{ "timerfd_create", "cj", 'd' },
	{ "timerfd_settime", "fJin", 'd' },
	{ "timerfd_gettime", "fn", 'd' },
	{ "epoll_create", "d", 'd' },
	{ "epoll_create1", "x", 'd' },
	{ "dup3", "ffO", 'd' },
	{ "pipe2", "2O", 'd' },
	{ "preadv", "fVdl", 'd' },
	{ "pwritev", "fvdl", 'd' },
	{ "prlimit64", "ddpp", 'd' },
	{ "renameat2", "fsfsx", 'd' },
	{ "getrandom", "Bux", 'd' },
	{ "membarrier", "dx", 'd' },
	{ "statx", "fsAxp", 'd' },
	{ "close_range", "ffx", 'd' },
	{ "accept4", "fKpO", 'd' },
	{ "sched_getcpu", "", 'd' },
	{ "getcpu", "ppp", 'd' },
	{ "mlock", "pu", 'd' },
	{ "munlock", "pu", 'd' },
	{ "sigaltstack", "pp", 'd' },
	{ "rt_sigsuspend", "gu", 'd' },
	{ "rt_sigtimedwait", "gptu", 'd' },
	{ "wait4", "dpdp", 'd' },
	{ "execve", "spp", 'd' },
	{ "fork", "", 'd' },
	{ "vfork", "", 'd' },
	{ "getpriority", "dd", 'd' },
	{ "setpriority", "ddd", 'd' },
	{ "sched_setparam", "dp", 'd' },
	{ "sched_getparam", "dp", 'd' },
	{ "sched_setscheduler", "ddp", 'd' },
	{ "sched_getscheduler", "d", 'd' },
	{ "sched_get_priority_max", "d", 'd' },
	{ "sched_get_priority_min", "d", 'd' },
	{ "sched_rr_get_interval", "dT", 'd' },
	{ "sched_setattr", "dpx", 'd' },
	{ "sched_getattr", "dpux", 'd' },
	{ "mlock2", "pux", 'd' },
	{ "mlockall", "x", 'd' },
	{ "munlockall", "", 'd' },
	{ "sendmmsg", "fpux", 'd' },
	{ "recvmmsg", "fpuxt", 'd' },
	{ "epoll_pwait2", "fpdtgu", 'd' },
	{ "waitid", "ddpxp", 'd' },
	{ "getrusage", "dp", 'd' },
	{ "mq_open", "sOop", 'd' },
	{ "mq_unlink", "s", 'd' },
	{ "mq_timedsend", "fbudt", 'd' },
	{ "mq_timedreceive", "fBupt", 'd' },
	{ "mq_notify", "fp", 'd' },
	{ "mq_getsetattr", "fpp", 'd' },
	{ "sendfile", "ffpu", 'd' },
	{ "copy_file_range", "fpfpux", 'd' },
	{ "splice", "fpfpux", 'd' },
	{ "tee", "ffux", 'd' },
	{ "fallocate", "fxll", 'd' },
	{ "fadvise64", "flld", 'd' },
	{ "readahead", "flu", 'd' },
	{ "sync", "", 'd' },
	{ "syncfs", "f", 'd' },
	{ "sync_file_range", "fllx", 'd' },
	{ "memfd_create", "sx", 'd' },
	{ "preadv2", "fVdllx", 'd' },
	{ "pwritev2", "fvdllx", 'd' },
	{ "utimes", "sp", 'd' },
	{ "futimesat", "fsp", 'd' },
	{ "utime", "sp", 'd' },
	{ "inotify_init", "", 'd' },
	{ "inotify_init1", "e", 'd' },
	{ "inotify_add_watch", "fsm", 'd' },
	{ "inotify_rm_watch", "fd", 'd' },
	{ "setxattr", "ssbuX", 'd' },
	{ "lsetxattr", "ssbuX", 'd' },
	{ "fsetxattr", "fsbuX", 'd' },
	{ "getxattr", "ssBu", 'd' },
	{ "lgetxattr", "ssBu", 'd' },
	{ "fgetxattr", "fsBu", 'd' },
	{ "listxattr", "sBu", 'd' },
	{ "llistxattr", "sBu", 'd' },
	{ "flistxattr", "fBu", 'd' },
	{ "removexattr", "ss", 'd' },
	{ "lremovexattr", "ss", 'd' },
	{ "fremovexattr", "fs", 'd' },
	{ "shmget", "yuQ", 'd' },
	{ "shmat", "dph", 'x' },
	{ "shmdt", "p", 'd' },
	{ "shmctl", "dUp", 'd' },
	{ "semget", "ydQ", 'd' },
	{ "semop", "dau", 'd' },
	{ "semtimedop", "daut", 'd' },
	{ "semctl", "ddLx", 'd' },
	{ "msgget", "yQ", 'd' },
	{ "msgsnd", "dpuw", 'd' },
	{ "msgrcv", "dpulw", 'd' },
	{ "msgctl", "dZp", 'd' },
};

/* A line being built; too long a line ends in "...". */
struct out {
	char *buf;
	__sz size, len;
};

static void put(struct out *o, const char *s)
{
	__sz n = strlen(s);

	if (o->len + n >= o->size)
		n = o->size - 1 - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void __printf(2, 3) putf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->len = MIN(o->len + (__sz)n, o->size - 1);
}

/* Reads len bytes of the caller's src; returns how many could be (none
 * of kernel memory: the handler refuses it, the trace shows the
 * address). */
static __sz peek(void *dst, long src, __sz len)
{
	if (!src || !uk_user_range_ok((const void *)src, len))
		return 0;
	return uk_nofault_memcpy(dst, (const char *)src, len, 0);
}

static void put_ptr(struct out *o, long p)
{
	if (!p)
		put(o, "NULL");
	else
		putf(o, "%#lx", (unsigned long)p);
}

static void put_escaped(struct out *o, const unsigned char *s, __sz n)
{
	char c[8];
	__sz i;

	put(o, "\"");
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n': put(o, "\\n"); continue;
		case '\t': put(o, "\\t"); continue;
		case '\r': put(o, "\\r"); continue;
		case '"': put(o, "\\\""); continue;
		case '\\': put(o, "\\\\"); continue;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			c[0] = (char)s[i];
			c[1] = '\0';
		} else {
			snprintf(c, sizeof(c), "\\x%02x", s[i]);
		}
		put(o, c);
	}
	put(o, "\"");
}

#define STR_MAX		64
#define BUF_MAX		32

/* A NUL-terminated string of the caller. */
static void put_string(struct out *o, long p)
{
	unsigned char s[STR_MAX + 1] = { 0 };
	__sz n = peek(s, p, sizeof(s)), len;

	if (!n) {
		put_ptr(o, p);
		return;
	}
	for (len = 0; len < n && s[len]; len++)
		;
	put_escaped(o, s, MIN(len, (__sz)STR_MAX));
	if (len >= n)
		put(o, "...");
}

/* len bytes of the caller's buffer p. */
static void put_buffer(struct out *o, long p, long len)
{
	unsigned char s[BUF_MAX] = { 0 };
	__sz want, n;

	if (len < 0) {
		put_ptr(o, p);
		return;
	}
	want = MIN((__sz)len, sizeof(s));
	n = peek(s, p, want);
	if (n < want || (!p && len)) {
		put_ptr(o, p);
		return;
	}
	put_escaped(o, s, n);
	if ((__sz)len > n)
		put(o, "...");
}

struct flag {
	unsigned long val;
	const char *name;
};

/* Names of the bits of v in tab, then what is left in hex; "0" if v is
 * zero and zero has no name. */
static void put_flags(struct out *o, unsigned long v,
		      const struct flag *tab, __sz n)
{
	int any = 0;
	__sz i;

	for (i = 0; i < n; i++) {
		if (!tab[i].val || (v & tab[i].val) != tab[i].val)
			continue;
		if (any)
			put(o, "|");
		put(o, tab[i].name);
		v &= ~tab[i].val;
		any = 1;
	}
	if (v || !any) {
		if (any)
			put(o, "|");
		putf(o, "%#lx", v);
	}
}

/* The name v has in tab, else v in decimal. */
static void put_enum(struct out *o, long v, const struct flag *tab, __sz n)
{
	__sz i;

	for (i = 0; i < n; i++) {
		if ((long)tab[i].val == v) {
			put(o, tab[i].name);
			return;
		}
	}
	putf(o, "%ld", v);
}

#define FLAGS(o, v, tab)	put_flags(o, v, tab, ARRAY_SIZE(tab))
#define ENUM(o, v, tab)		put_enum(o, v, tab, ARRAY_SIZE(tab))

/* Linux's values (the same on every architecture we support). */
static const struct flag open_flags[] = {
	{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" }, { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" },
	{ 010000, "O_DSYNC" }, { 020000, "O_ASYNC" }, { 040000, "O_DIRECT" },
	{ 0200000, "O_DIRECTORY" }, { 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" },
	{ 04010000, "O_SYNC" }, { 010000000, "O_PATH" },
	{ 020000000, "O_TMPFILE" }, { 0100000, "O_LARGEFILE" },
};

static void put_open_flags(struct out *o, unsigned long v)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					   "O_ACCMODE" };

	put(o, acc[v & 3]);
	v &= ~3UL;
	if (v) {
		put(o, "|");
		FLAGS(o, v, open_flags);
	}
}

static const struct flag at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" }, { 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" },
};

static const struct flag prot_flags[] = {
	{ 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" },
	{ 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" },
};

static const struct flag map_flags[] = {
	{ 0x01, "MAP_SHARED" }, { 0x02, "MAP_PRIVATE" },
	{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" },
	{ 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" }, { 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" }, { 0x100000, "MAP_FIXED_NOREPLACE" },
};

static const struct flag clone_flags[] = {
	{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" },
	{ 0x400, "CLONE_FILES" }, { 0x800, "CLONE_SIGHAND" },
	{ 0x1000, "CLONE_PIDFD" }, { 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" }, { 0x8000, "CLONE_PARENT" },
	{ 0x10000, "CLONE_THREAD" }, { 0x20000, "CLONE_NEWNS" },
	{ 0x40000, "CLONE_SYSVSEM" }, { 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" },
	{ 0x200000, "CLONE_CHILD_CLEARTID" }, { 0x400000, "CLONE_DETACHED" },
	{ 0x800000, "CLONE_UNTRACED" }, { 0x1000000, "CLONE_CHILD_SETTID" },
};

static const struct flag futex_ops[] = {
	{ 0, "FUTEX_WAIT" }, { 1, "FUTEX_WAKE" }, { 2, "FUTEX_FD" },
	{ 3, "FUTEX_REQUEUE" }, { 4, "FUTEX_CMP_REQUEUE" },
	{ 5, "FUTEX_WAKE_OP" }, { 6, "FUTEX_LOCK_PI" },
	{ 7, "FUTEX_UNLOCK_PI" }, { 8, "FUTEX_TRYLOCK_PI" },
	{ 9, "FUTEX_WAIT_BITSET" }, { 10, "FUTEX_WAKE_BITSET" },
	{ 11, "FUTEX_WAIT_REQUEUE_PI" }, { 12, "FUTEX_CMP_REQUEUE_PI" },
};

static void put_futex_op(struct out *o, unsigned long v)
{
	ENUM(o, (long)(v & 127), futex_ops);
	if (v & 128)
		put(o, "_PRIVATE");
	if (v & 256)
		put(o, "|FUTEX_CLOCK_REALTIME");
	if (v & ~0x1ffUL)
		putf(o, "|%#lx", v & ~0x1ffUL);
}

static const char *const signames[] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

static void put_signal(struct out *o, long sig)
{
	if (sig > 0 && sig < (long)ARRAY_SIZE(signames))
		put(o, signames[sig]);
	else if (sig >= 32 && sig <= 64)
		putf(o, "SIGRT_%ld", sig - 32);
	else
		putf(o, "%ld", sig);
}

static void put_sigset(struct out *o, long p)
{
	unsigned long set;
	int sig, any = 0;

	if (peek(&set, p, sizeof(set)) != sizeof(set)) {
		put_ptr(o, p);
		return;
	}
	if (set == ~0UL) {
		put(o, "~[]");
		return;
	}
	put(o, "[");
	for (sig = 1; sig <= 64; sig++) {
		if (!(set & (1UL << (sig - 1))))
			continue;
		if (any)
			put(o, " ");
		put_signal(o, sig);
		any = 1;
	}
	put(o, "]");
}

static const struct flag whences[] = {
	{ 0, "SEEK_SET" }, { 1, "SEEK_CUR" }, { 2, "SEEK_END" },
	{ 3, "SEEK_DATA" }, { 4, "SEEK_HOLE" },
};

static const struct flag epoll_ops[] = {
	{ 1, "EPOLL_CTL_ADD" }, { 2, "EPOLL_CTL_DEL" }, { 3, "EPOLL_CTL_MOD" },
};

static const struct flag ioctls[] = {
	{ 0x5401, "TCGETS" }, { 0x5402, "TCSETS" }, { 0x5403, "TCSETSW" },
	{ 0x5404, "TCSETSF" }, { 0x540f, "TIOCGPGRP" },
	{ 0x5413, "TIOCGWINSZ" }, { 0x5414, "TIOCSWINSZ" },
	{ 0x541b, "FIONREAD" }, { 0x5421, "FIONBIO" }, { 0x5451, "FIOCLEX" },
	{ 0x5450, "FIONCLEX" }, { 0x5411, "TIOCOUTQ" },
};

static const struct flag fcntl_cmds[] = {
	{ 0, "F_DUPFD" }, { 1, "F_GETFD" }, { 2, "F_SETFD" },
	{ 3, "F_GETFL" }, { 4, "F_SETFL" }, { 5, "F_GETLK" },
	{ 6, "F_SETLK" }, { 7, "F_SETLKW" }, { 1030, "F_DUPFD_CLOEXEC" },
	{ 1031, "F_SETPIPE_SZ" }, { 1032, "F_GETPIPE_SZ" },
};

static const struct flag sig_hows[] = {
	{ 0, "SIG_BLOCK" }, { 1, "SIG_UNBLOCK" }, { 2, "SIG_SETMASK" },
};

static const struct flag arch_prctl_codes[] = {
	{ 0x1001, "ARCH_SET_GS" }, { 0x1002, "ARCH_SET_FS" },
	{ 0x1003, "ARCH_GET_FS" }, { 0x1004, "ARCH_GET_GS" },
};

static const struct flag families[] = {
	{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" },
	{ 10, "AF_INET6" }, { 16, "AF_NETLINK" }, { 17, "AF_PACKET" },
};

static const struct flag sock_types[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" },
	{ 5, "SOCK_SEQPACKET" },
};

static void put_sock_type(struct out *o, unsigned long v)
{
	ENUM(o, (long)(v & 0xf), sock_types);
	if (v & 04000)
		put(o, "|SOCK_NONBLOCK");
	if (v & 02000000)
		put(o, "|SOCK_CLOEXEC");
	if (v & ~(0xfUL | 04000 | 02000000))
		putf(o, "|%#lx", v & ~(0xfUL | 04000 | 02000000));
}

static void put_timespec(struct out *o, long p)
{
	struct timespec ts;

	if (peek(&ts, p, sizeof(ts)) != sizeof(ts))
		put_ptr(o, p);
	else
		putf(o, "{tv_sec=%lld, tv_nsec=%ld}", (long long)ts.tv_sec,
		     (long)ts.tv_nsec);
}

static void put_itimerspec(struct out *o, long p)
{
	struct timespec ts[2];

	if (peek(ts, p, sizeof(ts)) != sizeof(ts)) {
		put_ptr(o, p);
		return;
	}
	putf(o, "{it_interval={tv_sec=%lld, tv_nsec=%ld}, "
	     "it_value={tv_sec=%lld, tv_nsec=%ld}}",
	     (long long)ts[0].tv_sec, (long)ts[0].tv_nsec,
	     (long long)ts[1].tv_sec, (long)ts[1].tv_nsec);
}

static const struct flag clocks[] = {
	{ 0, "CLOCK_REALTIME" }, { 1, "CLOCK_MONOTONIC" },
	{ 2, "CLOCK_PROCESS_CPUTIME_ID" }, { 3, "CLOCK_THREAD_CPUTIME_ID" },
	{ 4, "CLOCK_MONOTONIC_RAW" }, { 5, "CLOCK_REALTIME_COARSE" },
	{ 6, "CLOCK_MONOTONIC_COARSE" }, { 7, "CLOCK_BOOTTIME" },
	{ 8, "CLOCK_REALTIME_ALARM" }, { 9, "CLOCK_BOOTTIME_ALARM" },
};

static const struct flag tfd_flags[] = {
	{ 04000, "TFD_NONBLOCK" }, { 02000000, "TFD_CLOEXEC" },
};

static const struct flag inotify_masks[] = {
	{ 0x1, "IN_ACCESS" }, { 0x2, "IN_MODIFY" }, { 0x4, "IN_ATTRIB" },
	{ 0x8, "IN_CLOSE_WRITE" }, { 0x10, "IN_CLOSE_NOWRITE" },
	{ 0x20, "IN_OPEN" }, { 0x40, "IN_MOVED_FROM" },
	{ 0x80, "IN_MOVED_TO" }, { 0x100, "IN_CREATE" },
	{ 0x200, "IN_DELETE" }, { 0x400, "IN_DELETE_SELF" },
	{ 0x800, "IN_MOVE_SELF" }, { 0x01000000, "IN_ONLYDIR" },
	{ 0x02000000, "IN_DONT_FOLLOW" }, { 0x04000000, "IN_EXCL_UNLINK" },
	{ 0x10000000, "IN_MASK_CREATE" }, { 0x20000000, "IN_MASK_ADD" },
	{ 0x80000000, "IN_ONESHOT" },
};

static const struct flag inotify_init_flags[] = {
	{ 04000, "IN_NONBLOCK" }, { 02000000, "IN_CLOEXEC" },
};

static const struct flag xattr_flags[] = {
	{ 1, "XATTR_CREATE" }, { 2, "XATTR_REPLACE" },
};

/* IN_ALL_EVENTS by that name when all its bits are there. */
static void put_inotify_mask(struct out *o, unsigned int v)
{
	if ((v & 0xfff) != 0xfff) {
		FLAGS(o, v, inotify_masks);
		return;
	}
	put(o, "IN_ALL_EVENTS");
	if (v & ~0xfffU) {
		put(o, "|");
		FLAGS(o, v & ~0xfffU, inotify_masks);
	}
}

static const struct flag tfd_set_flags[] = {
	{ 1, "TFD_TIMER_ABSTIME" }, { 2, "TFD_TIMER_CANCEL_ON_SET" },
};

/* System V IPC (linux/ipc.h, shm.h, sem.h, msg.h). */
static const struct flag ipc_get_flags[] = {
	{ 01000, "IPC_CREAT" }, { 02000, "IPC_EXCL" },
};

static const struct flag shmat_flags[] = {
	{ 010000, "SHM_RDONLY" }, { 020000, "SHM_RND" },
	{ 040000, "SHM_REMAP" }, { 0100000, "SHM_EXEC" },
};

static const struct flag msg_flags[] = {
	{ 04000, "IPC_NOWAIT" }, { 010000, "MSG_NOERROR" },
	{ 020000, "MSG_EXCEPT" }, { 040000, "MSG_COPY" },
};

static const struct flag sem_flags[] = {
	{ 04000, "IPC_NOWAIT" }, { 0x1000, "SEM_UNDO" },
};

#define IPC_CMDS { 0, "IPC_RMID" }, { 1, "IPC_SET" }, { 2, "IPC_STAT" }, \
		 { 3, "IPC_INFO" }

static const struct flag shm_cmds[] = {
	IPC_CMDS, { 11, "SHM_LOCK" }, { 12, "SHM_UNLOCK" },
	{ 13, "SHM_STAT" }, { 14, "SHM_INFO" }, { 15, "SHM_STAT_ANY" },
};

static const struct flag sem_cmds[] = {
	IPC_CMDS, { 11, "GETPID" }, { 12, "GETVAL" }, { 13, "GETALL" },
	{ 14, "GETNCNT" }, { 15, "GETZCNT" }, { 16, "SETVAL" },
	{ 17, "SETALL" }, { 18, "SEM_STAT" }, { 19, "SEM_INFO" },
	{ 20, "SEM_STAT_ANY" },
};

static const struct flag msg_cmds[] = {
	IPC_CMDS, { 11, "MSG_STAT" }, { 12, "MSG_INFO" },
	{ 13, "MSG_STAT_ANY" },
};

static void put_ipc_key(struct out *o, long key)
{
	if (!(int)key)
		put(o, "IPC_PRIVATE");
	else
		putf(o, "%#x", (unsigned int)key);
}

/* IPC_CREAT|IPC_EXCL|0600 */
static void put_ipc_get_flags(struct out *o, unsigned long v)
{
	unsigned int mode = (unsigned int)v & 0777;

	v &= ~0777UL;
	if (v) {
		FLAGS(o, v, ipc_get_flags);
		put(o, "|");
	}
	putf(o, "%#o", mode);
}

/* [{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}, ...] */
static void put_sembufs(struct out *o, long p, long n)
{
	struct { unsigned short num; short op, flg; } b;
	long i;

	if (n <= 0 || !peek(&b, p, sizeof(b))) {
		put_ptr(o, p);
		return;
	}
	put(o, "[");
	for (i = 0; i < MIN(n, 8L); i++) {
		if (peek(&b, p + i * (long)sizeof(b), sizeof(b)) < sizeof(b))
			break;
		putf(o, "%s{sem_num=%u, sem_op=%d, sem_flg=", i ? ", " : "",
		     b.num, b.op);
		FLAGS(o, (unsigned short)b.flg, sem_flags);
		put(o, "}");
	}
	put(o, i < n ? ", ...]" : "]");
}

static void put_sockaddr(struct out *o, long p, long len)
{
	unsigned char sa[sizeof(struct sockaddr_un)];
	unsigned short family;
	__sz n;

	if (len <= 0) {
		put_ptr(o, p);
		return;
	}
	n = peek(sa, p, MIN((__sz)len, sizeof(sa)));
	if (n < MIN((__sz)len, sizeof(sa)) || n < sizeof(family)) {
		put_ptr(o, p);
		return;
	}
	memcpy(&family, sa, sizeof(family));
	put(o, "{sa_family=");
	ENUM(o, family, families);
	if (family == 1 && n > 2) {
		put(o, ", sun_path=");
		if (sa[2] == '\0') {
			put(o, "@");
			put_escaped(o, sa + 3, n - 3);
		} else {
			put_escaped(o, sa + 2, strnlen((char *)sa + 2, n - 2));
		}
	} else if (family == 2 && n >= 8) {
		putf(o, ", sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")",
		     (unsigned)(sa[2] << 8 | sa[3]), sa[4], sa[5], sa[6], sa[7]);
	}
	put(o, "}");
}

static void put_stat(struct out *o, long p)
{
	static const struct flag types[] = {
		{ 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" },
		{ 0100000, "S_IFREG" }, { 0060000, "S_IFBLK" },
		{ 0040000, "S_IFDIR" }, { 0020000, "S_IFCHR" },
		{ 0010000, "S_IFIFO" },
	};
	struct stat st;

	if (peek(&st, p, sizeof(st)) != sizeof(st)) {
		put_ptr(o, p);
		return;
	}
	put(o, "{st_mode=");
	ENUM(o, (long)(st.st_mode & 0170000), types);
	putf(o, "|%04o, st_size=%lld}", (unsigned)(st.st_mode & 07777),
	     (long long)st.st_size);
}

#define IOV_SHOWN	4

/* An iovec array of n entries; with total >= 0, at most total bytes. */
static void put_iovec(struct out *o, long p, long n, long total)
{
	struct iovec iov;
	long i;

	if (n <= 0) {
		put_ptr(o, p);
		return;
	}
	put(o, "[");
	for (i = 0; i < n && i < IOV_SHOWN; i++) {
		if (peek(&iov, p + i * (long)sizeof(iov), sizeof(iov)) !=
		    sizeof(iov)) {
			if (i)
				put(o, ", ");
			put(o, "?");
			break;
		}
		put(o, i ? ", {iov_base=" : "{iov_base=");
		if (total < 0) {
			put_buffer(o, (long)iov.iov_base, (long)iov.iov_len);
		} else {
			put_buffer(o, (long)iov.iov_base,
				   MIN((long)iov.iov_len, total));
			total -= MIN((long)iov.iov_len, total);
		}
		putf(o, ", iov_len=%zu}", iov.iov_len);
	}
	if (n > IOV_SHOWN)
		put(o, ", ...");
	put(o, "]");
}

static void put_pollfds(struct out *o, long p, long n)
{
	static const struct flag events[] = {
		{ 0x1, "POLLIN" }, { 0x2, "POLLPRI" }, { 0x4, "POLLOUT" },
		{ 0x8, "POLLERR" }, { 0x10, "POLLHUP" }, { 0x20, "POLLNVAL" },
		{ 0x40, "POLLRDNORM" }, { 0x80, "POLLRDBAND" },
		{ 0x100, "POLLWRNORM" }, { 0x200, "POLLWRBAND" },
		{ 0x2000, "POLLRDHUP" },
	};
	struct { int fd; short events, revents; } pfd;
	long i;

	if (n <= 0) {
		put_ptr(o, p);
		return;
	}
	put(o, "[");
	for (i = 0; i < n && i < IOV_SHOWN; i++) {
		if (peek(&pfd, p + i * (long)sizeof(pfd), sizeof(pfd)) !=
		    sizeof(pfd)) {
			put(o, i ? ", ?" : "?");
			break;
		}
		putf(o, "%s{fd=%d, events=", i ? ", " : "", pfd.fd);
		FLAGS(o, (unsigned short)pfd.events, events);
		if (pfd.revents) {
			put(o, ", revents=");
			FLAGS(o, (unsigned short)pfd.revents, events);
		}
		put(o, "}");
	}
	if (n > IOV_SHOWN)
		put(o, ", ...");
	put(o, "]");
}

static void put_fd(struct out *o, long fd)
{
	if ((int)fd == -100)
		put(o, "AT_FDCWD");
	else
		putf(o, "%d", (int)fd);
}

static void put_fdpair(struct out *o, long p)
{
	int fds[2];

	if (peek(fds, p, sizeof(fds)) != sizeof(fds))
		put_ptr(o, p);
	else
		putf(o, "[%d, %d]", fds[0], fds[1]);
}

/* One argument of kind k; ok: the call succeeded (outputs are valid). */
static void put_arg(struct out *o, char k, const long *a, int i, long ret,
		    int ok)
{
	long v = a[i];
	unsigned int len;

	switch (k) {
	case 'd': putf(o, "%d", (int)v); break;
	case 'l': putf(o, "%ld", v); break;
	case 'u': putf(o, "%lu", (unsigned long)v); break;
	case 'x': putf(o, "%#lx", (unsigned long)v); break;
	case 'o': putf(o, "%#o", (unsigned int)v); break;
	case 'p': put_ptr(o, v); break;
	case 'f': put_fd(o, v); break;
	case 's': put_string(o, v); break;
	case 'b': put_buffer(o, v, i < 5 ? a[i + 1] : 0); break;
	case 'B':
		if (ok)
			put_buffer(o, v, ret);
		else
			put_ptr(o, v);
		break;
	case 'v': put_iovec(o, v, i < 5 ? a[i + 1] : 0, -1); break;
	case 'V':
		if (ok)
			put_iovec(o, v, i < 5 ? a[i + 1] : 0, ret);
		else
			put_ptr(o, v);
		break;
	case 'O': put_open_flags(o, (unsigned long)v); break;
	case 'A': FLAGS(o, (unsigned long)v, at_flags); break;
	case 'P':
		if (!v)
			put(o, "PROT_NONE");
		else
			FLAGS(o, (unsigned long)v, prot_flags);
		break;
	case 'M': FLAGS(o, (unsigned long)v, map_flags); break;
	case 'C':
		FLAGS(o, (unsigned long)v & ~0xffUL, clone_flags);
		if (v & 0xff) {
			put(o, "|");
			put_signal(o, v & 0xff);
		}
		break;
	case 'F': put_futex_op(o, (unsigned long)v); break;
	case 'S': put_signal(o, v); break;
	case 'W': ENUM(o, v, whences); break;
	case 'E': ENUM(o, v, epoll_ops); break;
	case 'I': ENUM(o, v, ioctls); break;
	case 'N': ENUM(o, v, fcntl_cmds); break;
	case 'H': ENUM(o, v, sig_hows); break;
	case 'R': ENUM(o, v, arch_prctl_codes); break;
	case 'D': ENUM(o, v, families); break;
	case 'Y': put_sock_type(o, (unsigned long)v); break;
	case 't': put_timespec(o, v); break;
	case 'c': ENUM(o, (int)v, clocks); break;
	case 'j': FLAGS(o, (unsigned int)v, tfd_flags); break;
	case 'J': FLAGS(o, (unsigned int)v, tfd_set_flags); break;
	case 'm': put_inotify_mask(o, (unsigned int)v); break;
	case 'e': FLAGS(o, (unsigned int)v, inotify_init_flags); break;
	case 'X': FLAGS(o, (unsigned int)v, xattr_flags); break;
	case 'i': put_itimerspec(o, v); break;
	case 'n':
		if (ok)
			put_itimerspec(o, v);
		else
			put_ptr(o, v);
		break;
	case 'T':
		if (ok)
			put_timespec(o, v);
		else
			put_ptr(o, v);
		break;
	case 'k': put_sockaddr(o, v, i < 5 ? a[i + 1] : 0); break;
	case 'K':
		if (ok && i < 5 && peek(&len, a[i + 1], sizeof(len)) ==
				   sizeof(len))
			put_sockaddr(o, v, len);
		else
			put_ptr(o, v);
		break;
	case 'z':
		if (ok)
			put_stat(o, v);
		else
			put_ptr(o, v);
		break;
	case 'g': put_sigset(o, v); break;
	case 'G':
		if (ok && v)
			put_sigset(o, v);
		else
			put_ptr(o, v);
		break;
	case '2':
		if (ok)
			put_fdpair(o, v);
		else
			put_ptr(o, v);
		break;
	case 'q': put_pollfds(o, v, i < 5 ? a[i + 1] : 0); break;
	case 'y': put_ipc_key(o, v); break;
	case 'Q': put_ipc_get_flags(o, (unsigned long)v); break;
	case 'h': FLAGS(o, (unsigned long)v, shmat_flags); break;
	case 'w': FLAGS(o, (unsigned long)v, msg_flags); break;
	case 'a': put_sembufs(o, v, i < 5 ? a[i + 1] : 0); break;
	case 'U': ENUM(o, (int)v, shm_cmds); break;
	case 'L': ENUM(o, (int)v, sem_cmds); break;
	case 'Z': ENUM(o, (int)v, msg_cmds); break;
	default: putf(o, "%#lx", (unsigned long)v); break;
	}
}

static const char *const errnames[] = {
	NULL, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG",
	"ENOEXEC", "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT",
	"ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR",
	"EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC",
	"ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",
	"ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", NULL,
	"ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG",
	"EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO",
	"EBADRQC", "EBADSLT", NULL, "EBFONT", "ENOSTR", "ENODATA", "ETIME",
	"ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
	"ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW",
	"ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN",
	"ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS",
	"ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT",
	"EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
	"EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN",
	"ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS",
	"EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT",
	"ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY",
	"EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM",
	"EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED",
	"ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD",
	"ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
};

const char *uk_syscall_errname(long err)
{
	if (err <= 0 || err >= (long)ARRAY_SIZE(errnames))
		return NULL;
	return errnames[err];
}

static const struct trace_fmt *fmt_of(long n)
{
	const char *name = uk_syscall_name(n);
	__sz i;

	if (!name)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(fmts); i++)
		if (!strcmp(fmts[i].name, name))
			return &fmts[i];
	return NULL;
}

const char *uk_syscall_arg_kinds(long n)
{
	const struct trace_fmt *f = fmt_of(n);

	return f ? f->args : NULL;
}

int uk_syscall_format(char *buf, __sz size, long n, const long args[6],
		      long ret, int phase)
{
	const struct trace_fmt *f = fmt_of(n);
	const char *name = uk_syscall_name(n);
	struct out o = { buf, size, 0 };
	int exit = phase == UK_SYSCALL_TRACE_EXIT;
	int ok = exit && (ret >= 0 || ret < -4095);
	const char *err;
	int i;

	buf[0] = '\0';
	if (name)
		put(&o, name);
	else
		putf(&o, "syscall_%ld", n);
	put(&o, "(");
	for (i = 0; f && f->args[i] && i < 6; i++) {
		if (i)
			put(&o, ", ");
		put_arg(&o, f->args[i], args, i, ret, ok);
	}
	if (!f) {
		for (i = 0; i < 6; i++)
			putf(&o, "%s%#lx", i ? ", " : "",
			     (unsigned long)args[i]);
	}
	put(&o, ")");
	if (!exit) {
		put(&o, " = ?");
	} else if (ret < 0 && ret >= -4095) {
		err = uk_syscall_errname(-ret);
		putf(&o, " = %ld %s", ret, err ? err : "");
	} else if (f && f->ret == 'x') {
		putf(&o, " = %#lx", (unsigned long)ret);
	} else {
		putf(&o, " = %ld", ret);
	}
	if (o.len == size - 1 && size > 4)
		memcpy(buf + size - 4, "...", 4);
	return (int)o.len;
}

#define LINE_MAX_LEN	512

static void trace_print(long n, const long args[6], long ret, int phase)
{
	struct uk_thread *t = uk_thread_current();
	char line[LINE_MAX_LEN];
	int len = 0;

	/* As strace -f: the thread, unless it is the first one. */
	if (t && t->id != 1)
		len = snprintf(line, sizeof(line), "[%lu] ", t->id);
	len += uk_syscall_format(line + len, sizeof(line) - 1 - len, n, args,
				 ret, phase);
	line[len++] = '\n';
	ukplat_coutk(line, (unsigned int)len);
}

long uk_syscall_traced(long n, uk_syscall_fn_t fn, long a1, long a2,
		       long a3, long a4, long a5, long a6)
{
	long args[6] = { a1, a2, a3, a4, a5, a6 };
	const char *name = uk_syscall_name(n);
	long ret;

	/* Calls that do not come back are printed on the way in. */
	if (name && (!strcmp(name, "exit") || !strcmp(name, "exit_group") ||
		     !strcmp(name, "rt_sigreturn")))
		trace_print(n, args, 0, UK_SYSCALL_TRACE_ENTER);
	ret = fn ? fn(a1, a2, a3, a4, a5, a6) : uk_syscall_not_implemented(n);
	trace_print(n, args, ret, UK_SYSCALL_TRACE_EXIT);
	return ret;
}

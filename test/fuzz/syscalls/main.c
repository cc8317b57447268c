/*
 * syscalls: a random-call loop over the kernel's system-call table, run
 * as an image (sim or QEMU).
 *
 *   fuzz-syscalls [-n CALLS] [-s SEED] [-v]
 *
 * Every implemented call (uk_syscall_implemented) is a candidate except
 * those that end or replace the program (exit, exit_group, execve,
 * rt_sigreturn, clone, fork, reboot, pause, rt_sigsuspend). Arguments
 * are drawn by their kinds (uk_syscall_arg_kinds: the letters of
 * syscall.trace's printer), one in eight of any kind, with the seed's
 * xorshift generator, from: fds (mostly the
 * small ones the loop and its calls made), pointers (into a pool of
 * pages, read-only, PROT_NONE and page-crossing ones; into a scratch of
 * random structs holding pool and bad pointers; NULL, kernel heap,
 * direct map, non-canonical, image text), paths, sizes (0, 1, page,
 * SSIZE_MAX, ~0...), flag words and boundary integers.
 *
 * A few arguments are shaped so that the loop itself goes on, as a
 * harness would with timeouts: every open fd is made O_NONBLOCK after
 * each call, time-outs are short (poll, select, futex, nanosleep...),
 * F_SETLKW and flock wait no more, signal handlers are SIG_IGN or a
 * no-op (never a random address), kill sends harmless signals, a
 * timer's signal has the no-op handler (unless the input changed it)
 * and is never a deadly one (SIGKILL, SIGSEGV...), memory calls
 * (munmap, mprotect, mremap, MAP_FIXED...) name the pool or
 * kernel-only memory, not the loop's own stack or code, and
 * arch_prctl does not move %fs. fds 0-2 are /dev/null.
 *
 * An input instead of a seed (coverage-guided fuzzing, test/fuzz/README.md):
 *
 *   fuzz-syscalls -x HEX [-v]        replay one input (what a find prints)
 *   fuzz-syscalls -F [LIBFUZZER-FLAGS] [CORPUS...]
 *                                    libFuzzer's loop (-Dfuzz=true builds)
 *
 * An input is a sequence of calls, 32 bytes each: two bytes of
 * system-call number (Linux's; one the loop does not make picks a
 * candidate), four that seed the contents of structs and 64-bit values,
 * then one or two bytes per choice the generator below makes (argument
 * kinds, pool pointers, sizes...; the seed's generator makes those past
 * the 32). The kernel boots once; between inputs the fds,
 * mappings, files, signal actions and limits an input changed are put
 * back, so an input does the same thing however often it runs.
 *
 * The same seed makes the same calls. -v prints each call before it is
 * made; -k syscall.trace=1 prints them with their results. A kernel
 * crash is a find: its report and a non-zero exit. At the end the loop
 * checks that files, pipes and memory still work and prints one line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/print.h>
#include <uk/syscall.h>

#define PAGE		4096UL
#define POOL_PAGES	16
#define DATA_SIZE	(64 * 1024)
#define SLOT_SIZE	512

static unsigned long long rng;

static unsigned long long rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* An input's bytes (-x, -F), a record of INPUT_RECORD bytes a call:
 * choices are read from the call's record, one byte for fewer than 257
 * alternatives, two for fewer than 65537, else four; past its end, and
 * while a struct is filled (filling), they come from rnd(). */
#define INPUT_RECORD	32
static const unsigned char *in_p, *in_end;
static int in_mode, filling;

static unsigned long in_bytes(unsigned int k)
{
	unsigned long v = 0;
	unsigned int i;

	for (i = 0; i < k && in_p < in_end; i++)
		v |= (unsigned long)*in_p++ << (8 * i);
	return v;
}

static unsigned long pick(unsigned long n)
{
	if (!n)
		return 0;
	if (!in_mode || filling || in_p >= in_end)
		return rnd() % n;
	return in_bytes(n <= 256 ? 1 : n <= 65536 ? 2 : 4) % n;
}

static char *pool;		/* mmap'd: the memory calls' target */
static char *data;		/* mmap'd: structs, paths, time-outs */
static void *kheap;		/* a kernel heap block: never app memory */

/* --- the calls ------------------------------------------------------ */

static const char *const skip_names[] = {
	"exit", "exit_group", "execve", "execveat", "rt_sigreturn",
	"clone", "clone3", "fork", "vfork", "reboot", "pause",
	"rt_sigsuspend", "kexec_load", "kexec_file_load",
	/* It may wait for ever; semtimedop runs the same code. */
	"semop",
};

static long calls[UK_SYSCALL_NR_MAX];
static unsigned char is_call[UK_SYSCALL_NR_MAX];
static unsigned int ncalls;
static unsigned long counts[UK_SYSCALL_NR_MAX];

static int skipped(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(skip_names) / sizeof(skip_names[0]); i++)
		if (!strcmp(name, skip_names[i]))
			return 1;
	return 0;
}

static void calls_init(void)
{
	const char *name;
	long n;

	for (n = 0; n < UK_SYSCALL_NR_MAX; n++) {
		name = uk_syscall_name(n);
		if (!name || !uk_syscall_implemented(n) || skipped(name))
			continue;
		calls[ncalls++] = n;
		is_call[n] = 1;
	}
}

static long nr(const char *name)
{
	return uk_syscall_nr(name);
}

/* --- arguments -------------------------------------------------------- */

static const long boundary[] = {
	0, 1, -1, 2, 3, 7, 8, 16, 64, 255, 256, 1024, 4095, 4096, 4097,
	65535, 65536, 0x7fffffffL, -0x80000000L, 0xffffffffL, 0x100000000L,
	0x7fffffffffffffffL, (long)0x8000000000000000UL, -4096, -100,
};

static const char *const paths[] = {
	"/", ".", "..", "", "/tmp", "/tmp/fz", "/tmp/fz/a", "/tmp/fz/b",
	"/tmp/fz/d", "/tmp/fz/d/e", "/tmp/fz/link", "/tmp/fz/nope/x",
	"/dev/null", "/dev/zero", "/dev/urandom", "/etc/passwd", "/etc",
	"/proc/self/exe", "/proc/self", "a", "fz/a", "/tmp//fz/../fz/./a",
	"/dev",
};

static long fd_arg(void)
{
	static const long bad[] = { -1, -100, 0x7fffffff, 1 << 20, 4096,
				    65535, -0x80000000L };

	if (pick(10) < 8)
		return (long)pick(pick(4) ? 16 : 64);
	return bad[pick(sizeof(bad) / sizeof(bad[0]))];
}

static long size_arg(void)
{
	static const long sizes[] = {
		0, 1, 2, 8, 16, 64, 100, 4095, 4096, 4097, 8192, 65536,
		1L << 20, 0x7fffffffL, 0x80000000L, 0xffffffffL,
		0x7fffffffffffffffL, -1L, -4096L, 1L << 46,
	};

	if (pick(3) == 0)
		return (long)pick(512);
	return sizes[pick(sizeof(sizes) / sizeof(sizes[0]))];
}

/* Pointers the kernel must refuse, or that point at nothing (NULL
 * too, unless nonnull): no call can read them. */
static long unreadable_ptr(int nonnull)
{
	switch (pick(6)) {
	case 0:
		if (!nonnull)
			return 0;
		/* fall through */
	case 1:
		return (long)kheap;
	case 2:
		return (long)0xffff800000000000UL + (long)(pick(64) * PAGE);
	case 3:
		return (long)0x8000000000000000UL;
	case 4:
		return (long)0xfffffffffffff000UL;
	default:
		return (long)pick(65536) | (nonnull ? 1 : 0);
	}
}

/* The same, and image text: readable, never writable. */
static long bad_ptr(void)
{
	if (pick(6) == 0)
		return (long)&rnd + (long)pick(256);
	return unreadable_ptr(0);
}

static long pool_ptr(void)
{
	switch (pick(6)) {
	case 0:	/* the read-only page */
		return (long)(pool + (POOL_PAGES - 2) * PAGE + pick(PAGE));
	case 1:	/* crossing into the PROT_NONE page */
		return (long)(pool + (POOL_PAGES - 1) * PAGE - 1 - pick(16));
	case 2:	/* unaligned */
		return (long)(pool + 1 + pick(7));
	default:
		return (long)(pool + pick(POOL_PAGES - 2) * PAGE +
			      (pick(2) ? 0 : pick(PAGE)));
	}
}

/* A slot of the scratch, filled with random words, small numbers and
 * pointers (iovecs, msghdrs, sockaddrs, fd arrays, timespecs...). */
static long struct_ptr(void)
{
	long *w = (long *)(data + pick(DATA_SIZE / SLOT_SIZE - 8) *
			   SLOT_SIZE);
	unsigned int i;

	filling++;
	for (i = 0; i < SLOT_SIZE / sizeof(long); i++) {
		switch (pick(6)) {
		case 0:
			w[i] = pool_ptr();
			break;
		case 1:
			w[i] = bad_ptr();
			break;
		case 2:
			w[i] = size_arg();
			break;
		case 3:
			w[i] = (long)pick(64);
			break;
		case 4:
			w[i] = (long)(pick(64) | (pick(64) << 32));
			break;
		default:
			w[i] = (long)rnd();
		}
	}
	filling--;
	return (long)w;
}

/* The last slots of the scratch: paths and short time-outs. */
#define PATH_SLOT	(DATA_SIZE - 4 * SLOT_SIZE)
#define TIME_SLOT	(DATA_SIZE - 2 * SLOT_SIZE)

static long path_arg(void)
{
	char *p = data + PATH_SLOT + pick(2) * SLOT_SIZE / 2;
	unsigned int i, n;

	if (pick(8) == 0) {
		/* A long path of "a/" segments. */
		n = (unsigned int)pick(2 * SLOT_SIZE / 2 - 1);
		for (i = 0; i < n; i++)
			p[i] = i & 1 ? '/' : 'a';
		p[n] = 0;
		return (long)p;
	}
	strcpy(p, paths[pick(sizeof(paths) / sizeof(paths[0]))]);
	return (long)p;
}

static long ptr_arg(void)
{
	switch (pick(8)) {
	case 0:
	case 1:
		return bad_ptr();
	case 2:
	case 3:
		return struct_ptr();
	case 4:
		return path_arg();
	default:
		return pool_ptr();
	}
}

static long any_arg(void)
{
	switch (pick(10)) {
	case 0:
	case 1:
		return fd_arg();
	case 2:
	case 3:
		return ptr_arg();
	case 4:
		return size_arg();
	case 5:	/* a few flag bits */
		return (long)((1UL << pick(32)) | (pick(2) ? 1UL << pick(32)
							   : 0));
	case 6:
		return (long)pick(66) - 2;
	case 7:
		return boundary[pick(sizeof(boundary) / sizeof(boundary[0]))];
	case 8:
		return (long)(pick(4) ? pick(16) : rnd());
	default:
		return (long)rnd();
	}
}

/* A short time-out: a timespec (or timeval) of at most 1 ms, or a bad
 * pointer; never NULL where NULL means "wait for ever". */
static long timeout_ptr(void)
{
	long *t = (long *)(data + TIME_SLOT);

	if (pick(5) == 0)
		return unreadable_ptr(1);
	t[0] = 0;
	t[1] = (long)pick(1000);
	t[2] = 0;
	t[3] = 0;
	return (long)t;
}

/* For memory calls: the pool, or memory that is never the app's. */
static void mm_range(long *addr, long *len)
{
	long off;

	if (pick(4) == 0) {
		*addr = pick(2) ? bad_ptr() : (long)&rnd;
		*len = size_arg();
		if (!*addr)
			*len &= 0xffffff;
		return;
	}
	off = (long)(pick(POOL_PAGES) * PAGE) + (pick(8) ? 0 : (long)pick(PAGE));
	*addr = (long)pool + off;
	*len = pick(4) ? (long)(pick(POOL_PAGES + 1) * PAGE) : (long)pick(PAGE);
	if (off + *len > (long)(POOL_PAGES * PAGE))
		*len = (long)(POOL_PAGES * PAGE) - off;
}

/* A struct k_sigaction whose handler is SIG_IGN or a no-op. */
static void noop(int sig)
{
	(void)sig;
}

static long sigaction_ptr(void)
{
	unsigned long *a = (unsigned long *)(data + TIME_SLOT + 64);

	switch (pick(4)) {
	case 0:
		return 0;
	case 1:
		return unreadable_ptr(1);
	}
	a[0] = pick(2) ? (unsigned long)SIG_IGN : (unsigned long)noop;
	/* No SA_ONSTACK, SA_RESETHAND or SA_RESTORER: the loop goes on. */
	a[1] = rnd() & ~(0x08000000UL | 0x80000000UL | 0x04000000UL);
	a[2] = 0;
	a[3] = rnd();
	return (long)a;
}

/* Signals whose default action the loop keeps: those that report its
 * own faults (a fault of the loop must end it) and SIGKILL. A timer an
 * input arms may send any other. */
static int loop_deadly(long sig)
{
	switch (sig) {
	case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGSYS: case SIGKILL:
		return 1;
	}
	return 0;
}

/* timer_create's and mq_notify's sigevent: a timer or a message may
 * not send a deadly signal (the kernel's own copy rules say whether it
 * can be read and patched; if it cannot be patched, the default
 * sigevent: SIGALRM for a timer, none for mq_notify). */
static void shape_sigevent(long *a)
{
	struct { long value; int signo, notify; } ev;
	int urg = SIGURG;

	if (!*a || uk_copy_from_user(&ev, (void *)*a, sizeof(ev)) < 0)
		return;
	if (ev.notify == SIGEV_NONE || !loop_deadly(ev.signo))
		return;
	if (uk_copy_to_user((char *)*a + offsetof(typeof(ev), signo), &urg,
			    sizeof(urg)) < 0)
		*a = 0;
}

static struct {
	long mmap, munmap, mprotect, mremap, madvise, msync, mlock,
	     munlock, mincore, pkey_mprotect, remap_file_pages,
	     poll, ppoll, select, pselect6, epoll_wait, epoll_pwait,
	     epoll_pwait2, nanosleep, clock_nanosleep, futex,
	     rt_sigtimedwait, recvmmsg, flock, fcntl, rt_sigaction, kill,
	     tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, arch_prctl,
	     mknod, mknodat, io_getevents, semtimedop, mq_timedreceive,
	     mq_timedsend, mq_notify, futex_waitv, getpid, timer_create,
	     msgsnd, msgrcv, shmat;
} N;

static void nr_init(void)
{
#define NR(x)	N.x = nr(#x)
	NR(mmap); NR(munmap); NR(mprotect); NR(mremap); NR(madvise);
	NR(msync); NR(mlock); NR(munlock); NR(mincore); NR(pkey_mprotect);
	NR(remap_file_pages); NR(poll); NR(ppoll); NR(select);
	NR(pselect6); NR(epoll_wait); NR(epoll_pwait); NR(epoll_pwait2);
	NR(nanosleep); NR(clock_nanosleep); NR(futex);
	NR(rt_sigtimedwait); NR(recvmmsg); NR(flock); NR(fcntl);
	NR(rt_sigaction); NR(kill); NR(tkill); NR(tgkill);
	NR(rt_sigqueueinfo); NR(rt_tgsigqueueinfo); NR(arch_prctl);
	NR(mknod); NR(mknodat); NR(io_getevents); NR(semtimedop);
	NR(mq_timedreceive); NR(mq_timedsend); NR(mq_notify);
	NR(futex_waitv); NR(getpid); NR(timer_create);
	NR(msgsnd); NR(msgrcv); NR(shmat);
#undef NR
}

/* The actions the loop runs with (at its start and after each input):
 * the no-op handler for every signal that would end the program but
 * is not deadly (a timer an input armed may fire during the input, as
 * it would on Linux), SIG_IGN for SIGPIPE, the default for the rest.
 * Each is ignored first, which drops an instance an input left pending
 * (blocked). Raw calls: musl refuses its internal signals 32-34. */
static void signals_reset(void)
{
	unsigned long act[4] = { 0 };
	long sig;

	for (sig = 1; sig < 65; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		act[0] = (unsigned long)SIG_IGN;
		uk_syscall6(N.rt_sigaction, sig, (long)act, 0, 8, 0, 0);
		if (sig == SIGPIPE)
			continue;
		act[0] = loop_deadly(sig) || sig == SIGCHLD ||
			 sig == SIGCONT || sig == SIGURG || sig == SIGWINCH ||
			 (sig >= SIGTSTP && sig <= SIGTTOU) ?
			 (unsigned long)SIG_DFL : (unsigned long)noop;
		uk_syscall6(N.rt_sigaction, sig, (long)act, 0, 8, 0, 0);
	}
}

/* Signals whose default action is to ignore them: kill may send them
 * (and 0, and invalid numbers). */
static long harmless_sig(void)
{
	static const long sigs[] = { 0, SIGCHLD, SIGURG, SIGWINCH, SIGCONT,
				     65, -1, 1000 };

	return sigs[pick(sizeof(sigs) / sizeof(sigs[0]))];
}

/* Makes the arguments of call n keep the loop going (see the top). */
static void shape(long n, long a[6])
{
	if (n == N.munmap || n == N.mprotect || n == N.madvise ||
	    n == N.msync || n == N.mlock || n == N.munlock ||
	    n == N.pkey_mprotect || n == N.remap_file_pages ||
	    n == N.mincore) {
		mm_range(&a[0], &a[1]);
	} else if (n == N.mmap) {
		/* MAP_FIXED, MAP_FIXED_NOREPLACE: inside the pool. */
		if (a[3] & (0x10 | 0x100000))
			mm_range(&a[0], &a[1]);
	} else if (n == N.mremap) {
		mm_range(&a[0], &a[1]);
		if (a[3] & 2)	/* MREMAP_FIXED */
			mm_range(&a[4], &a[2]);
	} else if (n == N.poll || n == N.epoll_wait || n == N.epoll_pwait) {
		a[n == N.poll ? 2 : 3] = (long)pick(2);
	} else if (n == N.ppoll || n == N.epoll_pwait2) {
		a[n == N.ppoll ? 2 : 3] = timeout_ptr();
	} else if (n == N.select || n == N.pselect6) {
		a[4] = timeout_ptr();
	} else if (n == N.nanosleep) {
		a[0] = timeout_ptr();
	} else if (n == N.clock_nanosleep) {
		a[2] = timeout_ptr();
	} else if (n == N.futex || n == N.rt_sigtimedwait ||
		   n == N.futex_waitv) {
		a[n == N.rt_sigtimedwait ? 2 : 3] = timeout_ptr();
	} else if (n == N.recvmmsg || n == N.io_getevents ||
		   n == N.mq_timedreceive || n == N.mq_timedsend) {
		a[4] = timeout_ptr();
	} else if (n == N.semtimedop) {
		a[3] = timeout_ptr();
	} else if (n == N.msgsnd || n == N.msgrcv) {
		a[n == N.msgsnd ? 3 : 4] |= 04000;	/* IPC_NOWAIT */
	} else if (n == N.shmat) {
		a[2] &= ~040000L;	/* SHM_REMAP: the loop's memory */
	} else if (n == N.flock) {
		a[1] |= LOCK_NB;
	} else if (n == N.fcntl) {
		if (a[1] == F_SETLKW || a[1] == F_OFD_SETLKW)
			a[1]--;
	} else if (n == N.rt_sigaction) {
		a[1] = sigaction_ptr();
	} else if (n == N.kill || n == N.tkill || n == N.rt_sigqueueinfo) {
		a[1] = harmless_sig();
	} else if (n == N.tgkill || n == N.rt_tgsigqueueinfo) {
		a[2] = harmless_sig();
	} else if (n == N.arch_prctl) {
		/* ARCH_SET_GS, ARCH_SET_FS: the loop's own TLS. */
		if (a[0] == 0x1001 || a[0] == 0x1002)
			a[0] = 0x1003;
	} else if (n == N.timer_create || n == N.mq_notify) {
		shape_sigevent(&a[1]);
	} else if (n == N.mknod || n == N.mknodat) {
		/* No FIFOs: opening one waits for the other end. */
		int i = n == N.mknod ? 1 : 2;

		if ((a[i] & S_IFMT) == S_IFIFO)
			a[i] = (a[i] & ~(long)S_IFMT) | S_IFREG;
	}
}

/* A slot of the scratch to fill with a struct. */
static long *slot(void)
{
	return (long *)(data + pick(DATA_SIZE / SLOT_SIZE - 8) * SLOT_SIZE);
}

/* An iovec array: pool buffers (or bad ones) and small lengths. */
static long iov_ptr(void)
{
	long *w = slot();
	unsigned int i;

	filling++;
	for (i = 0; i < 16; i++) {
		w[2 * i] = pick(5) ? pool_ptr() : bad_ptr();
		w[2 * i + 1] = pick(5) ? (long)pick(2 * PAGE) : size_arg();
	}
	filling--;
	return (long)w;
}

/* A sockaddr of a family the kernel knows, loopback, a small port. */
static long sockaddr_ptr(void)
{
	static const unsigned short fams[] = { 1, 2, 10, 16, 0, 0xffff };
	unsigned char *b = (unsigned char *)slot();
	unsigned int i;

	filling++;
	for (i = 0; i < 128; i++)
		b[i] = (unsigned char)(pick(3) ? pick(4) : rnd());
	filling--;
	*(unsigned short *)b = fams[pick(sizeof(fams) / sizeof(fams[0]))];
	b[2] = 0x1e;
	b[3] = (unsigned char)(0x61 + pick(4));	/* ports 7777-7780 */
	if (b[0] == 2) {
		b[4] = 127;
		b[7] = 1;
	} else if (b[0] == 1) {
		memcpy(b + 2, pick(2) ? "/tmp/fz/s" : "\0fz", 10);
	}
	return (long)b;
}

/* A pollfd array of small fds and random events. */
static long pollfd_ptr(void)
{
	int *w = (int *)slot();
	unsigned int i;

	filling++;
	for (i = 0; i < 32; i++) {
		w[2 * i] = (int)fd_arg();
		w[2 * i + 1] = (int)rnd();
	}
	filling--;
	return (long)w;
}

static long pick_of(const long *v, unsigned long n)
{
	return v[pick(n)];
}

#define PICK(...)	({ static const long __v[] = { __VA_ARGS__ };	\
			   pick_of(__v, sizeof(__v) / sizeof(__v[0])); })

/* One argument of kind k (uk_syscall_arg_kinds), most of the time of
 * the right kind, else anything. */
static long typed_arg(char k)
{
	if (pick(8) == 0)
		return any_arg();
	switch (k) {
	case 'd':
		return pick(2) ? (long)pick(66) - 2 : any_arg();
	case 'l':
	case 'u':
		return size_arg();
	case 'f':
		return pick(8) ? fd_arg() : -100;
	case 's':
		return pick(8) ? path_arg() : bad_ptr();
	case 'p':
		return ptr_arg();
	case 'b':
	case 'B':
	case 'z':
	case '2':
	case 'T':
	case 'G':
		return pick(4) ? pool_ptr() : bad_ptr();
	case 'v':
	case 'V':
		return pick(6) ? iov_ptr() : bad_ptr();
	case 'k':
	case 'K':
		return pick(6) ? sockaddr_ptr() : bad_ptr();
	case 'q':
		return pick(6) ? pollfd_ptr() : bad_ptr();
	case 't':
	case 'g':
		return pick(4) ? struct_ptr() : bad_ptr();
	case 'o':
		return (long)pick(010000) | (pick(4) ? 0 :
			PICK(S_IFREG, S_IFDIR, S_IFCHR, S_IFLNK, S_IFSOCK));
	case 'O':
		return (long)(rnd() & (pick(2) ? 0x3fffff : 0x7f3));
	case 'A':
		return PICK(0, 0x100, 0x200, 0x400, 0x800, 0x1000, 0x6000,
			    0x1100, 0x8000);
	case 'P':
		return (long)pick(8) | (pick(8) ? 0 : 0x1000000);
	case 'M':
		return PICK(0x02, 0x22, 0x01, 0x21, 0x12, 0x32, 0x8022,
			    0x100022, 0x40022) | (pick(4) ? 0 : (long)rnd());
	case 'F':
		return (long)pick(14) | (pick(2) ? 128 : 0) |
		       (pick(4) ? 0 : 256);
	case 'S':
		return (long)pick(67) - 1;
	case 'W':
		return (long)pick(6);
	case 'E':
		return (long)pick(5);
	case 'I':
		return PICK(0x5421, 0x541b, 0x5401, 0x5402, 0x5413, 0x5451,
			    0x5450, 0x5414, 0x8910, 0x8912, 0x8915, 0x540b);
	case 'N':
		return (long)pick(4) ? (long)pick(17) : 1024 + (long)pick(18);
	case 'H':
		return (long)pick(4);
	case 'R':
		return 0x1001 + (long)pick(4);
	case 'D':
		return PICK(1, 2, 10, 16, 17, 0, 46, 255);
	case 'Y':
		return PICK(1, 2, 3, 5, 10) | (pick(2) ? 04000 : 0) |
		       (pick(2) ? 02000000 : 0);
	default:
		return any_arg();
	}
}

static void gen(long n, long a[6])
{
	const char *k = uk_syscall_arg_kinds(n);
	unsigned int i;

	for (i = 0; i < 6; i++)
		a[i] = k && i < strlen(k) ? typed_arg(k[i]) : any_arg();
	if (!k) {
		/* No format: an fd or a path first, most of the time. */
		if (pick(3))
			a[0] = pick(5) ? fd_arg() : -100;
		if (pick(3) == 0)
			a[1] = path_arg();
		else if (pick(3) == 0)
			a[0] = path_arg();
	}
	shape(n, a);
}

/* No open fd may block the loop: the fds below 1024 are scanned until
 * all uk_fdtab_count() open ones are seen, higher ones are remembered
 * when a call returns them (dup2, F_DUPFD). */
#define HIGH_FDS	16

static long high_fds[HIGH_FDS];
static unsigned int nhigh, next;

static int fd_nonblock(long fd)
{
	long fl;

	fl = uk_syscall6(N.fcntl, fd, F_GETFL, 0, 0, 0, 0);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		uk_syscall6(N.fcntl, fd, F_SETFL, fl | O_NONBLOCK, 0, 0, 0);
	return fl != -EBADF;
}

static void fds_nonblock(long rc)
{
	int open = uk_fdtab_count(), seen = 0;
	unsigned int i;
	long fd;

	for (fd = 0; fd < 1024 && seen < open; fd++)
		seen += fd_nonblock(fd);
	if (rc >= 1024 && rc < UK_FDTAB_MAX && fd_nonblock(rc)) {
		for (i = 0; i < nhigh && high_fds[i] != rc; i++)
			;
		if (i == nhigh) {
			high_fds[next++ % HIGH_FDS] = rc;
			if (nhigh < HIGH_FDS)
				nhigh++;
		}
	}
	for (i = 0; i < nhigh; i++)
		fd_nonblock(high_fds[i]);
}

/* --- setup and the check after ---------------------------------------- */

static void die(const char *what)
{
	uk_printk_raw("fuzz-syscalls: setup: %s: %s\n", what,
		      strerror(errno));
	exit(2);
}

/* Input modes: /dev/null opened at the start, at fd NULL_FD, which
 * reset() leaves open (an input may unlink /dev/null, as root may). */
#define NULL_FD		1023
static int null_fd = -1;

static void setup_fds(void)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons(7777) };
	int fd, i, p[2], sv[2];

	fd = open("/dev/null", O_RDWR);
	if (fd < 0 && null_fd >= 0)	/* an input removed /dev/null */
		fd = dup(null_fd);
	if (fd < 0 && null_fd >= 0)	/* and closed its fd */
		fd = open("/", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		die("/dev/null");
	if (null_fd >= 0 && fcntl(null_fd, F_GETFD) < 0)
		dup2(fd, null_fd);
	for (i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			die("dup2");
	close(fd);
	if (mkdir("/tmp/fz", 0777) < 0 && errno != EEXIST)
		die("mkdir");
	mkdir("/tmp/fz/d", 0777);
	if (open("/tmp/fz/a", O_RDWR | O_CREAT, 0644) < 0)
		die("/tmp/fz/a");
	symlink("a", "/tmp/fz/link");
	if (pipe(p) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		die("pipe, socketpair");
	eventfd(0, 0);
	epoll_create1(0);
	open("/tmp/fz", O_RDONLY | O_DIRECTORY);
	open("/dev/zero", O_RDONLY);
	timerfd_create(CLOCK_MONOTONIC, 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 && bind(fd, (void *)&in, sizeof(in)) == 0)
		listen(fd, 4);
	socket(AF_INET, SOCK_DGRAM, 0);
	socket(AF_INET6, SOCK_STREAM, 0);
	chdir("/tmp");
}

#define REGION_SIZE	(DATA_SIZE + (POOL_PAGES + 3) * PAGE)

static char *region;

static void setup_memory(void)
{
	char *m;

	/* guard, data, guard, pool (16 pages, the last two read-only and
	 * PROT_NONE), guard: a huge length stops at a guard. Again at the
	 * same place for each input (MAP_FIXED): whatever an input
	 * mapped, unmapped or protected there is replaced. */
	m = mmap(region, REGION_SIZE, PROT_NONE, MAP_PRIVATE |
		 MAP_ANONYMOUS | (region ? MAP_FIXED : 0), -1, 0);
	if (m == MAP_FAILED)
		die("mmap");
	region = m;
	data = m + PAGE;
	pool = data + DATA_SIZE + PAGE;
	if (mprotect(data, DATA_SIZE, PROT_READ | PROT_WRITE) ||
	    mprotect(pool, (POOL_PAGES - 1) * PAGE, PROT_READ | PROT_WRITE))
		die("mprotect");
	memset(pool, 0x5a, (POOL_PAGES - 2) * PAGE);
	if (mprotect(pool + (POOL_PAGES - 2) * PAGE, PAGE, PROT_READ))
		die("mprotect");
	if (!kheap)
		kheap = uk_malloc(uk_alloc_get_default(), 256);
	if (!kheap)
		die("kernel heap");
}

/* What the loop's mmap and mremap calls mapped (the last MAPS_MAX),
 * unmapped before the check. */
#define MAPS_MAX	4096
static struct {
	unsigned long va, len;
} maps[MAPS_MAX];
static unsigned int maps_next;

static void note_map(long n, const long a[6], long rc)
{
	if (rc < 0 && rc > -4096)
		return;
	if (n != N.mmap && n != N.mremap)
		return;
	maps[maps_next].va = (unsigned long)rc;
	maps[maps_next].len = n == N.mmap ? a[1] : a[2];
	maps_next = (maps_next + 1) % MAPS_MAX;
}

static int unlink_data(const char *path, const struct stat *st, int type,
		       struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode) && st->st_size &&
	    strncmp(path, "/dev/", 5) && strncmp(path, "/proc/", 6))
		unlink(path);
	return 0;
}

/* The resource limits before the calls: what reset() and still_alive()
 * put back. */
static struct rlimit limits[RLIM_NLIMITS];

static void limits_save(void)
{
	unsigned int i;

	for (i = 0; i < RLIM_NLIMITS; i++)
		getrlimit((int)i, &limits[i]);
}

/* After the loop (and with the fds it left closed): pipes, memory and
 * the kernel heap still work. Files may not: the calls may have filled
 * the file system or renamed /tmp. The calls may have filled memory
 * too, as an app may (ramfs takes up to half of it, reads of a large
 * shared mapping the rest; Linux would kill such an app): once the
 * files with data are unlinked (which must always be possible) and the
 * loop's mappings unmapped, there must be memory again. */
static int still_alive(void)
{
	char buf[8] = { 0 };
	int fd, p[2], ok;
	unsigned int i;
	void *m;

	/* Calls may have lowered RLIMIT_NOFILE below the fds checked
	 * here: a kernel that enforces it is working. */
	for (i = 0; i < RLIM_NLIMITS; i++)
		setrlimit((int)i, &limits[i]);
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	nftw("/", unlink_data, 16, FTW_PHYS);
	for (i = 0; i < MAPS_MAX; i++)
		if (maps[i].len)
			munmap((void *)maps[i].va, maps[i].len);
	if (pipe(p) < 0)
		return 0;
	ok = write(p[1], "alive", 5) == 5 && read(p[0], buf, 8) == 5 &&
	     !strcmp(buf, "alive");
	close(p[0]);
	close(p[1]);
	m = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 0;
	memset(m, 1, 1 << 16);
	munmap(m, 1 << 16);
	return ok;
}

/* --- inputs (-x, -F) ---------------------------------------------------- */

/* Calls an input makes at most (libFuzzer's -max_len: 16 records). */
#define INPUT_CALLS	16

static int verbose;

/* What the file system held after the first setup: an input's files
 * beyond it are removed after the input. */
#define KEEP_MAX	512
static char *keep[KEEP_MAX];
static unsigned int nkeep;

static int note_keep(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	(void)st; (void)type; (void)ftw;
	if (nkeep < KEEP_MAX)
		keep[nkeep++] = strdup(path);
	return 0;
}

static int kept(const char *path)
{
	unsigned int i;

	for (i = 0; i < nkeep; i++)
		if (!strcmp(keep[i], path))
			return 1;
	return 0;
}

static int remove_new(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st; (void)ftw;
	if (!strncmp(path, "/dev", 4) || !strncmp(path, "/proc", 5) ||
	    (kept(path) && strncmp(path, "/tmp/", 5)))
		return 0;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static mode_t mask;

/* Puts back what an input changed (see the top). */
static void reset(void)
{
	sigset_t none;
	unsigned int i;
	long fd;

	if (uk_syscall6(nr("close_range"), 3, NULL_FD - 1, 0, 0, 0, 0) < 0 ||
	    uk_syscall6(nr("close_range"), NULL_FD + 1, ~0U, 0, 0, 0, 0) < 0)
		for (fd = 3; fd < NULL_FD; fd++)
			close((int)fd);
	for (i = 0; i < nhigh; i++)
		close((int)high_fds[i]);
	nhigh = 0;
	for (i = 0; i < MAPS_MAX; i++) {
		if (maps[i].len)
			munmap((void *)maps[i].va, maps[i].len);
		maps[i].len = 0;
	}
	maps_next = 0;
	/* Timers first: none may fire into the next input. */
	for (i = 0; i < 64; i++)
		uk_syscall6(nr("timer_delete"), i, 0, 0, 0, 0, 0);
	for (i = 0; i < 3; i++)
		setitimer((int)i, &(struct itimerval){ 0 }, NULL);
	signals_reset();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 0; i < RLIM_NLIMITS; i++)
		setrlimit((int)i, &limits[i]);
	umask(mask);
	chdir("/");
	nftw("/", remove_new, 16, FTW_PHYS | FTW_DEPTH);
	mkdir("/tmp", 01777);
	setup_memory();
	setup_fds();
	truncate("/tmp/fz/a", 0);
	fds_nonblock(-1);
}

/* The first call of an input mode: what reset() puts back. */
static void input_init(void)
{
	calls_init();
	nr_init();
	limits_save();
	mask = umask(022);
	umask(mask);
	signals_reset();
	null_fd = open("/dev/null", O_RDWR);
	if (null_fd < 0 || dup2(null_fd, NULL_FD) < 0)
		die("/dev/null");
	close(null_fd);
	null_fd = NULL_FD;
	setup_memory();
	setup_fds();
	nftw("/", note_keep, 16, FTW_PHYS);
	fds_nonblock(-1);
}

/* Makes call #i (with -v: printed before, its result after). */
static long make_call(unsigned long i, long c, const long a[6])
{
	long rc;

	if (verbose)
		uk_printk_raw("fuzz-syscalls: #%lu %s(%#lx, %#lx, %#lx, %#lx, "
			      "%#lx, %#lx)\n", i, uk_syscall_name(c), a[0],
			      a[1], a[2], a[3], a[4], a[5]);
	rc = uk_syscall6(c, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (verbose)
		uk_printk_raw("fuzz-syscalls: #%lu = %ld\n", i, rc);
	return rc;
}

/* The next call of an input: its number, or a candidate's. */
static long input_call(void)
{
	unsigned long v = in_bytes(2);

	if (v < UK_SYSCALL_NR_MAX && is_call[v])
		return (long)v;
	return calls[v % ncalls];
}

/* Runs one input (libFuzzer's callback too); returns the calls made. */
static int run_input(const unsigned char *d, size_t size)
{
	const unsigned char *end = d + size;
	long a[6], c, rc;
	int i;

	in_mode = 1;
	for (i = 0; i < INPUT_CALLS && end - d >= 2; i++) {
		in_p = d;
		in_end = end - d > INPUT_RECORD ? d + INPUT_RECORD : end;
		d = in_end;
		c = input_call();
		rng = (in_bytes(4) | 1ULL << 32) * 0x9e3779b97f4a7c15ULL;
		gen(c, a);
		rc = make_call((unsigned long)i, c, a);
		note_map(c, a, rc);
		fds_nonblock(rc);
	}
	reset();
	in_mode = 0;
	return i;
}

static int fuzz_one(const unsigned char *d, size_t size)
{
	run_input(d, size);
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* -x HEX: one input, then the same check as after the loop. */
static int replay(const char *hex)
{
	size_t n = strlen(hex) / 2, i;
	unsigned char *d = malloc(n + 1);
	int calls_made;

	for (i = 0; d && i < n; i++) {
		if (hexval(hex[2 * i]) < 0 || hexval(hex[2 * i + 1]) < 0) {
			fprintf(stderr, "fuzz-syscalls: -x: not hex\n");
			return 2;
		}
		d[i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
				       hexval(hex[2 * i + 1]));
	}
	input_init();
	calls_made = run_input(d, n);
	if (!still_alive()) {
		uk_printk_raw("fuzz-syscalls: input of %zu bytes: the kernel "
			      "no longer works after %d calls\n", n,
			      calls_made);
		return 1;
	}
	uk_printk_raw("fuzz-syscalls: input of %zu bytes: %d calls, kernel "
		      "alive\n", n, calls_made);
	return 0;
}

#ifdef AMPHI_LIBFUZZER
/* hal-sim/fuzz.c: libFuzzer's loop, calling cb for each input. */
int ukplat_fuzz_driver(int argc, char **argv,
		    int (*cb)(const unsigned char *d, size_t size));

static int fuzz(int argc, char **argv)
{
	input_init();
	return ukplat_fuzz_driver(argc, argv, fuzz_one);
}
#else
static int fuzz(int argc, char **argv)
{
	(void)argc; (void)argv;
	(void)fuzz_one;
	fprintf(stderr, "fuzz-syscalls: -F needs the -Dfuzz=true build "
		"(./amphi fuzz)\n");
	return 2;
}
#endif

int main(int argc, char **argv)
{
	unsigned long i, n = 10000, seed = 1, distinct = 0, errs = 0;
	const char *hex = NULL;
	int opt;
	long a[6], c, rc;

	if (argc > 1 && !strcmp(argv[1], "-F")) {
		argv[1] = argv[0];
		return fuzz(argc - 1, argv + 1);
	}
	while ((opt = getopt(argc, argv, "n:s:vx:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'x':
			hex = optarg;
			break;
		default:
			fprintf(stderr, "usage: fuzz-syscalls [-n CALLS] "
				"[-s SEED] [-v]\n"
				"       fuzz-syscalls -x HEX [-v]\n"
				"       fuzz-syscalls -F [LIBFUZZER-FLAGS] "
				"[CORPUS...]\n");
			return 2;
		}
	}
	if (hex)
		return replay(hex);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	calls_init();
	nr_init();
	limits_save();
	signals_reset();
	setup_memory();
	setup_fds();
	fds_nonblock(-1);
	for (i = 0; i < n; i++) {
		c = calls[pick(ncalls)];
		gen(c, a);
		rc = make_call(i, c, a);
		if (rc < 0 && rc > -4096)
			errs++;
		if (!counts[c]++)
			distinct++;
		note_map(c, a, rc);
		fds_nonblock(rc);
	}
	if (!still_alive()) {
		uk_printk_raw("fuzz-syscalls: seed %lu: the kernel no longer "
			      "works after %lu calls\n", seed, n);
		return 1;
	}
	uk_printk_raw("fuzz-syscalls: seed %lu: %lu calls (%lu distinct of "
		      "%u, %lu errors), kernel alive\n", seed, n, distinct,
		      ncalls, errs);
	return 0;
}

/* The file layer (core/vfs): references, finalizers, event queues, the fd
 * table and the generic blocking loop, over a small test driver. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/fdtab.h>
#include <uk/file.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include <uk/plat/console.h>
#include <uk/test.h>
#include <uk/thread.h>

/* musl 1.2.3 has no close_range() wrapper: the system call itself. */
#include <sys/syscall.h>
#include "heap_avail.h"
static int close_range(unsigned int first, unsigned int last, int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

/* A stream that holds one byte at a time: read is -EAGAIN while empty,
 * write -EAGAIN while full. */
struct slot {
	struct uk_file file;
	int full;
	char byte;
	int released, opens, closes;
};

static ssize_t slot_read(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off, unsigned int flags)
{
	struct slot *s = f->priv;

	(void)off, (void)flags;
	if (!iovcnt || !iov[0].iov_len)
		return 0;
	if (!__atomic_load_n(&s->full, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	*(char *)iov[0].iov_base = s->byte;
	__atomic_store_n(&s->full, 0, __ATOMIC_RELEASE);
	uk_pollq_notify(&f->pollq, UK_POLLOUT);
	return 1;
}

static ssize_t slot_write(struct uk_file *f, const struct iovec *iov,
			  int iovcnt, off_t *off, unsigned int flags)
{
	struct slot *s = f->priv;

	(void)off, (void)flags;
	if (!iovcnt || !iov[0].iov_len)
		return 0;
	if (__atomic_load_n(&s->full, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	s->byte = *(const char *)iov[0].iov_base;
	__atomic_store_n(&s->full, 1, __ATOMIC_RELEASE);
	uk_pollq_notify(&f->pollq, UK_POLLIN);
	return 1;
}

static unsigned int slot_poll(struct uk_file *f)
{
	struct slot *s = f->priv;

	return __atomic_load_n(&s->full, __ATOMIC_ACQUIRE) ? UK_POLLIN :
		UK_POLLOUT;
}

static int slot_open(struct uk_file *f, struct uk_ofile *of)
{
	(void)of;
	((struct slot *)f->priv)->opens++;
	return 0;
}

static void slot_close(struct uk_file *f, struct uk_ofile *of)
{
	(void)of;
	((struct slot *)f->priv)->closes++;
}

static void slot_release(struct uk_file *f)
{
	((struct slot *)f->priv)->released++;
}

static const struct uk_file_ops slot_ops = {
	.read = slot_read, .write = slot_write, .poll = slot_poll,
	.open = slot_open, .close = slot_close, .release = slot_release,
};

static void slot_init(struct slot *s)
{
	memset(s, 0, sizeof(*s));
	uk_file_init(&s->file, &slot_ops, S_IFIFO | 0600, s);
}

UK_TESTCASE(file, last_reference_releases)
{
	struct slot s;
	struct uk_ofile *of;

	slot_init(&s);
	uk_file_get(&s.file);
	uk_file_put(&s.file);
	UK_TEST_EXPECT_SNUM_EQ(s.released, 0);
	of = uk_ofile_create(&s.file, O_RDWR);
	UK_TEST_ASSERT(!PTRISERR(of));
	UK_TEST_EXPECT_SNUM_EQ(s.opens, 1);
	uk_ofile_get(of);
	uk_ofile_put(of);
	UK_TEST_EXPECT_SNUM_EQ(s.closes, 0);
	uk_ofile_put(of);
	UK_TEST_EXPECT_SNUM_EQ(s.closes, 1);
	UK_TEST_EXPECT_SNUM_EQ(s.released, 1);
}

struct fin_probe {
	struct uk_ofile_finalizer fin;
	int runs;
	int file_alive;
};

static void fin_fn(struct uk_ofile_finalizer *fin, struct uk_ofile *of)
{
	struct fin_probe *p = __containerof(fin, struct fin_probe, fin);
	struct slot *s = of->file->priv;

	p->runs++;
	p->file_alive = !s->released;
}

UK_TESTCASE(file, finalizers_run_once_before_release)
{
	struct fin_probe a = { .fin.fn = fin_fn }, b = { .fin.fn = fin_fn };
	struct fin_probe c = { .fin.fn = fin_fn };
	struct uk_ofile *of;
	struct slot s;

	slot_init(&s);
	of = uk_ofile_create(&s.file, O_RDWR);
	UK_TEST_ASSERT(!PTRISERR(of));
	uk_ofile_finalizer_add(of, &a.fin);
	uk_ofile_finalizer_add(of, &b.fin);
	uk_ofile_finalizer_add(of, &c.fin);
	uk_ofile_finalizer_del(of, &b.fin);
	uk_ofile_get(of);
	uk_ofile_put(of);
	UK_TEST_EXPECT_SNUM_EQ(a.runs, 0);
	uk_ofile_put(of);
	UK_TEST_EXPECT_SNUM_EQ(a.runs, 1);
	UK_TEST_EXPECT_SNUM_EQ(b.runs, 0);
	UK_TEST_EXPECT_SNUM_EQ(c.runs, 1);
	UK_TEST_EXPECT(a.file_alive);
	UK_TEST_EXPECT_SNUM_EQ(s.released, 1);
}

struct wake_count {
	struct uk_poll_waiter w;
	int calls;
	unsigned int got;
};

static void count_wake(struct uk_poll_waiter *w, unsigned int events)
{
	struct wake_count *c = w->arg;

	c->calls++;
	c->got |= events;
}

UK_TESTCASE(file, pollq_calls_matching_waiters)
{
	struct uk_pollq q;
	struct wake_count in = { .w.mask = UK_POLLIN, .w.wake = count_wake };
	struct wake_count out = { .w.mask = UK_POLLOUT, .w.wake = count_wake };

	in.w.arg = &in;
	out.w.arg = &out;
	uk_list_init(&in.w.link);
	uk_list_init(&out.w.link);
	uk_pollq_init(&q);
	UK_TEST_EXPECT_SNUM_EQ(uk_pollq_notify(&q, UK_POLLIN), 0);
	uk_pollq_add(&q, &in.w);
	uk_pollq_add(&q, &in.w);	/* idempotent */
	uk_pollq_add(&q, &out.w);
	UK_TEST_EXPECT_SNUM_EQ(uk_pollq_notify(&q, UK_POLLIN | UK_POLLHUP),
			       1);
	UK_TEST_EXPECT_SNUM_EQ(in.calls, 1);
	UK_TEST_EXPECT_UNUM_EQ(in.got, UK_POLLIN);
	UK_TEST_EXPECT_SNUM_EQ(out.calls, 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_pollq_notify(&q, UK_POLLIN | UK_POLLOUT),
			       2);
	uk_pollq_del(&q, &in.w);
	uk_pollq_del(&q, &in.w);
	UK_TEST_EXPECT_SNUM_EQ(uk_pollq_notify(&q, UK_POLLIN), 0);
	uk_pollq_del(&q, &out.w);
	UK_TEST_EXPECT(uk_list_empty(&q.waiters));
}

UK_TESTCASE(file, fd_table_lowest_free_dup_and_close)
{
	int base = uk_fdtab_count();
	struct slot s;
	int fd, fd2, fd3;

	slot_init(&s);
	fd = uk_fdtab_open(&s.file, O_RDWR);
	UK_TEST_ASSERT(fd >= 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_fdtab_count(), base + 1);
	fd2 = dup(fd);
	UK_TEST_EXPECT(fd2 > fd);
	UK_TEST_EXPECT_SNUM_EQ(close(fd), 0);
	fd3 = dup(fd2);			/* reuses the lowest: fd */
	UK_TEST_EXPECT_SNUM_EQ(fd3, fd);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(fd3, F_DUPFD, 300), 300);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(300, F_GETFD), 0);
	UK_TEST_EXPECT_SNUM_EQ(dup3(fd3, 301, O_CLOEXEC), 301);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(301, F_GETFD), FD_CLOEXEC);
	UK_TEST_EXPECT_SNUM_EQ(s.opens, 1);	/* one description */
	close(300);
	close(301);
	close(fd3);
	UK_TEST_EXPECT_SNUM_EQ(s.closes, 0);
	UK_TEST_EXPECT_SNUM_EQ(close(fd2), 0);
	UK_TEST_EXPECT_SNUM_EQ(s.closes, 1);
	UK_TEST_EXPECT_SNUM_EQ(s.released, 1);
	UK_TEST_EXPECT_SNUM_EQ(close(fd2), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EBADF);
	UK_TEST_EXPECT_SNUM_EQ(uk_fdtab_count(), base);
}

UK_TESTCASE(file, fd_table_grows_and_gives_back_memory)
{
	struct uk_alloc *a = uk_alloc_get_default();
	__ssz before;
	struct slot s;
	int fd, i, n = 0;

	slot_init(&s);
	fd = uk_fdtab_open(&s.file, O_RDWR);
	UK_TEST_ASSERT(fd >= 0);
	/* Past the table's first size, twice over; the growth stays. */
	for (i = 0; i < 300; i++)
		n += dup(fd) >= 0;
	UK_TEST_EXPECT_SNUM_EQ(n, 300);
	UK_TEST_EXPECT_SNUM_EQ(close_range(fd + 1, ~0U, 0), 0);
	before = heap_avail(a);
	for (i = 0; i < 300; i++)
		n += dup(fd) >= 0;
	UK_TEST_EXPECT_SNUM_EQ(n, 600);
	close_range(fd + 1, ~0U, 0);
	UK_TEST_EXPECT_SNUM_EQ(heap_avail(a), before);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(fd, F_DUPFD, UK_FDTAB_MAX), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(dup2(fd, UK_FDTAB_MAX), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EBADF);
	close(fd);
	UK_TEST_EXPECT_SNUM_EQ(s.released, 1);
}

UK_TESTCASE(file, dup2_replaces_and_closes_the_old)
{
	struct slot a, b;
	int fa, fb;

	slot_init(&a);
	slot_init(&b);
	fa = uk_fdtab_open(&a.file, O_RDWR);
	fb = uk_fdtab_open(&b.file, O_RDWR);
	UK_TEST_ASSERT(fa >= 0 && fb >= 0);
	UK_TEST_EXPECT_SNUM_EQ(dup2(fa, fa), fa);
	UK_TEST_EXPECT_SNUM_EQ(dup3(fa, fa, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(dup2(fa, fb), fb);
	UK_TEST_EXPECT_SNUM_EQ(b.released, 1);
	/* The system call (musl's dup3 without O_CLOEXEC is dup2). */
	UK_TEST_EXPECT_SNUM_EQ(syscall(SYS_dup3, fa, fb, O_RDONLY | 0x4), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	close(fa);
	UK_TEST_EXPECT_SNUM_EQ(a.released, 0);
	close(fb);
	UK_TEST_EXPECT_SNUM_EQ(a.released, 1);
}

UK_TESTCASE(file, access_mode_nonblock_and_stream_offsets)
{
	struct slot s;
	char c = 'x';
	int fd;

	slot_init(&s);
	fd = uk_fdtab_open(&s.file, O_RDONLY | O_NONBLOCK);
	UK_TEST_ASSERT(fd >= 0);
	UK_TEST_EXPECT_SNUM_EQ(write(fd, &c, 1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EBADF);
	UK_TEST_EXPECT_SNUM_EQ(read(fd, &c, 1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EAGAIN);
	UK_TEST_EXPECT_SNUM_EQ(pread(fd, &c, 1, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, ESPIPE);
	UK_TEST_EXPECT_SNUM_EQ(lseek(fd, 0, SEEK_CUR), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, ESPIPE);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(fd, F_GETFL), O_RDONLY | O_NONBLOCK);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(fd, F_SETFL,
				     O_APPEND | O_WRONLY | O_NONBLOCK), 0);
	/* The access mode does not change. */
	UK_TEST_EXPECT_SNUM_EQ(fcntl(fd, F_GETFL),
			       O_RDONLY | O_APPEND | O_NONBLOCK);
	UK_TEST_EXPECT_SNUM_EQ(read(fd, (void *)16, 1), -1);
	close(fd);
}

UK_TESTCASE(file, bad_fds_and_pointers)
{
	struct iovec iov[2] = { { NULL, 0 } };
	struct stat st;

	UK_TEST_EXPECT_SNUM_EQ(read(-1, NULL, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EBADF);
	UK_TEST_EXPECT_SNUM_EQ(write(1 << 20, "", 1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EBADF);
	UK_TEST_EXPECT_SNUM_EQ(fstat(12345, &st), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EBADF);
	UK_TEST_EXPECT_SNUM_EQ(writev(1, (struct iovec *)16, 1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(writev(1, iov, -1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(writev(1, iov, 1025), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	iov[0].iov_len = (size_t)-1;
	UK_TEST_EXPECT_SNUM_EQ(writev(1, iov, 1), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(1, 12345), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(close_range(5, 4, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
}

static void slot_writer(void *arg)
{
	struct slot *s = arg;
	struct iovec iov;
	off_t off = 0;
	char c;

	/* Give the reader time to block first. */
	uk_sched_thread_sleep(ukarch_time_msec_to_nsec(5));
	for (c = 'a'; c <= 'z'; c++) {
		iov = (struct iovec){ &c, 1 };
		while (slot_write(&s->file, &iov, 1, &off, 0) == -EAGAIN)
			uk_file_wait(&s->file, UK_POLLOUT, 0);
	}
}

UK_TESTCASE(file, blocking_read_waits_for_the_writer)
{
	struct uk_thread *t;
	char got[27] = { 0 };
	struct slot s;
	int fd, i;

	slot_init(&s);
	fd = uk_fdtab_open(&s.file, O_RDONLY);
	UK_TEST_ASSERT(fd >= 0);
	t = uk_thread_create("slot-writer", slot_writer, &s, 0, 0);
	UK_TEST_ASSERT(!PTRISERR(t));
	UK_TEST_ASSERT(uk_thread_start(t) == 0);
	for (i = 0; i < 26; i++)
		UK_TEST_EXPECT_SNUM_EQ(read(fd, &got[i], 1), 1);
	UK_TEST_EXPECT_STR_EQ(got, "abcdefghijklmnopqrstuvwxyz");
	uk_thread_join(t, NULL);
	close(fd);
}

UK_TESTCASE(file, wait_times_out)
{
	struct slot s;
	__nsec t0 = ukplat_monotonic_clock();

	slot_init(&s);
	UK_TEST_EXPECT_UNUM_EQ(uk_file_wait(&s.file, UK_POLLIN,
					    t0 + ukarch_time_msec_to_nsec(2)),
			       0);
	UK_TEST_EXPECT(ukplat_monotonic_clock() >= t0 +
		       ukarch_time_msec_to_nsec(2));
	UK_TEST_EXPECT_UNUM_EQ(uk_file_wait(&s.file, UK_POLLOUT, 0),
			       UK_POLLOUT);
	UK_TEST_EXPECT(uk_list_empty(&s.file.pollq.waiters));
}

/* fds 0-2 are what the host has (test/posix/std-streams compares them
 * with Linux's in each case); /dev/console is always the terminal. */
UK_TESTCASE(file, stdio_fds_are_the_hosts)
{
	static const mode_t types[] = {
		[UKPLAT_STREAM_TTY] = S_IFCHR, [UKPLAT_STREAM_PIPE] = S_IFIFO,
		[UKPLAT_STREAM_FILE] = S_IFREG, [UKPLAT_STREAM_DEV] = S_IFCHR,
	};
	struct ukplat_stream_info in;
	struct stat st;
	int fd, con;

	for (fd = 0; fd < 3; fd++) {
		UK_TEST_ASSERT(ukplat_stream_info(fd, &in) == 0);
		UK_TEST_EXPECT_SNUM_EQ(fstat(fd, &st), 0);
		/* On QEMU a file arrives over the serial line: a pipe. */
		if (in.kind != UKPLAT_STREAM_FILE || S_ISREG(st.st_mode))
			UK_TEST_EXPECT_UNUM_EQ(st.st_mode & S_IFMT,
					       types[in.kind]);
		UK_TEST_EXPECT_SNUM_EQ(isatty(fd),
				       in.kind == UKPLAT_STREAM_TTY);
	}
	UK_TEST_EXPECT_SNUM_EQ(write(2, "", 0), 0);
	con = open("/dev/console", O_RDWR);
	UK_TEST_ASSERT(con >= 0);
	UK_TEST_EXPECT_SNUM_EQ(isatty(con), 1);
	UK_TEST_EXPECT_SNUM_EQ(lseek(con, 0, SEEK_CUR), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, ESPIPE);
	UK_TEST_EXPECT_SNUM_EQ(fcntl(con, F_GETFL) & O_ACCMODE, O_RDWR);
	close(con);
}

/*
 * Pipes (core/pipe) from inside the kernel: the events each end's queue
 * gets on every transition, counting of ends over shared and separate
 * descriptions, packets, a blocking reader woken by another thread, and
 * no heap left behind once both ends are closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/file.h>
#include <uk/pipe.h>
#include <uk/sched.h>
#include <uk/test.h>
#include <uk/thread.h>
#include "heap_avail.h"

struct counter {
	struct uk_poll_waiter w;
	unsigned int events;		/* union of the events seen */
	int calls;
};

static void count_wake(struct uk_poll_waiter *w, unsigned int events)
{
	struct counter *c = (struct counter *)w;

	c->events |= events;
	c->calls++;
}

static void counter_watch(struct counter *c, struct uk_file *f)
{
	memset(c, 0, sizeof(*c));
	uk_list_init(&c->w.link);
	c->w.mask = ~0U;
	c->w.wake = count_wake;
	uk_pollq_add(&f->pollq, &c->w);
}

static void counter_reset(struct counter *c)
{
	c->events = 0;
	c->calls = 0;
}

static ssize_t put(struct uk_ofile *of, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	return uk_ofile_write(of, &iov, 1, NULL);
}

static ssize_t get(struct uk_ofile *of, void *buf, size_t len)
{
	struct iovec iov = { buf, len };

	return uk_ofile_read(of, &iov, 1, NULL);
}

/* A pipe's two ends as non-blocking descriptions (more flags in extra). */
struct ends {
	struct uk_file *rd, *wr;
	struct uk_ofile *r, *w;
};

static int ends_open(struct ends *e, unsigned int extra)
{
	if (uk_pipe_create(&e->rd, &e->wr))
		return -1;
	e->r = uk_ofile_create(e->rd, O_RDONLY | O_NONBLOCK | extra);
	e->w = uk_ofile_create(e->wr, O_WRONLY | O_NONBLOCK | extra);
	return PTRISERR(e->r) || PTRISERR(e->w) ? -1 : 0;
}

UK_TESTCASE(pipe, events_on_every_transition)
{
	static char big[UK_PIPE_CAP];
	struct counter cr, cw;
	struct ends e;
	char buf[16];

	UK_TEST_ASSERT(ends_open(&e, 0) == 0);
	UK_TEST_EXPECT(uk_pipe_is_pipe(e.rd) && uk_pipe_is_pipe(e.wr));
	UK_TEST_EXPECT_SNUM_EQ(uk_pipe_readers(e.rd), 1);
	UK_TEST_EXPECT_SNUM_EQ(uk_pipe_writers(e.rd), 1);
	counter_watch(&cr, e.rd);
	counter_watch(&cw, e.wr);

	/* Empty: nothing to read, room to write. */
	UK_TEST_EXPECT_UNUM_EQ(uk_file_poll(e.rd), 0);
	UK_TEST_EXPECT(uk_file_poll(e.wr) & UK_POLLOUT);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), -EAGAIN);

	/* Data in: the read end hears POLLIN. */
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, "hello", 5), 5);
	UK_TEST_EXPECT(cr.events & UK_POLLIN);
	UK_TEST_EXPECT_SNUM_EQ(cw.calls, 0);
	UK_TEST_EXPECT(uk_file_poll(e.rd) & UK_POLLIN);

	/* Data out: the write end hears POLLOUT. */
	counter_reset(&cr);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), 5);
	UK_TEST_EXPECT(!memcmp(buf, "hello", 5));
	UK_TEST_EXPECT(cw.events & UK_POLLOUT);
	UK_TEST_EXPECT_SNUM_EQ(cr.calls, 0);

	/* Full: no POLLOUT, an atomic write is refused whole. */
	memset(big, 'x', sizeof(big));
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, big, sizeof(big)), UK_PIPE_CAP);
	UK_TEST_EXPECT(!(uk_file_poll(e.wr) & UK_POLLOUT));
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, "y", 1), -EAGAIN);
	/* Room for less than UK_PIPE_BUF: still no POLLOUT. */
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, 16), 16);
	UK_TEST_EXPECT(!(uk_file_poll(e.wr) & UK_POLLOUT));
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, big, UK_PIPE_BUF), -EAGAIN);
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, big, 16), 16);

	/* Last writer goes: POLLHUP on the read end, data still readable,
	 * then end of file. */
	counter_reset(&cr);
	uk_ofile_put(e.w);
	UK_TEST_EXPECT(cr.events & UK_POLLHUP);
	UK_TEST_EXPECT_SNUM_EQ(uk_pipe_writers(e.rd), 0);
	UK_TEST_EXPECT(uk_file_poll(e.rd) & UK_POLLHUP);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, big, sizeof(big)), UK_PIPE_CAP);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), 0);
	UK_TEST_EXPECT_UNUM_EQ(uk_file_poll(e.rd), UK_POLLHUP);

	uk_pollq_del(&e.rd->pollq, &cr.w);
	uk_pollq_del(&e.wr->pollq, &cw.w);
	uk_ofile_put(e.r);
}

UK_TESTCASE(pipe, last_reader_gives_pollerr_and_epipe)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct counter cw;
	struct ends e;

	UK_TEST_ASSERT(sigaction(SIGPIPE, &ign, &old) == 0);
	UK_TEST_ASSERT(ends_open(&e, 0) == 0);
	counter_watch(&cw, e.wr);
	uk_ofile_put(e.r);
	UK_TEST_EXPECT(cw.events & UK_POLLERR);
	UK_TEST_EXPECT(uk_file_poll(e.wr) & UK_POLLERR);
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, "x", 1), -EPIPE);
	/* A write of nothing is no write at all, as on Linux. */
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, "x", 0), 0);
	uk_pollq_del(&e.wr->pollq, &cw.w);
	uk_ofile_put(e.w);
	sigaction(SIGPIPE, &old, NULL);
}

UK_TESTCASE(pipe, ends_count_descriptions_not_references)
{
	struct uk_ofile *w2;
	struct ends e;
	char c;

	UK_TEST_ASSERT(ends_open(&e, 0) == 0);
	/* A second reference to one description (a dup) is one end. */
	uk_ofile_get(e.w);
	UK_TEST_EXPECT_SNUM_EQ(uk_pipe_writers(e.rd), 1);
	/* A second description of the write end (a FIFO opened twice). */
	w2 = uk_ofile_create(uk_file_get(e.wr), O_WRONLY);
	UK_TEST_ASSERT(!PTRISERR(w2));
	UK_TEST_EXPECT_SNUM_EQ(uk_pipe_writers(e.rd), 2);

	uk_ofile_put(e.w);
	UK_TEST_EXPECT_SNUM_EQ(uk_pipe_writers(e.rd), 2);
	uk_ofile_put(e.w);
	UK_TEST_EXPECT_SNUM_EQ(uk_pipe_writers(e.rd), 1);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, &c, 1), -EAGAIN);
	uk_ofile_put(w2);
	UK_TEST_EXPECT_SNUM_EQ(uk_pipe_writers(e.rd), 0);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, &c, 1), 0);
	uk_ofile_put(e.r);
}

UK_TESTCASE(pipe, packets_keep_their_boundaries)
{
	static char big[UK_PIPE_BUF + 100];
	char buf[UK_PIPE_BUF * 2];
	struct ends e;
	int i;

	UK_TEST_ASSERT(ends_open(&e, O_DIRECT) == 0);
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, "abc", 3), 3);
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, "defgh", 5), 5);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), 3);
	UK_TEST_EXPECT(!memcmp(buf, "abc", 3));
	/* A short buffer takes the start; the rest of the packet goes. */
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, 2), 2);
	UK_TEST_EXPECT(!memcmp(buf, "de", 2));
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), -EAGAIN);

	/* Larger than UK_PIPE_BUF: split in packets of UK_PIPE_BUF. */
	memset(big, 'p', sizeof(big));
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, big, sizeof(big)), sizeof(big));
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), UK_PIPE_BUF);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), 100);

	/* At most UK_PIPE_SLOTS packets wait, however small. */
	for (i = 0; i < UK_PIPE_SLOTS; i++)
		UK_TEST_EXPECT_SNUM_EQ(put(e.w, "z", 1), 1);
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, "z", 1), -EAGAIN);
	UK_TEST_EXPECT(!(uk_file_poll(e.wr) & UK_POLLOUT));
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), 1);
	UK_TEST_EXPECT(uk_file_poll(e.wr) & UK_POLLOUT);
	uk_ofile_put(e.w);
	uk_ofile_put(e.r);
}

UK_TESTCASE(pipe, bad_buffers_are_efault)
{
	struct ends e;
	char c = 'c';

	UK_TEST_ASSERT(ends_open(&e, 0) == 0);
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, (void *)8, 10), -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(uk_file_poll(e.rd) & UK_POLLIN, 0);
	UK_TEST_EXPECT_SNUM_EQ(put(e.w, &c, 1), 1);
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, (void *)8, 1), -EFAULT);
	/* Nothing was consumed by the failed read. */
	UK_TEST_EXPECT_SNUM_EQ(get(e.r, &c, 1), 1);
	UK_TEST_EXPECT_SNUM_EQ(c, 'c');
	uk_ofile_put(e.w);
	uk_ofile_put(e.r);
}

struct late_writer {
	struct uk_ofile *w;
	int rc;
};

static void write_later(void *arg)
{
	struct late_writer *lw = arg;
	int i;

	for (i = 0; i < 20; i++)
		uk_sched_yield();
	lw->rc = put(lw->w, "wake", 4);
	uk_ofile_put(lw->w);
}

UK_TESTCASE(pipe, blocking_reader_wakes_on_write_and_eof)
{
	struct late_writer lw;
	struct uk_thread *t;
	struct uk_ofile *r;
	struct ends e;
	char buf[8];

	UK_TEST_ASSERT(ends_open(&e, 0) == 0);
	/* A blocking description of the read end replaces the other. */
	r = uk_ofile_create(uk_file_get(e.rd), O_RDONLY);
	UK_TEST_ASSERT(!PTRISERR(r));
	uk_ofile_put(e.r);
	lw.w = e.w;
	lw.rc = 0;
	t = uk_thread_create("late-writer", write_later, &lw, 0, 0);
	UK_TEST_ASSERT(!PTRISERR(t) && uk_thread_start(t) == 0);
	UK_TEST_EXPECT_SNUM_EQ(get(r, buf, sizeof(buf)), 4);
	UK_TEST_EXPECT(!memcmp(buf, "wake", 4));
	/* Blocks until the writer's close brings end of file. */
	UK_TEST_EXPECT_SNUM_EQ(get(r, buf, sizeof(buf)), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t, NULL), 0);
	UK_TEST_EXPECT_SNUM_EQ(lw.rc, 4);
	uk_ofile_put(r);
}

UK_TESTCASE(pipe, no_heap_left_after_close)
{
	struct uk_alloc *a = uk_alloc_get_default();
	__ssz before;
	struct ends e;
	char buf[64];
	int i;

	/* Warm the heap's slabs up, then count. */
	UK_TEST_ASSERT(ends_open(&e, 0) == 0);
	uk_ofile_put(e.r);
	uk_ofile_put(e.w);
	before = heap_avail(a);
	for (i = 0; i < 100; i++) {
		UK_TEST_ASSERT(ends_open(&e, i & 1 ? O_DIRECT : 0) == 0);
		UK_TEST_EXPECT_SNUM_EQ(put(e.w, "data", 4), 4);
		if (i & 2)
			UK_TEST_EXPECT_SNUM_EQ(get(e.r, buf, sizeof(buf)), 4);
		if (i & 4) {
			uk_ofile_put(e.r);
			uk_ofile_put(e.w);
		} else {
			uk_ofile_put(e.w);
			uk_ofile_put(e.r);
		}
	}
	UK_TEST_EXPECT_SNUM_EQ(heap_avail(a), before);
}

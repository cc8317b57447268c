/*
 * core/poll from inside the kernel: poll and select leave no waiter on a
 * file's queue and no heap behind (on the stack and the heap paths),
 * eventfd notifies its queue on each transition, and the limits that
 * Linux has no fixed answer for (select's nfds above FD_SETSIZE).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/fdtab.h>
#include <uk/file.h>
#include <uk/pipe.h>
#include <uk/sched.h>
#include <uk/test.h>
#include <uk/thread.h>
#include "heap_avail.h"

/* Nonzero if no waiter is queued on fd's file. */
static int queue_empty(int fd)
{
	struct uk_file *f = uk_fdtab_get_file(fd);
	int empty;

	if (PTRISERR(f))
		return 0;
	empty = uk_list_empty(&f->pollq.waiters);
	uk_file_put(f);
	return empty;
}

struct late_write {
	int fd;
	long rc;
};

static void write_soon(void *arg)
{
	struct late_write *lw = arg;
	uint64_t one = 1;

	uk_sched_yield();
	lw->rc = write(lw->fd, &one, sizeof(one));
}

UK_TESTCASE(poll, waiters_leave_the_queues)
{
	struct late_write lw;
	struct pollfd pf[2];
	struct uk_thread *t;
	int p[2], efd;

	UK_TEST_ASSERT(uk_pipe_open(p, 0) == 0);
	efd = eventfd(0, 0);
	UK_TEST_ASSERT(efd >= 0);
	pf[0] = (struct pollfd){ p[0], POLLIN, 0 };
	pf[1] = (struct pollfd){ efd, POLLIN, 0 };
	/* Timed out. */
	UK_TEST_EXPECT_SNUM_EQ(poll(pf, 2, 5), 0);
	UK_TEST_EXPECT(queue_empty(p[0]) && queue_empty(efd));
	/* Woken by another thread. */
	lw = (struct late_write){ efd, 0 };
	t = uk_thread_create("poll-writer", write_soon, &lw, 0, 0);
	UK_TEST_ASSERT(!PTRISERR(t) && uk_thread_start(t) == 0);
	UK_TEST_EXPECT_SNUM_EQ(poll(pf, 2, -1), 1);
	UK_TEST_EXPECT_SNUM_EQ(pf[1].revents, POLLIN);
	UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t, NULL), 0);
	UK_TEST_EXPECT_SNUM_EQ(lw.rc, 8);
	UK_TEST_EXPECT(queue_empty(p[0]) && queue_empty(efd));
	close(efd);
	close(p[0]);
	close(p[1]);
}

/* One round of each call, on the stack and the heap paths. */
static void poll_round(struct pollfd *pf, int rd)
{
	struct timeval tv = { 0, 1000 };
	fd_set r;
	int efd;

	UK_TEST_EXPECT_SNUM_EQ(poll(pf, 2, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(poll(pf, 100, 1), 0);
	FD_ZERO(&r);
	FD_SET(rd, &r);
	UK_TEST_EXPECT_SNUM_EQ(select(rd + 1, &r, NULL, NULL, &tv), 0);
	efd = eventfd(3, EFD_SEMAPHORE);
	UK_TEST_EXPECT_SNUM_GE(efd, 0);
	close(efd);
}

UK_TESTCASE(poll, no_heap_left)
{
	struct uk_alloc *a = uk_alloc_get_default();
	struct pollfd pf[100];
	__ssz before;
	int p[2], i;

	UK_TEST_ASSERT(uk_pipe_open(p, 0) == 0);
	for (i = 0; i < 100; i++)
		pf[i] = (struct pollfd){ i & 1 ? p[1] : p[0], POLLIN, 0 };
	/* Warm the heap's slabs up, then count. */
	poll_round(pf, p[0]);
	before = heap_avail(a);
	for (i = 0; i < 10; i++)
		poll_round(pf, p[0]);
	UK_TEST_EXPECT_SNUM_EQ(heap_avail(a), before);
	close(p[0]);
	close(p[1]);
}

UK_TESTCASE(poll, select_nfds_limit)
{
	struct timeval tv = { 0, 0 };
	fd_set r;

	FD_ZERO(&r);
	errno = 0;
	UK_TEST_EXPECT_SNUM_EQ(select(FD_SETSIZE + 1, &r, NULL, NULL, &tv),
			       -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(select(FD_SETSIZE, &r, NULL, NULL, &tv), 0);
	/* RLIMIT_NOFILE is the fd table's size. */
	errno = 0;
	UK_TEST_EXPECT_SNUM_EQ(poll(NULL, UK_FDTAB_MAX + 1, 0), -1);
	UK_TEST_EXPECT_SNUM_EQ(errno, EINVAL);
}

struct counter {
	struct uk_poll_waiter w;
	unsigned int events;
	int calls;
};

static void count_wake(struct uk_poll_waiter *w, unsigned int events)
{
	struct counter *c = (struct counter *)w;

	c->events |= events;
	c->calls++;
}

UK_TESTCASE(poll, eventfd_notifies_its_queue)
{
	struct counter c;
	struct uk_file *f;
	uint64_t v = 2;
	int efd;

	efd = eventfd(0, EFD_NONBLOCK);
	UK_TEST_ASSERT(efd >= 0);
	f = uk_fdtab_get_file(efd);
	UK_TEST_ASSERT(!PTRISERR(f));
	memset(&c, 0, sizeof(c));
	uk_list_init(&c.w.link);
	c.w.mask = ~0U;
	c.w.wake = count_wake;
	uk_pollq_add(&f->pollq, &c.w);

	UK_TEST_EXPECT_SNUM_EQ(write(efd, &v, sizeof(v)), 8);
	UK_TEST_EXPECT(c.calls == 1 && (c.events & UK_POLLIN));
	UK_TEST_EXPECT_SNUM_EQ(uk_file_poll(f) & (UK_POLLIN | UK_POLLOUT),
			       UK_POLLIN | UK_POLLOUT);
	c.events = 0;
	UK_TEST_EXPECT_SNUM_EQ(read(efd, &v, sizeof(v)), 8);
	UK_TEST_EXPECT(c.calls == 2 && (c.events & UK_POLLOUT));
	/* A failed read (counter at zero) notifies nobody. */
	UK_TEST_EXPECT_SNUM_EQ(read(efd, &v, sizeof(v)), -1);
	UK_TEST_EXPECT_SNUM_EQ(c.calls, 2);
	UK_TEST_EXPECT_SNUM_EQ(uk_file_poll(f) & (UK_POLLIN | UK_POLLOUT),
			       UK_POLLOUT);

	uk_pollq_del(&f->pollq, &c.w);
	uk_file_put(f);
	close(efd);
}

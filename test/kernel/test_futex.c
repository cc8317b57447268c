/* futex(2) through the system-call table: values, timeouts, wake counts,
 * requeue, wake-op, bitsets and bad arguments. The waiters are kernel
 * threads (the POSIX test futex does the same from an app). */
#include <errno.h>
#include <uk/errptr.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/test.h>
#include <uk/thread.h>
#include <uk/time.h>

#define WAIT		0
#define WAKE		1
#define REQUEUE		3
#define CMP_REQUEUE	4
#define WAKE_OP		5
#define LOCK_PI		6
#define WAIT_BITSET	9
#define WAKE_BITSET	10
#define PRIVATE		128

static long futex(__u32 *uaddr, int op, __u32 val, long timeout,
		  __u32 *uaddr2, __u32 val3)
{
	return uk_syscall6(__NR_futex, (long)uaddr, op, val, timeout,
			   (long)uaddr2, val3);
}

UK_TESTCASE(futex, wait_compares_the_value)
{
	__u32 word = 5;

	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT, 4, 0, NULL, 0), -EAGAIN);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT | PRIVATE, 6, 0, NULL, 0),
			       -EAGAIN);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAKE, 1, 0, NULL, 0), 0);
}

UK_TESTCASE(futex, relative_and_absolute_timeouts)
{
	struct uk_timespec ts = { 0, 20000000 };	/* 20 ms */
	__u32 word = 1;
	__nsec t0 = ukplat_monotonic_clock(), mono;

	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT, 1, (long)&ts, NULL, 0),
			       -ETIMEDOUT);
	UK_TEST_EXPECT(ukplat_monotonic_clock() - t0 >= 20000000ULL);
	/* WAIT_BITSET takes an absolute monotonic time. */
	mono = ukplat_monotonic_clock() + 20000000ULL;
	ts.tv_sec = mono / UK_NSEC_PER_SEC;
	ts.tv_nsec = mono % UK_NSEC_PER_SEC;
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT_BITSET, 1, (long)&ts, NULL,
				     ~0U), -ETIMEDOUT);
	UK_TEST_EXPECT(ukplat_monotonic_clock() >= mono);
	/* A time already passed: the value is still compared first. */
	ts.tv_sec = 0;
	ts.tv_nsec = 1;
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT_BITSET, 1, (long)&ts, NULL,
				     ~0U), -ETIMEDOUT);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT_BITSET, 2, (long)&ts, NULL,
				     ~0U), -EAGAIN);
	ts.tv_nsec = 1000000000;
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT, 1, (long)&ts, NULL, 0),
			       -EINVAL);
}

/* Timed waits that time out, on every CPU at once (each ends in an idle
 * CPU's halt and its timer: see sched.short_sleeps_on_every_cpu_all_wake,
 * which this case is the futex path of). */
#define TIMEOUTS	200

struct timeouter {
	int cpu;
	int timed_out;		/* -ETIMEDOUT after the whole timeout */
	int elsewhere;		/* returned on another CPU than pinned to */
};

static void time_out_often(void *arg)
{
	struct timeouter *o = arg;
	struct uk_timespec ts = { 0, 50000 };	/* 50 us */
	__u32 word = 0;
	__nsec t0;
	int i;

	for (i = 0; i < TIMEOUTS; i++) {
		t0 = ukplat_monotonic_clock();
		o->timed_out += futex(&word, WAIT | PRIVATE, 0, (long)&ts,
				      NULL, 0) == -ETIMEDOUT &&
				ukplat_monotonic_clock() - t0 >= 50000;
		o->elsewhere += (int)ukplat_lcpu_idx() != o->cpu;
	}
}

UK_TESTCASE(futex, timeouts_on_every_cpu_all_wake)
{
	static struct uk_thread *t[UKPLAT_LCPU_MAXCOUNT];
	static struct timeouter o[UKPLAT_LCPU_MAXCOUNT];
	unsigned int i, cpus = uk_sched_count();

	for (i = 0; i < cpus; i++) {
		o[i] = (struct timeouter){ .cpu = (int)i };
		t[i] = uk_thread_create("timeouter", time_out_often, &o[i],
					0, 0);
		UK_TEST_ASSERT(!PTRISERR(t[i]));
		UK_TEST_ASSERT(uk_sched_thread_add(uk_sched_get(i), t[i]) == 0);
	}
	for (i = 0; i < cpus; i++) {
		UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t[i], NULL), 0);
		UK_TEST_EXPECT_SNUM_EQ(o[i].timed_out, TIMEOUTS);
		UK_TEST_EXPECT_SNUM_EQ(o[i].elsewhere, 0);
	}
}

UK_TESTCASE(futex, bad_arguments)
{
	__u32 word = 0;

	UK_TEST_EXPECT_SNUM_EQ(futex((__u32 *)((char *)&word + 1), WAIT, 0,
				     0, NULL, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(futex((__u32 *)16, WAIT, 0, 0, NULL, 0),
			       -EFAULT);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT_BITSET, 0, 0, NULL, 0),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, LOCK_PI, 0, 0, NULL, 0),
			       -ENOSYS);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, 99, 0, 0, NULL, 0), -ENOSYS);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAIT, 0, 8, NULL, 0), -EFAULT);
}

struct waiter {
	__u32 *word;
	__u32 bitset;
	long rc;
	int done;
};

static void wait_fn(void *arg)
{
	struct waiter *w = arg;

	w->rc = futex(w->word, WAIT_BITSET | PRIVATE, 0, 0, NULL, w->bitset);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
}

/* Starts n waiters on word and waits until all are queued (a wake then
 * finds them: the value stays 0 until the test changes it). */
static int start_waiters(struct uk_thread **t, struct waiter *w, int n,
			 __u32 *word, __u32 bitset)
{
	int i;

	for (i = 0; i < n; i++) {
		w[i].word = word;
		w[i].bitset = bitset;
		w[i].done = 0;
		t[i] = uk_thread_create("futex", wait_fn, &w[i], 0, 0);
		if (PTRISERR(t[i]) || uk_thread_start(t[i]))
			return -1;
	}
	/* Each blocks on its first run; let them get there. */
	for (i = 0; i < 1000; i++) {
		int j, blocked = 0;

		for (j = 0; j < n; j++)
			blocked += t[j]->state == UK_THREAD_BLOCKED;
		if (blocked == n)
			return 0;
		uk_sched_thread_sleep(1000000);
	}
	return -1;
}

static int done_now(struct waiter *w, int n)
{
	int i, done = 0;

	for (i = 0; i < n; i++)
		done += __atomic_load_n(&w[i].done, __ATOMIC_ACQUIRE);
	return done;
}

/* How many of n waiters finished: waits up to 5 s for want of them (a
 * woken thread on another CPU may run late on a loaded host), then 20 ms
 * more, so that a waiter woken by mistake is counted too. */
static int count_done(struct waiter *w, int n, int want)
{
	int i;

	for (i = 0; i < 50000 && done_now(w, n) < want; i++)
		uk_sched_thread_sleep(100000);
	uk_sched_thread_sleep(20000000);
	return done_now(w, n);
}

static void join_all(struct uk_thread **t, int n)
{
	int i;

	for (i = 0; i < n; i++)
		uk_thread_join(t[i], NULL);
}

UK_TESTCASE(futex, wake_counts)
{
	static __u32 word;
	struct uk_thread *t[4];
	struct waiter w[4];

	word = 0;
	UK_TEST_ASSERT(start_waiters(t, w, 4, &word, ~0U) == 0);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAKE | PRIVATE, 1, 0, NULL, 0),
			       1);
	UK_TEST_EXPECT_SNUM_EQ(count_done(w, 4, 1), 1);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAKE, 2, 0, NULL, 0), 2);
	UK_TEST_EXPECT_SNUM_EQ(count_done(w, 4, 3), 3);
	/* Zero still wakes one, as on Linux. */
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAKE, 0, 0, NULL, 0), 1);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAKE, 5, 0, NULL, 0), 0);
	join_all(t, 4);
	UK_TEST_EXPECT_SNUM_EQ(w[0].rc | w[1].rc | w[2].rc | w[3].rc, 0);
}

UK_TESTCASE(futex, bitsets_select_waiters)
{
	static __u32 word;
	struct uk_thread *t[2];
	struct waiter w[2];

	word = 0;
	UK_TEST_ASSERT(start_waiters(t, w, 1, &word, 1) == 0);
	UK_TEST_ASSERT(start_waiters(t + 1, w + 1, 1, &word, 2) == 0);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAKE_BITSET, 10, 0, NULL, 4),
			       0);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAKE_BITSET, 10, 0, NULL, 2),
			       1);
	UK_TEST_EXPECT_SNUM_EQ(count_done(w, 2, 1), 1);
	UK_TEST_EXPECT(w[1].done && !w[0].done);
	UK_TEST_EXPECT_SNUM_EQ(futex(&word, WAKE, 10, 0, NULL, 0), 1);
	join_all(t, 2);
}

UK_TESTCASE(futex, requeue_moves_waiters)
{
	static __u32 a, b;
	struct uk_thread *t[4];
	struct waiter w[4];

	a = b = 0;
	UK_TEST_ASSERT(start_waiters(t, w, 4, &a, ~0U) == 0);
	/* CMP_REQUEUE checks *a first. */
	UK_TEST_EXPECT_SNUM_EQ(futex(&a, CMP_REQUEUE, 1, 2, &b, 7), -EAGAIN);
	/* Wake 1, move 2: the result counts both. */
	UK_TEST_EXPECT_SNUM_EQ(futex(&a, CMP_REQUEUE, 1, 2, &b, 0), 3);
	UK_TEST_EXPECT_SNUM_EQ(count_done(w, 4, 1), 1);
	UK_TEST_EXPECT_SNUM_EQ(futex(&b, WAKE, 10, 0, NULL, 0), 2);
	UK_TEST_EXPECT_SNUM_EQ(count_done(w, 4, 3), 3);
	/* Plain REQUEUE of the last one, then a wake on the target. */
	UK_TEST_EXPECT_SNUM_EQ(futex(&a, REQUEUE, 0, 5, &b, 0), 1);
	UK_TEST_EXPECT_SNUM_EQ(futex(&a, WAKE, 10, 0, NULL, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(futex(&b, WAKE, 10, 0, NULL, 0), 1);
	join_all(t, 4);
}

/* FUTEX_OP(op, oparg, cmp, cmparg), unsigned: op 8 and up sets bit 31
 * (UBSan: a signed shift into the sign bit). */
#define FOP(op, oparg, cmp, cmparg)					\
	((((op) & 0xfU) << 28) | (((cmp) & 0xfU) << 24) |		\
	 (((oparg) & 0xfffU) << 12) | ((cmparg) & 0xfffU))

UK_TESTCASE(futex, wake_op)
{
	static __u32 a, b;
	struct uk_thread *t[2];
	struct waiter w[2];

	a = b = 0;
	UK_TEST_ASSERT(start_waiters(t, w, 1, &a, ~0U) == 0);
	UK_TEST_ASSERT(start_waiters(t + 1, w + 1, 1, &b, ~0U) == 0);
	/* b += 3 (old 0); wake 1 on a; old == 0, so wake 1 on b too. */
	UK_TEST_EXPECT_SNUM_EQ(futex(&a, WAKE_OP, 1, 1, &b,
				     FOP(1, 3, 0, 0)), 2);
	UK_TEST_EXPECT_SNUM_EQ(b, 3);
	UK_TEST_EXPECT_SNUM_EQ(count_done(w, 2, 2), 2);
	/* b |= 1 << 4 (OPARG_SHIFT); old 3 is not > 5: only a's. */
	UK_TEST_EXPECT_SNUM_EQ(futex(&a, WAKE_OP, 1, 1, &b,
				     FOP(8 | 2, 4, 4, 5)), 0);
	UK_TEST_EXPECT_SNUM_EQ(b, 19);
	UK_TEST_EXPECT_SNUM_EQ(futex(&a, WAKE_OP, 1, 1, (__u32 *)16,
				     FOP(0, 1, 0, 0)), -EFAULT);
	join_all(t, 2);
}

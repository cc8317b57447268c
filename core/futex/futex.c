/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * futex(2). Waiters are wait-queue entries (uk/wait.h) in one of 256
 * buckets hashed by address, so a killed waiter leaves its bucket like
 * any waiter (uk_thread_kill). A waiter reads the futex word under its
 * bucket's lock with paging forbidden (a page not present: unlock, fault
 * it in, retry), so a waker that changes the word and then wakes under
 * the same lock cannot be missed. REQUEUE moves entries between buckets
 * under both locks, taken in address order; a waiter finds its current
 * bucket through its thread's wq pointer, which only changes under the
 * locks.
 */
#include <errno.h>
#include <limits.h>
#include <uk/essentials.h>
#include <uk/futex.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include <uk/wait.h>

/* Linux's values. */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_FD		2
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY	0xffffffffU

#define FUTEX_OP_SET		0
#define FUTEX_OP_ADD		1
#define FUTEX_OP_OR		2
#define FUTEX_OP_ANDN		3
#define FUTEX_OP_XOR		4
#define FUTEX_OP_OPARG_SHIFT	8
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP_CMP_NE		1
#define FUTEX_OP_CMP_LT		2
#define FUTEX_OP_CMP_LE		3
#define FUTEX_OP_CMP_GT		4
#define FUTEX_OP_CMP_GE		5

#define NBUCKETS	256

struct futex_waiter {
	struct uk_waitq_entry e;
	__u32 *uaddr;
	__u32 bitset;
	int woken;			/* set by the waker, under the lock */
};

static struct uk_waitq buckets[NBUCKETS];

/* Sets the buckets up on first use, once: a CPU that finds another at it
 * waits until it is done. (A plain "done" flag let two CPUs making their
 * first calls at once both run the loop, the later one resetting a
 * bucket's lock and list under the other's feet.) */
static void futex_init(void)
{
	static int state;	/* 0: not yet, 1: being set up, 2: done */
	int expected = 0;
	unsigned int i;

	if (likely(__atomic_load_n(&state, __ATOMIC_ACQUIRE) == 2))
		return;
	if (__atomic_compare_exchange_n(&state, &expected, 1, 0,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		for (i = 0; i < NBUCKETS; i++)
			uk_waitq_init(&buckets[i]);
		__atomic_store_n(&state, 2, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
		ukarch_spinwait();
}

static struct uk_waitq *bucket_of(const __u32 *uaddr)
{
	__uptr a = (__uptr)uaddr >> 2;

	return &buckets[(a ^ (a >> 8) ^ (a >> 16)) % NBUCKETS];
}

static struct futex_waiter *waiter_of(struct uk_waitq_entry *e)
{
	return __containerof(e, struct futex_waiter, e);
}

/* Locks the bucket(s) of a and b, in address order. */
static void lock2(struct uk_waitq *a, struct uk_waitq *b,
		  unsigned long *flags)
{
	if (a > b) {
		struct uk_waitq *t = a;

		a = b;
		b = t;
	}
	uk_spin_lock_irqsave(&a->lock, *flags);
	if (b != a)
		uk_spin_lock(&b->lock);
}

static void unlock2(struct uk_waitq *a, struct uk_waitq *b,
		    unsigned long flags)
{
	if (b != a)
		uk_spin_unlock(&(a > b ? a : b)->lock);
	uk_spin_unlock_irqrestore(&(a > b ? b : a)->lock, flags);
}

/* Reads the word at uaddr without paging (under a lock). 0, or -EAGAIN
 * if the page is not present (the caller faults it in and retries), or
 * -EFAULT. */
static int read_locked(const __u32 *uaddr, __u32 *val)
{
	if (uk_nofault_memcpy((char *)val, (const char *)uaddr, sizeof(*val),
			      UK_NOFAULTF_NOPAGING) == sizeof(*val))
		return 0;
	return -EAGAIN;
}

/* Faults the word in (outside any lock): 0 or -EFAULT. */
static int fault_in(const __u32 *uaddr, int write)
{
	__sz n = write ? uk_nofault_probe_w((__vaddr_t)uaddr, 4, 0)
		       : uk_nofault_probe_r((__vaddr_t)uaddr, 4, 0);

	return n == 4 ? 0 : -EFAULT;
}

static int futex_wait(__u32 *uaddr, __u32 val, struct uk_deadline *d,
		      __u32 bitset)
{
	struct uk_thread *self = uk_thread_current();
	struct futex_waiter w = {
		.e = { .thread = self, .link = UK_LIST_HEAD_INIT(w.e.link) },
		.uaddr = uaddr,
		.bitset = bitset,
	};
	struct uk_waitq *b = bucket_of(uaddr), *cur;
	unsigned long flags;
	__nsec deadline;
	__u32 now;
	int rc;

	if (!bitset)
		return -EINVAL;
	deadline = uk_deadline_at(d);
	for (;;) {
		rc = fault_in(uaddr, 0);
		if (rc)
			return rc;
		uk_spin_lock_irqsave(&b->lock, flags);
		if (read_locked(uaddr, &now) == 0)
			break;
		uk_spin_unlock_irqrestore(&b->lock, flags);
	}
	if (now != val) {
		uk_spin_unlock_irqrestore(&b->lock, flags);
		return -EAGAIN;
	}
	if (uk_thread_interrupted(self)) {
		uk_spin_unlock_irqrestore(&b->lock, flags);
		return deadline ? -EINTR : -UK_ERESTARTSYS;
	}
	uk_list_add_tail(&w.e.link, &b->waiters);
	self->wq = b;
	self->wq_entry = &w.e;
	uk_deadline_wait_begin(d);
	uk_thread_block_until(self, deadline);
	uk_spin_unlock_irqrestore(&b->lock, flags);

	for (;;) {
		/* A realtime deadline a step moved: look again. */
		if (uk_deadline_stale(d))
			uk_thread_wake(self);
		uk_sched_yield();
		/* The bucket may have changed (requeue): lock the current
		 * one. */
		for (;;) {
			cur = READ_ONCE(self->wq);
			uk_spin_lock_irqsave(&cur->lock, flags);
			if (READ_ONCE(self->wq) == cur)
				break;
			uk_spin_unlock_irqrestore(&cur->lock, flags);
		}
		if (w.woken) {
			rc = 0;
			break;
		}
		deadline = uk_deadline_at(d);
		if (deadline && ukplat_monotonic_clock() >= deadline) {
			uk_list_del(&w.e.link);
			rc = -ETIMEDOUT;
			break;
		}
		/* A signal: an untimed wait runs again after the handler
		 * (the C library checks the word again anyway). */
		if (uk_thread_interrupted(self)) {
			uk_list_del(&w.e.link);
			rc = deadline ? -EINTR : -UK_ERESTARTSYS;
			break;
		}
		/* Spurious (a preemption right before blocking): wait on. */
		uk_thread_block_until(self, deadline);
		uk_spin_unlock_irqrestore(&cur->lock, flags);
	}
	self->wq = NULL;
	self->wq_entry = NULL;
	uk_spin_unlock_irqrestore(&cur->lock, flags);
	/* Woken or timed out while still marked blocked: runnable. */
	uk_thread_wake(self);
	uk_deadline_wait_end(d);
	return rc;
}

/* Wakes up to n waiters of uaddr in b whose bitset meets bitset (lock
 * held). Returns how many. */
static int wake_locked(struct uk_waitq *b, __u32 *uaddr, int n,
		       __u32 bitset)
{
	struct uk_list *pos, *next;
	struct futex_waiter *w;
	int woken = 0;

	uk_list_for_each_safe(pos, next, &b->waiters) {
		if (woken >= n)
			break;
		w = waiter_of(uk_list_entry(pos, struct uk_waitq_entry, link));
		if (w->uaddr != uaddr || !(w->bitset & bitset))
			continue;
		uk_list_del(&w->e.link);
		w->woken = 1;
		uk_thread_wake(w->e.thread);
		woken++;
	}
	return woken;
}

static int futex_wake(__u32 *uaddr, int n, __u32 bitset)
{
	struct uk_waitq *b = bucket_of(uaddr);
	unsigned long flags;
	int woken;

	if (!bitset)
		return -EINVAL;
	/* As Linux: 0 or a negative count still wakes one. */
	if (n <= 0)
		n = 1;
	uk_spin_lock_irqsave(&b->lock, flags);
	woken = wake_locked(b, uaddr, n, bitset);
	uk_spin_unlock_irqrestore(&b->lock, flags);
	return woken;
}

int uk_futex_wake(__u32 *uaddr, int n)
{
	futex_init();
	return futex_wake(uaddr, n, FUTEX_BITSET_MATCH_ANY);
}

/* Wakes up to nwake waiters of uaddr and moves up to nmove others to
 * uaddr2; with cmp, only if *uaddr is val. Returns woken + moved. */
static int futex_requeue(__u32 *uaddr, int nwake, int nmove, __u32 *uaddr2,
			 int cmp, __u32 val)
{
	struct uk_waitq *b1 = bucket_of(uaddr), *b2 = bucket_of(uaddr2);
	struct uk_list *pos, *next;
	struct futex_waiter *w;
	unsigned long flags;
	int woken, moved = 0, rc;
	__u32 now;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	for (;;) {
		if (cmp) {
			rc = fault_in(uaddr, 0);
			if (rc)
				return rc;
		}
		lock2(b1, b2, &flags);
		if (!cmp || read_locked(uaddr, &now) == 0)
			break;
		unlock2(b1, b2, flags);
	}
	if (cmp && now != val) {
		unlock2(b1, b2, flags);
		return -EAGAIN;
	}
	woken = wake_locked(b1, uaddr, nwake, FUTEX_BITSET_MATCH_ANY);
	uk_list_for_each_safe(pos, next, &b1->waiters) {
		if (moved >= nmove)
			break;
		w = waiter_of(uk_list_entry(pos, struct uk_waitq_entry, link));
		if (w->uaddr != uaddr)
			continue;
		w->uaddr = uaddr2;
		if (b2 != b1) {
			uk_list_del(&w->e.link);
			uk_list_add_tail(&w->e.link, &b2->waiters);
			WRITE_ONCE(w->e.thread->wq, b2);
		}
		moved++;
	}
	unlock2(b1, b2, flags);
	return woken + moved;
}

/* The operation of FUTEX_WAKE_OP on the word at uaddr (atomic, no
 * paging: the caller holds locks). Stores the old value in *old.
 * Returns 0, -EAGAIN (page not present), -EFAULT or -ENOSYS. */
static int wake_op_apply(__u32 *uaddr, __u32 encoded, __u32 *old)
{
	unsigned int op = (encoded >> 28) & 7;
	int oparg = (int)(encoded << 8) >> 20;	/* 12 bits, signed */
	__u32 cur, new;
	int rc;

	/* A shift out of range is masked, as Linux does now. */
	if ((encoded >> 28) & FUTEX_OP_OPARG_SHIFT)
		oparg = (int)(1U << (oparg & 31));
	if (read_locked(uaddr, &cur))
		return -EAGAIN;
	for (;;) {
		switch (op) {
		case FUTEX_OP_SET: new = (__u32)oparg; break;
		case FUTEX_OP_ADD: new = cur + (__u32)oparg; break;
		case FUTEX_OP_OR: new = cur | (__u32)oparg; break;
		case FUTEX_OP_ANDN: new = cur & ~(__u32)oparg; break;
		case FUTEX_OP_XOR: new = cur ^ (__u32)oparg; break;
		default: return -ENOSYS;
		}
		rc = uk_nofault_cmpxchg_u32(uaddr, cur, new, old,
					    UK_NOFAULTF_NOPAGING);
		if (rc)
			return rc == -EFAULT ? -EAGAIN : rc;
		if (*old == cur)
			return 0;
		cur = *old;
	}
}

static int wake_op_cmp(__u32 encoded, __u32 old)
{
	unsigned int cmp = (encoded >> 24) & 15;
	int cmparg = (int)(encoded << 20) >> 20;	/* 12 bits, signed */
	int v = (int)old;

	switch (cmp) {
	case FUTEX_OP_CMP_EQ: return v == cmparg;
	case FUTEX_OP_CMP_NE: return v != cmparg;
	case FUTEX_OP_CMP_LT: return v < cmparg;
	case FUTEX_OP_CMP_LE: return v <= cmparg;
	case FUTEX_OP_CMP_GT: return v > cmparg;
	case FUTEX_OP_CMP_GE: return v >= cmparg;
	default: return -ENOSYS;
	}
}

static int futex_wake_op(__u32 *uaddr, int nwake, __u32 *uaddr2,
			 int nwake2, __u32 encoded)
{
	struct uk_waitq *b1 = bucket_of(uaddr), *b2 = bucket_of(uaddr2);
	unsigned long flags;
	int woken, cmp, rc;
	__u32 old;

	for (;;) {
		rc = fault_in(uaddr2, 1);
		if (rc)
			return rc;
		lock2(b1, b2, &flags);
		rc = wake_op_apply(uaddr2, encoded, &old);
		if (rc != -EAGAIN)
			break;
		unlock2(b1, b2, flags);
	}
	if (rc) {
		unlock2(b1, b2, flags);
		return rc;
	}
	woken = nwake > 0 ? wake_locked(b1, uaddr, nwake,
					FUTEX_BITSET_MATCH_ANY) : 0;
	cmp = wake_op_cmp(encoded, old);
	if (cmp > 0 && nwake2 > 0)
		woken += wake_locked(b2, uaddr2, nwake2,
				     FUTEX_BITSET_MATCH_ANY);
	unlock2(b1, b2, flags);
	return cmp < 0 ? cmp : woken;
}

/* The timeout of a wait: relative on the monotonic clock for FUTEX_WAIT,
 * absolute for WAIT_BITSET (monotonic, or realtime with
 * FUTEX_CLOCK_REALTIME). Returns 0 with the deadline (0: none) or
 * -errno. */
static int wait_deadline(int cmd, int op, const struct uk_timespec *ut,
			 struct uk_deadline *d)
{
	struct uk_timespec ts;
	__nsec at;
	int rc;

	uk_deadline_mono(d, 0);
	if (!ut)
		return 0;
	if (cmd == FUTEX_WAIT) {
		rc = uk_time_rel_deadline_user(ut, &at);
		uk_deadline_mono(d, at);
		return rc;
	}
	if (uk_copy_from_user(&ts, ut, sizeof(ts)))
		return -EFAULT;
	rc = uk_deadline_abs(d, op & FUTEX_CLOCK_REALTIME ?
			     UK_CLOCK_REALTIME : UK_CLOCK_MONOTONIC, &ts);
	if (rc == -ETIMEDOUT) {
		/* Passed already: the value is still compared (Linux). */
		uk_deadline_mono(d, 1);
		return 0;
	}
	return rc;
}

UK_SYSCALL_R_DEFINE(long, futex, __u32 *, uaddr, int, op, __u32, val,
		    const struct uk_timespec *, timeout, __u32 *, uaddr2,
		    __u32, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	struct uk_deadline deadline;
	int rc;

	futex_init();
	if ((__uptr)uaddr & 3)
		return -EINVAL;
	/* Kernel memory is no futex word of the app's (uk/nofault.h). */
	if (!uk_user_range_ok(uaddr, sizeof(*uaddr)))
		return -EFAULT;
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		/* Linux ignores FUTEX_CLOCK_REALTIME for a relative wait
		 * since 4.5: it measures on the monotonic clock. */
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		rc = wait_deadline(cmd, op, timeout, &deadline);
		if (rc)
			return rc;
		return futex_wait(uaddr, val, &deadline, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, (int)val, val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if ((__uptr)uaddr2 & 3)
			return -EINVAL;
		if (!uk_user_range_ok(uaddr2, sizeof(*uaddr2)))
			return -EFAULT;
		/* The fourth argument is a count here, not a pointer. */
		return futex_requeue(uaddr, (int)val,
				     (int)(long)timeout, uaddr2,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	case FUTEX_WAKE_OP:
		if ((__uptr)uaddr2 & 3)
			return -EINVAL;
		if (!uk_user_range_ok(uaddr2, sizeof(*uaddr2)))
			return -EFAULT;
		return futex_wake_op(uaddr, (int)val, uaddr2,
				     (int)(long)timeout, val3);
	default:
		return -ENOSYS;
	}
}

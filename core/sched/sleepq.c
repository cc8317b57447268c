/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-CPU sleep queue: a pairing heap of blocked threads ordered by
 * wakeup_time. Insert is O(1), pop-min and delete O(log n) amortized;
 * delete is needed because most timed waits end by a wake-up, not by
 * their deadline. Callers hold the scheduler's lock.
 */
#include "sched_impl.h"

static struct uk_thread *meld(struct uk_thread *a, struct uk_thread *b)
{
	struct uk_thread *tmp;

	if (!a)
		return b;
	if (!b)
		return a;
	if (b->wakeup_time < a->wakeup_time) {
		tmp = a;
		a = b;
		b = tmp;
	}
	/* b becomes a's first child; sq_prev of a first child is the parent */
	b->sq_next = a->sq_child;
	if (a->sq_child)
		a->sq_child->sq_prev = b;
	b->sq_prev = a;
	a->sq_child = b;
	a->sq_next = NULL;
	a->sq_prev = NULL;
	return a;
}

/* The classic two passes: meld pairs left to right, then the results
 * right to left. sq_next links the intermediate stack. */
static struct uk_thread *merge_pairs(struct uk_thread *first)
{
	struct uk_thread *stack = NULL, *res = NULL, *a, *b, *rest;

	while (first) {
		a = first;
		b = a->sq_next;
		rest = b ? b->sq_next : NULL;
		a->sq_next = a->sq_prev = NULL;
		if (b)
			b->sq_next = b->sq_prev = NULL;
		a = meld(a, b);
		a->sq_next = stack;
		stack = a;
		first = rest;
	}
	while (stack) {
		a = stack;
		stack = a->sq_next;
		a->sq_next = NULL;
		res = meld(res, a);
	}
	return res;
}

void sleepq_insert(struct uk_sched *s, struct uk_thread *t)
{
	UK_ASSERT(!t->in_sleepq);
	t->sq_child = t->sq_next = t->sq_prev = NULL;
	t->in_sleepq = 1;
	s->sleepq = meld(s->sleepq, t);
}

void sleepq_remove(struct uk_sched *s, struct uk_thread *t)
{
	struct uk_thread *sub;

	if (!t->in_sleepq)
		return;
	t->in_sleepq = 0;
	sub = merge_pairs(t->sq_child);
	t->sq_child = NULL;
	if (t == s->sleepq) {
		s->sleepq = sub;
		return;
	}
	if (t->sq_prev->sq_child == t)
		t->sq_prev->sq_child = t->sq_next;
	else
		t->sq_prev->sq_next = t->sq_next;
	if (t->sq_next)
		t->sq_next->sq_prev = t->sq_prev;
	t->sq_next = t->sq_prev = NULL;
	s->sleepq = meld(s->sleepq, sub);
}

struct uk_thread *sleepq_pop_expired(struct uk_sched *s, __nsec now)
{
	struct uk_thread *t = s->sleepq;

	if (!t || t->wakeup_time > now)
		return NULL;
	sleepq_remove(s, t);
	return t;
}

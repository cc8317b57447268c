/* SPDX-License-Identifier: BSD-3-Clause */
/* Mailboxes: creation and the operations that may sleep. */
#include <errno.h>
#include <uk/mbox.h>
#include <uk/wait.h>

struct uk_mbox *uk_mbox_create(struct uk_alloc *a, __sz size)
{
	struct uk_mbox *m;

	if (!size || size > (1UL << 24))
		return NULL;
	m = uk_malloc(a, sizeof(*m) + size * sizeof(m->msgs[0]));
	if (!m)
		return NULL;
	uk_spin_init(&m->lock);
	m->size = size;
	m->head = 0;
	m->count = 0;
	uk_waitq_init(&m->readers);
	uk_waitq_init(&m->writers);
	return m;
}

void uk_mbox_free(struct uk_alloc *a, struct uk_mbox *m)
{
	uk_free(a, m);
}

int uk_mbox_post_until(struct uk_mbox *m, void *msg, __nsec deadline)
{
	for (;;) {
		if (!uk_mbox_post_try(m, msg))
			return 0;
		if (uk_waitq_wait_event_deadline(&m->writers,
				READ_ONCE(m->count) < m->size, deadline))
			return -ETIMEDOUT;
	}
}

void uk_mbox_post(struct uk_mbox *m, void *msg)
{
	uk_mbox_post_until(m, msg, 0);
}

int uk_mbox_recv_until(struct uk_mbox *m, void **msg, __nsec deadline)
{
	for (;;) {
		if (!uk_mbox_recv_try(m, msg))
			return 0;
		if (uk_waitq_wait_event_deadline(&m->readers,
				READ_ONCE(m->count) > 0, deadline))
			return -ETIMEDOUT;
	}
}

void uk_mbox_recv(struct uk_mbox *m, void **msg)
{
	uk_mbox_recv_until(m, msg, 0);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mailbox operations that never sleep, so interrupt handlers may call
 * them (the _isr names); the blocking ones in mbox.c are built on these.
 */
#include <errno.h>
#include <uk/isr/mbox.h>
#include <uk/wait.h>

int uk_mbox_post_try(struct uk_mbox *m, void *msg)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&m->lock, flags);
	if (m->count == m->size) {
		uk_spin_unlock_irqrestore(&m->lock, flags);
		return -ENOBUFS;
	}
	m->msgs[(m->head + m->count) % m->size] = msg;
	m->count++;
	uk_spin_unlock_irqrestore(&m->lock, flags);
	uk_waitq_wake_up_one(&m->readers);
	return 0;
}

int uk_mbox_recv_try(struct uk_mbox *m, void **msg)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&m->lock, flags);
	if (!m->count) {
		uk_spin_unlock_irqrestore(&m->lock, flags);
		return -EAGAIN;
	}
	*msg = m->msgs[m->head];
	m->head = (m->head + 1) % m->size;
	m->count--;
	uk_spin_unlock_irqrestore(&m->lock, flags);
	uk_waitq_wake_up_one(&m->writers);
	return 0;
}

int uk_mbox_post_try_isr(struct uk_mbox *m, void *msg)
{
	return uk_mbox_post_try(m, msg);
}

int uk_mbox_recv_try_isr(struct uk_mbox *m, void **msg)
{
	return uk_mbox_recv_try(m, msg);
}

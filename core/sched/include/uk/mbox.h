/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mailboxes: bounded FIFO queues of pointers between threads (and from
 * interrupt handlers: the _isr functions in uk/isr/mbox.h never sleep).
 */
#ifndef __UK_MBOX_H__
#define __UK_MBOX_H__

#include <uk/alloc.h>
#include <uk/spinlock.h>
#include <uk/wait_types.h>

struct uk_mbox {
	struct uk_spinlock lock;
	__sz size;			/* slots */
	__sz head, count;
	struct uk_waitq readers, writers;
	void *msgs[];
};

/* Creates a mailbox of size slots. Returns it, or NULL (size 0, out of
 * memory). */
struct uk_mbox *uk_mbox_create(struct uk_alloc *a, __sz size);
/* Frees an empty mailbox nobody waits on. */
void uk_mbox_free(struct uk_alloc *a, struct uk_mbox *m);
/* Posts msg, sleeping while the mailbox is full. */
void uk_mbox_post(struct uk_mbox *m, void *msg);
/* Posts msg if there is room. Returns 0 or -ENOBUFS. */
int uk_mbox_post_try(struct uk_mbox *m, void *msg);
/* Posts msg, waiting for room until deadline. 0 or -ETIMEDOUT. */
int uk_mbox_post_until(struct uk_mbox *m, void *msg, __nsec deadline);
/* Takes the oldest message into *msg, sleeping while empty. */
void uk_mbox_recv(struct uk_mbox *m, void **msg);
/* Takes a message if there is one. Returns 0 or -EAGAIN. */
int uk_mbox_recv_try(struct uk_mbox *m, void **msg);
/* Takes a message, waiting until deadline. 0 or -ETIMEDOUT. */
int uk_mbox_recv_until(struct uk_mbox *m, void **msg, __nsec deadline);

#endif /* __UK_MBOX_H__ */

/* SPDX-License-Identifier: BSD-3-Clause */
/* Mailbox operations safe in interrupt context (mbox_isr.c). */
#ifndef __UK_ISR_MBOX_H__
#define __UK_ISR_MBOX_H__

#include <uk/mbox.h>

/* Posts msg if there is room. Returns 0 or -ENOBUFS. */
int uk_mbox_post_try_isr(struct uk_mbox *m, void *msg);
/* Takes a message if there is one. Returns 0 or -EAGAIN. */
int uk_mbox_recv_try_isr(struct uk_mbox *m, void **msg);

#endif /* __UK_ISR_MBOX_H__ */

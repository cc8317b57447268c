/* SPDX-License-Identifier: BSD-3-Clause */
/* Wait queue structures (uk/wait.h), apart so that threads can embed one. */
#ifndef __UK_WAIT_TYPES_H__
#define __UK_WAIT_TYPES_H__

#include <uk/list.h>
#include <uk/spinlock.h>

struct uk_thread;

struct uk_waitq {
	struct uk_spinlock lock;
	struct uk_list waiters;		/* struct uk_waitq_entry */
};

struct uk_waitq_entry {
	struct uk_thread *thread;
	struct uk_list link;		/* empty when not queued */
};

#define UK_WAITQ_INITIALIZER(wq)					\
	{ UK_SPINLOCK_INITIALIZER(), UK_LIST_HEAD_INIT((wq).waiters) }

#endif /* __UK_WAIT_TYPES_H__ */

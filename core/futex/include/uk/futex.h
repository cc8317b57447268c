/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Futexes: the futex(2) system call (WAIT, WAKE, REQUEUE, CMP_REQUEUE,
 * WAKE_OP, WAIT_BITSET, WAKE_BITSET; FUTEX_PRIVATE_FLAG and
 * FUTEX_CLOCK_REALTIME) over wait queues hashed by address. There is one
 * address space, so private and shared futexes are the same. The PI
 * operations are not implemented (ENOSYS).
 */
#ifndef __UK_FUTEX_H__
#define __UK_FUTEX_H__

#include <uk/arch/types.h>

/* Wakes up to n waiters of the futex at uaddr (all bits). Returns how
 * many. For the kernel: thread exit (CLONE_CHILD_CLEARTID, robust
 * lists). */
int uk_futex_wake(__u32 *uaddr, int n);

#endif /* __UK_FUTEX_H__ */

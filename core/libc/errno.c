/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <uk/thread.h>

/*
 * errno is per thread and lives in struct uk_thread (guest code has no
 * compiler TLS in sim). Before the scheduler exists there is one thread
 * of execution, which uses boot_errno.
 */
static int boot_errno;

int *__errno_location(void)
{
	struct uk_thread *t = uk_thread_current();

	return t ? &t->err : &boot_errno;
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

/*
 * A single errno for the whole kernel. It becomes per-thread (hanging off
 * the current thread) when the scheduler lands; callers already go
 * through __errno_location(), so only this function will change.
 */
static int errno_storage;

int *__errno_location(void)
{
	return &errno_storage;
}

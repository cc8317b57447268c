/* SPDX-License-Identifier: BSD-3-Clause */
/* exit(), atexit() and the environment of the app. */
#include <errno.h>
#include <stdlib.h>
#include <uk/boot.h>
#include <uk/plat/bootstrap.h>

#define ATEXIT_MAX	32	/* POSIX requires at least 32 */

static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_count;

int atexit(void (*fn)(void))
{
	if (!fn)
		return -1;
	if (atexit_count >= ATEXIT_MAX)
		return -1;
	atexit_fns[atexit_count++] = fn;
	return 0;
}

/* Runs the atexit handlers in reverse order of registration, once; a
 * handler may register more handlers, which run too. */
void uk_boot_run_atexit(void)
{
	while (atexit_count > 0)
		atexit_fns[--atexit_count]();
}

void exit(int status)
{
	uk_boot_exit(status);
}

void _Exit(int status)
{
	ukplat_terminate(UKPLAT_HALT, status);
}

void _exit(int status)
{
	ukplat_terminate(UKPLAT_HALT, status);
}

/* There is no environment yet: every lookup misses. */
char *getenv(const char *name)
{
	return NULL;
}

/*
 * Crashes on purpose, to show (and test) the kernel's crash report:
 *   crash null       dereference NULL
 *   crash stack      overflow the stack by unbounded recursion
 *   crash thread-stack  the same in a thread named "worker"
 *   crash divide     divide by zero
 *   crash abort      call abort()
 *   crash assert     fail a C assert()
 *   crash kassert    fail a kernel UK_ASSERT()
 *   crash nested     fault inside a page-fault handler
 *   crash leak       lose a malloc'd block (for valgrind to find)
 *   crash uaf        write to a freed block (for valgrind to find)
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uk/arch/traps.h>
#include <uk/assert.h>
#include <uk/errptr.h>
#include <uk/event.h>
#include <uk/thread.h>

static volatile int zero, ten = 10;

static int __attribute__((noinline)) read_null(int *p)
{
	return *p;
}

/* Unbounded on purpose: the kernel must catch the overflow. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int __attribute__((noinline)) recurse(int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	return recurse(depth + 1) + pad[0];
}

static void *__attribute__((noinline)) leak_block(size_t size)
{
	char *p = malloc(size);

	if (p)
		memset(p, 1, size);
	/* Only a hidden copy remains: valgrind calls it definitely lost. */
	return (void *)((unsigned long)p ^ 1);
}

static int __attribute__((noinline)) write_after_free(void)
{
	char *volatile p = malloc(32);

	free(p);
	p[4] = 'x';
	return 0;
}

/* A page-fault handler that faults itself, when armed. */
static volatile int nested_armed;

static int faulty_handler(void *data)
{
	if (!nested_armed)
		return UK_EVENT_NOT_HANDLED;
	return read_null(NULL);
}

UK_EVENT_HANDLER_PRIO(UKARCH_TRAP_PAGE_FAULT, faulty_handler,
		      UK_PRIO_EARLIEST);

static void recurse_in_thread(void *arg)
{
	recurse(0);
}

static int overflow_thread_stack(void)
{
	struct uk_thread *t = uk_thread_create("worker", recurse_in_thread,
					       NULL, 0, 0);

	if (PTRISERR(t) || uk_thread_start(t))
		return 1;
	return uk_thread_join(t, NULL);
}

static void usage(void)
{
	printf("usage: crash null|stack|thread-stack|divide|abort|assert|"
	       "kassert|nested|leak|uaf\n");
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		usage();
		return 2;
	}
	if (!strcmp(argv[1], "null"))
		return read_null(NULL);
	if (!strcmp(argv[1], "stack"))
		return recurse(0);
	if (!strcmp(argv[1], "thread-stack"))
		return overflow_thread_stack();
	if (!strcmp(argv[1], "divide"))
		return ten / zero;
	if (!strcmp(argv[1], "abort"))
		abort();
	if (!strcmp(argv[1], "assert"))
		assert(argc == 3);
	if (!strcmp(argv[1], "kassert"))
		UK_ASSERT(argc == 3);
	if (!strcmp(argv[1], "nested")) {
		nested_armed = 1;
		return read_null(NULL);
	}
	if (!strcmp(argv[1], "leak"))
		return leak_block(123) == NULL;
	if (!strcmp(argv[1], "uaf"))
		return write_after_free();
	usage();
	return 2;
}

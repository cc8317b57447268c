/*
 * Crashes on purpose, to show (and test) the kernel's crash report:
 *   crash null       dereference NULL
 *   crash stack      overflow the stack by unbounded recursion
 *   crash thread-stack  the same in a thread named "worker"
 *   crash thread-kassert  fail a UK_ASSERT() a few calls deep in a
 *                    thread "small" with the smallest stack a thread may
 *                    have (the report must still be whole)
 *   crash divide     divide by zero
 *   crash abort      call abort()
 *   crash assert     fail a C assert()
 *   crash kassert    fail a kernel UK_ASSERT()
 *   crash nested     fault inside a page-fault handler
 *   crash leak       lose a malloc'd block (for valgrind to find)
 *   crash uaf        write to a freed block (for valgrind or MTE to find)
 *   crash overflow   write past a heap block into the next one (MTE)
 *   crash large-uaf, crash large-overflow   the same with a block of
 *                    whole pages (MTE where tags exist only per page)
 *   crash pac        overwrite its own return address (PAuth: a PAC
 *                    failure; without it the gadget runs, status 3)
 *   crash sigbus     touch a file mapping past the file's end (SIGBUS)
 *   crash big-frame  a 150 KiB local in a thread of 64 KiB of stack
 *   crash double     a trap on a broken stack pointer (x86_64)
 *   crash int-overflow   a signed integer overflow (reported in a
 *                    -Dubsan=true build; the other modes do their
 *                    undefined things unchecked, to show the traps)
 */
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uk/arch/traps.h>
#include <uk/assert.h>
#include <uk/errptr.h>
#include <uk/event.h>
#include <uk/thread.h>

static volatile int zero, ten = 10, int_max = __INT_MAX__;

/* Not checked by -fsanitize=undefined: these show the trap reports. */
#define UNCHECKED	__attribute__((noinline, no_sanitize_undefined))

static int UNCHECKED read_null(int *p)
{
	int v = *(volatile int *)p;

	/* The load before the epilogue, so the report sees main's frame
	 * (GCC moved it after the frame was popped in arm64 UBSan builds). */
	__asm__ __volatile__("" : : "r"(v) : "memory");
	return v;
}

static int UNCHECKED divide(int a, int b)
{
	return a / b;
}

static int __attribute__((noinline)) int_overflow(int a, int b)
{
	return a + b;
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

static int __attribute__((noinline)) overflow_block(void)
{
	char *volatile a = malloc(32);
	char *volatile b = malloc(32);

	if (!a || !b)
		return 1;
	/* Past a's 32 bytes: the next object of its size class, or at
	 * least not a's memory. */
	a[32 + 15] = 'x';
	free(a);
	free(b);
	return 0;
}

/* A block of whole pages (over the heap's 128 KiB of arena blocks) that
 * ends exactly at a page boundary (large blocks start 64 bytes into
 * their first page): 40 pages. */
#define LARGE_BLOCK	(40 * 4096 - 64)

static int __attribute__((noinline)) large_write_after_free(void)
{
	char *volatile p = malloc(LARGE_BLOCK);

	if (!p)
		return 1;
	free(p);
	p[100] = 'x';
	return 0;
}

/* Past the end of one block into the next one, which the heap places
 * right after it (next fit). */
static int __attribute__((noinline)) large_overflow(void)
{
	char *volatile p = malloc(LARGE_BLOCK);
	char *volatile q = malloc(LARGE_BLOCK);

	if (!p || !q)
		return 1;
	p[LARGE_BLOCK] = 'x';
	free(p);
	free(q);
	return 0;
}

/* Where a smashed return address leads: reached only when nothing
 * authenticates return addresses. */
static void __attribute__((noinline, used)) gadget(void)
{
	printf("crash: the smashed return address was followed: "
	       "no pointer authentication\n");
	exit(3);
}

/* Overwrites the return address in its own frame record (x86_64: above
 * the saved %rbp; arm64: above the saved x29), then returns. */
static void __attribute__((noinline)) smash_return(void)
{
	void **frame = __builtin_frame_address(0);

	frame[1] = (void *)gadget;
	__asm__ __volatile__("" : : : "memory");
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

/* A chain of calls for the report to show, none of them a tail call. */
static int __attribute__((noinline, noclone)) kassert_c(int x)
{
	UK_ASSERT(x == 1);
	return x;
}

static int __attribute__((noinline, noclone)) kassert_b(int x)
{
	volatile int r = kassert_c(x);

	return r + 1;
}

static int __attribute__((noinline, noclone)) kassert_a(int x)
{
	volatile int r = kassert_b(x);

	return r + 1;
}

static void kassert_in_thread(void *arg)
{
	volatile int r = kassert_a(zero);

	(void)r;
}

static int kassert_small_thread(void)
{
	struct uk_thread *t = uk_thread_create("small", kassert_in_thread,
					       NULL, UK_THREAD_STACK_MIN, 0);

	if (PTRISERR(t) || uk_thread_start(t))
		return 1;
	return uk_thread_join(t, NULL);
}

/* Maps two pages of a file, cuts the file to one, touches the second. */
static int __attribute__((noinline)) touch_past_eof(void)
{
	volatile char *m;
	int fd;

	fd = open("/sigbus", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 8192) < 0)
		return 1;
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED || ftruncate(fd, 4096) < 0)
		return 1;
	m[0] = 1;
	return m[4096];
}

/* One frame far larger than the stack: with stack-clash protection it
 * touches the guard page first instead of landing past it. */
static void __attribute__((noinline)) big_frame(void *arg)
{
	volatile char buf[150 * 1024];

	buf[0] = 1;
	buf[sizeof(buf) - 1] = (char)(long)arg;
}

static int big_frame_in_thread(void)
{
	struct uk_thread *t = uk_thread_create("worker", big_frame, NULL,
					       64 * 1024, 0);

	if (PTRISERR(t) || uk_thread_start(t))
		return 1;
	return uk_thread_join(t, NULL);
}

static void __attribute__((noinline)) broken_stack(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("movq %0, %%rsp\n\tud2"
			     : : "r"(0x8000000000000000UL));
#else
	printf("crash double: x86_64 only\n");
#endif
}

static void usage(void)
{
	printf("usage: crash null|stack|thread-stack|thread-kassert|divide|"
	       "abort|assert|kassert|nested|leak|uaf|overflow|large-uaf|"
	       "large-overflow|pac|sigbus|big-frame|double|int-overflow\n");
}

int main(int argc, char *argv[])
{
	if (argc != 2) {
		usage();
		return 2;
	}
	/* "+ 1": not a tail call, so main stays in the backtrace. */
	if (!strcmp(argv[1], "null"))
		return read_null(NULL) + 1;
	if (!strcmp(argv[1], "stack"))
		return recurse(0);
	if (!strcmp(argv[1], "thread-stack"))
		return overflow_thread_stack();
	if (!strcmp(argv[1], "thread-kassert"))
		return kassert_small_thread();
	if (!strcmp(argv[1], "divide"))
		return divide(ten, zero) + 1;
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
	if (!strcmp(argv[1], "overflow"))
		return overflow_block();
	if (!strcmp(argv[1], "large-uaf"))
		return large_write_after_free();
	if (!strcmp(argv[1], "large-overflow"))
		return large_overflow();
	if (!strcmp(argv[1], "pac")) {
		smash_return();
		return 0;
	}
	if (!strcmp(argv[1], "sigbus"))
		return touch_past_eof();
	if (!strcmp(argv[1], "big-frame"))
		return big_frame_in_thread();
	if (!strcmp(argv[1], "int-overflow"))
		return int_overflow(int_max, ten) < 0;
	if (!strcmp(argv[1], "double")) {
		broken_stack();
		return 1;
	}
	usage();
	return 2;
}

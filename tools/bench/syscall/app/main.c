/*
 * The system-call layer's costs (issue 13), one program for Amphi and for
 * Linux: a no-op call, a 1-byte write to /dev/null, clock_gettime, a
 * futex wake with no waiter, pthread_create+join, a mutex uncontended
 * and contended by two threads, malloc/free of 16..4096 bytes. Each
 * figure is the median of REPS runs, printed as "key nanoseconds" for
 * bench_syscall.py. Plain POSIX: musl's calls on Amphi, glibc's on Linux.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define REPS	9
/* FUTEX_WAKE | FUTEX_PRIVATE_FLAG (musl has no <linux/futex.h>). */
#define FUTEX_WAKE_PRIVATE	129

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Prints the median of REPS runs of fn(n), in ns per iteration. */
static void measure(const char *key, void (*fn)(long), long n)
{
	double v[REPS];
	int i;

	fn(n / 10 + 1);		/* warm up: caches, lazily made objects */
	for (i = 0; i < REPS; i++) {
		double t0 = now_ns();

		fn(n);
		v[i] = (now_ns() - t0) / n;
	}
	qsort(v, REPS, sizeof(v[0]), cmp);
	printf("%s %.2f\n", key, v[REPS / 2]);
	fflush(stdout);
}

static volatile long sink;
static int devnull;
static int futex_word;

static void do_getppid(long n)
{
	for (long i = 0; i < n; i++)
		sink += getppid();
}

static void do_write(long n)
{
	for (long i = 0; i < n; i++)
		sink += write(devnull, "x", 1);
}

static void do_clock(long n)
{
	struct timespec ts;

	for (long i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		sink += ts.tv_nsec;
	}
}

static void do_futex_wake(long n)
{
	for (long i = 0; i < n; i++)
		sink += syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1,
				NULL, NULL, 0);
}

static void *nothing(void *arg)
{
	return arg;
}

static void do_create_join(long n)
{
	pthread_t t;

	for (long i = 0; i < n; i++) {
		if (pthread_create(&t, NULL, nothing, NULL) ||
		    pthread_join(t, NULL)) {
			perror("pthread_create");
			exit(1);
		}
	}
}

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void do_mutex(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&mtx);
		counter++;
		pthread_mutex_unlock(&mtx);
	}
}

static void *mutex_thread(void *arg)
{
	do_mutex((long)arg);
	return NULL;
}

/* Two threads take turns on one mutex: time per lock/unlock pair, over
 * both threads' pairs. */
static void do_mutex_contended(long n)
{
	pthread_t t;

	if (pthread_create(&t, NULL, mutex_thread, (void *)(n / 2))) {
		perror("pthread_create");
		exit(1);
	}
	do_mutex(n - n / 2);
	pthread_join(t, NULL);
}

/* One malloc and one free, sizes cycling over 16..4096 bytes. */
static void do_malloc(long n)
{
	static const size_t sizes[] = { 16, 32, 64, 128, 256, 512, 1024,
					2048, 4096 };
	void *keep[8] = { 0 };

	for (long i = 0; i < n; i++) {
		size_t sz = sizes[i % 9];
		void *p = malloc(sz);

		if (!p) {
			perror("malloc");
			exit(1);
		}
		*(volatile char *)p = 1;
		/* A few blocks live at once, as in real programs. */
		free(keep[i & 7]);
		keep[i & 7] = p;
	}
	for (int i = 0; i < 8; i++)
		free(keep[i]);
}

int main(int argc, char *argv[])
{
	/* Scales the iteration counts (QEMU under TCG: fewer). */
	double scale = argc > 1 ? atof(argv[1]) : 1.0;

	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0) {
		perror("/dev/null");
		return 1;
	}
	measure("getppid", do_getppid, 200000 * scale);
	measure("write_devnull", do_write, 200000 * scale);
	measure("clock_gettime", do_clock, 200000 * scale);
	measure("futex_wake", do_futex_wake, 200000 * scale);
	measure("create_join", do_create_join, 2000 * scale);
	measure("mutex", do_mutex, 1000000 * scale);
	measure("mutex_contended", do_mutex_contended, 400000 * scale);
	measure("malloc_free", do_malloc, 1000000 * scale);
	if (counter == 0)
		return 1;
	return 0;
}

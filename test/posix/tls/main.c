/*
 * __thread and _Thread_local in an app: initialised and zeroed variables,
 * static and global, in 8 threads at once; each thread sees its own
 * copies, starting from the initial values, and the main thread's stay
 * untouched.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "../posix-check.h"

#define THREADS	8
#define ROUNDS	1000

__thread int tls_init = 42;
static __thread long tls_zero;
static _Thread_local char tls_buf[64] = "initial";

static pthread_barrier_t barrier;

static void *worker(void *arg)
{
	intptr_t id = (intptr_t)arg;
	int ok = tls_init == 42 && tls_zero == 0 && tls_buf[0] == 'i';
	int i;

	/* All threads hold their copies at once. */
	pthread_barrier_wait(&barrier);
	for (i = 0; i < ROUNDS; i++) {
		tls_init += (int)id;
		tls_zero += 1;
		tls_buf[i % 64] = (char)id;
	}
	pthread_barrier_wait(&barrier);
	ok = ok && tls_init == 42 + ROUNDS * (int)id && tls_zero == ROUNDS &&
	     tls_buf[63] == (char)id;
	return (void *)(intptr_t)ok;
}

int main(void)
{
	pthread_t t[THREADS];
	void *res;
	int i, all = 1;

	tls_init = 7;
	tls_zero = -1;
	CHECK(pthread_barrier_init(&barrier, NULL, THREADS) == 0);
	for (i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, worker,
				     (void *)(intptr_t)(i + 1)) == 0);
	for (i = 0; i < THREADS; i++) {
		CHECK(pthread_join(t[i], &res) == 0);
		all = all && res == (void *)1;
	}
	CHECK(all);
	CHECK(tls_init == 7 && tls_zero == -1);
	return posix_check_summary();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * getrandom(2) and getentropy(3), and filling app buffers: the output is
 * generated into a small kernel buffer and copied out with the nofault
 * copy, so a bad pointer is EFAULT (or a short count, as on Linux, when
 * the buffer faults part way).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>
#include <uk/essentials.h>
#include <uk/nofault.h>
#include <uk/plat/time.h>
#include <uk/random.h>
#include <uk/syscall.h>
#include <uk/sched.h>
#include <uk/thread.h>
#include "random_impl.h"

#define BOUNCE_BLOCKS	16		/* 1 KiB on the stack */
#define WAIT_NS		ukarch_time_msec_to_nsec(100)
#define GETENTROPY_MAX	256
#define GRND_ALL	(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)

/* Copies n bytes out; returns how many landed before a fault. */
static __sz copy_out(__u8 *dst, const void *src, __sz n)
{
	return uk_copy_to_user_partial(dst, src, n);
}

long uk_random_fill_user(void *ubuf, __sz len)
{
	__u32 bounce[BOUNCE_BLOCKS][16];
	struct uk_random_stream st;
	__sz done = 0, n, got;
	__u8 *p = ubuf;
	unsigned int i;
	__u32 blk[16];

	len = MIN(len, UK_RANDOM_MAX_REQUEST);
	if (!len)
		return 0;
	uk_random_request(blk, len);
	if (len <= UK_RANDOM_DIRECT_MAX) {
		done = copy_out(p, &blk[8], len);
		explicit_bzero(blk, sizeof(blk));
		return done ? (long)done : -EFAULT;
	}
	uk_random_stream_init(&st, &blk[8]);
	explicit_bzero(blk, sizeof(blk));
	while (done < len) {
		n = MIN(len - done, sizeof(bounce));
		for (i = 0; i * 64 < n; i++)
			uk_random_stream_next(&st, bounce[i]);
		got = copy_out(p + done, bounce, n);
		done += got;
		if (got < n)
			break;
	}
	explicit_bzero(bounce, sizeof(bounce));
	explicit_bzero(&st, sizeof(st));
	return done ? (long)done : -EFAULT;
}

int uk_random_wait_seeded(int nonblock)
{
	while (!uk_random_seeded()) {
		if (uk_random_reseed() == 0)
			return 0;
		/* Without a thread to put to sleep (early boot) waiting is
		 * not possible either. */
		if (nonblock || !uk_thread_current())
			return -EAGAIN;
		uk_sched_thread_sleep(WAIT_NS);
	}
	return 0;
}

long uk_getrandom(void *ubuf, __sz len, unsigned int flags)
{
	int rc;

	if (flags & ~GRND_ALL)
		return -EINVAL;
	/* As Linux: GRND_INSECURE never blocks, GRND_RANDOM may. */
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) ==
	    (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (!(flags & GRND_INSECURE)) {
		rc = uk_random_wait_seeded(flags & GRND_NONBLOCK);
		if (rc < 0)
			return rc;
	}
	return uk_random_fill_user(ubuf, len);
}

UK_SYSCALL_R_DEFINE(ssize_t, getrandom, void *, buf, size_t, len,
		    unsigned int, flags)
{
	return uk_getrandom(buf, len, flags);
}

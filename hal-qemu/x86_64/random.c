/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ukplat_hwrng: RDSEED, else RDRAND, else (as under this KVM, which hides
 * both) timing jitter: the low bits of the TSC around memory accesses
 * and port reads, many samples folded into each output word. The jitter
 * source is weak; the core's CSPRNG only seeds from it.
 */
#include <errno.h>
#include <string.h>
#include <uk/plat/random.h>
#include "x86.h"

enum { SRC_UNKNOWN, SRC_RDSEED, SRC_RDRAND, SRC_JITTER };
static int source;

static void pick_source(void)
{
	__u32 a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		if (b & (1U << 18)) {
			source = SRC_RDSEED;
			return;
		}
	}
	cpuid(1, 0, &a, &b, &c, &d);
	source = (c & (1U << 30)) ? SRC_RDRAND : SRC_JITTER;
}

static int hw_word(__u64 *v)
{
	unsigned char ok;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (source == SRC_RDSEED)
			__asm__ __volatile__("rdseed %0; setc %1"
					     : "=r"(*v), "=qm"(ok));
		else
			__asm__ __volatile__("rdrand %0; setc %1"
					     : "=r"(*v), "=qm"(ok));
		if (ok)
			return 0;
		__asm__ __volatile__("pause");
	}
	return -EIO;
}

static __u64 mix(__u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static __u64 jitter_word(void)
{
	static volatile __u8 scratch[4096];
	static __u64 state;
	__u64 t, prev = rdtsc();
	unsigned int i;

	for (i = 0; i < 64; i++) {
		scratch[(prev * 131) & 4095]++;
		if (!(i & 7))
			(void)inb(0x80 + 1);	/* an unused port: an exit */
		t = rdtsc();
		state = mix(state ^ ((t - prev) << (i & 31)) ^ t);
		prev = t;
	}
	return state;
}

long ukplat_hwrng(void *buf, __sz len)
{
	unsigned char *p = buf;
	__sz done = 0, n;
	__u64 v;

	if (!buf && len)
		return -EINVAL;
	if (source == SRC_UNKNOWN)
		pick_source();
	while (done < len) {
		if (source == SRC_JITTER)
			v = jitter_word();
		else if (hw_word(&v) < 0)
			return -EIO;
		n = MIN(len - done, sizeof(v));
		memcpy(p + done, &v, n);
		done += n;
	}
	return (long)done;
}

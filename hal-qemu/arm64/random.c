/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ukplat_hwrng: RNDR (FEAT_RNG, -cpu max) when the CPU has it, else
 * timing jitter of the generic counter around memory accesses, many
 * samples folded into each output word. The jitter source is weak; the
 * core's CSPRNG only seeds from it.
 */
#include <errno.h>
#include <string.h>
#include <uk/plat/random.h>
#include "arm64.h"

int arm64_has_rndr(void)
{
	return (SYSREG_READ(id_aa64isar0_el1) >> 60) == 1;
}

static int rndr(__u64 *v)
{
	unsigned long ok;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		/* RNDR: NZCV.Z set when no number could be returned. */
		__asm__ __volatile__("mrs %0, S3_3_C2_C4_0\n\t"
				     "cset %1, ne"
				     : "=r"(*v), "=r"(ok) : : "cc");
		if (ok)
			return 0;
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
	__u64 t, prev = SYSREG_READ(cntvct_el0);
	unsigned int i;

	for (i = 0; i < 256; i++) {
		scratch[(prev * 131 + i * 67) & 4095]++;
		__asm__ __volatile__("isb");
		t = SYSREG_READ(cntvct_el0);
		state = mix(state ^ ((t - prev) << (i & 31)) ^ t);
		prev = t;
	}
	return state;
}

long ukplat_hwrng(void *buf, __sz len)
{
	static int source = -1;		/* 1 RNDR, 0 jitter */
	unsigned char *p = buf;
	__sz done = 0, n;
	__u64 v;

	if (!buf && len)
		return -EINVAL;
	if (source < 0)
		source = arm64_has_rndr();
	while (done < len) {
		if (!source)
			v = jitter_word();
		else if (rndr(&v) < 0)
			return -EIO;
		n = MIN(len - done, sizeof(v));
		memcpy(p + done, &v, n);
		done += n;
	}
	return (long)done;
}

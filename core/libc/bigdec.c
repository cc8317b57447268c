/* SPDX-License-Identifier: BSD-3-Clause */
/* Exact decimal expansions of binary values (see bigdec.h). */
#include <stdint.h>

#include "bigdec.h"

const uint32_t big_pow10[10] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000,
};

static void big_mul(struct bigdec *b, uint32_t mul)
{
	uint64_t carry = 0;
	long i;

	for (i = 0; i < b->n; i++) {
		carry += (uint64_t)b->limb[i] * mul;
		b->limb[i] = (uint32_t)(carry % LIMB_BASE);
		carry /= LIMB_BASE;
	}
	for (; carry; carry /= LIMB_BASE)
		b->limb[b->n++] = (uint32_t)(carry % LIMB_BASE);
}

/* Adds a (< 2^30) to N. */
static void big_add(struct bigdec *b, uint32_t a)
{
	long i;

	for (i = 0; a; i++) {
		if (i == b->n)
			b->limb[b->n++] = 0;
		b->limb[i] += a;
		a = b->limb[i] / LIMB_BASE;
		b->limb[i] %= LIMB_BASE;
	}
}

/* Sets b to m * 2^e exactly. */
void big_from_binary(struct bigdec *b, unsigned __int128 m, int e)
{
	int shift;

	b->n = 0;
	b->frac = 0;
	if (!m)
		return;
	for (; e < 0 && !(m & 1); e++)
		m >>= 1;
	/* m, 30 bits at a time from the top (no 128-bit division). */
	for (shift = 120; shift >= 0; shift -= 30) {
		big_mul(b, 1U << 30);
		big_add(b, (uint32_t)(m >> shift) & ((1U << 30) - 1));
	}
	for (; e >= 29; e -= 29)
		big_mul(b, 1U << 29);
	if (e > 0)
		big_mul(b, 1U << e);
	/* m / 2^k = m * 5^k / 10^k */
	b->frac = e < 0 ? -e : 0;
	for (e = -e; e >= 13; e -= 13)
		big_mul(b, 1220703125U);		/* 5^13 */
	for (; e > 0; e--)
		big_mul(b, 5);
}

long big_ndigits(const struct bigdec *b)
{
	long nd;
	uint32_t top;

	if (!b->n)
		return 0;
	top = b->limb[b->n - 1];
	for (nd = 1; nd < 9 && top >= big_pow10[nd]; nd++)
		;
	return 9 * (b->n - 1) + nd;
}

int big_digit(const struct bigdec *b, long pos)
{
	if (pos < 0 || pos / 9 >= b->n)
		return 0;
	return (int)(b->limb[pos / 9] / big_pow10[pos % 9] % 10);
}

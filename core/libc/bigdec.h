/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exact decimal expansions of binary values m * 2^e, in base-1e9 big
 * integers. Shared inside core/libc: printf formats them, strtod compares
 * its input with them.
 */
#ifndef LIBC_BIGDEC_H
#define LIBC_BIGDEC_H

#include <stdint.h>

/*
 * Enough base-1e9 limbs for the largest expansion: m * 5^16494 with a
 * 113-bit m (binary128's smallest subnormal) has 11563 digits.
 */
#define BIG_LIMBS	1300
#define LIMB_BASE	1000000000U

struct bigdec {
	uint32_t limb[BIG_LIMBS];	/* least significant first */
	long n;				/* limbs in use */
	long frac;			/* value is N * 10^-frac */
};

/* 10^0 .. 10^9 */
extern const uint32_t big_pow10[10];

/* Sets b to m * 2^e exactly. */
void big_from_binary(struct bigdec *b, unsigned __int128 m, int e);

/* Number of decimal digits of N (0 for zero). */
long big_ndigits(const struct bigdec *b);

/* Digit of weight 10^pos in N (0 outside N). */
int big_digit(const struct bigdec *b, long pos);

/* Position of the leading digit of N (0 for zero). */
static inline long big_top(const struct bigdec *b)
{
	long nd = big_ndigits(b);

	return nd ? nd - 1 : 0;
}

#endif

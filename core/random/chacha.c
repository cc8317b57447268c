/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ChaCha20 per RFC 8439. Portable C: byte order is handled by the load
 * and store helpers, so the same code is right on any endianness.
 */
#include <string.h>
#include <strings.h>
#include <uk/chacha20.h>

#define ROTL32(v, n)	(((v) << (n)) | ((v) >> (32 - (n))))

#define QUARTERROUND(x, a, b, c, d)					\
	do {								\
		x[a] += x[b]; x[d] ^= x[a]; x[d] = ROTL32(x[d], 16);	\
		x[c] += x[d]; x[b] ^= x[c]; x[b] = ROTL32(x[b], 12);	\
		x[a] += x[b]; x[d] ^= x[a]; x[d] = ROTL32(x[d], 8);	\
		x[c] += x[d]; x[b] ^= x[c]; x[b] = ROTL32(x[b], 7);	\
	} while (0)

static inline __u32 load_le32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 |
	       (__u32)p[3] << 24;
}

static inline void store_le32(__u8 *p, __u32 v)
{
	p[0] = (__u8)v;
	p[1] = (__u8)(v >> 8);
	p[2] = (__u8)(v >> 16);
	p[3] = (__u8)(v >> 24);
}

void uk_chacha20_block_words(__u32 out[16], const __u32 in[16])
{
	__u32 x[16];
	int i;

	for (i = 0; i < 16; i++)
		x[i] = in[i];
	for (i = 0; i < 10; i++) {
		/* A column round, then a diagonal round. */
		QUARTERROUND(x, 0, 4, 8, 12);
		QUARTERROUND(x, 1, 5, 9, 13);
		QUARTERROUND(x, 2, 6, 10, 14);
		QUARTERROUND(x, 3, 7, 11, 15);
		QUARTERROUND(x, 0, 5, 10, 15);
		QUARTERROUND(x, 1, 6, 11, 12);
		QUARTERROUND(x, 2, 7, 8, 13);
		QUARTERROUND(x, 3, 4, 9, 14);
	}
	for (i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
	/* x held key-derived words: do not leave them on the stack. */
	explicit_bzero(x, sizeof(x));
}

static void init_state(__u32 s[16], const __u8 *key, __u32 counter,
		       const __u8 *nonce)
{
	int i;

	/* "expand 32-byte k" */
	s[0] = 0x61707865;
	s[1] = 0x3320646e;
	s[2] = 0x79622d32;
	s[3] = 0x6b206574;
	for (i = 0; i < 8; i++)
		s[4 + i] = load_le32(key + 4 * i);
	s[12] = counter;
	for (i = 0; i < 3; i++)
		s[13 + i] = load_le32(nonce + 4 * i);
}

static void serialize(__u8 *out, const __u32 w[16])
{
	int i;

	for (i = 0; i < 16; i++)
		store_le32(out + 4 * i, w[i]);
}

void uk_chacha20_block(__u8 out[UK_CHACHA20_BLOCK_SIZE],
		       const __u8 key[UK_CHACHA20_KEY_SIZE], __u32 counter,
		       const __u8 nonce[UK_CHACHA20_NONCE_SIZE])
{
	__u32 s[16], w[16];

	init_state(s, key, counter, nonce);
	uk_chacha20_block_words(w, s);
	serialize(out, w);
	explicit_bzero(s, sizeof(s));
	explicit_bzero(w, sizeof(w));
}

void uk_chacha20_xor(__u8 *out, const __u8 *in, __sz len,
		     const __u8 key[UK_CHACHA20_KEY_SIZE], __u32 counter,
		     const __u8 nonce[UK_CHACHA20_NONCE_SIZE])
{
	__u8 ks[UK_CHACHA20_BLOCK_SIZE];
	__u32 s[16], w[16];
	__sz i, n;

	init_state(s, key, counter, nonce);
	while (len) {
		uk_chacha20_block_words(w, s);
		serialize(ks, w);
		n = len < sizeof(ks) ? len : sizeof(ks);
		for (i = 0; i < n; i++)
			out[i] = in[i] ^ ks[i];
		out += n;
		in += n;
		len -= n;
		s[12]++;
	}
	explicit_bzero(ks, sizeof(ks));
	explicit_bzero(s, sizeof(s));
	explicit_bzero(w, sizeof(w));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ChaCha20 block function and stream cipher of RFC 8439 (sec. 2.3,
 * 2.4): a 256-bit key, a 32-bit block counter and a 96-bit nonce. The
 * CSPRNG (uk/random.h) is built on uk_chacha20_block_words().
 */
#ifndef __UK_CHACHA20_H__
#define __UK_CHACHA20_H__

#include <uk/arch/types.h>

#define UK_CHACHA20_KEY_SIZE	32
#define UK_CHACHA20_NONCE_SIZE	12
#define UK_CHACHA20_BLOCK_SIZE	64

/* One block on words: in is the 16-word state (constants, key, counter,
 * nonce, as in RFC 8439 sec. 2.3), out the 16 output words (the rounds
 * plus in). out may equal in. */
void uk_chacha20_block_words(__u32 out[16], const __u32 in[16]);

/* The RFC 8439 block function: 64 bytes of keystream for key, counter and
 * nonce (byte strings as in the RFC's test vectors). */
void uk_chacha20_block(__u8 out[UK_CHACHA20_BLOCK_SIZE],
		       const __u8 key[UK_CHACHA20_KEY_SIZE], __u32 counter,
		       const __u8 nonce[UK_CHACHA20_NONCE_SIZE]);

/* Encrypts (or decrypts) len bytes of in into out with the keystream that
 * starts at block counter (RFC 8439 sec. 2.4). out may equal in. */
void uk_chacha20_xor(__u8 *out, const __u8 *in, __sz len,
		     const __u8 key[UK_CHACHA20_KEY_SIZE], __u32 counter,
		     const __u8 nonce[UK_CHACHA20_NONCE_SIZE]);

#endif /* __UK_CHACHA20_H__ */

/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by random.c and its users in this folder. */
#ifndef __UK_RANDOM_IMPL_H__
#define __UK_RANDOM_IMPL_H__

#include <uk/arch/types.h>

/* Requests up to this many bytes are served from the key block itself. */
#define UK_RANDOM_DIRECT_MAX	32

/* The kernel parameters random.reseed_ms and random.reseed_kib (0: never);
 * tests change them through uk_param_set_int(). */
extern int uk_random_reseed_ms;
extern int uk_random_reseed_kib;

/* The keystream of one request. */
struct uk_random_stream {
	__u32 s[16];
};

/* Starts a request of len bytes: out is a fresh block whose words 8..15
 * are the request's key (or its output if len <= UK_RANDOM_DIRECT_MAX);
 * the CPU's key has already moved on. Erase out after use. */
void uk_random_request(__u32 out[16], __sz len);
void uk_random_stream_init(struct uk_random_stream *st, const __u32 key[8]);
/* The next 64 bytes of the stream. */
void uk_random_stream_next(struct uk_random_stream *st, __u32 out[16]);

#endif /* __UK_RANDOM_IMPL_H__ */

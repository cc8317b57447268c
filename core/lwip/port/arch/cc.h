/* SPDX-License-Identifier: BSD-3-Clause */
/* lwIP's compiler and platform glue for Amphi's kernel (guest code). */
#ifndef AMPHI_LWIP_ARCH_CC_H
#define AMPHI_LWIP_ARCH_CC_H

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LWIP_NO_CTYPE_H		0
#define LWIP_TIMEVAL_PRIVATE	0
#define LWIP_ERRNO_STDINCLUDE	1

/* Byte swaps: the compiler's builtins. */
#define lwip_htons(x)		((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x)		((u32_t)__builtin_bswap32((u32_t)(x)))
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS

void lwip_port_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void lwip_port_assert(const char *msg, const char *file, int line)
	__attribute__((noreturn));
void lwip_port_assert_core_locked(void);
unsigned int lwip_port_rand(void);
/* lwIP's heap (mem_clib_*): the kernel heap's blocks. */
void *lwip_port_malloc(size_t size);
void *lwip_port_calloc(size_t count, size_t size);
void lwip_port_free(void *ptr);

#define LWIP_PLATFORM_DIAG(x)	do { lwip_port_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	lwip_port_assert((x), __FILE__, __LINE__)
#define LWIP_RAND()		lwip_port_rand()

#endif /* AMPHI_LWIP_ARCH_CC_H */

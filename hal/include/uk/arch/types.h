/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fixed-width types of the HAL contract. The integer typedefs match
 * Linux's <asm-generic/int-ll64.h> exactly, so host code may include both.
 */
#ifndef __UK_ARCH_TYPES_H__
#define __UK_ARCH_TYPES_H__

#ifndef __ASSEMBLY__
typedef signed char		__s8;
typedef unsigned char		__u8;
typedef signed short		__s16;
typedef unsigned short		__u16;
typedef signed int		__s32;
typedef unsigned int		__u32;
typedef signed long long	__s64;
typedef unsigned long long	__u64;

typedef unsigned long		__uptr;
typedef long			__sptr;
typedef unsigned long		__sz;
typedef long			__ssz;
typedef long			__off;
typedef unsigned long		__paddr_t;
typedef unsigned long		__vaddr_t;
typedef __u64			__nsec;
typedef __s64			__snsec;
#endif

/* Ask an allocating call to choose the physical address itself. */
#define __PADDR_ANY		(~0UL)
#define __VADDR_ANY		(~0UL)
#define __VADDR_INV		(~0UL)

#if defined(__x86_64__)
#define __PAGE_SHIFT		12
#define __LARGE_PAGE_SHIFT	21
#define __CACHELINE_SIZE	64
#elif defined(__aarch64__)
#define __PAGE_SHIFT		12
#define __LARGE_PAGE_SHIFT	21
#define __CACHELINE_SIZE	64
#else
#error "unsupported architecture"
#endif

#define PAGE_SHIFT		__PAGE_SHIFT
/* C libraries define it too (an int): this one is unsigned long. */
#undef PAGE_SIZE
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PAGE_LARGE_SHIFT	__LARGE_PAGE_SHIFT
#define PAGE_LARGE_SIZE		(1UL << PAGE_LARGE_SHIFT)
#define PAGE_ALIGN_UP(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ALIGN_DOWN(x)	((x) & PAGE_MASK)
#define PAGE_ALIGNED(x)		(((x) & (PAGE_SIZE - 1)) == 0)
#define PAGE_COUNT(len)		(PAGE_ALIGN_UP(len) >> PAGE_SHIFT)

#endif /* __UK_ARCH_TYPES_H__ */

/* SPDX-License-Identifier: BSD-3-Clause */
/* Atomic operations and barriers (compiler builtins, SMP-safe). */
#ifndef __UK_ARCH_ATOMIC_H__
#define __UK_ARCH_ATOMIC_H__

#define ukarch_load_n(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ukarch_store_n(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ukarch_inc(p)		__atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define ukarch_dec(p)		__atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define ukarch_fetch_add(p, v)	__atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
#define ukarch_exchange_n(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
/* Returns nonzero if *p was *expp and is now v; else stores *p in *expp. */
#define ukarch_compare_exchange_n(p, expp, v)				\
	__atomic_compare_exchange_n((p), (expp), (v), 0,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#define mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)

/* Hint to the CPU that we are busy-waiting. */
static inline void ukarch_spinwait(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

#endif /* __UK_ARCH_ATOMIC_H__ */

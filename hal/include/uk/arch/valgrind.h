/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Valgrind client requests, written from valgrind's documented client
 * request ABI (guest code may not include the host's valgrind headers).
 *
 * A request is a "magic" instruction sequence that does nothing on a real
 * CPU: the default value comes back unchanged. Under valgrind the sequence
 * is recognised and the request {code, arg1..arg5} (a 6-word array) is
 * handed to the core or the tool (memcheck), whose answer is the result.
 * So the same kernel runs on metal, in sim, and in sim under valgrind.
 *
 * Cost off valgrind: a few register rotations and six stores. Hot paths
 * should test uk_valgrind_running() once and cache the answer.
 */
#ifndef __UK_ARCH_VALGRIND_H__
#define __UK_ARCH_VALGRIND_H__

/* Core requests (valgrind.h, Vg_ClientRequest). */
#define UK_VG_RUNNING_ON_VALGRIND	0x1001UL
#define UK_VG_DISCARD_TRANSLATIONS	0x1002UL
#define UK_VG_COUNT_ERRORS		0x1201UL
#define UK_VG_MALLOCLIKE_BLOCK		0x1301UL
#define UK_VG_FREELIKE_BLOCK		0x1302UL
#define UK_VG_CREATE_MEMPOOL		0x1303UL
#define UK_VG_DESTROY_MEMPOOL		0x1304UL
#define UK_VG_MEMPOOL_ALLOC		0x1305UL
#define UK_VG_MEMPOOL_FREE		0x1306UL
#define UK_VG_MEMPOOL_TRIM		0x1307UL
#define UK_VG_MOVE_MEMPOOL		0x1308UL
#define UK_VG_MEMPOOL_CHANGE		0x1309UL
#define UK_VG_MEMPOOL_EXISTS		0x130aUL
#define UK_VG_RESIZEINPLACE_BLOCK	0x130bUL
#define UK_VG_STACK_REGISTER		0x1501UL
#define UK_VG_STACK_DEREGISTER		0x1502UL
#define UK_VG_STACK_CHANGE		0x1503UL

/* Memcheck requests: tool base ('M' << 24 | 'C' << 16) + index. */
#define UK_VG_MC_BASE			(((unsigned long)'M' << 24) | \
					 ((unsigned long)'C' << 16))
#define UK_VG_MAKE_MEM_NOACCESS		(UK_VG_MC_BASE + 0)
#define UK_VG_MAKE_MEM_UNDEFINED	(UK_VG_MC_BASE + 1)
#define UK_VG_MAKE_MEM_DEFINED		(UK_VG_MC_BASE + 2)
#define UK_VG_DISCARD			(UK_VG_MC_BASE + 3)
#define UK_VG_CHECK_MEM_IS_ADDRESSABLE	(UK_VG_MC_BASE + 4)
#define UK_VG_CHECK_MEM_IS_DEFINED	(UK_VG_MC_BASE + 5)
#define UK_VG_DO_LEAK_CHECK		(UK_VG_MC_BASE + 6)
#define UK_VG_COUNT_LEAKS		(UK_VG_MC_BASE + 7)

/*
 * Issues request req with five arguments; returns valgrind's answer, or
 * dflt when not running under valgrind.
 */
static inline unsigned long
ukarch_valgrind_request(unsigned long dflt, unsigned long req,
			unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5)
{
	volatile unsigned long args[6] = { req, a1, a2, a3, a4, a5 };
	unsigned long res;

#if defined(__x86_64__)
	/* %rdx = request(%rax); the rotations of %rdi sum to 128. */
	__asm__ __volatile__("rolq $3, %%rdi\n\t"
			     "rolq $13, %%rdi\n\t"
			     "rolq $61, %%rdi\n\t"
			     "rolq $51, %%rdi\n\t"
			     "xchgq %%rbx, %%rbx"
			     : "=d" (res)
			     : "a" (&args[0]), "0" (dflt)
			     : "cc", "memory");
#elif defined(__aarch64__)
	/* x3 = request(x4); the rotations of x12 sum to 128. */
	__asm__ __volatile__("mov x3, %1\n\t"
			     "mov x4, %2\n\t"
			     "ror x12, x12, #3\n\t"
			     "ror x12, x12, #13\n\t"
			     "ror x12, x12, #51\n\t"
			     "ror x12, x12, #61\n\t"
			     "orr x10, x10, x10\n\t"
			     "mov %0, x3"
			     : "=r" (res)
			     : "r" (dflt), "r" (&args[0])
			     : "cc", "memory", "x3", "x4");
#else
	(void)args;
	res = dflt;
#endif
	return res;
}

#define UK_VG_REQ(req, a1, a2, a3, a4, a5)				\
	ukarch_valgrind_request(0, (req), (unsigned long)(a1),		\
				(unsigned long)(a2), (unsigned long)(a3),	\
				(unsigned long)(a4), (unsigned long)(a5))

/* Returns the nesting depth of valgrind (0 when not under valgrind). */
static inline unsigned long uk_valgrind_running(void)
{
	return UK_VG_REQ(UK_VG_RUNNING_ON_VALGRIND, 0, 0, 0, 0, 0);
}

/* Nonzero under valgrind's memcheck: it answers a memory request (-1),
 * which other tools (callgrind, cachegrind) leave at 0. A heap that
 * only serves memcheck keeps its native layout under the profilers. */
static inline int uk_valgrind_memcheck(void)
{
	char probe = 0;

	return UK_VG_REQ(UK_VG_MAKE_MEM_DEFINED, &probe, 0, 0, 0, 0) == ~0UL;
}

/* A heap block of size bytes at addr was handed out; rz: redzone bytes on
 * each side; zeroed: its contents are defined (calloc). */
#define UK_VG_MALLOCLIKE(addr, size, rz, zeroed)			\
	UK_VG_REQ(UK_VG_MALLOCLIKE_BLOCK, (addr), (size), (rz), (zeroed), 0)
/* The heap block at addr (redzone rz) was freed. */
#define UK_VG_FREELIKE(addr, rz)					\
	UK_VG_REQ(UK_VG_FREELIKE_BLOCK, (addr), (rz), 0, 0, 0)
/* The heap block at addr changed size in place. */
#define UK_VG_RESIZEINPLACE(addr, oldsize, newsize, rz)		\
	UK_VG_REQ(UK_VG_RESIZEINPLACE_BLOCK, (addr), (oldsize), (newsize), \
		  (rz), 0)
/* Memcheck: [addr, addr+len) becomes inaccessible / undefined / defined. */
#define UK_VG_NOACCESS(addr, len)					\
	UK_VG_REQ(UK_VG_MAKE_MEM_NOACCESS, (addr), (len), 0, 0, 0)
#define UK_VG_UNDEFINED(addr, len)					\
	UK_VG_REQ(UK_VG_MAKE_MEM_UNDEFINED, (addr), (len), 0, 0, 0)
#define UK_VG_DEFINED(addr, len)					\
	UK_VG_REQ(UK_VG_MAKE_MEM_DEFINED, (addr), (len), 0, 0, 0)
/* Memory pools (anchor: an address naming the pool). */
#define UK_VG_CREATE_POOL(pool, rz, zeroed)				\
	UK_VG_REQ(UK_VG_CREATE_MEMPOOL, (pool), (rz), (zeroed), 0, 0)
#define UK_VG_DESTROY_POOL(pool)					\
	UK_VG_REQ(UK_VG_DESTROY_MEMPOOL, (pool), 0, 0, 0, 0)
#define UK_VG_POOL_ALLOC(pool, addr, size)				\
	UK_VG_REQ(UK_VG_MEMPOOL_ALLOC, (pool), (addr), (size), 0, 0)
#define UK_VG_POOL_FREE(pool, addr)					\
	UK_VG_REQ(UK_VG_MEMPOOL_FREE, (pool), (addr), 0, 0, 0)
/* Returns the number of errors valgrind found so far (0 off valgrind). */
#define UK_VG_ERRORS()							\
	UK_VG_REQ(UK_VG_COUNT_ERRORS, 0, 0, 0, 0, 0)

#endif /* __UK_ARCH_VALGRIND_H__ */

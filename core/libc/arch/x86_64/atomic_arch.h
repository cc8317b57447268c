/* SPDX-License-Identifier: MIT */
/*
 * musl's x86_64 atomics (arch/x86_64/atomic_arch.h, MIT licence), with
 * one change: on an image that runs on one CPU (__amphi_up, set by
 * glue.c when the program starts) the read-modify-write instructions
 * drop their lock prefix, as Linux's own UP alternatives do. One
 * instruction is atomic against interrupts and preemption on its own
 * CPU; the lock only orders it against other CPUs, and costs ~20 cycles
 * per mutex lock or unlock (a third of SQLite's mutex time). With more
 * CPUs, or before the program starts, every operation is musl's. This
 * file takes the place of musl's (the include path puts it first).
 */
extern int __amphi_up __attribute__((__visibility__("hidden")));

/* insn with a lock prefix unless the image runs on one CPU. */
#define a_rmw(insn, ...) do {						\
	if (__amphi_up)							\
		__asm__ __volatile__(insn __VA_ARGS__);			\
	else								\
		__asm__ __volatile__("lock ; " insn __VA_ARGS__);	\
} while (0)

#define a_cas a_cas
static inline int a_cas(volatile int *p, int t, int s)
{
	a_rmw("cmpxchg %3, %1",
	      : "=a"(t), "=m"(*p) : "a"(t), "r"(s) : "memory");
	return t;
}

#define a_cas_p a_cas_p
static inline void *a_cas_p(volatile void *p, void *t, void *s)
{
	a_rmw("cmpxchg %3, %1",
	      : "=a"(t), "=m"(*(void *volatile *)p)
	      : "a"(t), "r"(s) : "memory");
	return t;
}

/* xchg with memory always locks: on one CPU, a cmpxchg loop instead. */
#define a_swap a_swap
static inline int a_swap(volatile int *p, int v)
{
	int old;

	if (!__amphi_up) {
		__asm__ __volatile__("xchg %0, %1"
				     : "=r"(v), "=m"(*p) : "0"(v) : "memory");
		return v;
	}
	do
		old = *p;
	while (a_cas(p, old, v) != old);
	return old;
}

#define a_fetch_add a_fetch_add
static inline int a_fetch_add(volatile int *p, int v)
{
	a_rmw("xadd %0, %1", : "=r"(v), "=m"(*p) : "0"(v) : "memory");
	return v;
}

#define a_and a_and
static inline void a_and(volatile int *p, int v)
{
	a_rmw("and %1, %0", : "=m"(*p) : "r"(v) : "memory");
}

#define a_or a_or
static inline void a_or(volatile int *p, int v)
{
	a_rmw("or %1, %0", : "=m"(*p) : "r"(v) : "memory");
}

#define a_and_64 a_and_64
static inline void a_and_64(volatile uint64_t *p, uint64_t v)
{
	a_rmw("and %1, %0", : "=m"(*p) : "r"(v) : "memory");
}

#define a_or_64 a_or_64
static inline void a_or_64(volatile uint64_t *p, uint64_t v)
{
	a_rmw("or %1, %0", : "=m"(*p) : "r"(v) : "memory");
}

#define a_inc a_inc
static inline void a_inc(volatile int *p)
{
	a_rmw("incl %0", : "=m"(*p) : "m"(*p) : "memory");
}

#define a_dec a_dec
static inline void a_dec(volatile int *p)
{
	a_rmw("decl %0", : "=m"(*p) : "m"(*p) : "memory");
}

/* A store then a full barrier; on one CPU the store alone (program
 * order is all an interrupt on the same CPU can observe). */
#define a_store a_store
static inline void a_store(volatile int *p, int x)
{
	if (__amphi_up) {
		__asm__ __volatile__("mov %1, %0"
				     : "=m"(*p) : "r"(x) : "memory");
		return;
	}
	__asm__ __volatile__("mov %1, %0 ; lock ; orl $0,(%%rsp)"
			     : "=m"(*p) : "r"(x) : "memory");
}

/* The rest as musl has it. */
#define a_barrier a_barrier
static inline void a_barrier()
{
	__asm__ __volatile__( "" : : : "memory" );
}

#define a_spin a_spin
static inline void a_spin()
{
	__asm__ __volatile__( "pause" : : : "memory" );
}

#define a_crash a_crash
static inline void a_crash()
{
	__asm__ __volatile__( "hlt" : : : "memory" );
}

#define a_ctz_64 a_ctz_64
static inline int a_ctz_64(uint64_t x)
{
	__asm__( "bsf %1,%0" : "=r"(x) : "r"(x) );
	return x;
}

#define a_clz_64 a_clz_64
static inline int a_clz_64(uint64_t x)
{
	__asm__( "bsr %1,%0 ; xor $63,%0" : "=r"(x) : "r"(x) );
	return x;
}

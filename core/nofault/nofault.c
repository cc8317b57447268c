/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault-safe probes and copies over the per-arch asm accesses in
 * arch/<arch>/nofault.S, which resume at their exception fixup on a fault.
 */
#include <errno.h>
#include <string.h>
#include <uk/arch/types.h>
#include <uk/arch/valgrind.h>
#include <uk/essentials.h>
#include <uk/nofault.h>
#include <uk/plat/lcpu.h>

#define NF_PAGE_SIZE	(1UL << __PAGE_SHIFT)

int ukarch_nf_probe_r(__vaddr_t addr);
int ukarch_nf_probe_w(__vaddr_t addr);
int ukarch_nf_cmpxchg32(__u32 *addr, __u32 expected, __u32 new, __u32 *cur);
__sz ukarch_nf_memcpy(void *dst, const void *src, __sz len,
		      __vaddr_t *faddr);
#if defined(__x86_64__)
__sz ukarch_nf_memcpy_loop(void *dst, const void *src, __sz len,
			   __vaddr_t *faddr);

/* 1 under valgrind (rep movsb is not restartable there), 0 if not, -1
 * not yet asked. A benign race: every CPU computes the same answer. */
static int nf_on_valgrind = -1;

#define NF_SMALL_COPY	64

static __sz nf_copy(void *dst, const void *src, __sz len, __vaddr_t *faddr)
{
	int vg = READ_ONCE(nf_on_valgrind);

	if (unlikely(vg < 0)) {
		vg = uk_valgrind_running() != 0;
		WRITE_ONCE(nf_on_valgrind, vg);
	}
	/* Small copies (a timespec, a stat) by words: rep movsb's start-up
	 * cost is most of a 16-byte copy (clock_gettime's path). */
	if (unlikely(vg) || len <= NF_SMALL_COPY)
		return ukarch_nf_memcpy_loop(dst, src, len, faddr);
	return ukarch_nf_memcpy(dst, src, len, faddr);
}
#else
#define nf_copy ukarch_nf_memcpy
#endif

/* Per CPU: how many NOPAGING calls are running (ISRs may nest them).
 * One cache line each, so CPUs do not share lines they write. */
static struct {
	unsigned int nopaging;
} __align(__CACHELINE_SIZE) nf_cpu[UKPLAT_LCPU_MAXCOUNT];

/* Returns the CPU index to pass to paging_restore. The counter is
 * atomic: the caller restores it on the CPU it saved it on even if it
 * was moved to another CPU in between. */
static inline __lcpuidx paging_save(unsigned long flags)
{
	__lcpuidx idx = ukplat_lcpu_idx();

	if (flags & UK_NOFAULTF_NOPAGING)
		__atomic_add_fetch(&nf_cpu[idx].nopaging, 1, __ATOMIC_ACQ_REL);
	return idx;
}

static inline void paging_restore(unsigned long flags, __lcpuidx idx)
{
	if (flags & UK_NOFAULTF_NOPAGING)
		__atomic_sub_fetch(&nf_cpu[idx].nopaging, 1, __ATOMIC_ACQ_REL);
}

int uk_nofault_paging_allowed(void)
{
	return __atomic_load_n(&nf_cpu[ukplat_lcpu_idx()].nopaging,
			       __ATOMIC_ACQUIRE) == 0;
}

/* Bytes from addr to the end of its page. */
static inline __sz page_rest(__vaddr_t addr)
{
	return NF_PAGE_SIZE - (addr & (NF_PAGE_SIZE - 1));
}

static __sz probe(__vaddr_t vaddr, __sz len, unsigned long flags,
		  int (*access)(__vaddr_t))
{
	__sz ok = 0, chunk;
	__lcpuidx idx;

	idx = paging_save(flags);
	while (len) {
		chunk = MIN(len, page_rest(vaddr));
		if (!access(vaddr))
			ok += chunk;
		else if (!(flags & UK_NOFAULTF_CONTINUE))
			break;
		vaddr += chunk;
		len -= chunk;
	}
	paging_restore(flags, idx);
	return ok;
}

__sz uk_nofault_probe_r(__vaddr_t vaddr, __sz len, unsigned long flags)
{
	return probe(vaddr, len, flags, ukarch_nf_probe_r);
}

__sz uk_nofault_probe_w(__vaddr_t vaddr, __sz len, unsigned long flags)
{
	return probe(vaddr, len, flags, ukarch_nf_probe_w);
}

int uk_nofault_cmpxchg_u32(__u32 *addr, __u32 expected, __u32 new,
			   __u32 *cur, unsigned long flags)
{
	__lcpuidx idx;
	int fault;

	if ((__uptr)addr & 3)
		return -EINVAL;
	idx = paging_save(flags);
	fault = ukarch_nf_cmpxchg32(addr, expected, new, cur);
	paging_restore(flags, idx);
	return fault ? -EFAULT : 0;
}

/*
 * Bytes to skip after a fault with src and dst at s and d and left bytes
 * to go: the rest of the faulting page of whichever side holds faddr; if
 * the address is unknown (a #GP), the nearer of the two page ends.
 */
static __sz fault_skip(__vaddr_t d, __vaddr_t s, __sz left, __vaddr_t faddr)
{
	__sz skip;

	if (faddr >= s && faddr - s < left)
		skip = faddr - s + page_rest(faddr);
	else if (faddr >= d && faddr - d < left)
		skip = faddr - d + page_rest(faddr);
	else
		skip = MIN(page_rest(s), page_rest(d));
	return MIN(skip, left);
}

__sz uk_nofault_memcpy(char *dst, const char *src, __sz len,
		       unsigned long flags)
{
	__sz done = 0, copied = 0, n;
	__vaddr_t faddr;
	__lcpuidx idx;

	idx = paging_save(flags);
	while (done < len) {
		faddr = 0;
		n = nf_copy(dst + done, src + done, len - done, &faddr);
		done += n;
		copied += n;
		if (done == len || !(flags & UK_NOFAULTF_CONTINUE))
			break;
		done += fault_skip((__vaddr_t)dst + done,
				   (__vaddr_t)src + done, len - done, faddr);
	}
	paging_restore(flags, idx);
	return copied;
}

/* A range that wraps around the top of the address space is never valid
 * (and would make the copy start over at address 0). */
static inline int range_wraps(const void *p, __sz len)
{
	return (__vaddr_t)p + len < (__vaddr_t)p;
}

static struct {
	__vaddr_t start, end;
} user_ranges[UK_USER_RANGES_MAX];
static unsigned int nr_user_ranges;

int uk_user_range_add(__vaddr_t start, __vaddr_t end)
{
	if (nr_user_ranges == UK_USER_RANGES_MAX)
		return -ENOSPC;
	user_ranges[nr_user_ranges].start = start;
	user_ranges[nr_user_ranges].end = end;
	__atomic_store_n(&nr_user_ranges, nr_user_ranges + 1,
			 __ATOMIC_RELEASE);
	return 0;
}

int uk_user_range_ok(const void *p, __sz len)
{
	unsigned int i, n = __atomic_load_n(&nr_user_ranges,
					    __ATOMIC_ACQUIRE);
	__vaddr_t s = (__vaddr_t)p;
	int *kbuf;

	if (!n || range_wraps(p, len))
		return !range_wraps(p, len);
	for (i = 0; i < n; i++)
		if (s >= user_ranges[i].start &&
		    s + len <= user_ranges[i].end)
			return 1;
	kbuf = uk_thread_kernel_buffers();
	return kbuf && *kbuf > 0;
}

void uk_kernel_buffers_begin(void)
{
	int *kbuf = uk_thread_kernel_buffers();

	if (kbuf)
		(*kbuf)++;
}

void uk_kernel_buffers_end(void)
{
	int *kbuf = uk_thread_kernel_buffers();

	if (kbuf)
		(*kbuf)--;
}

/* Bytes of the app's side that may be copied: len, or 0 for memory that
 * is not the app's. */
static inline int both_ok(void *dst, const void *src, __sz len, int to_app)
{
	if (range_wraps(src, len) || range_wraps(dst, len))
		return 0;
	return uk_user_range_ok(to_app ? dst : src, len);
}

int uk_copy_from_user(void *dst, const void *src, __sz len)
{
	if (!both_ok(dst, src, len, 0) ||
	    uk_nofault_memcpy(dst, src, len, 0) != len)
		return -EFAULT;
	return 0;
}

int uk_copy_to_user(void *dst, const void *src, __sz len)
{
	if (!both_ok(dst, src, len, 1) ||
	    uk_nofault_memcpy(dst, src, len, 0) != len)
		return -EFAULT;
	return 0;
}

__sz uk_copy_from_user_partial(void *dst, const void *src, __sz len)
{
	if (!both_ok(dst, src, len, 0))
		return 0;
	return uk_nofault_memcpy(dst, src, len, 0);
}

__sz uk_copy_to_user_partial(void *dst, const void *src, __sz len)
{
	if (!both_ok(dst, src, len, 1))
		return 0;
	return uk_nofault_memcpy(dst, src, len, 0);
}

long uk_strncpy_from_user(char *dst, const char *src, __sz size)
{
	__sz done = 0, chunk;
	char *nul;

	/* Page by page: the string may end just before an unmapped page. */
	while (done < size) {
		chunk = MIN(size - done, page_rest((__vaddr_t)src + done));
		if (!both_ok(dst + done, src + done, chunk, 0) ||
		    uk_nofault_memcpy(dst + done, src + done, chunk, 0) !=
		    chunk)
			return -EFAULT;
		nul = memchr(dst + done, '\0', chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	return -ENAMETOOLONG;
}

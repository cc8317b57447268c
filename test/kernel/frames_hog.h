/*
 * Shared by the in-kernel tests: take every free frame, to run code with
 * memory exhausted, and give them back.
 */
#ifndef FRAMES_HOG_H
#define FRAMES_HOG_H

#include <uk/arch/valgrind.h>
#include <uk/falloc.h>
#include <uk/plat/paging.h>

/* Takes every free frame (a chain of blocks, each holding the next
 * one's address and its size in its first words); returns the chain. */
static inline __paddr_t frames_hog(void)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	__paddr_t chain = 0, pa;
	unsigned long n = 1UL << 20;
	__u64 *head;

	while (n) {
		pa = __PADDR_ANY;
		if (uk_falloc(fa, &pa, n, 0) < 0) {
			n /= 2;
			continue;
		}
		head = (__u64 *)ukplat_page_kmap(ukplat_pt_get_active(), pa,
						 1, 0);
		/* Under memcheck the frame may be a freed heap block. */
		UK_VG_UNDEFINED(head, 2 * sizeof(*head));
		head[0] = chain;
		head[1] = n;
		chain = pa;
	}
	return chain;
}

static inline void frames_unhog(__paddr_t chain)
{
	__u64 *head, n, next;

	while (chain) {
		head = (__u64 *)ukplat_page_kmap(ukplat_pt_get_active(),
						 chain, 1, 0);
		n = head[1];
		next = head[0];
		UK_VG_NOACCESS(head, 2 * sizeof(*head));
		uk_ffree(uk_falloc_get_default(), chain, n);
		chain = next;
	}
}

#endif

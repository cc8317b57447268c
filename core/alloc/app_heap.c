/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The app's heap: the same heap code as the kernel's, over pages of its
 * own. Its range is a reservation in the address space (the VAS window,
 * where app memory lives); a buddy allocator hands out the range's
 * virtual pages, and frames of the frame allocator are mapped there
 * while the heap holds them. So an app's heap bug (overflow, use
 * after free) hits app blocks, or a page fault in the reservation,
 * never a kernel object; and the kernel's own heap (the direct map) is
 * memory the app has no business passing to a system call.
 *
 * A reserve of frames (1/64 of RAM, at least 512 KiB) is left to the
 * kernel: an app that fills memory still leaves it room to run.
 */
#include <errno.h>
#include <uk/alloc.h>
#include <uk/init.h>
#include <uk/print.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/paging.h>
#include <uk/vmem.h>

#define RESERVE_MIN	(512UL << 10)

struct app_pages {
	struct uk_heap_pages src;
	struct uk_falloc *fa;		/* frames */
	struct uk_falloc *vb;		/* the range's pages */
	struct uk_pagetable *pt;
	unsigned long reserve;		/* frames left to the kernel */
	unsigned long held;		/* pages backed now */
	void *mem, *meta;		/* the buddy's, kernel pages */
	unsigned long mem_pages, meta_pages;
	__vaddr_t map;			/* the heap's page map, demand paged */
	__sz map_len;
};

static struct app_pages app_src;

/* Frames the app may still take. */
static unsigned long frames_left(struct app_pages *ap)
{
	unsigned long free = ap->fa->free_memory >> PAGE_SHIFT;

	return free > ap->reserve ? free - ap->reserve : 0;
}

/*
 * A page fault on the stack in use is taken (in sim a signal on a stack
 * of its own, on metal an IST stack), but serving it needs the
 * page-table lock that mapping or unmapping the heap's pages holds, and
 * the caller's stack may be demand paged (main's below its top; musl's
 * thread stacks in sim): the stack that the mapping, the unmapping and
 * their host calls use is faulted in first, before the lock (a free()
 * deep in a recursion, as jq's setpath, met a fresh stack page in the
 * unmap and waited for ever). As vmem's stack_ready, from alloca (no
 * frame record at the bottom on arm64) and by atomic adds of 0: below
 * a signal handler's frames on a small sigaltstack these bytes are the
 * app's own memory, which Linux's kernel, on a stack of its own, never
 * changes.
 */
static void __attribute__((noinline)) __no_stack_probes stack_prefault(void)
{
	char *probe = __builtin_alloca(2 * PAGE_SIZE);
	unsigned int i;

	/* A write fault (a read one may map less), value kept. */
	for (i = 0; i < 2 * PAGE_SIZE; i += PAGE_SIZE / 2)
		__atomic_fetch_add(&probe[i], 0, __ATOMIC_RELAXED);
}

/* Maps frames at [va, va + pages); 0, or -ENOMEM with nothing mapped.
 * Frames come in as large runs as the allocator has. Not zeroed (the
 * heap gives no zero-filled guarantee, calloc clears): zeroing a 4 MiB
 * arena at the first malloc cost 2 ms of a sim boot, where the host
 * allocates a page on first touch. */
static int back(struct app_pages *ap, __vaddr_t va, unsigned long pages)
{
	unsigned long done = 0, n;
	__paddr_t pa;
	int rc;

	if (frames_left(ap) < pages)
		return -ENOMEM;
	stack_prefault();
	while (done < pages) {
		n = MIN(pages - done, ap->fa->max_frames(ap->fa));
		pa = __PADDR_ANY;
		while (n && uk_falloc(ap->fa, &pa, n, 0))
			n /= 2;
		if (!n)
			goto fail;
		rc = ukplat_page_map(ap->pt, va + done * PAGE_SIZE, pa, n,
				     PAGE_ATTR_PROT_RW, 0);
		if (rc < 0) {
			uk_ffree(ap->fa, pa, n);
			goto fail;
		}
		done += n;
	}
	return 0;
fail:
	if (done)
		ukplat_page_unmap(ap->pt, va, done, 0);
	return -ENOMEM;
}

static void *app_alloc(struct uk_heap_pages *src, unsigned long pages,
		       unsigned int order)
{
	struct app_pages *ap = containerof(src, struct app_pages, src);
	__paddr_t va = __PADDR_ANY;

	if (uk_falloc(ap->vb, &va, pages, UK_FALLOC_F_ALIGN(order)))
		return NULL;
	if (back(ap, va, pages)) {
		uk_ffree(ap->vb, va, pages);
		return NULL;
	}
	__atomic_add_fetch(&ap->held, pages, __ATOMIC_RELAXED);
	return (void *)va;
}

static void app_free(struct uk_heap_pages *src, void *va,
		     unsigned long pages)
{
	struct app_pages *ap = containerof(src, struct app_pages, src);

	/* The unmap frees the frames; it holds the page-table lock too.
	 * With no frame left for the app (memory filled), a fresh stack
	 * page could not be paged in either: no prefault then, which
	 * would crash on it, and the unmap runs on the stack there is. */
	if (frames_left(ap) >= 2)
		stack_prefault();
	ukplat_page_unmap(ap->pt, (__vaddr_t)va, pages, 0);
	uk_ffree(ap->vb, (__vaddr_t)va, pages);
	__atomic_sub_fetch(&ap->held, pages, __ATOMIC_RELAXED);
}

static int app_grow(struct uk_heap_pages *src, void *end,
		    unsigned long pages)
{
	struct app_pages *ap = containerof(src, struct app_pages, src);
	__paddr_t va = (__vaddr_t)end;

	if (uk_falloc(ap->vb, &va, pages, 0))
		return -ENOMEM;
	if (back(ap, va, pages)) {
		uk_ffree(ap->vb, va, pages);
		return -ENOMEM;
	}
	__atomic_add_fetch(&ap->held, pages, __ATOMIC_RELAXED);
	return 0;
}

static unsigned long app_max(struct uk_heap_pages *src)
{
	struct app_pages *ap = containerof(src, struct app_pages, src);

	return MIN(ap->vb->max_frames(ap->vb), frames_left(ap));
}

static unsigned long app_free_pages(struct uk_heap_pages *src)
{
	return frames_left(containerof(src, struct app_pages, src));
}

/* Kernel memory for the range's buddy allocator. */
static void *kernel_pages(struct uk_falloc *fa, __sz bytes,
			  unsigned long flags)
{
	__paddr_t pa = __PADDR_ANY;

	if (uk_falloc(fa, &pa, PAGE_COUNT(bytes), flags))
		return NULL;
	return (void *)(pa + ukplat_bootinfo_get()->dm_off);
}

static int app_heap_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct app_pages *ap = &app_src;
	struct uk_vas *vas = uk_vas_get_active();
	struct uk_falloc *fa = uk_falloc_get_default();
	struct uk_alloc *heap;
	unsigned long pages;
	__vaddr_t va = __VADDR_ANY;
	void *meta, *mem;
	__sz len;
	int rc;

	if (!vas || !fa)
		return 0;	/* no address space: malloc uses the kernel's */
	/* Room to spare: the range's pages are never short before RAM. */
	len = ALIGN_UP(4 * fa->total_memory, PAGE_LARGE_SIZE);
	len = MIN(len, ALIGN_DOWN((vas->end - vas->start) / 4,
				  PAGE_LARGE_SIZE));
	pages = len >> PAGE_SHIFT;
	rc = uk_vma_reserve_ex(vas, &va, len, PAGE_ATTR_PROT_RW,
			       UK_VMA_MAP_APP_MEM, "app heap");
	if (rc < 0)
		goto fail;
	ap->fa = fa;
	ap->pt = vas->pt;
	ap->reserve = MAX(RESERVE_MIN, fa->total_memory / 64) >> PAGE_SHIFT;
	rc = -ENOMEM;
	ap->mem_pages = PAGE_COUNT(uk_fallocbuddy_size());
	ap->meta_pages = PAGE_COUNT(uk_fallocbuddy_metadata_size(pages));
	ap->mem = mem = kernel_pages(fa, ap->mem_pages << PAGE_SHIFT, 0);
	/* Zeroed by the frame allocator only if it may hold data: fresh
	 * RAM stays untouched where the buddy does not use it. */
	ap->meta = meta = kernel_pages(fa, ap->meta_pages << PAGE_SHIFT,
				       UK_FALLOC_F_ZERO);
	if (!mem || !meta)
		goto fail;
	ap->vb = uk_fallocbuddy_init(mem);
	if (uk_fallocbuddy_addmem_zeroed(ap->vb, meta, va, pages, 0))
		goto fail;
	/* The page map is zeroed page by page as it is used, not all at
	 * boot (256 KiB for 64 MiB of RAM: a tenth of a sim boot). */
	ap->map = __VADDR_ANY;
	ap->map_len = PAGE_ALIGN_UP(pages * sizeof(__u32));
	rc = uk_vma_map_anon(vas, &ap->map, ap->map_len, PAGE_ATTR_PROT_RW, 0,
			     "app heap map");
	if (rc < 0)
		goto fail;
	ap->src.pagemap = (void *)ap->map;
	ap->src.alloc = app_alloc;
	ap->src.free = app_free;
	ap->src.grow = app_grow;
	ap->src.max_pages = app_max;
	ap->src.free_pages = app_free_pages;
	ap->src.lo = va;
	ap->src.hi = va + len;
	heap = uk_alloc_heap_create(&ap->src, fa,
				    ukplat_bootinfo_get()->dm_off);
	if (heap) {
		uk_alloc_set_app(heap);
		return 0;
	}
fail:
	uk_pr_err("alloc: no app heap (%d): malloc uses the kernel's\n", rc);
	return 0;
}

static void kernel_pages_free(void *va, unsigned long pages)
{
	if (va)
		uk_ffree(app_src.fa, (__vaddr_t)va -
			 ukplat_bootinfo_get()->dm_off, pages);
}

/* At shutdown, an empty app heap gives everything back (so that a leak
 * checker sees nothing left); one that still holds blocks (an app's
 * leaks) stays as it is, for the checker to report them. */
static void app_heap_term(void)
{
	struct app_pages *ap = &app_src;
	struct uk_alloc *heap = uk_alloc_app();

	if (heap == uk_alloc_get_default())
		return;
	uk_alloc_heap_trim(heap);
	if (__atomic_load_n(&ap->held, __ATOMIC_RELAXED))
		return;
	uk_alloc_set_app(NULL);
	uk_vma_unmap(uk_vas_get_active(), ap->src.lo, ap->src.hi - ap->src.lo,
		     0);
	uk_alloc_heap_destroy(heap);
	uk_vma_unmap(uk_vas_get_active(), ap->map, ap->map_len, 0);
	kernel_pages_free(ap->meta, ap->meta_pages);
	kernel_pages_free(ap->mem, ap->mem_pages);
}

/* Right after the address space (vmem, early 1). */
uk_early_initcall_prio(app_heap_init, app_heap_term, 2);

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generic VMA management: a tree of VMAs per VAS (tree.c), split at range
 * edges before a change, merge of compatible neighbours after it. A
 * split allocates its new VMA before anything changes, so a change never
 * fails half-way for lack of memory.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/assert.h>
#include <uk/essentials.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/paging.h>
#include <uk/print.h>
#include "vmem_internal.h"

static struct uk_vas *active_vas;

struct uk_vas *uk_vas_get_active(void)
{
	return __atomic_load_n(&active_vas, __ATOMIC_ACQUIRE);
}

int uk_vas_set_active(struct uk_vas *vas)
{
	__atomic_store_n(&active_vas, vas, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Code holding the lock must not fault (the page-fault handler takes it),
 * yet system calls run on the caller's stack, and an app thread's stack
 * is demand paged (musl's thread stacks, main's below its top): the pages
 * below the stack pointer that locked code may use are touched first, so
 * that their faults come now. Through a frame of its own, so that
 * memcheck sees accesses above the stack pointer. The cost: an app
 * thread with less than this left on its stack gets a stack overflow
 * report from mmap and friends. The range is alloca's, not an array's:
 * arm64 saves a frame's record at its bottom, which would change 16
 * bytes that far below (the app's own memory under a handler's frames
 * on a small sigaltstack); the touches keep every byte as it was.
 */
#define VMEM_LOCKED_STACK	(8UL << 10)

static __noinline __no_stack_probes void stack_ready(void)
{
	char *below = __builtin_alloca(VMEM_LOCKED_STACK);
	unsigned long i;

	/* A write fault (a read one may map less), value kept. */
	for (i = 0; i < VMEM_LOCKED_STACK; i += PAGE_SIZE)
		__atomic_fetch_add(&below[i], 0, __ATOMIC_RELAXED);
}

unsigned long vmem_lock(struct uk_vas *vas)
{
	stack_ready();
	return vmem_lock_nostack(vas);
}

unsigned long vmem_lock_nostack(struct uk_vas *vas)
{
	unsigned long irqf;

	uk_spin_lock_irqsave(&vas->lock, irqf);
	vas->lock_cpu = (long)ukplat_lcpu_idx();
	return irqf;
}

void vmem_unlock(struct uk_vas *vas, unsigned long irqf)
{
	vas->lock_cpu = -1;
	uk_spin_unlock_irqrestore(&vas->lock, irqf);
}

int uk_vas_init(struct uk_vas *vas, struct uk_pagetable *pt,
		struct uk_alloc *a, struct uk_falloc *fa,
		__vaddr_t start, __vaddr_t end)
{
	if (!vas || !a || start >= end || !PAGE_ALIGNED(start) ||
	    !PAGE_ALIGNED(end))
		return -EINVAL;
	memset(vas, 0, sizeof(*vas));
	vas->pt = pt;
	vas->a = a;
	vas->fa = fa;
	vas->start = start;
	vas->end = end;
	vas->lock_cpu = -1;
	uk_spin_init(&vas->lock);
	return 0;
}

struct uk_vma *vmem_find_locked(struct uk_vas *vas, __vaddr_t vaddr)
{
	struct uk_vma *vma = vmem_lookup(vas, vaddr);

	return vma && vma->start <= vaddr ? vma : NULL;
}

const struct uk_vma *uk_vma_find(struct uk_vas *vas, __vaddr_t vaddr)
{
	struct uk_vma *vma;
	unsigned long irqf;

	if (!vas)
		return NULL;
	irqf = vmem_lock(vas);
	vma = vmem_find_locked(vas, vaddr);
	vmem_unlock(vas, irqf);
	return vma;
}

static void vma_free(struct uk_vma *vma)
{
	if (vma->ops->destroy)
		vma->ops->destroy(vma);
	uk_free(vma->vas->a, vma);
}

/* Splits the VMA containing addr (if addr is inside it) in two at addr.
 * Returns 0, -EINVAL (inside a 2 MiB page) or -ENOMEM. */
static int split_at(struct uk_vas *vas, __vaddr_t addr)
{
	struct uk_vma *vma = vmem_lookup(vas, addr), *right;
	int rc;

	if (!vma || vma->start >= addr)
		return 0;
	if (addr & (vmem_pgsize(vma) - 1))
		return -EINVAL;
	right = uk_malloc(vas->a, vma->ops->size);
	if (!right)
		return -ENOMEM;
	memcpy(right, vma, vma->ops->size);
	right->start = addr;
	if (vma->ops->split) {
		rc = vma->ops->split(vma, addr, right);
		if (rc < 0) {
			uk_free(vas->a, right);
			return rc;
		}
	}
	vma->end = addr;
	vmem_tree_insert(vas, right);
	return 0;
}

static int same_name(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return a == b || !strcmp(a, b);
}

static int can_merge(struct uk_vma *a, struct uk_vma *b)
{
	return a->end == b->start && a->ops == b->ops &&
	       a->attr == b->attr && a->flags == b->flags &&
	       same_name(a->name, b->name) && a->ops->merge &&
	       a->ops->merge(a, b) == 0;
}

/* Merges the VMA after a into a if they are compatible. Returns 1 if
 * so. */
static int merge_next(struct uk_vas *vas, struct uk_vma *a)
{
	struct uk_vma *b = a ? vmem_next(a) : NULL;

	if (!b || !can_merge(a, b))
		return 0;
	a->end = b->end;
	vmem_tree_remove(vas, b);
	uk_free(vas->a, b);	/* its resources now belong to a */
	return 1;
}

/* Merges every compatible pair of neighbours from the VMA before first
 * to the one after last. */
static void merge_around(struct uk_vas *vas, struct uk_vma *first,
			 struct uk_vma *last)
{
	struct uk_vma *cur = vmem_prev(first);
	__vaddr_t stop = last->end;

	if (!cur)
		cur = first;
	while (cur && cur->start < stop) {
		if (!merge_next(vas, cur))
			cur = vmem_next(cur);
	}
}

/* Splits VMAs at start and end so that whole VMAs cover the range. On
 * failure, nothing visible has changed. */
static int isolate(struct uk_vas *vas, __vaddr_t start, __vaddr_t end)
{
	struct uk_vma *before;
	int rc;

	rc = split_at(vas, start);
	if (rc < 0)
		return rc;
	rc = split_at(vas, end);
	if (rc < 0) {
		before = vmem_lookup(vas, start);
		if (before)
			merge_next(vas, vmem_prev(before));
	}
	return rc;
}

/* Unmaps and frees the whole VMAs inside [start, end) (isolated). */
static void drop_range(struct uk_vas *vas, __vaddr_t start, __vaddr_t end)
{
	struct uk_vma *vma = vmem_lookup(vas, start), *next;
	int rc;

	while (vma && vma->start < end) {
		next = vmem_next(vma);
		if (vma->ops->unmap) {
			rc = vma->ops->unmap(vma, vma->start,
					     vma->end - vma->start);
			if (rc < 0)
				uk_pr_err("vmem: unmap of 0x%lx-0x%lx: %d\n",
					  vma->start, vma->end, rc);
		}
		vmem_tree_remove(vas, vma);
		vma_free(vma);
		vma = next;
	}
}

/* -EACCES if a change on behalf of the app (flags UK_VMA_MAP_APP)
 * would touch a VMA of the kernel's in [start, end), else 0. */
static int app_check(struct uk_vas *vas, __vaddr_t start, __vaddr_t end,
		     unsigned long flags)
{
	struct uk_vma *vma;

	if (!(flags & UK_VMA_MAP_APP))
		return 0;
	for (vma = vmem_lookup(vas, start); vma && vma->start < end;
	     vma = vmem_next(vma))
		if (!(vma->flags & UK_VMA_MAP_APP))
			return -EACCES;
	return 0;
}

/* Nonzero unless [start, end) lies inside the window. */
static int outside(struct uk_vas *vas, __vaddr_t start, __sz len)
{
	return start < vas->start || start + len < start ||
	       start + len > vas->end;
}

#define MAP_FLAGS (UK_VMA_MAP_POPULATE | UK_VMA_MAP_REPLACE | \
		   UK_VMA_MAP_SIZE_2MB | UK_VMA_MAP_APP | UK_VMA_MAP_APP_MEM)

/* Places and inserts vma (its end holds the length until placed). On
 * failure vma is freed. */
static int map_locked(struct uk_vas *vas, __vaddr_t *vaddr,
		      struct uk_vma *vma, unsigned long flags, void *args)
{
	__sz len = vma->end;
	__vaddr_t start = *vaddr;
	struct uk_vma *at;
	int rc;

	if (start == __VADDR_ANY) {
		rc = vmem_find_gap(vas, len, vmem_pgsize(vma), &start);
		if (rc < 0)
			goto err_free;
	} else {
		at = vmem_lookup(vas, start);
		if (at && at->start < start + len) {
			rc = -EEXIST;
			if (!(flags & UK_VMA_MAP_REPLACE))
				goto err_free;
			rc = app_check(vas, start, start + len, flags);
			if (rc < 0)
				goto err_free;
			rc = isolate(vas, start, start + len);
			if (rc < 0)
				goto err_free;
			drop_range(vas, start, start + len);
		}
	}
	vma->start = start;
	vma->end = start + len;
	if (vma->ops->init) {
		rc = vma->ops->init(vma, args);
		if (rc < 0)
			goto err_free;
	}
	vmem_tree_insert(vas, vma);
	vmem_vg_pageable(vma, vma->start, vma->end);
	if (flags & UK_VMA_MAP_POPULATE) {
		rc = vmem_populate(vma, vma->start, vma->end);
		if (rc < 0) {
			drop_range(vas, vma->start, vma->end);
			return -ENOMEM;
		}
	}
	*vaddr = start;
	merge_around(vas, vma, vma);
	return 0;

err_free:
	uk_free(vas->a, vma);
	return rc;
}

int uk_vma_map(struct uk_vas *vas, __vaddr_t *vaddr, __sz len,
	       unsigned long attr, unsigned long flags, const char *name,
	       const struct uk_vma_ops *ops, void *args)
{
	__sz pgsz = (flags & UK_VMA_MAP_SIZE_2MB) ? PAGE_LARGE_SIZE
						  : PAGE_SIZE;
	struct uk_vma *vma;
	unsigned long irqf;
	int rc;

	if (!vas || !vaddr || !ops || ops->size < sizeof(struct uk_vma))
		return -EINVAL;
	if (!len || (len & (pgsz - 1)) || (flags & ~MAP_FLAGS) ||
	    (attr & ~PAGE_ATTR_PROT_RWX))
		return -EINVAL;
	if (*vaddr != __VADDR_ANY) {
		if (*vaddr & (pgsz - 1))
			return -EINVAL;
		if (outside(vas, *vaddr, len))
			return -ENOMEM;
	} else if (len > vas->end - vas->start) {
		return -ENOMEM;
	}
	vma = uk_malloc(vas->a, ops->size);
	if (!vma)
		return -ENOMEM;
	memset(vma, 0, ops->size);
	vma->vas = vas;
	vma->end = len;
	vma->attr = attr;
	vma->flags = flags & (UK_VMA_MAP_SIZE_2MB | UK_VMA_MAP_APP |
			      UK_VMA_MAP_APP_MEM);
	vma->name = name;
	vma->ops = ops;

	irqf = vmem_lock(vas);
	rc = map_locked(vas, vaddr, vma, flags, args);
	vmem_unlock(vas, irqf);
	return rc;
}

int vmem_populate(struct uk_vma *vma, __vaddr_t start, __vaddr_t end)
{
	__sz pgsz = vmem_pgsize(vma);
	unsigned int level;
	__vaddr_t va, ptv;
	__pte_t pte;
	int rc;

	if (!vma->ops->fault)
		return 0;
	if (vma->ops->populate) {
		rc = vma->ops->populate(vma, start, end);
		if (rc <= 0)
			return rc;
	}
	for (va = ALIGN_DOWN(start, pgsz); va < end; va += pgsz) {
		if (ukplat_pt_walk(vma->vas->pt, va, &level, &ptv, &pte) == 0)
			continue;
		rc = vma->ops->fault(vma, va, 0);
		if (rc < 0 && rc != -EFAULT)
			return rc;
	}
	return 0;
}

static int check_range(struct uk_vas *vas, __vaddr_t vaddr, __sz len)
{
	if (!vas || !PAGE_ALIGNED(vaddr) || !len || vaddr + len < vaddr)
		return -EINVAL;
	return 0;
}

int uk_vma_unmap(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		 unsigned long flags)
{
	__vaddr_t start, end;
	unsigned long irqf;
	int rc;

	if (flags & ~UK_VMA_MAP_APP)
		return -EINVAL;
	rc = check_range(vas, vaddr, len);
	if (rc < 0)
		return rc;
	start = MAX(vaddr, vas->start);
	end = MIN(vaddr + PAGE_ALIGN_UP(len), vas->end);
	if (start >= end)
		return 0;
	irqf = vmem_lock(vas);
	rc = app_check(vas, start, end, flags);
	if (rc == 0)
		rc = isolate(vas, start, end);
	if (rc == 0)
		drop_range(vas, start, end);
	vmem_unlock(vas, irqf);
	return rc;
}

/* Maps at nva + off the pages mapped in [va, va + len), same frames and
 * attributes (the frames now belong to both: one side is unmapped with
 * KEEP_FRAMES next). Returns 0, or -ENOMEM with nothing mapped at nva. */
static int move_ptes(struct uk_vas *vas, __vaddr_t va, __vaddr_t nva,
		     __sz len)
{
	__vaddr_t off = 0, ptv;
	unsigned int lvl;
	__sz pgsz;
	__pte_t pte;
	int rc = 0;

	while (off < len) {
		if (ukplat_pt_walk(vas->pt, va + off, &lvl, &ptv, &pte)) {
			off += PAGE_SIZE;
			continue;
		}
		pgsz = PAGE_Lx_SIZE(lvl);
		if (!IS_ALIGNED(va + off, pgsz) || off + pgsz > len) {
			rc = -EINVAL;		/* a large page cut by the range */
			break;
		}
		rc = ukplat_page_map(vas->pt, nva + off,
				     ukarch_pte_paddr(pte, lvl), pgsz >>
				     PAGE_SHIFT, ukarch_pte_attr(pte, lvl),
				     PAGE_FLAG_FORCE_SIZE |
				     PAGE_FLAG_SIZE(lvl));
		if (rc < 0)
			break;
		off += pgsz;
	}
	if (rc < 0 && off)
		ukplat_page_unmap(vas->pt, nva, off >> PAGE_SHIFT,
				  PAGE_FLAG_KEEP_FRAMES);
	return rc == -EINVAL ? rc : rc < 0 ? -ENOMEM : 0;
}

static int move_locked(struct uk_vas *vas, __vaddr_t va, __sz len,
		       __sz new_len, __vaddr_t *nva, unsigned long flags)
{
	struct uk_vma *vma = vmem_find_locked(vas, va), *nvma;
	__sz pgsz;
	int rc;

	if (!vma || va + len < va || va + len > vma->end)
		return -EFAULT;
	rc = app_check(vas, va, va + len, flags);
	if (rc < 0)
		return rc;
	pgsz = vmem_pgsize(vma);
	if (!vma->ops->movable || (va | len | new_len) & (pgsz - 1))
		return -EINVAL;
	/* Nothing may fail after the old range starts to go: split first,
	 * take the new VMA's memory and its place next. */
	rc = isolate(vas, va, va + len);
	if (rc < 0)
		return rc;
	vma = vmem_find_locked(vas, va);
	nvma = uk_malloc(vas->a, vma->ops->size);
	if (!nvma)
		return -ENOMEM;
	memcpy(nvma, vma, vma->ops->size);
	rc = vmem_find_gap(vas, new_len, pgsz, nva);
	if (rc < 0) {
		uk_free(vas->a, nvma);
		return rc;
	}
	nvma->start = *nva;
	nvma->end = *nva + new_len;
	vmem_tree_insert(vas, nvma);
	rc = move_ptes(vas, va, *nva, len);
	if (rc < 0) {
		vmem_tree_remove(vas, nvma);
		uk_free(vas->a, nvma);
		return rc;
	}
	/* The frames are the new VMA's now: the old one lets go of its
	 * entries only, then goes. Its type state moved with the copy. */
	ukplat_page_unmap(vas->pt, va, len >> PAGE_SHIFT,
			  PAGE_FLAG_KEEP_FRAMES);
	vmem_tree_remove(vas, vma);
	uk_free(vas->a, vma);
	vmem_vg_pageable(nvma, nvma->start, nvma->end);
	merge_around(vas, nvma, nvma);
	return 0;
}

int uk_vma_move(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		__sz new_len, __vaddr_t *new_vaddr, unsigned long flags)
{
	unsigned long irqf;
	int rc;

	if (!vas || !new_vaddr || !len || !new_len || !PAGE_ALIGNED(vaddr) ||
	    (flags & ~UK_VMA_MAP_APP))
		return -EINVAL;
	irqf = vmem_lock(vas);
	rc = move_locked(vas, vaddr, len, new_len, new_vaddr, flags);
	vmem_unlock(vas, irqf);
	return rc;
}

/* Nonzero if VMAs cover [start, end) without a hole. */
static int covered(struct uk_vas *vas, __vaddr_t start, __vaddr_t end)
{
	struct uk_vma *vma = vmem_lookup(vas, start);
	__vaddr_t cur = start;

	for (; vma && cur < end; vma = vmem_next(vma)) {
		if (vma->start > cur)
			return 0;
		cur = vma->end;
	}
	return cur >= end;
}

int uk_vma_set_attr(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		    unsigned long attr)
{
	return uk_vma_protect(vas, vaddr, len, attr, 0);
}

int uk_vma_protect(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		   unsigned long attr, unsigned long flags)
{
	__vaddr_t end = vaddr + PAGE_ALIGN_UP(len);
	struct uk_vma *vma, *first, *last = NULL;
	unsigned long irqf;
	int rc;

	rc = check_range(vas, vaddr, len);
	if (rc < 0 || (attr & ~PAGE_ATTR_PROT_RWX) ||
	    (flags & ~UK_VMA_MAP_APP))
		return -EINVAL;
	irqf = vmem_lock(vas);
	if (!covered(vas, vaddr, end)) {
		rc = -ENOMEM;
		goto out;
	}
	rc = app_check(vas, vaddr, end, flags);
	if (rc == 0)
		rc = isolate(vas, vaddr, end);
	if (rc < 0)
		goto out;
	first = vmem_lookup(vas, vaddr);
	for (vma = first; vma && vma->start < end; vma = vmem_next(vma)) {
		if (vma->ops->set_attr) {
			rc = vma->ops->set_attr(vma, vma->start,
						vma->end - vma->start, attr);
			if (rc < 0)
				break;
		}
		vma->attr = attr;
		vmem_vg_pageable(vma, vma->start, vma->end);
		last = vma;
	}
	if (last)
		merge_around(vas, first, last);
out:
	vmem_unlock(vas, irqf);
	return rc;
}

int uk_vma_advise(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		  unsigned long advice, unsigned long flags)
{
	__vaddr_t end = vaddr + PAGE_ALIGN_UP(len);
	__vaddr_t s, e;
	struct uk_vma *vma;
	unsigned long irqf;
	int rc;

	rc = check_range(vas, vaddr, len);
	if (rc < 0 || (flags & ~UK_VMA_MAP_APP))
		return -EINVAL;
	if (advice != UK_VMA_ADV_NORMAL && advice != UK_VMA_ADV_WILLNEED &&
	    advice != UK_VMA_ADV_DONTNEED)
		return -EINVAL;
	irqf = vmem_lock(vas);
	if (!covered(vas, vaddr, end)) {
		rc = -ENOMEM;
		goto out;
	}
	rc = app_check(vas, vaddr, end, flags);
	if (rc < 0)
		goto out;
	/* Advice changes no VMA property here, so nothing is split; a
	 * 2 MiB VMA only acts on the whole pages inside the range. */
	for (vma = vmem_lookup(vas, vaddr); vma && vma->start < end;
	     vma = vmem_next(vma)) {
		s = ALIGN_UP(MAX(vaddr, vma->start), vmem_pgsize(vma));
		e = ALIGN_DOWN(MIN(end, vma->end), vmem_pgsize(vma));
		if (advice == UK_VMA_ADV_WILLNEED) {
			s = ALIGN_DOWN(MAX(vaddr, vma->start),
				       vmem_pgsize(vma));
			e = ALIGN_UP(MIN(end, vma->end), vmem_pgsize(vma));
		}
		if (s >= e || !vma->ops->advise)
			continue;
		rc = vma->ops->advise(vma, s, e - s, advice);
		if (rc < 0)
			break;
	}
out:
	vmem_unlock(vas, irqf);
	return rc;
}

int uk_vma_resident(struct uk_vas *vas, __vaddr_t vaddr, __sz n,
		    unsigned char *vec, unsigned long flags)
{
	const struct uk_vma *vma = NULL;
	__vaddr_t va;
	unsigned int lvl;
	unsigned long irqf;
	__pte_t pte;
	__sz i;
	int rc = 0;

	irqf = vmem_lock(vas);
	for (i = 0; i < n; i++) {
		va = vaddr + i * PAGE_SIZE;
		if (!vma || va >= vma->end)
			vma = vmem_find_locked(vas, va);
		if (!vma || vmem_stack_is_guard(vma, va) ||
		    (!vma->ops->fault && !vma->attr) ||
		    ((flags & UK_VMA_MAP_APP) &&
		     !(vma->flags & (UK_VMA_MAP_APP | UK_VMA_MAP_APP_MEM)))) {
			rc = -ENOMEM;
			break;
		}
		vec[i] = !ukplat_pt_walk(vas->pt, va, &lvl, NULL, &pte);
	}
	vmem_unlock(vas, irqf);
	return rc;
}

void uk_vma_pager_zap(struct uk_vas *vas, void *obj, __off off)
{
	struct uk_vma *vma;
	unsigned long irqf;

	if (!vas)
		return;
	irqf = vmem_lock(vas);
	for (vma = vmem_first(vas); vma; vma = vmem_next(vma))
		vmem_pager_zap(vma, obj, off);
	vmem_unlock(vas, irqf);
}

int uk_vas_foreach(struct uk_vas *vas,
		   int (*fn)(const struct uk_vma *vma, void *arg), void *arg)
{
	unsigned long irqf;
	struct uk_vma *vma;
	int rc = 0;

	irqf = vmem_lock(vas);
	for (vma = vmem_first(vas); vma && !rc; vma = vmem_next(vma))
		rc = fn(vma, arg);
	vmem_unlock(vas, irqf);
	return rc;
}

static int dump_one(const struct uk_vma *vma, void *arg __maybe_unused)
{
	const unsigned long a = vma->attr;

	uk_pr_info("  0x%016lx-0x%016lx %c%c%c %s%s\n", vma->start, vma->end,
		   (a & PAGE_ATTR_PROT_READ) ? 'r' : '-',
		   (a & PAGE_ATTR_PROT_WRITE) ? 'w' : '-',
		   (a & PAGE_ATTR_PROT_EXEC) ? 'x' : '-',
		   vma->name ? vma->name : "",
		   (vma->flags & UK_VMA_MAP_SIZE_2MB) ? " (2M)" : "");
	return 0;
}

void uk_vas_dump(struct uk_vas *vas)
{
	uk_pr_info("VAS 0x%lx-0x%lx, %lu VMAs:\n", vas->start, vas->end,
		   vas->nr_vmas);
	uk_vas_foreach(vas, dump_one, NULL);
}

void uk_vas_destroy(struct uk_vas *vas)
{
	unsigned long irqf;

	irqf = vmem_lock(vas);
	drop_range(vas, vas->start, vas->end);
	vmem_unlock(vas, irqf);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VMA types: anonymous, DMA, file (private copy), reservation and
 * stack. Each is a struct uk_vma_ops; the generic code in vas.c calls
 * them with the VAS lock held.
 */
#include <errno.h>
#include <string.h>
#include <uk/arch/traps.h>
#include <uk/arch/valgrind.h>
#include <uk/essentials.h>
#include <uk/falloc.h>
#include <uk/param.h>
#include <uk/plat/paging.h>
#include "vmem_internal.h"

static unsigned long map_flags(const struct uk_vma *vma)
{
	if (vma->flags & UK_VMA_MAP_SIZE_2MB)
		return PAGE_FLAG_FORCE_SIZE | PAGE_FLAG_SIZE(PAGE_LARGE_LEVEL);
	return PAGE_FLAG_FORCE_SIZE | PAGE_FLAG_SIZE(PAGE_LEVEL);
}

static unsigned long pages_of(__sz len)
{
	return len >> PAGE_SHIFT;
}

/* Allocates zeroed frames for one page of vma. Returns 0 or -ENOMEM. */
static int frame_alloc(struct uk_vma *vma, __paddr_t *paddr)
{
	__sz pgsz = vmem_pgsize(vma);
	unsigned long fl = UK_FALLOC_F_ZERO;

	if (pgsz == PAGE_LARGE_SIZE)
		fl |= UK_FALLOC_F_ALIGN(PAGE_LARGE_SHIFT - PAGE_SHIFT);
	*paddr = __PADDR_ANY;
	if (!vma->vas->fa || uk_falloc(vma->vas->fa, paddr, pages_of(pgsz),
				       fl) < 0)
		return -ENOMEM;
	return 0;
}

/* Maps the frames at paddr as the page of vma holding vaddr; frees them
 * if the page is mapped meanwhile (a fault raced with another CPU). */
static int map_owned(struct uk_vma *vma, __vaddr_t vaddr, __paddr_t paddr)
{
	__sz pgsz = vmem_pgsize(vma);
	int rc;

	rc = ukplat_page_map(vma->vas->pt, ALIGN_DOWN(vaddr, pgsz), paddr,
			     pages_of(pgsz), vma->attr, map_flags(vma));
	if (rc < 0)
		uk_ffree(vma->vas->fa, paddr, pages_of(pgsz));
	return rc == -EEXIST ? 0 : rc;
}

/*
 * Memcheck (sim under valgrind) sees the window's unmapped host pages as
 * inaccessible, so the first touch of a demand-paged page would be
 * reported before the fault pages it in. Pages a VMA may page in are
 * declared accessible and defined (they read as zero) instead. A no-op
 * off valgrind.
 */
void vmem_vg_pageable(struct uk_vma *vma, __vaddr_t s, __vaddr_t e)
{
	if (!vma->ops->fault || !vma->attr)
		return;
	if (vma->ops == &uk_vma_stack_ops) {
		s = MAX(s, uk_vma_stack_base(vma));
		e = MIN(e, uk_vma_stack_top(vma));
	}
	if (s < e)
		UK_VG_DEFINED(s, e - s);
}

/* --- anonymous memory ------------------------------------------------ */

/*
 * Fault-around: a demand-paging fault in 4 KiB anonymous memory maps the
 * whole aligned window of vmem.fault_around pages around the address if
 * none of them is mapped yet. A fault is a trap (in sim a host signal and
 * an mmap, some microseconds), so memory touched in order costs one trap
 * per window instead of one per page; the window's frames come in one
 * allocation and, in sim, one host mmap.
 */
static int fault_around = 16;
UK_PARAM("vmem.fault_around", fault_around, 1, 512,
	 "pages mapped by a demand-paging fault in anonymous memory");

/* Maps [start, end) of a 4 KiB anonymous VMA with zeroed frames from one
 * allocation, if none of it is mapped and the frames can be had in one
 * piece: one frame allocation and, in sim, one host mmap. Returns 0 if it
 * did, 1 if the caller should go page by page, or -errno. */
static int map_fresh(struct uk_vma *vma, __vaddr_t start, __vaddr_t end)
{
	unsigned long pages = pages_of(end - start);
	__paddr_t paddr = __PADDR_ANY;
	unsigned int lvl;
	__vaddr_t va;
	__pte_t pte;
	int rc;

	if (pages < 2 || (vma->flags & UK_VMA_MAP_SIZE_2MB))
		return 1;
	for (va = start; va < end; va += PAGE_SIZE)
		if (ukplat_pt_walk(vma->vas->pt, va, &lvl, NULL, &pte) == 0)
			return 1;
	if (!vma->vas->fa ||
	    uk_falloc(vma->vas->fa, &paddr, pages, UK_FALLOC_F_ZERO) < 0)
		return 1;
	rc = ukplat_page_map(vma->vas->pt, start, paddr, pages, vma->attr,
			     map_flags(vma));
	if (rc < 0) {
		uk_ffree(vma->vas->fa, paddr, pages);
		return 1;
	}
	return 0;
}

/* Returns 0 if the window around vaddr got mapped, else nonzero. */
static int anon_fault_around(struct uk_vma *vma, __vaddr_t vaddr)
{
	__sz win = (__sz)fault_around * PAGE_SIZE;
	__vaddr_t start = vaddr - (vaddr - vma->start) % win;

	return map_fresh(vma, start, MIN(vma->end, start + win));
}

static int anon_populate(struct uk_vma *vma, __vaddr_t start, __vaddr_t end)
{
	return map_fresh(vma, MAX(start, vma->start), MIN(end, vma->end));
}

static int anon_fault(struct uk_vma *vma, __vaddr_t vaddr,
		      unsigned long err __maybe_unused)
{
	__paddr_t paddr;
	int rc;

	if (fault_around > 1 && vma->ops == &uk_vma_anon_ops &&
	    !(vma->flags & UK_VMA_MAP_SIZE_2MB) &&
	    !anon_fault_around(vma, vaddr))
		return 0;
	rc = frame_alloc(vma, &paddr);
	if (rc < 0)
		return rc;
	return map_owned(vma, vaddr, paddr);
}

static int anon_unmap(struct uk_vma *vma, __vaddr_t vaddr, __sz len)
{
	return ukplat_page_unmap(vma->vas->pt, vaddr, pages_of(len), 0);
}

static int pt_set_attr(struct uk_vma *vma, __vaddr_t vaddr, __sz len,
		       unsigned long attr)
{
	return ukplat_page_set_attr(vma->vas->pt, vaddr, pages_of(len), attr,
				    0);
}

static int anon_merge(struct uk_vma *vma __maybe_unused,
		      struct uk_vma *next __maybe_unused)
{
	return 0;
}

static int anon_advise(struct uk_vma *vma, __vaddr_t vaddr, __sz len,
		       unsigned long advice)
{
	int rc;

	if (advice == UK_VMA_ADV_DONTNEED) {
		rc = vma->ops->unmap(vma, vaddr, len);
		vmem_vg_pageable(vma, vaddr, vaddr + len);
		return rc;
	}
	if (advice == UK_VMA_ADV_WILLNEED)
		return vmem_populate(vma, vaddr, vaddr + len);
	return 0;
}

const struct uk_vma_ops uk_vma_anon_ops = {
	.size = sizeof(struct uk_vma),
	.movable = 1,
	.fault = anon_fault,
	.populate = anon_populate,
	.unmap = anon_unmap,
	.merge = anon_merge,
	.set_attr = pt_set_attr,
	.advise = anon_advise,
};

/* --- DMA: a given physical range, never freed ------------------------ */

struct vma_dma {
	struct uk_vma base;
	__paddr_t paddr;		/* frame of base.start */
};

static int dma_init(struct uk_vma *vma, void *args)
{
	struct vma_dma *d = (struct vma_dma *)vma;

	if (!args)
		return -EINVAL;
	d->paddr = *(__paddr_t *)args;
	if (d->paddr == __PADDR_ANY ||
	    !IS_ALIGNED(d->paddr, vmem_pgsize(vma)))
		return -EINVAL;
	return 0;
}

static int dma_fault(struct uk_vma *vma, __vaddr_t vaddr,
		     unsigned long err __maybe_unused)
{
	struct vma_dma *d = (struct vma_dma *)vma;
	__sz pgsz = vmem_pgsize(vma);
	__vaddr_t va = ALIGN_DOWN(vaddr, pgsz);
	int rc;

	rc = ukplat_page_map(vma->vas->pt, va, d->paddr + (va - vma->start),
			     pages_of(pgsz), vma->attr, map_flags(vma));
	return rc == -EEXIST ? 0 : rc;
}

static int dma_unmap(struct uk_vma *vma, __vaddr_t vaddr, __sz len)
{
	return ukplat_page_unmap(vma->vas->pt, vaddr, pages_of(len),
				 PAGE_FLAG_KEEP_FRAMES);
}

static int dma_split(struct uk_vma *vma, __vaddr_t vaddr,
		     struct uk_vma *right)
{
	((struct vma_dma *)right)->paddr += vaddr - vma->start;
	return 0;
}

static int dma_merge(struct uk_vma *vma, struct uk_vma *next)
{
	struct vma_dma *a = (struct vma_dma *)vma;
	struct vma_dma *b = (struct vma_dma *)next;

	return a->paddr + (vma->end - vma->start) == b->paddr ? 0 : -1;
}

const struct uk_vma_ops uk_vma_dma_ops = {
	.size = sizeof(struct vma_dma),
	.movable = 1,
	.init = dma_init,
	.fault = dma_fault,
	.unmap = dma_unmap,
	.split = dma_split,
	.merge = dma_merge,
	.set_attr = pt_set_attr,
	.advise = anon_advise,
};

/* --- file: private pages filled by a read callback ------------------- */

struct vma_file {
	struct uk_vma base;
	uk_vma_file_read_t read;
	void *cookie;
	__off off;			/* file offset of base.start */
};

__ssz uk_vma_file_buffer_read(void *cookie, void *buf, __sz len, __off off)
{
	const struct uk_vma_file_buffer *fb = cookie;
	__sz n;

	if (off < 0)
		return -EINVAL;
	if ((__sz)off >= fb->len)
		return 0;
	n = MIN(len, fb->len - (__sz)off);
	memcpy(buf, (const char *)fb->data + off, n);
	return (__ssz)n;
}

static int file_init(struct uk_vma *vma, void *args)
{
	struct uk_vma_file_args *fa = args;
	struct vma_file *f = (struct vma_file *)vma;

	if (!fa || !fa->read || fa->off < 0 || !PAGE_ALIGNED(fa->off))
		return -EINVAL;
	f->read = fa->read;
	f->cookie = fa->cookie;
	f->off = fa->off;
	return 0;
}

static int file_fault(struct uk_vma *vma, __vaddr_t vaddr,
		      unsigned long err __maybe_unused)
{
	struct vma_file *f = (struct vma_file *)vma;
	__sz pgsz = vmem_pgsize(vma);
	__vaddr_t va = ALIGN_DOWN(vaddr, pgsz), kva;
	__paddr_t paddr;
	__ssz n;
	int rc;

	rc = frame_alloc(vma, &paddr);
	if (rc < 0)
		return rc;
	kva = ukplat_page_kmap(vma->vas->pt, paddr, pages_of(pgsz), 0);
	if (kva == __VADDR_INV) {
		uk_ffree(vma->vas->fa, paddr, pages_of(pgsz));
		return -ENOMEM;
	}
	n = f->read(f->cookie, (void *)kva, pgsz,
		    f->off + (__off)(va - vma->start));
	ukplat_page_kunmap(vma->vas->pt, kva, pages_of(pgsz), 0);
	if (n < 0) {
		uk_ffree(vma->vas->fa, paddr, pages_of(pgsz));
		return -EIO;
	}
	return map_owned(vma, va, paddr);
}

static int file_split(struct uk_vma *vma, __vaddr_t vaddr,
		      struct uk_vma *right)
{
	((struct vma_file *)right)->off += (__off)(vaddr - vma->start);
	return 0;
}

static int file_merge(struct uk_vma *vma, struct uk_vma *next)
{
	struct vma_file *a = (struct vma_file *)vma;
	struct vma_file *b = (struct vma_file *)next;

	if (a->read != b->read || a->cookie != b->cookie)
		return -1;
	return a->off + (__off)(vma->end - vma->start) == b->off ? 0 : -1;
}

const struct uk_vma_ops uk_vma_file_ops = {
	.size = sizeof(struct vma_file),
	.movable = 1,
	.init = file_init,
	.fault = file_fault,
	.unmap = anon_unmap,
	.split = file_split,
	.merge = file_merge,
	.set_attr = pt_set_attr,
	.advise = anon_advise,
};

/* --- pager: pages of an object (a file), shared or private copies ---- */

struct vma_pager {
	struct uk_vma base;
	const struct uk_vma_pager *pager;
	void *obj;			/* a reference (pager->get) */
	__off off;			/* object offset of base.start */
	int shared;
};

static int pager_init(struct uk_vma *vma, void *args)
{
	struct uk_vma_pager_args *pa = args;
	struct vma_pager *p = (struct vma_pager *)vma;

	if (!pa || !pa->pager || !pa->pager->getpage || pa->off < 0 ||
	    !PAGE_ALIGNED(pa->off) || (vma->flags & UK_VMA_MAP_SIZE_2MB))
		return -EINVAL;
	p->pager = pa->pager;
	p->obj = pa->obj;
	p->off = pa->off;
	p->shared = pa->shared;
	if (p->pager->get)
		p->pager->get(p->obj);
	return 0;
}

/* Copies the object's page at opa (or zeros, for a hole) into a new
 * frame. */
static int private_copy(struct uk_vma *vma, __paddr_t opa, __paddr_t *pa)
{
	__vaddr_t from, to;
	int rc = frame_alloc(vma, pa);

	if (rc < 0 || opa == __PADDR_ANY)
		return rc;
	from = ukplat_page_kmap(vma->vas->pt, opa, 1, 0);
	to = ukplat_page_kmap(vma->vas->pt, *pa, 1, 0);
	if (from == __VADDR_INV || to == __VADDR_INV) {
		uk_ffree(vma->vas->fa, *pa, 1);
		return -ENOMEM;
	}
	memcpy((void *)to, (const void *)from, PAGE_SIZE);
	return 0;
}

static int pager_fault(struct uk_vma *vma, __vaddr_t vaddr,
		       unsigned long err __maybe_unused)
{
	struct vma_pager *p = (struct vma_pager *)vma;
	__vaddr_t va = PAGE_ALIGN_DOWN(vaddr);
	__off pgoff = (p->off + (__off)(va - vma->start)) >> PAGE_SHIFT;
	__paddr_t opa, pa;
	int rc;

	rc = p->pager->getpage(p->obj, pgoff, p->shared, &opa);
	if (rc < 0)
		return rc == -ENOMEM ? rc : -ENXIO;
	if (!p->shared)
		return private_copy(vma, opa, &pa) ?: map_owned(vma, va, pa);
	rc = ukplat_page_map(vma->vas->pt, va, opa, 1, vma->attr,
			     map_flags(vma));
	return rc == -EEXIST ? 0 : rc;
}

static int pager_unmap(struct uk_vma *vma, __vaddr_t vaddr, __sz len)
{
	struct vma_pager *p = (struct vma_pager *)vma;

	/* Shared pages are the object's frames: they stay its. */
	return ukplat_page_unmap(vma->vas->pt, vaddr, pages_of(len),
				 p->shared ? PAGE_FLAG_KEEP_FRAMES : 0);
}

static int pager_split(struct uk_vma *vma, __vaddr_t vaddr,
		       struct uk_vma *right)
{
	struct vma_pager *r = (struct vma_pager *)right;

	r->off += (__off)(vaddr - vma->start);
	if (r->pager->get)
		r->pager->get(r->obj);
	return 0;
}

static int pager_merge(struct uk_vma *vma, struct uk_vma *next)
{
	struct vma_pager *a = (struct vma_pager *)vma;
	struct vma_pager *b = (struct vma_pager *)next;

	if (a->pager != b->pager || a->obj != b->obj ||
	    a->shared != b->shared ||
	    a->off + (__off)(vma->end - vma->start) != b->off)
		return -1;
	/* next goes: its reference with it. */
	if (b->pager->put)
		b->pager->put(b->obj);
	return 0;
}

static void pager_destroy(struct uk_vma *vma)
{
	struct vma_pager *p = (struct vma_pager *)vma;

	if (p->pager->put)
		p->pager->put(p->obj);
}

const struct uk_vma_ops uk_vma_pager_ops = {
	.size = sizeof(struct vma_pager),
	.movable = 1,
	.init = pager_init,
	.fault = pager_fault,
	.unmap = pager_unmap,
	.split = pager_split,
	.merge = pager_merge,
	.set_attr = pt_set_attr,
	.advise = anon_advise,
	.destroy = pager_destroy,
};

void vmem_pager_zap(struct uk_vma *vma, void *obj, __off off)
{
	struct vma_pager *p = (struct vma_pager *)vma;
	__vaddr_t from;

	if (vma->ops != &uk_vma_pager_ops || p->obj != obj ||
	    p->off + (__off)(vma->end - vma->start) <= off)
		return;
	from = vma->start + (off > p->off ? (__vaddr_t)(off - p->off) : 0);
	pager_unmap(vma, from, vma->end - from);
}

/* --- reservations ----------------------------------------------------- */

/* A reservation owns no page-table entries: unmapping it leaves what the
 * page table holds (e.g. the kernel image it describes) untouched. */
const struct uk_vma_ops uk_vma_rsvd_ops = {
	.size = sizeof(struct uk_vma),
	.merge = anon_merge,
	.set_attr = pt_set_attr,
};

/* --- stacks with guard pages ----------------------------------------- */

struct vma_stack {
	struct uk_vma base;
	__vaddr_t lo;			/* usable stack [lo, hi) */
	__vaddr_t hi;
};

struct stack_args {
	unsigned long guard_bottom;
	unsigned long guard_top;
};

static int stack_init(struct uk_vma *vma, void *args)
{
	struct vma_stack *s = (struct vma_stack *)vma;
	struct stack_args *sa = args;

	s->lo = vma->start + sa->guard_bottom * PAGE_SIZE;
	s->hi = vma->end - sa->guard_top * PAGE_SIZE;
	return 0;
}

int vmem_stack_is_guard(const struct uk_vma *vma, __vaddr_t vaddr)
{
	const struct vma_stack *s = (const struct vma_stack *)vma;

	if (vma->ops != &uk_vma_stack_ops)
		return 0;
	return vaddr < s->lo || vaddr >= s->hi;
}

static int stack_fault(struct uk_vma *vma, __vaddr_t vaddr,
		       unsigned long err)
{
	if (vmem_stack_is_guard(vma, vaddr))
		return -EFAULT;
	return anon_fault(vma, vaddr, err);
}

/* The usable part only: guard pages stay unmapped. */
static int stack_populate(struct uk_vma *vma, __vaddr_t start, __vaddr_t end)
{
	start = MAX(start, uk_vma_stack_base(vma));
	end = MIN(end, uk_vma_stack_top(vma));
	if (start >= end)
		return 0;
	return map_fresh(vma, start, end);
}

const struct uk_vma_ops uk_vma_stack_ops = {
	.size = sizeof(struct vma_stack),
	.init = stack_init,
	.fault = stack_fault,
	.populate = stack_populate,
	.unmap = anon_unmap,
	.set_attr = pt_set_attr,
	.advise = anon_advise,
};

int uk_vma_map_stack(struct uk_vas *vas, __vaddr_t *vaddr, __sz len,
		     unsigned long flags, const char *name,
		     unsigned long guard_bottom, unsigned long guard_top)
{
	struct stack_args sa = { guard_bottom, guard_top };
	__sz total;

	if ((flags & UK_VMA_MAP_SIZE_2MB) || !len || !PAGE_ALIGNED(len) ||
	    guard_bottom > (1UL << 20) || guard_top > (1UL << 20))
		return -EINVAL;
	total = len + (guard_bottom + guard_top) * PAGE_SIZE;
	if (total < len)
		return -EINVAL;
	return uk_vma_map(vas, vaddr, total, PAGE_ATTR_PROT_RW, flags, name,
			  &uk_vma_stack_ops, &sa);
}

__vaddr_t uk_vma_stack_base(const struct uk_vma *vma)
{
	if (!vma || vma->ops != &uk_vma_stack_ops)
		return 0;
	return ((const struct vma_stack *)vma)->lo;
}

__vaddr_t uk_vma_stack_top(const struct uk_vma *vma)
{
	if (!vma || vma->ops != &uk_vma_stack_ops)
		return 0;
	return ((const struct vma_stack *)vma)->hi;
}

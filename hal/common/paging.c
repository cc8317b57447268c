/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generic paging over ukarch_pte_* only, shared by every backend. Tables
 * are frames of the page table's frame allocator, reached through the
 * direct map. Each operation walks the range level by level, so a large
 * range costs one visit per entry touched, not one walk per page.
 */
#include <errno.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/falloc.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/paging.h>
#include <uk/print.h>

#define PT_TOP_LEVEL	(PT_LEVELS - 1)
/* 4 KiB frames a leaf of level lvl maps. */
#define LX_FRAMES(lvl)	(1UL << (PT_LEVEL_SHIFT * (lvl)))

/* Canonical 48-bit addresses: the low half ends, the high half starts. */
#define VA_LOW_END	(1UL << 47)
#define VA_HIGH_START	(~0UL << 47)

static struct uk_pagetable kernel_pt;
static struct uk_pagetable *active_pt;
/* Physical range the direct map covers (kmap). */
static __paddr_t dm_start, dm_end;

static inline __vaddr_t table_va(const struct uk_pagetable *pt,
				 __paddr_t pa)
{
	return pa + pt->dm_off;
}

static inline __pte_t pte_get(__vaddr_t t, unsigned int lvl,
			      unsigned int idx)
{
	__pte_t pte = 0;

	ukarch_pte_read(t, lvl, idx, &pte);
	return pte;
}

/* End of the entry of level lvl holding va, clipped to end. */
static inline __vaddr_t entry_end(__vaddr_t va, unsigned int lvl,
				  __vaddr_t end)
{
	__vaddr_t next = ALIGN_DOWN(va, PAGE_Lx_SIZE(lvl)) +
			 PAGE_Lx_SIZE(lvl);

	return (next == 0 || next > end) ? end : next;
}

static inline int entry_full(__vaddr_t va, __vaddr_t next,
			     unsigned int lvl)
{
	return IS_ALIGNED(va, PAGE_Lx_SIZE(lvl)) &&
	       next - va == PAGE_Lx_SIZE(lvl);
}

/* Checks that [vaddr, vaddr + pages pages) is a page-aligned, nonempty
 * range within one canonical half; sets *end. */
static int range_check(__vaddr_t vaddr, unsigned long pages, __vaddr_t *end)
{
	__vaddr_t last;

	if (!pages || !PAGE_ALIGNED(vaddr) || pages > (~0UL >> PAGE_SHIFT))
		return -EINVAL;
	last = vaddr + ((pages - 1) << PAGE_SHIFT) + (PAGE_SIZE - 1);
	if (last < vaddr || last == ~0UL)
		return -EINVAL;
	if (vaddr < VA_LOW_END ? last >= VA_LOW_END : vaddr < VA_HIGH_START)
		return -EINVAL;
	*end = last + 1;
	return 0;
}

static int table_alloc(struct uk_pagetable *pt, __paddr_t *pa,
		       unsigned long falloc_flags)
{
	int rc;

	*pa = __PADDR_ANY;
	rc = uk_falloc(pt->fa, pa, 1, falloc_flags);
	if (rc < 0)
		return rc;
	pt->nr_tables++;
	return 0;
}

static void table_free(struct uk_pagetable *pt, __paddr_t pa)
{
	uk_ffree(pt->fa, pa, 1);
	pt->nr_tables--;
}

static int table_empty(__vaddr_t t, unsigned int lvl)
{
	unsigned int i;

	for (i = 0; i < PT_PTES_PER_LEVEL; i++)
		if (ukarch_pte_present(pte_get(t, lvl, i)))
			return 0;
	return 1;
}

/* Unlinks the empty table at entry idx of t and frees it. The mapping
 * does not change, so the write is not applied (__VADDR_INV). */
static void table_release(struct uk_pagetable *pt, __vaddr_t t,
			  unsigned int lvl, unsigned int idx, __pte_t pte,
			  __vaddr_t base)
{
	ukarch_pte_write(t, lvl, idx, 0, __VADDR_INV);
	/* Drop cached upper-level entries (x86 paging-structure caches). */
	ukarch_tlb_flush_entry(base);
	table_free(pt, ukarch_pte_paddr(pte, lvl));
}

/* ---------------------------------------------------------------------
 * Mapping
 */

struct map_args {
	struct uk_pagetable *pt;
	__paddr_t paddr;		/* frame of the next page, or ANY */
	unsigned long attr;
	unsigned int min_lvl;		/* leaf levels allowed */
	unsigned int max_lvl;
	ukplat_page_mapx_func_t fn;
	void *ctx;
	__vaddr_t done;			/* mapped up to here */
	__pte_t template;		/* ukarch_pte_create's (device) */
};

static int map_level(struct map_args *a, __vaddr_t t, unsigned int lvl,
		     __vaddr_t va, __vaddr_t end);

/* Maps one leaf at entry idx; -EAGAIN asks for smaller pages. */
static int map_leaf(struct map_args *a, __vaddr_t t, unsigned int lvl,
		    unsigned int idx, __vaddr_t va, __pte_t old)
{
	__paddr_t pa = a->paddr;
	__pte_t pte;
	int rc;

	if (ukarch_pte_present(old)) {
		if (ukarch_pte_is_leaf(old, lvl))
			return -EEXIST;
		if (lvl > a->min_lvl)
			return -EAGAIN;
		/* Forced size over a table: fine if nothing is under it. */
		if (!table_empty(table_va(a->pt, ukarch_pte_paddr(old, lvl)),
				 lvl - 1))
			return -EEXIST;
		table_release(a->pt, t, lvl, idx, old, va);
	}
	if (pa == __PADDR_ANY) {
		rc = uk_falloc(a->pt->fa, &pa, LX_FRAMES(lvl),
			       UK_FALLOC_F_ALIGN(PT_LEVEL_SHIFT * lvl));
		if (rc < 0)
			return lvl > a->min_lvl ? -EAGAIN : -ENOMEM;
	}
	pte = ukarch_pte_create(pa, a->attr, lvl, a->template);
	rc = a->fn ? a->fn(va, &pte, a->ctx) : 0;
	if (rc == 0)
		rc = ukarch_pte_write(t, lvl, idx, pte, va);
	if (rc < 0) {
		if (a->paddr == __PADDR_ANY)
			uk_ffree(a->pt->fa, pa, LX_FRAMES(lvl));
		return rc;
	}
	if (a->paddr != __PADDR_ANY)
		a->paddr += PAGE_Lx_SIZE(lvl);
	a->done = va + PAGE_Lx_SIZE(lvl);
	return 0;
}

/* Maps [va, end) below the table entry idx of t, making the table. */
static int map_below(struct map_args *a, __vaddr_t t, unsigned int lvl,
		     unsigned int idx, __vaddr_t va, __vaddr_t end,
		     __pte_t pte)
{
	__vaddr_t base = ALIGN_DOWN(va, PAGE_Lx_SIZE(lvl));
	__paddr_t child_pa;
	__vaddr_t child;
	int fresh = 0;
	int rc;

	if (!ukarch_pte_present(pte)) {
		rc = table_alloc(a->pt, &child_pa, UK_FALLOC_F_ZERO);
		if (rc < 0)
			return -ENOMEM;
		pte = ukarch_pte_create_table(child_pa, lvl);
		rc = ukarch_pte_write(t, lvl, idx, pte, base);
		if (rc < 0) {
			table_free(a->pt, child_pa);
			return rc;
		}
		fresh = 1;
	} else if (ukarch_pte_is_leaf(pte, lvl)) {
		return -EEXIST;
	}
	child = table_va(a->pt, ukarch_pte_paddr(pte, lvl));
	rc = map_level(a, child, lvl - 1, va, end);
	if (rc < 0 && fresh && table_empty(child, lvl - 1))
		table_release(a->pt, t, lvl, idx, pte, base);
	return rc;
}

static int map_level(struct map_args *a, __vaddr_t t, unsigned int lvl,
		     __vaddr_t va, __vaddr_t end)
{
	__vaddr_t next;
	unsigned int idx;
	__pte_t pte;
	int rc;

	for (; va < end; va = next) {
		next = entry_end(va, lvl, end);
		idx = PT_Lx_IDX(va, lvl);
		pte = pte_get(t, lvl, idx);
		if (lvl <= a->max_lvl && entry_full(va, next, lvl) &&
		    (a->paddr == __PADDR_ANY ||
		     IS_ALIGNED(a->paddr, PAGE_Lx_SIZE(lvl)))) {
			rc = map_leaf(a, t, lvl, idx, va, pte);
			if (rc != -EAGAIN) {
				if (rc < 0)
					return rc;
				continue;
			}
			pte = pte_get(t, lvl, idx);
		}
		if (lvl <= a->min_lvl)
			return -EINVAL;	/* unaligned for a forced size */
		rc = map_below(a, t, lvl, idx, va, next, pte);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int do_unmap(struct uk_pagetable *pt, __vaddr_t vaddr, __vaddr_t end,
		    unsigned long flags);

/* Ends an operation whose result is rc: the entries it wrote take effect
 * (ukarch_pte_sync); returns rc, or the sync's error. */
static int sync_entries(int rc)
{
	int src = ukarch_pte_sync();

	return rc < 0 ? rc : src;
}

/* Maps [vaddr, end) as a describes, table lock held; all or nothing. */
static int map_locked(struct map_args *a, __vaddr_t vaddr, __vaddr_t end)
{
	__paddr_t paddr = a->paddr;
	int rc;

	a->done = vaddr;
	rc = sync_entries(map_level(a, a->pt->pt_vbase, PT_TOP_LEVEL, vaddr,
				    end));
	if (rc < 0 && a->done > vaddr) {
		do_unmap(a->pt, vaddr, a->done, paddr == __PADDR_ANY ?
			 0 : PAGE_FLAG_KEEP_FRAMES);
		ukarch_pte_sync();
	}
	return rc;
}

/* Checks a map request and sets up a for it; 0 or -EINVAL. */
static int map_args_init(struct map_args *a, struct uk_pagetable *pt,
			 __vaddr_t vaddr, __paddr_t paddr, unsigned long pages,
			 unsigned long attr, unsigned long flags,
			 unsigned int max_auto, __vaddr_t *end)
{
	*a = (struct map_args){
		.pt = pt, .paddr = paddr, .attr = attr, .done = vaddr,
		.template = (flags & PAGE_FLAG_DEVICE) ? UKARCH_PTE_DEVICE : 0,
	};
	if (!pt || range_check(vaddr, pages, end) < 0 ||
	    (attr & ~PAGE_ATTR_PROT_MASK))
		return -EINVAL;
	if (paddr != __PADDR_ANY &&
	    (!PAGE_ALIGNED(paddr) || paddr + (*end - vaddr) < paddr))
		return -EINVAL;
	if ((flags & PAGE_FLAG_DEVICE) &&
	    (paddr == __PADDR_ANY || (attr & PAGE_ATTR_PROT_EXEC)))
		return -EINVAL;
	if (flags & PAGE_FLAG_FORCE_SIZE) {
		unsigned int lvl = PAGE_FLAG_SIZE_LEVEL(flags);
		unsigned long size = PAGE_Lx_SIZE(lvl);

		if (lvl > PAGE_HUGE_LEVEL || !IS_ALIGNED(vaddr, size) ||
		    !IS_ALIGNED(*end, size) ||
		    (paddr != __PADDR_ANY && !IS_ALIGNED(paddr, size)))
			return -EINVAL;
		a->min_lvl = a->max_lvl = lvl;
	} else {
		a->min_lvl = PAGE_LEVEL;
		a->max_lvl = max_auto;
	}
	return 0;
}

static int do_map(struct uk_pagetable *pt, __vaddr_t vaddr, __paddr_t paddr,
		  unsigned long pages, unsigned long attr, unsigned long flags,
		  unsigned int max_auto, ukplat_page_mapx_func_t fn, void *ctx)
{
	struct map_args a;
	unsigned long irqf;
	__vaddr_t end;
	int rc;

	rc = map_args_init(&a, pt, vaddr, paddr, pages, attr, flags,
			   max_auto, &end);
	if (rc < 0)
		return rc;
	a.fn = fn;
	a.ctx = ctx;

	uk_spin_lock_irqsave(&pt->lock, irqf);
	rc = map_locked(&a, vaddr, end);
	uk_spin_unlock_irqrestore(&pt->lock, irqf);
	return rc;
}

int ukplat_page_map(struct uk_pagetable *pt, __vaddr_t vaddr,
		    __paddr_t paddr, unsigned long pages, unsigned long attr,
		    unsigned long flags)
{
	return do_map(pt, vaddr, paddr, pages, attr, flags, PAGE_LARGE_LEVEL,
		      NULL, NULL);
}

int ukplat_page_mapx(struct uk_pagetable *pt, __vaddr_t vaddr,
		     __paddr_t paddr, unsigned long pages, unsigned long attr,
		     unsigned long flags, ukplat_page_mapx_func_t fn,
		     void *ctx)
{
	return do_map(pt, vaddr, paddr, pages, attr, flags, PAGE_LARGE_LEVEL,
		      fn, ctx);
}

/* The leaf mapping va: 0 and the frame va reaches and where the leaf
 * ends (*next), or -EFAULT and where the hole of va ends (*next, at
 * least va's page). Table lock held. */
static int leaf_locked(struct uk_pagetable *pt, __vaddr_t va, __paddr_t *pa,
		       __vaddr_t *next)
{
	unsigned int lvl = PT_TOP_LEVEL;
	__vaddr_t t = pt->pt_vbase;
	__pte_t e;

	for (;;) {
		e = pte_get(t, lvl, PT_Lx_IDX(va, lvl));
		*next = ALIGN_DOWN(va, PAGE_Lx_SIZE(lvl)) + PAGE_Lx_SIZE(lvl);
		if (!ukarch_pte_present(e))
			return -EFAULT;
		if (ukarch_pte_is_leaf(e, lvl)) {
			*pa = ukarch_pte_paddr(e, lvl) +
			      (va & (PAGE_Lx_SIZE(lvl) - 1));
			return 0;
		}
		t = table_va(pt, ukarch_pte_paddr(e, lvl));
		lvl--;
	}
}

int ukplat_page_map_shared(struct uk_pagetable *pt, __vaddr_t vaddr,
			   __paddr_t paddr, unsigned long pages,
			   unsigned long attr, unsigned long flags)
{
	__vaddr_t end, va, next, hole_end, after;
	struct map_args a;
	unsigned long irqf;
	__paddr_t pa;
	int rc;

	if (paddr == __PADDR_ANY || (flags & PAGE_FLAG_FORCE_SIZE))
		return -EINVAL;
	rc = map_args_init(&a, pt, vaddr, paddr, pages, attr, flags,
			   PAGE_LARGE_LEVEL, &end);
	if (rc < 0)
		return rc;
	uk_spin_lock_irqsave(&pt->lock, irqf);
	/* Every page mapped already must map its own frame: else nothing
	 * changes. */
	for (va = vaddr; va < end && va >= vaddr; va = next) {
		if (leaf_locked(pt, va, &pa, &next) == 0 &&
		    pa != paddr + (va - vaddr)) {
			rc = -EEXIST;
			goto out;
		}
	}
	/* Then each hole is mapped. */
	for (va = vaddr; va < end && va >= vaddr; va = next) {
		if (leaf_locked(pt, va, &pa, &next) == 0)
			continue;
		/* The hole goes on to the next mapped page (or end). */
		for (hole_end = next; hole_end < end && hole_end > va &&
		     leaf_locked(pt, hole_end, &pa, &after) < 0;
		     hole_end = after)
			;
		next = hole_end > va ? MIN(hole_end, end) : end;
		a.paddr = paddr + (va - vaddr);
		rc = map_locked(&a, va, next);
		if (rc < 0)
			goto out;
	}
out:
	uk_spin_unlock_irqrestore(&pt->lock, irqf);
	return rc;
}

void *ukplat_page_map_mmio(struct uk_pagetable *pt, __paddr_t paddr,
			   __sz len)
{
	__paddr_t first = PAGE_ALIGN_DOWN(paddr);
	int rc;

	if (!len || paddr + len < paddr || paddr + len > VA_LOW_END)
		return ERR2PTR(-EINVAL);
	rc = ukplat_page_map_shared(pt, first, first,
				    (PAGE_ALIGN_UP(paddr + len) - first) >>
				    PAGE_SHIFT, PAGE_ATTR_PROT_RW,
				    PAGE_FLAG_DEVICE);
	if (rc < 0) {
		uk_pr_err("paging: cannot map device memory 0x%lx-0x%lx: %d\n",
			  paddr, paddr + len, rc);
		return ERR2PTR(rc);
	}
	return (void *)paddr;
}

/* ---------------------------------------------------------------------
 * Unmapping and changing attributes
 */

/* Unmapped frames wait in a range_op until every CPU's TLB is rid of
 * them: one round of flush requests per batch, not one per page (on
 * x86_64 a round is an NMI to every other CPU and a wait for each). */
#define DEFER_MAX	32

struct range_op {
	struct uk_pagetable *pt;
	unsigned long flags;
	int set_attr;			/* else unmap */
	unsigned long attr;
	__vaddr_t stale_lo, stale_hi;	/* changed leaves, not flushed */
	unsigned int ndefer;
	struct {
		__paddr_t pa;
		unsigned long frames;
	} defer[DEFER_MAX];
};

/* Flushes the leaves o changed from every CPU's TLB, then frees the
 * frames that waited for it. */
static void op_flush(struct range_op *o)
{
	unsigned int i;

	if (o->stale_lo < o->stale_hi)
		ukarch_tlb_flush_range(o->stale_lo, o->stale_hi);
	o->stale_lo = o->stale_hi = 0;
	for (i = 0; i < o->ndefer; i++)
		uk_ffree(o->pt->fa, o->defer[i].pa, o->defer[i].frames);
	o->ndefer = 0;
}

static void op_stale(struct range_op *o, __vaddr_t base, unsigned int lvl)
{
	__vaddr_t end = base + PAGE_Lx_SIZE(lvl);

	if (o->stale_lo >= o->stale_hi) {
		o->stale_lo = base;
		o->stale_hi = end;
		return;
	}
	o->stale_lo = MIN(o->stale_lo, base);
	o->stale_hi = MAX(o->stale_hi, end);
}

/* The frames of the leaf pte (already cleared and marked stale) are
 * freed at the next op_flush. */
static void defer_frames(struct range_op *o, __pte_t pte, unsigned int lvl)
{
	if (o->flags & PAGE_FLAG_KEEP_FRAMES)
		return;
	if (o->ndefer == DEFER_MAX)
		op_flush(o);
	o->defer[o->ndefer].pa = ukarch_pte_paddr(pte, lvl);
	o->defer[o->ndefer].frames = LX_FRAMES(lvl);
	o->ndefer++;
}

/* Replaces the leaf at entry idx of t by a table of leaves one level
 * down describing the same mapping; *pte gets the new entry. */
static int split(struct uk_pagetable *pt, __vaddr_t t, unsigned int lvl,
		 unsigned int idx, __vaddr_t base, __pte_t *pte)
{
	const unsigned long step = PAGE_Lx_SIZE(lvl - 1);
	__paddr_t pa = ukarch_pte_paddr(*pte, lvl);
	unsigned long attr = ukarch_pte_attr(*pte, lvl);
	__paddr_t child_pa;
	__vaddr_t child;
	__pte_t table;
	unsigned int i;
	int rc;

	rc = table_alloc(pt, &child_pa, 0);
	if (rc < 0)
		return -ENOMEM;
	child = table_va(pt, child_pa);
	/* Not reachable yet: plain stores, nothing to apply. */
	for (i = 0; i < PT_PTES_PER_LEVEL; i++)
		ukarch_pte_write(child, lvl - 1, i,
				 ukarch_pte_create(pa + i * step, attr,
						   lvl - 1, *pte),
				 __VADDR_INV);
	table = ukarch_pte_create_table(child_pa, lvl);
	rc = ukarch_pte_write(t, lvl, idx, table, base);
	if (rc < 0) {
		table_free(pt, child_pa);
		return rc;
	}
	ukarch_tlb_flush_entry(base);
	*pte = table;
	return 0;
}

static void free_frames(struct range_op *o, __pte_t pte, unsigned int lvl)
{
	if (!(o->flags & PAGE_FLAG_KEEP_FRAMES))
		uk_ffree(o->pt->fa, ukarch_pte_paddr(pte, lvl),
			 LX_FRAMES(lvl));
}

/* Frees what the detached table t of level lvl refers to, and t. */
static void free_subtree(struct range_op *o, __vaddr_t t, unsigned int lvl)
{
	unsigned int i;
	__pte_t pte;

	for (i = 0; i < PT_PTES_PER_LEVEL; i++) {
		pte = pte_get(t, lvl, i);
		if (!ukarch_pte_present(pte))
			continue;
		if (ukarch_pte_is_leaf(pte, lvl)) {
			free_frames(o, pte, lvl);
			continue;
		}
		free_subtree(o, table_va(o->pt, ukarch_pte_paddr(pte, lvl)),
			     lvl - 1);
	}
	table_free(o->pt, t - o->pt->dm_off);
}

static int leaf_op(struct range_op *o, __vaddr_t t, unsigned int lvl,
		   unsigned int idx, __vaddr_t base, __pte_t pte)
{
	__pte_t new;
	int rc;

	if (o->set_attr) {
		new = ukarch_pte_create(ukarch_pte_paddr(pte, lvl), o->attr,
					lvl, pte);
		if (new == pte)
			return 0;
		rc = ukarch_pte_write(t, lvl, idx, new, base);
		if (rc == 0)
			op_stale(o, base, lvl);
		return rc;
	}
	rc = ukarch_pte_write(t, lvl, idx, 0, base);
	if (rc < 0)
		return rc;
	op_stale(o, base, lvl);
	defer_frames(o, pte, lvl);
	return 0;
}

static int op_level(struct range_op *o, __vaddr_t t, unsigned int lvl,
		    __vaddr_t va, __vaddr_t end)
{
	const int release = !o->set_attr && !(o->flags & PAGE_FLAG_KEEP_PTES);
	__vaddr_t next, base, child;
	unsigned int idx;
	__pte_t pte;
	int rc;

	for (; va < end; va = next) {
		next = entry_end(va, lvl, end);
		base = ALIGN_DOWN(va, PAGE_Lx_SIZE(lvl));
		idx = PT_Lx_IDX(va, lvl);
		pte = pte_get(t, lvl, idx);
		if (!ukarch_pte_present(pte))
			continue;
		if (ukarch_pte_is_leaf(pte, lvl)) {
			if (entry_full(va, next, lvl)) {
				rc = leaf_op(o, t, lvl, idx, base, pte);
				if (rc < 0)
					return rc;
				continue;
			}
			rc = split(o->pt, t, lvl, idx, base, &pte);
			if (rc < 0)
				return rc;
		} else if (release && entry_full(va, next, lvl)) {
			/* One write unmaps the whole subtree. */
			rc = ukarch_pte_write(t, lvl, idx, 0, base);
			if (rc < 0)
				return rc;
			ukarch_tlb_flush();
			free_subtree(o, table_va(o->pt,
						 ukarch_pte_paddr(pte, lvl)),
				     lvl - 1);
			continue;
		}
		child = table_va(o->pt, ukarch_pte_paddr(pte, lvl));
		rc = op_level(o, child, lvl - 1, va, next);
		if (rc < 0)
			return rc;
		if (release && table_empty(child, lvl - 1))
			table_release(o->pt, t, lvl, idx, pte, base);
	}
	return 0;
}

static int do_unmap(struct uk_pagetable *pt, __vaddr_t vaddr, __vaddr_t end,
		    unsigned long flags)
{
	struct range_op o = { .pt = pt, .flags = flags };
	int rc;

	rc = op_level(&o, pt->pt_vbase, PT_TOP_LEVEL, vaddr, end);
	op_flush(&o);
	return rc;
}

int ukplat_page_unmap(struct uk_pagetable *pt, __vaddr_t vaddr,
		      unsigned long pages, unsigned long flags)
{
	unsigned long irqf;
	__vaddr_t end;
	int rc;

	if (!pt || range_check(vaddr, pages, &end) < 0)
		return -EINVAL;
	uk_spin_lock_irqsave(&pt->lock, irqf);
	rc = sync_entries(do_unmap(pt, vaddr, end, flags));
	uk_spin_unlock_irqrestore(&pt->lock, irqf);
	return rc;
}

int ukplat_page_set_attr(struct uk_pagetable *pt, __vaddr_t vaddr,
			 unsigned long pages, unsigned long attr,
			 unsigned long flags)
{
	struct range_op o = {
		.pt = pt, .flags = flags, .set_attr = 1, .attr = attr,
	};
	unsigned long irqf;
	__vaddr_t end;
	int rc;

	if (!pt || range_check(vaddr, pages, &end) < 0 ||
	    (attr & ~PAGE_ATTR_PROT_MASK))
		return -EINVAL;
	uk_spin_lock_irqsave(&pt->lock, irqf);
	rc = op_level(&o, pt->pt_vbase, PT_TOP_LEVEL, vaddr, end);
	op_flush(&o);
	rc = sync_entries(rc);
	uk_spin_unlock_irqrestore(&pt->lock, irqf);
	return rc;
}

/* ---------------------------------------------------------------------
 * Walk, kmap, active table, init
 */

int ukplat_pt_walk(struct uk_pagetable *pt, __vaddr_t vaddr,
		   unsigned int *level, __vaddr_t *pt_vaddr, __pte_t *pte)
{
	unsigned int lvl = PT_TOP_LEVEL;
	unsigned long irqf;
	__vaddr_t t;
	__pte_t e;
	int rc = -EFAULT;

	if (!pt)
		return -EINVAL;
	uk_spin_lock_irqsave(&pt->lock, irqf);
	t = pt->pt_vbase;
	for (;;) {
		e = pte_get(t, lvl, PT_Lx_IDX(vaddr, lvl));
		if (!ukarch_pte_present(e))
			break;
		if (ukarch_pte_is_leaf(e, lvl)) {
			rc = 0;
			break;
		}
		t = table_va(pt, ukarch_pte_paddr(e, lvl));
		lvl--;
	}
	uk_spin_unlock_irqrestore(&pt->lock, irqf);
	/* Non-canonical addresses are never mapped. */
	if (vaddr >= VA_LOW_END && vaddr < VA_HIGH_START)
		rc = -EFAULT;
	if (level)
		*level = lvl;
	if (pt_vaddr)
		*pt_vaddr = t;
	if (pte)
		*pte = e;
	return rc;
}

__vaddr_t ukplat_page_kmap(struct uk_pagetable *pt, __paddr_t paddr,
			   unsigned long pages, unsigned long flags)
{
	if (!pt || !pages || !PAGE_ALIGNED(paddr) || paddr < dm_start ||
	    paddr >= dm_end || pages > (dm_end - paddr) >> PAGE_SHIFT)
		return __VADDR_INV;
	return paddr + pt->dm_off;
}

void ukplat_page_kunmap(struct uk_pagetable *pt, __vaddr_t vaddr,
			unsigned long pages, unsigned long flags)
{
	/* Everything kmap returns lives in the permanent direct map. */
}

struct uk_pagetable *ukplat_pt_get_active(void)
{
	return active_pt;
}

int ukplat_paging_vas_window(__vaddr_t *base, __sz *len)
{
	struct ukplat_bootinfo *bi = ukplat_bootinfo_get();
	unsigned int i;

	for (i = 0; bi && i < bi->nr_mrds; i++) {
		if (bi->mrds[i].type != UKPLAT_MEMRT_VAS)
			continue;
		*base = bi->mrds[i].vbase;
		*len = bi->mrds[i].len;
		return 0;
	}
	return -ENOENT;
}

/* Physical memory the direct map must cover: every region that is RAM
 * (or lies in it) and sits at its direct-map address. */
static int in_direct_map(const struct ukplat_memregion_desc *m,
			 __vaddr_t dm_off)
{
	const int ram = UKPLAT_MEMRT_FREE | UKPLAT_MEMRT_RESERVED |
			UKPLAT_MEMRT_INITRD | UKPLAT_MEMRT_CMDLINE |
			UKPLAT_MEMRT_DEVICETREE;

	return (m->type & ram) && m->pbase != __PADDR_ANY && m->len &&
	       m->vbase == m->pbase + dm_off;
}

static int map_kernel_regions(struct uk_pagetable *pt,
			      struct ukplat_bootinfo *bi)
{
	const struct ukplat_memregion_desc *m;
	unsigned int i;
	int rc;

	for (i = 0; i < bi->nr_mrds; i++) {
		m = &bi->mrds[i];
		if (!(m->type & (UKPLAT_MEMRT_KERNEL | UKPLAT_MEMRT_DEVICE)) ||
		    !(m->flags & UKPLAT_MEMRF_MAP) ||
		    m->pbase == __PADDR_ANY || !m->len)
			continue;
		rc = ukplat_page_map(pt, m->vbase, m->pbase,
				     m->len >> PAGE_SHIFT,
				     ukplat_memregion_attr(m),
				     m->type == UKPLAT_MEMRT_DEVICE ?
				     PAGE_FLAG_DEVICE : 0);
		if (rc < 0) {
			uk_pr_err("paging: cannot map region %s: %d\n",
				  m->name, rc);
			return rc;
		}
	}
	return 0;
}

/* The image's frames are RAM too, so the direct map aliased them
 * read-write: a store there rewrote kernel text. They are reached at
 * their image addresses only (with the image's permissions). */
static int unmap_image_alias(struct uk_pagetable *pt,
			     struct ukplat_bootinfo *bi)
{
	const struct ukplat_memregion_desc *m;
	__paddr_t s, e;
	unsigned int i;
	int rc;

	for (i = 0; i < bi->nr_mrds; i++) {
		m = &bi->mrds[i];
		if (m->type != UKPLAT_MEMRT_KERNEL || m->pbase == __PADDR_ANY ||
		    !m->len)
			continue;
		s = MAX(PAGE_ALIGN_DOWN(m->pbase), dm_start);
		e = MIN(PAGE_ALIGN_UP(m->pbase + m->len), dm_end);
		if (s >= e)
			continue;
		rc = ukplat_page_unmap(pt, s + pt->dm_off,
				       (e - s) >> PAGE_SHIFT,
				       PAGE_FLAG_KEEP_FRAMES);
		if (rc < 0) {
			uk_pr_err("paging: cannot unmap the direct map's "
				  "alias of %s: %d\n", m->name, rc);
			return rc;
		}
	}
	return 0;
}

int ukplat_paging_init(struct ukplat_bootinfo *bi, struct uk_falloc *fa)
{
	struct uk_pagetable *pt = &kernel_pt;
	__paddr_t lo = __PADDR_ANY, hi = 0;
	unsigned int i;
	int rc;

	if (!bi || !fa || active_pt)
		return -EINVAL;
	uk_spin_init(&pt->lock);
	pt->fa = fa;
	pt->dm_off = bi->dm_off;
	pt->nr_tables = 0;
	rc = table_alloc(pt, &pt->pt_pbase, UK_FALLOC_F_ZERO);
	if (rc < 0)
		return rc;
	pt->pt_vbase = table_va(pt, pt->pt_pbase);

	for (i = 0; i < bi->nr_mrds; i++) {
		if (!in_direct_map(&bi->mrds[i], bi->dm_off))
			continue;
		lo = MIN(lo, PAGE_ALIGN_DOWN(bi->mrds[i].pbase));
		hi = MAX(hi, PAGE_ALIGN_UP(bi->mrds[i].pbase +
					   bi->mrds[i].len));
	}
	if (hi <= lo)
		return -EINVAL;
	/* The whole RAM hull, with the largest pages that fit. */
	rc = do_map(pt, lo + pt->dm_off, lo, (hi - lo) >> PAGE_SHIFT,
		    PAGE_ATTR_PROT_RW, 0, PAGE_HUGE_LEVEL, NULL, NULL);
	if (rc < 0) {
		uk_pr_err("paging: cannot map the direct map: %d\n", rc);
		return rc;
	}
	dm_start = lo;
	dm_end = hi;
	rc = map_kernel_regions(pt, bi);
	if (rc < 0)
		return rc;
	rc = unmap_image_alias(pt, bi);
	if (rc < 0)
		return rc;
	ukarch_pt_activate(pt->pt_pbase);
	active_pt = pt;
	uk_pr_debug("paging: %lu tables, direct map 0x%lx-0x%lx\n",
		    pt->nr_tables, lo, hi);
	return 0;
}

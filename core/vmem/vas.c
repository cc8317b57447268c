/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generic VMA management: a sorted array of VMA pointers per VAS (binary
 * search for lookups), split at range edges before a change, merge of
 * compatible neighbours after it. The array always keeps room for three
 * more entries before a change starts (two splits and one insertion), so
 * a change never fails half-way for lack of memory.
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

#define VMA_ARRAY_MIN	16

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

unsigned long vmem_lock(struct uk_vas *vas)
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

/* Index of the first VMA ending above addr (nr_vmas if none). */
static unsigned int lower_idx(const struct uk_vas *vas, __vaddr_t addr)
{
	unsigned int lo = 0, hi = vas->nr_vmas, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (vas->vmas[mid]->end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct uk_vma *vmem_find_locked(struct uk_vas *vas, __vaddr_t vaddr)
{
	unsigned int i = lower_idx(vas, vaddr);

	if (i < vas->nr_vmas && vas->vmas[i]->start <= vaddr)
		return vas->vmas[i];
	return NULL;
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

/* Makes room for n more VMAs. Returns 0 or -ENOMEM. */
static int reserve_slots(struct uk_vas *vas, unsigned int n)
{
	unsigned int cap = vas->cap_vmas;
	struct uk_vma **arr;

	if (vas->nr_vmas + n <= cap)
		return 0;
	cap = MAX(cap * 2, MAX(VMA_ARRAY_MIN, vas->nr_vmas + n));
	arr = uk_malloc(vas->a, cap * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	if (vas->nr_vmas)
		memcpy(arr, vas->vmas, vas->nr_vmas * sizeof(*arr));
	uk_free(vas->a, vas->vmas);
	vas->vmas = arr;
	vas->cap_vmas = cap;
	return 0;
}

static void insert_at(struct uk_vas *vas, unsigned int i, struct uk_vma *vma)
{
	UK_ASSERT(vas->nr_vmas < vas->cap_vmas);
	memmove(&vas->vmas[i + 1], &vas->vmas[i],
		(vas->nr_vmas - i) * sizeof(*vas->vmas));
	vas->vmas[i] = vma;
	vas->nr_vmas++;
}

static void remove_at(struct uk_vas *vas, unsigned int i)
{
	vas->nr_vmas--;
	memmove(&vas->vmas[i], &vas->vmas[i + 1],
		(vas->nr_vmas - i) * sizeof(*vas->vmas));
}

static void vma_free(struct uk_vma *vma)
{
	if (vma->ops->destroy)
		vma->ops->destroy(vma);
	uk_free(vma->vas->a, vma);
}

/* Splits the VMA containing addr (if addr is inside it) in two at addr.
 * Needs one free slot. Returns 0, -EINVAL (inside a 2 MiB page) or
 * -ENOMEM. */
static int split_at(struct uk_vas *vas, __vaddr_t addr)
{
	unsigned int i = lower_idx(vas, addr);
	struct uk_vma *vma, *right;
	int rc;

	if (i >= vas->nr_vmas || vas->vmas[i]->start >= addr)
		return 0;
	vma = vas->vmas[i];
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
	insert_at(vas, i + 1, right);
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

/* Merges VMA i+1 into VMA i if they are compatible. Returns 1 if so. */
static int merge_next(struct uk_vas *vas, unsigned int i)
{
	struct uk_vma *a, *b;

	if (i + 1 >= vas->nr_vmas)
		return 0;
	a = vas->vmas[i];
	b = vas->vmas[i + 1];
	if (!can_merge(a, b))
		return 0;
	a->end = b->end;
	remove_at(vas, i + 1);
	uk_free(vas->a, b);	/* its resources now belong to a */
	return 1;
}

/* Merges every compatible pair among VMAs lo-1 .. hi+1 (indices). */
static void merge_around(struct uk_vas *vas, unsigned int lo, unsigned int hi)
{
	unsigned int k;

	if (lo > 0)
		lo--;
	for (k = hi + 1; k-- > lo;)
		merge_next(vas, k);
}

/* Splits VMAs at start and end so that whole VMAs cover the range.
 * Needs two free slots. On failure, nothing visible has changed. */
static int isolate(struct uk_vas *vas, __vaddr_t start, __vaddr_t end)
{
	int rc;

	rc = split_at(vas, start);
	if (rc < 0)
		return rc;
	rc = split_at(vas, end);
	if (rc < 0 && lower_idx(vas, start) > 0)
		merge_next(vas, lower_idx(vas, start) - 1);
	return rc;
}

/* Unmaps and frees the whole VMAs inside [start, end) (isolated). */
static void drop_range(struct uk_vas *vas, __vaddr_t start, __vaddr_t end)
{
	unsigned int i = lower_idx(vas, start);
	struct uk_vma *vma;
	int rc;

	while (i < vas->nr_vmas && vas->vmas[i]->start < end) {
		vma = vas->vmas[i];
		if (vma->ops->unmap) {
			rc = vma->ops->unmap(vma, vma->start,
					     vma->end - vma->start);
			if (rc < 0)
				uk_pr_err("vmem: unmap of 0x%lx-0x%lx: %d\n",
					  vma->start, vma->end, rc);
		}
		remove_at(vas, i);
		vma_free(vma);
	}
}

/* First free range of len bytes aligned to align. A scan over the gaps
 * (first fit); lookups themselves are binary searches. */
/* Addresses below this are left to requests for fixed addresses
 * (classic static executables link at 0x400000) when the window starts
 * below it and reaches well beyond. */
#define VAS_FIXED_LOW_END	(4UL << 30)

static __vaddr_t gap_from(const struct uk_vas *vas)
{
	if (vas->start < VAS_FIXED_LOW_END &&
	    vas->end >= 4 * VAS_FIXED_LOW_END)
		return VAS_FIXED_LOW_END;
	return vas->start;
}

static int find_gap(struct uk_vas *vas, __sz len, __sz align,
		    __vaddr_t *out)
{
	__vaddr_t cur = ALIGN_UP(gap_from(vas), align);
	unsigned int i;

	for (i = 0; i < vas->nr_vmas; i++) {
		if (vas->vmas[i]->end <= cur)
			continue;
		if (cur + len <= vas->vmas[i]->start && cur + len > cur)
			break;
		cur = ALIGN_UP(vas->vmas[i]->end, align);
		if (cur < vas->vmas[i]->end)
			return -ENOMEM;
	}
	if (cur + len < cur || cur + len > vas->end)
		return -ENOMEM;
	*out = cur;
	return 0;
}

/* Nonzero unless [start, end) lies inside the window. */
static int outside(struct uk_vas *vas, __vaddr_t start, __sz len)
{
	return start < vas->start || start + len < start ||
	       start + len > vas->end;
}

#define MAP_FLAGS (UK_VMA_MAP_POPULATE | UK_VMA_MAP_REPLACE | \
		   UK_VMA_MAP_SIZE_2MB)

/* Places and inserts vma (its end holds the length until placed). On
 * failure vma is freed. */
static int map_locked(struct uk_vas *vas, __vaddr_t *vaddr,
		      struct uk_vma *vma, unsigned long flags, void *args)
{
	__sz len = vma->end;
	__vaddr_t start = *vaddr;
	unsigned int i;
	int rc;

	rc = reserve_slots(vas, 3);
	if (rc < 0)
		goto err_free;
	if (start == __VADDR_ANY) {
		rc = find_gap(vas, len, vmem_pgsize(vma), &start);
		if (rc < 0)
			goto err_free;
	} else {
		i = lower_idx(vas, start);
		if (i < vas->nr_vmas && vas->vmas[i]->start < start + len) {
			rc = -EEXIST;
			if (!(flags & UK_VMA_MAP_REPLACE))
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
	i = lower_idx(vas, start);
	insert_at(vas, i, vma);
	vmem_vg_pageable(vma, vma->start, vma->end);
	if (flags & UK_VMA_MAP_POPULATE) {
		rc = vmem_populate(vma, vma->start, vma->end);
		if (rc < 0) {
			drop_range(vas, vma->start, vma->end);
			return -ENOMEM;
		}
	}
	*vaddr = start;
	merge_around(vas, i, i);
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
	vma->flags = flags & UK_VMA_MAP_SIZE_2MB;
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

	if (flags)
		return -EINVAL;
	rc = check_range(vas, vaddr, len);
	if (rc < 0)
		return rc;
	start = MAX(vaddr, vas->start);
	end = MIN(vaddr + PAGE_ALIGN_UP(len), vas->end);
	if (start >= end)
		return 0;
	irqf = vmem_lock(vas);
	rc = reserve_slots(vas, 2);
	if (rc == 0)
		rc = isolate(vas, start, end);
	if (rc == 0)
		drop_range(vas, start, end);
	if (!vas->nr_vmas) {
		/* Empty again: nothing left allocated (memcheck's "in use
		 * at exit" stays 0 for a kernel that unmapped everything). */
		uk_free(vas->a, vas->vmas);
		vas->vmas = NULL;
		vas->cap_vmas = 0;
	}
	vmem_unlock(vas, irqf);
	return rc;
}

/* Nonzero if VMAs cover [start, end) without a hole. */
static int covered(struct uk_vas *vas, __vaddr_t start, __vaddr_t end)
{
	unsigned int i = lower_idx(vas, start);
	__vaddr_t cur = start;

	for (; i < vas->nr_vmas && cur < end; i++) {
		if (vas->vmas[i]->start > cur)
			return 0;
		cur = vas->vmas[i]->end;
	}
	return cur >= end;
}

int uk_vma_set_attr(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		    unsigned long attr)
{
	__vaddr_t end = vaddr + PAGE_ALIGN_UP(len);
	unsigned int i, first;
	struct uk_vma *vma;
	unsigned long irqf;
	int rc;

	rc = check_range(vas, vaddr, len);
	if (rc < 0 || (attr & ~PAGE_ATTR_PROT_RWX))
		return -EINVAL;
	irqf = vmem_lock(vas);
	if (!covered(vas, vaddr, end)) {
		rc = -ENOMEM;
		goto out;
	}
	rc = reserve_slots(vas, 2);
	if (rc == 0)
		rc = isolate(vas, vaddr, end);
	if (rc < 0)
		goto out;
	first = lower_idx(vas, vaddr);
	for (i = first; i < vas->nr_vmas && vas->vmas[i]->start < end; i++) {
		vma = vas->vmas[i];
		if (vma->ops->set_attr) {
			rc = vma->ops->set_attr(vma, vma->start,
						vma->end - vma->start, attr);
			if (rc < 0)
				break;
		}
		vma->attr = attr;
		vmem_vg_pageable(vma, vma->start, vma->end);
	}
	merge_around(vas, first, i ? i - 1 : 0);
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
	unsigned int i;
	int rc;

	rc = check_range(vas, vaddr, len);
	if (rc < 0 || flags)
		return -EINVAL;
	if (advice != UK_VMA_ADV_NORMAL && advice != UK_VMA_ADV_WILLNEED &&
	    advice != UK_VMA_ADV_DONTNEED)
		return -EINVAL;
	irqf = vmem_lock(vas);
	if (!covered(vas, vaddr, end)) {
		rc = -ENOMEM;
		goto out;
	}
	/* Advice changes no VMA property here, so nothing is split; a
	 * 2 MiB VMA only acts on the whole pages inside the range. */
	for (i = lower_idx(vas, vaddr);
	     i < vas->nr_vmas && vas->vmas[i]->start < end; i++) {
		vma = vas->vmas[i];
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

int uk_vas_foreach(struct uk_vas *vas,
		   int (*fn)(const struct uk_vma *vma, void *arg), void *arg)
{
	unsigned long irqf;
	unsigned int i;
	int rc = 0;

	irqf = vmem_lock(vas);
	for (i = 0; i < vas->nr_vmas && !rc; i++)
		rc = fn(vas->vmas[i], arg);
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
	uk_pr_info("VAS 0x%lx-0x%lx, %u VMAs:\n", vas->start, vas->end,
		   vas->nr_vmas);
	uk_vas_foreach(vas, dump_one, NULL);
}

void uk_vas_destroy(struct uk_vas *vas)
{
	unsigned long irqf;

	irqf = vmem_lock(vas);
	drop_range(vas, vas->start, vas->end);
	uk_free(vas->a, vas->vmas);
	vas->vmas = NULL;
	vas->nr_vmas = vas->cap_vmas = 0;
	vmem_unlock(vas, irqf);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal interfaces of core/vmem (not for other libraries). */
#ifndef __VMEM_INTERNAL_H__
#define __VMEM_INTERNAL_H__

#include <uk/vmem.h>

/* Takes / releases the VAS lock (interrupts masked, owner recorded so
 * that a fault inside vmem is detected instead of deadlocking). */
unsigned long vmem_lock(struct uk_vas *vas);
/* The same without paging in the stack below first: for the page-fault
 * handler, which runs on a stack of its own. */
unsigned long vmem_lock_nostack(struct uk_vas *vas);
void vmem_unlock(struct uk_vas *vas, unsigned long irqf);

/* The VMA holding vaddr, or NULL; lock held. */
struct uk_vma *vmem_find_locked(struct uk_vas *vas, __vaddr_t vaddr);

/* The VMA tree (tree.c); lock held. */
struct uk_vma *vmem_first(struct uk_vas *vas);
struct uk_vma *vmem_last(struct uk_vas *vas);
struct uk_vma *vmem_next(const struct uk_vma *vma);
struct uk_vma *vmem_prev(const struct uk_vma *vma);
/* The first VMA that ends above addr, or NULL. */
struct uk_vma *vmem_lookup(struct uk_vas *vas, __vaddr_t addr);
void vmem_tree_insert(struct uk_vas *vas, struct uk_vma *vma);
void vmem_tree_remove(struct uk_vas *vas, struct uk_vma *vma);
/* vma's start or its predecessor's end moved: refresh its gap. */
void vmem_gap_changed(struct uk_vas *vas, struct uk_vma *vma);
/* The lowest free range of len bytes aligned to align (first fit).
 * Returns 0 or -ENOMEM. */
int vmem_find_gap(struct uk_vas *vas, __sz len, __sz align, __vaddr_t *out);

/* Page size of a VMA (4 KiB or 2 MiB). */
static inline __sz vmem_pgsize(const struct uk_vma *vma)
{
	return (vma->flags & UK_VMA_MAP_SIZE_2MB) ? PAGE_LARGE_SIZE
						   : PAGE_SIZE;
}

/* Faults in every page of [start, end) of vma that is not mapped yet;
 * guard pages (-EFAULT) are skipped. Returns 0 or -errno. Lock held. */
int vmem_populate(struct uk_vma *vma, __vaddr_t start, __vaddr_t end);

/* Nonzero if vaddr is a guard page of a stack VMA. */
int vmem_stack_is_guard(const struct uk_vma *vma, __vaddr_t vaddr);

/* The pager zap of one VMA (if it maps obj). Lock held. */
void vmem_pager_zap(struct uk_vma *vma, void *obj, __off off);

/* Tells memcheck that [s, e) of vma may be paged in (see vma_types.c). */
void vmem_vg_pageable(struct uk_vma *vma, __vaddr_t s, __vaddr_t e);

#endif /* __VMEM_INTERNAL_H__ */

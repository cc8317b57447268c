/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VMAs of a VAS: an AVL tree ordered by address (VMAs never
 * overlap, so starts and ends sort alike), augmented like Linux's VMA
 * tree with the free gap in front of each VMA and the largest such gap
 * of each subtree. Lookups, inserts, removals and first-fit placement
 * are O(log n); nothing here allocates. Callers hold the VAS lock.
 */
#include <errno.h>
#include <uk/essentials.h>
#include "vmem_internal.h"

static int height(const struct uk_vma *n)
{
	return n ? n->t_height : 0;
}

static __sz max_gap(const struct uk_vma *n)
{
	return n ? n->t_max_gap : 0;
}

/* Recomputes n's height and largest gap from its children. */
static void update(struct uk_vma *n)
{
	n->t_height = 1 + MAX(height(n->t_left), height(n->t_right));
	n->t_max_gap = MAX(n->t_gap, MAX(max_gap(n->t_left),
					 max_gap(n->t_right)));
}

/* Points whatever pointed at old (parent's child or the root) at new. */
static void replace_child(struct uk_vas *vas, struct uk_vma *parent,
			  struct uk_vma *old, struct uk_vma *new)
{
	if (!parent)
		vas->root = new;
	else if (parent->t_left == old)
		parent->t_left = new;
	else
		parent->t_right = new;
	if (new)
		new->t_parent = parent;
}

/* Rotates n down to the left (its right child comes up); returns the
 * subtree's new top. */
static struct uk_vma *rotate_left(struct uk_vas *vas, struct uk_vma *n)
{
	struct uk_vma *r = n->t_right;

	replace_child(vas, n->t_parent, n, r);
	n->t_right = r->t_left;
	if (n->t_right)
		n->t_right->t_parent = n;
	r->t_left = n;
	n->t_parent = r;
	update(n);
	update(r);
	return r;
}

static struct uk_vma *rotate_right(struct uk_vas *vas, struct uk_vma *n)
{
	struct uk_vma *l = n->t_left;

	replace_child(vas, n->t_parent, n, l);
	n->t_left = l->t_right;
	if (n->t_left)
		n->t_left->t_parent = n;
	l->t_right = n;
	n->t_parent = l;
	update(n);
	update(l);
	return l;
}

/* Restores balance and the augmented values from n up to the root. */
static void rebalance(struct uk_vas *vas, struct uk_vma *n)
{
	int bf;

	while (n) {
		update(n);
		bf = height(n->t_left) - height(n->t_right);
		if (bf > 1) {
			if (height(n->t_left->t_left) <
			    height(n->t_left->t_right))
				rotate_left(vas, n->t_left);
			n = rotate_right(vas, n);
		} else if (bf < -1) {
			if (height(n->t_right->t_right) <
			    height(n->t_right->t_left))
				rotate_right(vas, n->t_right);
			n = rotate_left(vas, n);
		}
		n = n->t_parent;
	}
}

/* Only a gap changed: refresh the largest gaps up to the root. */
static void propagate(struct uk_vma *n)
{
	for (; n; n = n->t_parent)
		update(n);
}

struct uk_vma *vmem_first(struct uk_vas *vas)
{
	struct uk_vma *n = vas->root;

	while (n && n->t_left)
		n = n->t_left;
	return n;
}

struct uk_vma *vmem_last(struct uk_vas *vas)
{
	struct uk_vma *n = vas->root;

	while (n && n->t_right)
		n = n->t_right;
	return n;
}

struct uk_vma *vmem_next(const struct uk_vma *n)
{
	struct uk_vma *p;

	if (n->t_right) {
		for (p = n->t_right; p->t_left; p = p->t_left)
			;
		return p;
	}
	for (p = n->t_parent; p && n == p->t_right; p = p->t_parent)
		n = p;
	return p;
}

struct uk_vma *vmem_prev(const struct uk_vma *n)
{
	struct uk_vma *p;

	if (n->t_left) {
		for (p = n->t_left; p->t_right; p = p->t_right)
			;
		return p;
	}
	for (p = n->t_parent; p && n == p->t_left; p = p->t_parent)
		n = p;
	return p;
}

struct uk_vma *vmem_lookup(struct uk_vas *vas, __vaddr_t addr)
{
	struct uk_vma *n = vas->root, *found = NULL;

	while (n) {
		if (n->end > addr) {
			found = n;
			n = n->t_left;
		} else {
			n = n->t_right;
		}
	}
	return found;
}

/* Addresses below this are left to requests for fixed addresses
 * (classic static executables link at 0x400000) when the window starts
 * below it and reaches well beyond: placement starts there. */
#define VAS_FIXED_LOW_END	(4UL << 30)

static __vaddr_t gap_floor(const struct uk_vas *vas)
{
	if (vas->start < VAS_FIXED_LOW_END &&
	    vas->end >= 4 * VAS_FIXED_LOW_END)
		return VAS_FIXED_LOW_END;
	return vas->start;
}

/* Where free space after p (NULL: the window's start) begins for
 * placement. */
static __vaddr_t free_from(const struct uk_vas *vas,
			   const struct uk_vma *p)
{
	return MAX(p ? p->end : vas->start, gap_floor(vas));
}

/* The gap in front of n placement may use: from its predecessor's end
 * (or the window's start), but not below gap_floor(), to its start. */
static __sz gap_before(struct uk_vas *vas, const struct uk_vma *n)
{
	__vaddr_t lo = free_from(vas, vmem_prev(n));

	return n->start > lo ? n->start - lo : 0;
}

void vmem_gap_changed(struct uk_vas *vas, struct uk_vma *n)
{
	if (!n)
		return;
	n->t_gap = gap_before(vas, n);
	propagate(n);
}

void vmem_tree_insert(struct uk_vas *vas, struct uk_vma *vma)
{
	struct uk_vma **link = &vas->root, *parent = NULL;

	while (*link) {
		parent = *link;
		link = vma->start < parent->start ? &parent->t_left
						  : &parent->t_right;
	}
	vma->t_left = vma->t_right = NULL;
	vma->t_parent = parent;
	vma->t_height = 1;
	*link = vma;
	vas->nr_vmas++;
	vma->t_gap = gap_before(vas, vma);
	rebalance(vas, vma);
	vmem_gap_changed(vas, vmem_next(vma));
}

void vmem_tree_remove(struct uk_vas *vas, struct uk_vma *vma)
{
	struct uk_vma *next = vmem_next(vma), *from, *s;

	if (!vma->t_left || !vma->t_right) {
		s = vma->t_left ? vma->t_left : vma->t_right;
		from = vma->t_parent;
		replace_child(vas, from, vma, s);
	} else {
		/* Put the successor (leftmost of the right subtree) where
		 * vma was. */
		s = next;
		from = s->t_parent == vma ? s : s->t_parent;
		if (s->t_parent != vma) {
			replace_child(vas, s->t_parent, s, s->t_right);
			s->t_right = vma->t_right;
			s->t_right->t_parent = s;
		}
		replace_child(vas, vma->t_parent, vma, s);
		s->t_left = vma->t_left;
		s->t_left->t_parent = s;
	}
	vma->t_left = vma->t_right = vma->t_parent = NULL;
	vas->nr_vmas--;
	rebalance(vas, from);
	vmem_gap_changed(vas, next);
}

int vmem_find_gap(struct uk_vas *vas, __sz len, __sz align, __vaddr_t *out)
{
	/* A gap this large fits len wherever alignment puts it (Linux
	 * searches the same way), so the descent never backtracks. */
	__sz need = len + align - PAGE_SIZE;
	struct uk_vma *n = vas->root, *last;
	__vaddr_t lo;

	if (need < len)
		return -ENOMEM;
	if (n && n->t_max_gap >= need) {
		for (;;) {
			if (n->t_left && n->t_left->t_max_gap >= need) {
				n = n->t_left;
			} else if (n->t_gap >= need) {
				*out = ALIGN_UP(n->start - n->t_gap, align);
				return 0;
			} else {
				n = n->t_right;
			}
		}
	}
	/* After the last VMA. */
	last = vmem_last(vas);
	lo = ALIGN_UP(free_from(vas, last), align);
	if (lo < free_from(vas, last) || lo + len < lo ||
	    lo + len > vas->end)
		return -ENOMEM;
	*out = lo;
	return 0;
}

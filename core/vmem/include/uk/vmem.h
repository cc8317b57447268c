/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Virtual address spaces (VAS) and virtual memory areas (VMA).
 *
 * A VAS is a window of virtual addresses over one page table, holding a
 * tree of non-overlapping VMAs (O(log n) lookups, inserts and first-fit
 * placement; one lock per VAS).
 * The generic code only adds, splits, merges and removes VMAs; what a VMA
 * does on a fault, unmap, attribute change or advice is its type's
 * struct uk_vma_ops. Types provided: anonymous memory (demand paged or
 * populated, 4 KiB or 2 MiB pages), DMA (a given physical range), file
 * (private copy initialised from a read callback), reservations, stacks
 * with guard pages.
 *
 * Like Linux, adjacent compatible VMAs merge, and changing part of a VMA
 * splits it. All calls are SMP-safe; none may be called from interrupt
 * context except uk_vma_find.
 */
#ifndef __UK_VMEM_H__
#define __UK_VMEM_H__

#include <uk/arch/types.h>
#include <uk/arch/paging.h>
#include <uk/spinlock.h>

struct uk_pagetable;
struct uk_alloc;
struct uk_falloc;
struct uk_vma;

/* Flags of uk_vma_map and its wrappers. */
#define UK_VMA_MAP_POPULATE	0x01UL	/* map every page now */
#define UK_VMA_MAP_REPLACE	0x02UL	/* replace what is in the range */
#define UK_VMA_MAP_SIZE_2MB	0x04UL	/* 2 MiB pages (len, vaddr aligned) */
/*
 * On behalf of the app (the POSIX calls): a VMA mapped with it is the
 * app's; a change with it (uk_vma_map with REPLACE, unmap, protect,
 * advise, move) touches only the app's VMAs and fails with -EACCES if
 * the range holds one of the kernel's (thread stacks, reservations of
 * the image or the heap, ...), changing nothing.
 */
#define UK_VMA_MAP_APP		0x08UL
/* A VMA of the kernel's that holds memory of the app's own (its main
 * stack, its heap's range): the app may not change it, as above, but
 * it is in the app's address space (mincore shows it). */
#define UK_VMA_MAP_APP_MEM	0x10UL

/* Advice for uk_vma_advise. */
#define UK_VMA_ADV_NORMAL	0	/* no special treatment */
#define UK_VMA_ADV_WILLNEED	1	/* populate the range now */
#define UK_VMA_ADV_DONTNEED	2	/* free the frames, keep the VMA */

struct uk_vas {
	struct uk_pagetable *pt;
	struct uk_alloc *a;		/* VMA structs and the VMA array */
	struct uk_falloc *fa;		/* frames of anonymous memory */
	__vaddr_t start;		/* window [start, end) */
	__vaddr_t end;
	struct uk_spinlock lock;
	volatile long lock_cpu;		/* CPU holding lock, or -1 */
	struct uk_vma *root;		/* VMA tree, by address */
	unsigned long nr_vmas;
};

struct uk_vma {
	struct uk_vas *vas;
	__vaddr_t start;		/* [start, end), page aligned */
	__vaddr_t end;
	unsigned long attr;		/* PAGE_ATTR_PROT_* */
	unsigned long flags;		/* UK_VMA_MAP_SIZE_2MB, type flags */
	const char *name;		/* NULL, or outlives the VMA */
	const struct uk_vma_ops *ops;
	/* The VAS's tree (core/vmem/tree.c): links, AVL height, the free
	 * gap in front of this VMA and the largest gap of its subtree. */
	struct uk_vma *t_left, *t_right, *t_parent;
	int t_height;
	__sz t_gap, t_max_gap;
};

/*
 * A VMA type. The generic code allocates `size` bytes per VMA (a type
 * embeds struct uk_vma first) and copies them on split. All operations are
 * called with the VAS lock held and may not sleep; NULL means "nothing to
 * do" (fault: -EFAULT; merge: never merge).
 */
struct uk_vma_ops {
	__sz size;
	/* Nonzero if the type's pages may move to another address with
	 * their frames (uk_vma_move, mremap): the VMA owns nothing that
	 * depends on where it is. */
	int movable;
	/* Fills the type's fields of a new VMA from uk_vma_map's args. */
	int (*init)(struct uk_vma *vma, void *args);
	/* Maps the page (of the VMA's page size) holding vaddr, for an
	 * access described by err (UKARCH_PF_*). Returns 0 or -errno;
	 * -EFAULT means the address must not be paged in (guard). */
	int (*fault)(struct uk_vma *vma, __vaddr_t vaddr, unsigned long err);
	/* Optional: maps all of [start, end) at once (POPULATE, WILLNEED).
	 * Returns 0, a positive value to have it done page by page through
	 * fault, or -errno. */
	int (*populate)(struct uk_vma *vma, __vaddr_t start, __vaddr_t end);
	/* Removes the mappings of [vaddr, vaddr + len) and frees what the
	 * type owns there. */
	int (*unmap)(struct uk_vma *vma, __vaddr_t vaddr, __sz len);
	/* right is a byte copy of vma, already cut to [vaddr, end): adjusts
	 * its type fields (e.g. an offset). */
	int (*split)(struct uk_vma *vma, __vaddr_t vaddr, struct uk_vma *right);
	/* Returns 0 if next (adjacent, same ops, attr, flags, name) may be
	 * absorbed into vma. */
	int (*merge)(struct uk_vma *vma, struct uk_vma *next);
	/* Applies attr to the mapped pages of [vaddr, vaddr + len). */
	int (*set_attr)(struct uk_vma *vma, __vaddr_t vaddr, __sz len,
			unsigned long attr);
	/* Applies UK_VMA_ADV_* advice to [vaddr, vaddr + len). */
	int (*advise)(struct uk_vma *vma, __vaddr_t vaddr, __sz len,
		      unsigned long advice);
	/* Releases the type's resources before the VMA is freed. */
	void (*destroy)(struct uk_vma *vma);
};

extern const struct uk_vma_ops uk_vma_anon_ops;
extern const struct uk_vma_ops uk_vma_dma_ops;
extern const struct uk_vma_ops uk_vma_file_ops;
extern const struct uk_vma_ops uk_vma_rsvd_ops;
extern const struct uk_vma_ops uk_vma_stack_ops;

/* Initialises vas over pt for the window [start, end), taking VMA memory
 * from a and frames from fa. Returns 0 or -EINVAL (bad window). */
int uk_vas_init(struct uk_vas *vas, struct uk_pagetable *pt,
		struct uk_alloc *a, struct uk_falloc *fa,
		__vaddr_t start, __vaddr_t end);
/* Unmaps every VMA of vas and frees its bookkeeping. */
void uk_vas_destroy(struct uk_vas *vas);
/* The VAS in use (the kernel's, set up at boot), or NULL before. */
struct uk_vas *uk_vas_get_active(void);
/* Makes vas the active one. Returns 0. */
int uk_vas_set_active(struct uk_vas *vas);

/*
 * Creates a VMA of type ops over [*vaddr, *vaddr + len) with PAGE_ATTR_*
 * attr. *vaddr: __VADDR_ANY for the first free range that fits (aligned
 * to the page size), else page aligned; set to the VMA's start on
 * success. name must outlive the VMA. Returns 0, -EINVAL (alignment,
 * zero length, flags), -EEXIST (range in use, no UK_VMA_MAP_REPLACE),
 * -ENOMEM (no room in the window, no memory or frames for POPULATE: then
 * nothing stays mapped).
 */
int uk_vma_map(struct uk_vas *vas, __vaddr_t *vaddr, __sz len,
	       unsigned long attr, unsigned long flags, const char *name,
	       const struct uk_vma_ops *ops, void *args);

/* Anonymous zeroed memory, paged on first touch unless POPULATE. */
static inline int uk_vma_map_anon(struct uk_vas *vas, __vaddr_t *vaddr,
				  __sz len, unsigned long attr,
				  unsigned long flags, const char *name)
{
	return uk_vma_map(vas, vaddr, len, attr, flags, name,
			  &uk_vma_anon_ops, NULL);
}

/* Maps the physical range [paddr, paddr + len); its frames are never
 * freed by the VMA. */
static inline int uk_vma_map_dma(struct uk_vas *vas, __vaddr_t *vaddr,
				 __sz len, unsigned long attr,
				 unsigned long flags, const char *name,
				 __paddr_t paddr)
{
	return uk_vma_map(vas, vaddr, len, attr, flags, name,
			  &uk_vma_dma_ops, &paddr);
}

/*
 * File-backed VMA without a page cache (there is no VFS yet): a private
 * copy whose pages are filled on first touch by read(cookie, buf, len,
 * off) from offset off (bytes past what read returns are zero). Writes
 * stay in memory. uk_vma_file_buffer_read reads from a struct
 * uk_vma_file_buffer given as cookie. The callback runs in the
 * page-fault path: it must not sleep.
 */
typedef __ssz (*uk_vma_file_read_t)(void *cookie, void *buf, __sz len,
				    __off off);
struct uk_vma_file_args {
	uk_vma_file_read_t read;
	void *cookie;
	__off off;			/* page aligned */
};
struct uk_vma_file_buffer {
	const void *data;
	__sz len;
};
__ssz uk_vma_file_buffer_read(void *cookie, void *buf, __sz len, __off off);

static inline int uk_vma_map_file(struct uk_vas *vas, __vaddr_t *vaddr,
				  __sz len, unsigned long attr,
				  unsigned long flags, const char *name,
				  uk_vma_file_read_t read, void *cookie,
				  __off off)
{
	struct uk_vma_file_args args = { read, cookie, off };

	return uk_vma_map(vas, vaddr, len, attr, flags, name,
			  &uk_vma_file_ops, &args);
}

/*
 * A pager: the pages of an object (a file) that VMAs map. The VFS gives
 * one per mappable file type (uk_file_ops.pager); obj is the file.
 */
struct uk_vma_pager {
	/* Stores in *pa the frame of page pgoff of obj; a missing page
	 * inside the object is made (zeroed) if alloc, else *pa is
	 * __PADDR_ANY (a hole reads as zeros). Returns 0, -ENXIO at or
	 * beyond the object's end, -ENOSPC/-ENOMEM. Called in the
	 * page-fault path with the VAS lock held: must not sleep. */
	int (*getpage)(void *obj, __off pgoff, int alloc, __paddr_t *pa);
	/* A VMA starts / stops referring to obj. */
	void (*get)(void *obj);
	void (*put)(void *obj);
};

struct uk_vma_pager_args {
	const struct uk_vma_pager *pager;
	void *obj;
	__off off;			/* page aligned */
	int shared;
};

extern const struct uk_vma_ops uk_vma_pager_ops;

/*
 * Maps len bytes of obj from offset off. shared: the object's own frames
 * are mapped, so writes reach the object and every mapping sees them
 * (MAP_SHARED; msync has nothing left to do). Otherwise each page is a
 * private copy made on first touch (MAP_PRIVATE). A touch beyond the
 * object's end is not paged in (SIGBUS on Linux). Errors as uk_vma_map.
 */
static inline int uk_vma_map_pager(struct uk_vas *vas, __vaddr_t *vaddr,
				   __sz len, unsigned long attr,
				   unsigned long flags, const char *name,
				   const struct uk_vma_pager *pager,
				   void *obj, __off off, int shared)
{
	struct uk_vma_pager_args args = { pager, obj, off, shared };

	return uk_vma_map(vas, vaddr, len, attr, flags, name,
			  &uk_vma_pager_ops, &args);
}

/* Unmaps, in every VMA of vas mapping obj, the pages of offsets >= off
 * (page aligned): a truncated object's pages can then go, and later
 * touches fault and find the end. Private copies there go too. */
void uk_vma_pager_zap(struct uk_vas *vas, void *obj, __off off);

/* Reserves a range (no access; placeholder for REPLACE mappings). */
static inline int uk_vma_reserve(struct uk_vas *vas, __vaddr_t *vaddr,
				 __sz len)
{
	return uk_vma_map(vas, vaddr, len, PAGE_ATTR_PROT_NONE, 0, NULL,
			  &uk_vma_rsvd_ops, NULL);
}

/* Reserves a range, or describes a mapping that already exists in the
 * page table with attr (the VMA never changes those entries on unmap). */
static inline int uk_vma_reserve_ex(struct uk_vas *vas, __vaddr_t *vaddr,
				    __sz len, unsigned long attr,
				    unsigned long flags, const char *name)
{
	return uk_vma_map(vas, vaddr, len, attr, flags, name,
			  &uk_vma_rsvd_ops, NULL);
}

/*
 * A stack of len bytes (read-write, demand paged unless POPULATE) with
 * guard_bottom unmapped pages below it and guard_top above; a touch of a
 * guard is reported as a stack overflow of the VMA's name. The VMA spans
 * the guards: the stack is [*vaddr + guard_bottom * PAGE_SIZE, + len).
 * Errors as uk_vma_map.
 */
#define UK_VMA_STACK_GUARD_BOTTOM	4	/* default guard pages */
#define UK_VMA_STACK_GUARD_TOP		1
int uk_vma_map_stack(struct uk_vas *vas, __vaddr_t *vaddr, __sz len,
		     unsigned long flags, const char *name,
		     unsigned long guard_bottom, unsigned long guard_top);

/* Lowest and highest+1 usable address of a stack VMA. */
__vaddr_t uk_vma_stack_base(const struct uk_vma *vma);
__vaddr_t uk_vma_stack_top(const struct uk_vma *vma);

/* Unmaps [vaddr, vaddr + len), splitting VMAs at the edges; holes are
 * fine. Returns 0, -EINVAL (unaligned, zero length), -ENOMEM (no memory
 * to split) or -EACCES. flags: UK_VMA_MAP_APP. */
int uk_vma_unmap(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		 unsigned long flags);

/*
 * Moves [vaddr, vaddr + len) (inside one VMA of a movable type) to a new
 * VMA of new_len bytes placed anywhere, as mremap(MREMAP_MAYMOVE): the
 * mapped pages take their frames along (nothing is copied, no frame is
 * needed), the rest of the new VMA is what the type maps on a fault.
 * *new_vaddr gets the new start. Returns 0, -EFAULT (not inside one
 * VMA), -EINVAL (unaligned, a type that cannot move) or -ENOMEM (no room
 * or no memory for page tables: the old range is then left as it was).
 * flags: UK_VMA_MAP_APP.
 */
int uk_vma_move(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		__sz new_len, __vaddr_t *new_vaddr, unsigned long flags);

/* Sets PAGE_ATTR_* attr on [vaddr, vaddr + len), splitting and merging
 * VMAs. Returns 0, -EINVAL, or -ENOMEM (a hole in the range: nothing is
 * changed; or no memory to split). */
int uk_vma_set_attr(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		    unsigned long attr);
/* The same with flags (UK_VMA_MAP_APP: -EACCES for the kernel's VMAs). */
int uk_vma_protect(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		   unsigned long attr, unsigned long flags);

/* Applies UK_VMA_ADV_* advice to [vaddr, vaddr + len). Returns 0,
 * -EINVAL (unaligned, unknown advice), -ENOMEM (hole in the range, or no
 * frames for WILLNEED), -EACCES. flags: UK_VMA_MAP_APP. */
int uk_vma_advise(struct uk_vas *vas, __vaddr_t vaddr, __sz len,
		  unsigned long advice, unsigned long flags);

/* Returns the VMA holding vaddr, or NULL. The pointer is valid until the
 * next change of that range. */
const struct uk_vma *uk_vma_find(struct uk_vas *vas, __vaddr_t vaddr);

/* mincore's answer for the n pages from vaddr (page aligned): vec[i] = 1
 * where a frame is mapped, else 0. Returns 0, or -ENOMEM if a page is in
 * no VMA, a stack's guard or a placeholder (unmapped, as Linux's), or,
 * with flags UK_VMA_MAP_APP, in a VMA of the kernel's but one of
 * UK_VMA_MAP_APP_MEM (another thread's stack: not the app's memory). */
int uk_vma_resident(struct uk_vas *vas, __vaddr_t vaddr, __sz n,
		    unsigned char *vec, unsigned long flags);

/* Calls fn on each VMA in address order with the VAS lock held (fn must
 * not call vmem on vas). Stops when fn returns nonzero and returns that
 * value. */
int uk_vas_foreach(struct uk_vas *vas,
		   int (*fn)(const struct uk_vma *vma, void *arg), void *arg);

/* For a page fault at addr the page-fault handler could not serve
 * (trap context, the active VAS), Linux's signal and si_code: SIGBUS (7)
 * with BUS_ADRERR (2) beyond the end of a mapped file, else SIGSEGV (11)
 * with SEGV_MAPERR (1: no mapping, a reservation, a stack's guard page)
 * or SEGV_ACCERR (2: a mapping that forbids the access). Not with the
 * VAS lock held by this CPU. */
int uk_vmem_fault_signal(__vaddr_t addr, int *code);
/* Nonzero if every page of [addr, addr + len) of the active VAS lies in
 * a writable mapping (no guard page): where a signal's frames can go
 * (trap context; not with the VAS lock held by this CPU). */
int uk_vmem_writable(__vaddr_t addr, __sz len);

/* Nonzero if the page fault ctx becomes signal sig (SIGSEGV, SIGBUS)
 * and the app handles it (core/signal defines it): vmem then explains
 * nothing on the console. Called with the VAS lock (its one spinlock)
 * held. */
struct ukarch_trap_ctx;
int uk_vmem_fault_is_signal(const struct ukarch_trap_ctx *ctx, int sig);

/* Prints the VMAs of vas (debugging). */
void uk_vas_dump(struct uk_vas *vas);

/* Name of the thread running on this CPU, or NULL (the scheduler
 * defines it), for fault messages. */
const char *uk_vmem_thread_name(void);


#endif /* __UK_VMEM_H__ */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory mappings over the active VAS, as system-call handlers: mmap,
 * munmap, mprotect, madvise, mincore, mremap, msync, mlock (mlock2,
 * mlockall: nothing is ever paged out), brk. Errors follow Linux. The
 * app's mappings live in the VAS window next to the kernel's
 * (thread stacks, reservations): every call here acts for the app
 * (UK_VMA_MAP_APP), so a range holding kernel memory, in the window or
 * outside it (the image, the heap), is refused with the error Linux
 * gives for kernel addresses. MAP_SHARED anonymous memory behaves as
 * MAP_PRIVATE (there is no fork).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <fcntl.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fdtab.h>
#include <uk/nofault.h>
#include <uk/file.h>
#include <uk/ramfs.h>
#include <uk/spinlock.h>
#include <uk/syscall.h>
#include <uk/thread.h>
#include <uk/vmem.h>

/* Linux 5.14's, newer than some C libraries' headers. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif


static unsigned long prot_attr(int prot)
{
	unsigned long attr = 0;

	/* As on x86: write and execute imply read. */
	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		attr |= PAGE_ATTR_PROT_READ;
	if (prot & PROT_WRITE)
		attr |= PAGE_ATTR_PROT_WRITE;
	if (prot & PROT_EXEC)
		attr |= PAGE_ATTR_PROT_EXEC;
	return attr;
}

/* Nonzero if [va, va + len) is not all inside the VAS window: kernel
 * memory (the image, the heap in the direct map, the host's in sim). */
static int outside_window(struct uk_vas *vas, __vaddr_t va, __sz len)
{
	return va < vas->start || va + len < va || va + len > vas->end;
}

/* Flags MAP_SHARED_VALIDATE knows (Linux's LEGACY_MAP_MASK and more). */
#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
		   MAP_DENYWRITE | MAP_EXECUTABLE | \
		   MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | \
		   MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | \
		   MAP_FIXED_NOREPLACE | MAP_SYNC)

/* How a mapping is made once its place is chosen: through the VMA layer
 * or through a device's own mmap op. */
struct mapper {
	int (*map)(const struct mapper *m, struct uk_vas *vas, __vaddr_t *va,
		   __sz len, unsigned long attr, unsigned long vflags);
	const struct uk_vma_ops *ops;	/* map_vma */
	void *args;
	struct uk_file *file;		/* map_dev */
	off_t off;
};

static int map_vma(const struct mapper *m, struct uk_vas *vas,
		   __vaddr_t *va, __sz len, unsigned long attr,
		   unsigned long vflags)
{
	int rc = uk_vma_map(vas, va, len, attr, vflags, NULL, m->ops,
			    m->args);

	/* Linux: a range that cannot be had is ENOMEM, whatever the cause. */
	return rc == -EINVAL || rc == -EACCES ? -ENOMEM : rc;
}

/* Every mapping of a device is shared (there is no copy-on-write of
 * device memory). */
static int map_dev(const struct mapper *m, struct uk_vas *vas,
		   __vaddr_t *va, __sz len, unsigned long attr,
		   unsigned long vflags)
{
	return m->file->ops->mmap(m->file, vas, va, len, attr, vflags,
				  m->off);
}

/* Places a mapping as mmap's flags say: MAP_FIXED exactly there, else at
 * the hint if that range is free, else anywhere. Returns 0 or -errno. */
static int place(struct uk_vas *vas, __vaddr_t *va, __sz len, int prot,
		 int flags, const struct mapper *m)
{
	unsigned long vflags = UK_VMA_MAP_APP, attr = prot_attr(prot);
	__vaddr_t hint;

	if (flags & MAP_POPULATE)
		vflags |= UK_VMA_MAP_POPULATE;
	if (flags & MAP_FIXED) {
		if (!(flags & MAP_FIXED_NOREPLACE))
			vflags |= UK_VMA_MAP_REPLACE;
		/* Linux: a fixed range beyond the user half is ENOMEM. */
		if (outside_window(vas, *va, len))
			return -ENOMEM;
		return m->map(m, vas, va, len, attr, vflags);
	}
	hint = PAGE_ALIGN_DOWN(*va);
	if (hint && !outside_window(vas, hint, len) &&
	    m->map(m, vas, &hint, len, attr, vflags) == 0) {
		*va = hint;
		return 0;
	}
	*va = __VADDR_ANY;
	return m->map(m, vas, va, len, attr, vflags);
}

/* Nonzero if f is sealed against writing (memfd F_SEAL_WRITE or
 * F_SEAL_FUTURE_WRITE): no writable shared mapping then (EPERM). */
static int write_sealed(struct uk_file *f)
{
	int seals = uk_ramfs_seals_get(f);

	return seals > 0 && (seals & UK_RAMFS_SEALS_WRITE);
}

/* A file mapping: the file's pages (MAP_SHARED) or private copies of
 * them, as Linux checks it. */
static int map_file(struct uk_vas *vas, __vaddr_t *va, __sz len, int prot,
		    int flags, int fd, off_t off)
{
	int type = flags & MAP_TYPE, shared;
	struct uk_ofile *of;
	unsigned int acc;
	int rc;

	of = uk_fdtab_get(fd);
	if (PTRISERR(of))
		return -EBADF;
	acc = of->flags & O_ACCMODE;
	shared = type == MAP_SHARED || type == MAP_SHARED_VALIDATE;
	if (of->flags & O_PATH)
		rc = -EBADF;
	else if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		rc = -EOPNOTSUPP;
	else if (!shared && type != MAP_PRIVATE)
		rc = -EINVAL;
	else if (off < 0 || (__u64)off + len < (__u64)off)
		rc = -EOVERFLOW;
	else if (shared && (prot & PROT_WRITE) && acc != O_RDWR)
		rc = -EACCES;
	else if (acc == O_WRONLY)
		rc = -EACCES;
	else if (shared && (prot & PROT_WRITE) && write_sealed(of->file))
		rc = -EPERM;
	else if (of->file->ops->mmap)
		rc = 1;
	else if (!of->file->ops->pager)
		rc = -ENODEV;
	else
		rc = 0;
	if (rc == 1) {
		struct mapper m = { .map = map_dev, .file = of->file,
				    .off = off };

		rc = place(vas, va, len, prot, flags, &m);
	} else if (rc == 0) {
		struct uk_vma_pager_args args = {
			.pager = of->file->ops->pager, .obj = of->file,
			.off = off, .shared = shared,
		};
		struct mapper m = { .map = map_vma,
				    .ops = &uk_vma_pager_ops, .args = &args };

		rc = place(vas, va, len, prot, flags, &m);
	}
	uk_ofile_put(of);
	return rc;
}

static int fd_open(int fd)
{
	struct uk_ofile *of = uk_fdtab_get(fd);

	if (PTRISERR(of))
		return 0;
	uk_ofile_put(of);
	return 1;
}

UK_SYSCALL_R_DEFINE(long, mmap, void *, addr, size_t, len, int, prot,
		    int, flags, int, fd, off_t, off)
{
	struct uk_vas *vas = uk_vas_get_active();
	static const struct mapper anon = { .map = map_vma,
					    .ops = &uk_vma_anon_ops };
	int type = flags & MAP_TYPE;
	__vaddr_t va = (__vaddr_t)addr;
	int rc;

	if (off & (off_t)(PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && !fd_open(fd))
		return -EBADF;
	if (!len)
		return -EINVAL;
	if (PAGE_ALIGN_UP(len) < len)
		return -ENOMEM;
	len = PAGE_ALIGN_UP(len);
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if ((flags & MAP_FIXED) && !PAGE_ALIGNED(va))
		return -EINVAL;
	if (!vas)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS))
		rc = map_file(vas, &va, len, prot, flags, fd, off);
	/* MAP_SHARED_VALIDATE is for files only, as on Linux; anonymous
	 * MAP_SHARED memory has nobody to share with (no fork). */
	else if (type != MAP_SHARED && type != MAP_PRIVATE)
		rc = -EINVAL;
	else
		rc = place(vas, &va, len, prot, flags, &anon);
	if (rc < 0)
		return rc;
	return (long)va;
}

/*
 * The kernel runs a trapped call of a loaded binary on the caller's
 * stack (core/elf), and musl's __unmapself unmaps the stack it runs on,
 * then exits. Such an unmap waits until the thread is off its stack (the
 * clone child's off-CPU hook does it; a thread without one keeps the
 * memory). Returns 1 if [va, va + len) holds the stack in use.
 */
static int unmaps_own_stack(__vaddr_t va, __sz len)
{
	struct uk_thread *t = uk_thread_current();
	__vaddr_t here = (__vaddr_t)__builtin_frame_address(0);

	if (here < va || here - va >= len)
		return 0;
	if (t && t->on_off_cpu) {
		t->unmap_base = va;
		t->unmap_len = len;
	}
	return 1;
}

UK_SYSCALL_R_DEFINE(int, munmap, void *, addr, size_t, len)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = (__vaddr_t)addr;
	int rc;

	if (!PAGE_ALIGNED(va) || !len || PAGE_ALIGN_UP(len) < len ||
	    va + PAGE_ALIGN_UP(len) < va)
		return -EINVAL;
	if (!vas)
		return 0;
	/* As Linux for kernel addresses: EINVAL. */
	if (outside_window(vas, va, PAGE_ALIGN_UP(len)))
		return -EINVAL;
	if (unmaps_own_stack(va, PAGE_ALIGN_UP(len)))
		return 0;
	rc = uk_vma_unmap(vas, va, PAGE_ALIGN_UP(len), UK_VMA_MAP_APP);
	if (rc == -EACCES)
		rc = -EINVAL;
	return rc < 0 ? rc : 0;
}

/* Common checks of calls on an existing range: 1 if there is nothing to
 * do (zero length), 0 to go on, or -errno (kernel memory: -ENOMEM, as
 * Linux's "not mapped in the process"). */
static int range_args(__vaddr_t va, size_t len)
{
	struct uk_vas *vas = uk_vas_get_active();

	if (!PAGE_ALIGNED(va))
		return -EINVAL;
	if (!len)
		return 1;
	if (PAGE_ALIGN_UP(len) < len || va + PAGE_ALIGN_UP(len) < va)
		return -ENOMEM;
	if (!vas || outside_window(vas, va, PAGE_ALIGN_UP(len)))
		return -ENOMEM;
	return 0;
}

/* The POSIX errno of a vmem error on an existing range. */
static long range_ret(int rc)
{
	return rc == -EACCES ? -ENOMEM : rc;
}

UK_SYSCALL_R_DEFINE(int, mprotect, void *, addr, size_t, len, int, prot)
{
	const int known = PROT_READ | PROT_WRITE | PROT_EXEC;
	__vaddr_t va = (__vaddr_t)addr;
	int rc;

	if (prot & ~known)
		return -EINVAL;
	rc = range_args(va, len);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = uk_vma_protect(uk_vas_get_active(), va, PAGE_ALIGN_UP(len),
			    prot_attr(prot), UK_VMA_MAP_APP);
	return rc < 0 ? (int)range_ret(rc) : 0;
}

/* UK_VMA_ADV_* for a MADV_* value, or -EINVAL. */
static int advice_of(int advice)
{
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
		return UK_VMA_ADV_DONTNEED;
	case MADV_WILLNEED:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return UK_VMA_ADV_WILLNEED;
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
	case MADV_COLD:
	case MADV_PAGEOUT:
		/* Nothing to do without swap or fork: accepted. */
		return UK_VMA_ADV_NORMAL;
	default:
		return -EINVAL;
	}
}

UK_SYSCALL_R_DEFINE(int, madvise, void *, addr, size_t, len, int, advice)
{
	__vaddr_t va = (__vaddr_t)addr;
	int adv = advice_of(advice);
	int rc;

	if (adv < 0)
		return adv;
	rc = range_args(va, len);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = uk_vma_advise(uk_vas_get_active(), va, PAGE_ALIGN_UP(len),
			   (unsigned long)adv, UK_VMA_MAP_APP);
	return rc < 0 ? (int)range_ret(rc) : 0;
}

/* mincore's pages per VAS lock: the answer is copied out without it. */
#define MINCORE_BATCH	256

/* Which of the n pages from va (checked by range_args) have a frame,
 * into the app's vec (NULL: only whether all are the app's to see):
 * 0, -ENOMEM at a page that is not (a hole, a guard page, a kernel VMA
 * but the app's own memory: uk_vma_resident), -EFAULT for vec. */
static int app_resident(__vaddr_t va, __sz n, unsigned char *vec)
{
	unsigned char buf[MINCORE_BATCH];
	__sz done, batch;
	int rc;

	for (done = 0; done < n; done += batch) {
		batch = MIN(n - done, (__sz)MINCORE_BATCH);
		rc = uk_vma_resident(uk_vas_get_active(),
				     va + done * PAGE_SIZE, batch, buf,
				     UK_VMA_MAP_APP);
		if (rc < 0)
			return rc;
		if (vec && uk_copy_to_user(vec + done, buf, batch))
			return -EFAULT;
	}
	return 0;
}

/* Checks that the range is mapped, as mincore sees it; for calls that
 * have nothing else to do here (no files, no swap). */
static int check_mapped(const void *addr, size_t len, int align)
{
	__vaddr_t va = (__vaddr_t)addr;
	int rc;

	if (!align) {
		len += va & (PAGE_SIZE - 1);
		va = PAGE_ALIGN_DOWN(va);
	}
	rc = range_args(va, len);
	if (rc)
		return rc < 0 ? rc : 0;
	return app_resident(va, PAGE_ALIGN_UP(len) >> PAGE_SHIFT, NULL);
}

UK_SYSCALL_R_DEFINE(int, msync, void *, addr, size_t, len, int, flags)
{
	if ((flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	return check_mapped(addr, len, 1);
}

UK_SYSCALL_R_DEFINE(int, mlock, const void *, addr, size_t, len)
{
	return check_mapped(addr, len, 0);
}

UK_SYSCALL_R_DEFINE(int, munlock, const void *, addr, size_t, len)
{
	return check_mapped(addr, len, 0);
}

UK_SYSCALL_R_DEFINE(int, mlock2, const void *, addr, size_t, len,
		    unsigned int, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return check_mapped(addr, len, 0);
}

/* Nothing is ever paged out: all memory is locked already. Only the
 * flags are checked, as Linux does (MCL_ONFAULT alone is no request). */
UK_SYSCALL_R_DEFINE(int, mlockall, int, flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return -EINVAL;
	return 0;
}

UK_SYSCALL_R_DEFINE(int, munlockall)
{
	return 0;
}

UK_SYSCALL_R_DEFINE(int, mincore, void *, addr, size_t, len,
		    unsigned char *, vec)
{
	__vaddr_t va = (__vaddr_t)addr;
	int rc;

	rc = range_args(va, len);
	if (rc)
		return rc < 0 ? rc : 0;
	return app_resident(va, PAGE_ALIGN_UP(len) >> PAGE_SHIFT, vec);
}

/* Grows [va, va + old_len) to new_len: in place if the pages behind it
 * are free, else (MREMAP_MAYMOVE) by moving the pages, frames and all,
 * to a new place; nothing is copied, so no memory is needed for it. */
static long mremap_grow(struct uk_vas *vas, const struct uk_vma *vma,
			__vaddr_t va, __sz old_len, __sz new_len, int flags)
{
	__vaddr_t tail = va + old_len, nva;
	int rc;

	if (vma->ops == &uk_vma_anon_ops && !(vma->flags &
					      UK_VMA_MAP_SIZE_2MB)) {
		rc = uk_vma_map_anon(vas, &tail, new_len - old_len,
				     vma->attr, UK_VMA_MAP_APP, vma->name);
		if (rc == 0)
			return (long)va;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	rc = uk_vma_move(vas, va, old_len, new_len, &nva, UK_VMA_MAP_APP);
	if (rc < 0)
		return rc == -EFAULT ? -EFAULT : rc == -EINVAL ? -EINVAL :
		       -ENOMEM;
	return (long)nva;
}

/* MREMAP_FIXED and its fifth argument are not supported (EINVAL). */
UK_SYSCALL_R_DEFINE(long, mremap, void *, old, size_t, old_len,
		    size_t, new_len, int, flags, void *, new_address)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = (__vaddr_t)old;
	const struct uk_vma *vma;
	int rc;

	if ((flags & ~MREMAP_MAYMOVE) || !PAGE_ALIGNED(va) || !new_len ||
	    !old_len)
		return -EINVAL;
	old_len = PAGE_ALIGN_UP(old_len);
	new_len = PAGE_ALIGN_UP(new_len);
	if (!old_len || !new_len)
		return -ENOMEM;
	vma = vas ? uk_vma_find(vas, va) : NULL;
	/* Kernel memory is no mapping of the app's: EFAULT, as Linux. */
	if (!vma || va + old_len < va || va + old_len > vma->end ||
	    !(vma->flags & UK_VMA_MAP_APP))
		return -EFAULT;
	if (new_len == old_len)
		return (long)old;
	if (new_len < old_len) {
		rc = uk_vma_unmap(vas, va + new_len, old_len - new_len,
				  UK_VMA_MAP_APP);
		return rc < 0 ? (rc == -EACCES ? -EFAULT : rc) : (long)old;
	}
	return mremap_grow(vas, vma, va, old_len, new_len, flags);
}

/* brk: a reserved range of BRK_MAX bytes, set up on first use; the break
 * is mapped up to its page, the rest stays reserved. */
#define BRK_MAX		(256UL << 20)

static struct uk_spinlock brk_lock = UK_SPINLOCK_INITIALIZER();
static __vaddr_t brk_base, brk_cur;

static int brk_setup(struct uk_vas *vas)
{
	__vaddr_t va = __VADDR_ANY;
	int rc;

	if (brk_base)
		return 0;
	rc = uk_vma_reserve_ex(vas, &va, BRK_MAX, PAGE_ATTR_PROT_NONE,
			       UK_VMA_MAP_APP, NULL);
	if (rc < 0)
		return rc;
	brk_base = brk_cur = va;
	return 0;
}

/* Moves the break to want. Returns 0 or -ENOMEM. Lock held. */
static int brk_move(struct uk_vas *vas, __vaddr_t want)
{
	__vaddr_t old_top = PAGE_ALIGN_UP(brk_cur);
	__vaddr_t new_top = PAGE_ALIGN_UP(want);
	__vaddr_t va;
	int rc = 0;

	if (want < brk_base || want > brk_base + BRK_MAX)
		return -ENOMEM;
	if (new_top > old_top) {
		va = old_top;
		rc = uk_vma_map_anon(vas, &va, new_top - old_top,
				     PAGE_ATTR_PROT_RW, UK_VMA_MAP_REPLACE |
				     UK_VMA_MAP_APP, "brk");
	} else if (new_top < old_top) {
		va = new_top;
		rc = uk_vma_reserve_ex(vas, &va, old_top - new_top, 0,
				       UK_VMA_MAP_REPLACE | UK_VMA_MAP_APP,
				       NULL);
	}
	if (rc < 0)
		return -ENOMEM;
	brk_cur = want;
	return 0;
}

/* Linux's system call: the new break, or the current one if it cannot
 * move there (brk(0) asks for it). */
UK_SYSCALL_R_DEFINE(long, brk, void *, addr)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t cur;

	if (!vas)
		return 0;
	uk_spin_lock(&brk_lock);
	if (brk_setup(vas) < 0) {
		uk_spin_unlock(&brk_lock);
		return 0;
	}
	if (addr)
		brk_move(vas, (__vaddr_t)addr);
	cur = brk_cur;
	uk_spin_unlock(&brk_lock);
	return (long)cur;
}

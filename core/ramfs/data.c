/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Regular file data: whole page frames from the frame allocator, found
 * through a radix of 512-entry tables (like page tables), so a byte
 * costs O(1) to reach, holes cost nothing and read as zeros. The radix
 * has as many levels (1 to 3) as the highest page needs: a file of up to
 * 2 MiB costs one table, not three (boot writes small files, each table
 * is a page to touch).
 * Everything here runs under the node's mutex.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/essentials.h>
#include <uk/falloc.h>
#include <uk/inotify.h>
#include <uk/nofault.h>
#include <uk/param.h>
#include <uk/plat/bootinfo.h>
#include <uk/vmem.h>
#include "ramfs_impl.h"

#define FANOUT		512UL
#define PG		4096UL
#define PG_SHIFT	12
#define LONG_BITS	(8 * sizeof(long))

static const unsigned long span[3] = { FANOUT * FANOUT, FANOUT, 1 };
static const char zero_page[PG] __align(PG);

static inline unsigned long slot(unsigned long pgi, int lvl)
{
	return (pgi / span[lvl]) % FANOUT;
}

/* The level of the radix's top table (0 for the full three levels). */
static inline int top_lvl(const struct uk_ramfs_node *n)
{
	return 3 - n->reg.levels;
}

/* How many pages the radix's levels can reach. */
static unsigned long radix_reach(const struct uk_ramfs_node *n)
{
	return n->reg.levels ? span[top_lvl(n)] * FANOUT : 0;
}

/* The fewest levels that reach page pgi. */
static unsigned int levels_for(unsigned long pgi)
{
	unsigned int levels = 1;

	while (levels < 3 && pgi >= span[3 - levels] * FANOUT)
		levels++;
	return levels;
}

static __vaddr_t dm_off(void)
{
	return ukplat_bootinfo_get()->dm_off;
}

/*
 * File data may take at most ramfs.size bytes (as tmpfs's size=; default
 * half of RAM), so files can never take the memory the kernel and the
 * app need, and a full file system can still be emptied.
 */
static unsigned long size_limit;
UK_PARAM_SIZE("ramfs.size", size_limit, ~0UL,
	      "most bytes of file data (default: half of RAM)");

/* Data pages of every file. */
static unsigned long data_pages;

unsigned long uk_ramfs_size_limit(void)
{
	unsigned long limit = READ_ONCE(size_limit);

	if (!limit)
		limit = uk_falloc_get_default()->total_memory / 2;
	return limit;
}

unsigned long uk_ramfs_used(void)
{
	return __atomic_load_n(&data_pages, __ATOMIC_RELAXED) * PG;
}

/* Takes one page of the quota; 0 or -ENOSPC. */
static int quota_take(void)
{
	unsigned long max = uk_ramfs_size_limit() / PG;
	unsigned long cur = __atomic_load_n(&data_pages, __ATOMIC_RELAXED);

	do {
		if (cur >= max)
			return -ENOSPC;
	} while (!__atomic_compare_exchange_n(&data_pages, &cur, cur + 1, 0,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return 0;
}

static void quota_give(unsigned long pages)
{
	__atomic_sub_fetch(&data_pages, pages, __ATOMIC_RELAXED);
}

/*
 * Locking: the radix and size change under the node's mutex (I/O,
 * truncation) and its spinlock plock; the page-fault path of file
 * mappings (core/vmem: it may not sleep) takes plock only, and never
 * frees a page. So a reader holding the mutex may use a page it found
 * after dropping plock.
 */

/* The data page of index pgi, or NULL for a hole. plock held. */
static char *__page_find(struct uk_ramfs_node *n, unsigned long pgi)
{
	void **t = n->reg.radix;
	int lvl;

	if (pgi >= radix_reach(n))
		return NULL;
	for (lvl = top_lvl(n); t && lvl < 2; lvl++)
		t = t[slot(pgi, lvl)];
	return t ? t[slot(pgi, 2)] : NULL;
}

static char *page_find(struct uk_ramfs_node *n, unsigned long pgi)
{
	unsigned long flags;
	char *p;

	uk_spin_lock_irqsave(&n->plock, flags);
	p = __page_find(n, pgi);
	uk_spin_unlock_irqrestore(&n->plock, flags);
	return p;
}

/* Adds levels on top of the radix until it reaches page pgi; 0 or
 * -ENOMEM. plock held. */
static int radix_grow(struct uk_ramfs_node *n, unsigned long pgi)
{
	void **t;

	if (!n->reg.radix) {
		n->reg.levels = levels_for(pgi);
		return 0;
	}
	while (n->reg.levels < 3 && pgi >= radix_reach(n)) {
		t = uk_calloc(uk_alloc_get_default(), FANOUT, sizeof(void *));
		if (!t)
			return -ENOMEM;
		t[0] = n->reg.radix;
		n->reg.radix = t;
		n->reg.levels++;
	}
	return 0;
}

/* The data page of index pgi, allocated (zeroed if zero) if missing;
 * *fresh says it is new. NULL when out of memory or room. plock held. */
static char *__page_make(struct uk_ramfs_node *n, unsigned long pgi,
			 int zero, int *fresh)
{
	struct uk_alloc *a = uk_alloc_get_default();
	void ***pt = (void ***)&n->reg.radix;
	__paddr_t pa = __PADDR_ANY;
	void **t;
	int lvl;

	*fresh = 0;
	if (radix_grow(n, pgi))
		return NULL;
	for (lvl = top_lvl(n); lvl < 3; lvl++) {
		if (!*pt) {
			*pt = uk_calloc(a, FANOUT, sizeof(void *));
			if (!*pt)
				return NULL;
		}
		t = *pt;
		if (lvl == 2)
			break;
		pt = (void ***)&t[slot(pgi, lvl)];
	}
	if (t[slot(pgi, 2)])
		return t[slot(pgi, 2)];
	if (quota_take())
		return NULL;
	if (uk_falloc(uk_falloc_get_default(), &pa, 1,
		      zero ? UK_FALLOC_F_ZERO : 0)) {
		quota_give(1);
		return NULL;
	}
	t[slot(pgi, 2)] = (void *)(pa + dm_off());
	n->reg.pages++;
	*fresh = 1;
	return t[slot(pgi, 2)];
}

static char *page_make(struct uk_ramfs_node *n, unsigned long pgi, int zero,
		       int *fresh)
{
	unsigned long flags;
	char *p;

	/* A mapping may see a fresh page before the write fills it. */
	if (__atomic_load_n(&n->reg.maps, __ATOMIC_RELAXED))
		zero = 1;
	uk_spin_lock_irqsave(&n->plock, flags);
	p = __page_make(n, pgi, zero, fresh);
	uk_spin_unlock_irqrestore(&n->plock, flags);
	return p;
}

/* Frees the data page of index pgi (which exists). */
static void page_drop(struct uk_ramfs_node *n, unsigned long pgi)
{
	unsigned long flags;
	void **t;
	int lvl;

	uk_spin_lock_irqsave(&n->plock, flags);
	t = n->reg.radix;
	for (lvl = top_lvl(n); lvl < 2; lvl++)
		t = t[slot(pgi, lvl)];
	uk_ffree(uk_falloc_get_default(), (__vaddr_t)t[slot(pgi, 2)] -
		 dm_off(), 1);
	t[slot(pgi, 2)] = NULL;
	n->reg.pages--;
	uk_spin_unlock_irqrestore(&n->plock, flags);
	quota_give(1);
}

/* Frees the pages of index >= first below table t (of level lvl, whose
 * first page is base). Returns nonzero if t is left empty. */
static int free_from(struct uk_ramfs_node *n, void **t, int lvl,
		     unsigned long base, unsigned long first)
{
	unsigned long i, lo;
	int empty = 1;

	for (i = 0; i < FANOUT; i++) {
		lo = base + i * span[lvl];
		if (!t[i])
			continue;
		if (lo + span[lvl] <= first) {
			empty = 0;
		} else if (lvl == 2) {
			uk_ffree(uk_falloc_get_default(),
				 (__vaddr_t)t[i] - dm_off(), 1);
			n->reg.pages--;
			quota_give(1);
			t[i] = NULL;
		} else if (free_from(n, t[i], lvl + 1, lo, first)) {
			uk_free(uk_alloc_get_default(), t[i]);
			t[i] = NULL;
		} else {
			empty = 0;
		}
	}
	return empty;
}

/* Frees the data from len on. The mutex is held and no mapping maps
 * any of it any more. */
static void data_shrink(struct uk_ramfs_node *n, off_t len)
{
	unsigned long first = ((unsigned long)len + PG - 1) >> PG_SHIFT;
	unsigned long flags;
	void **radix = NULL;
	char *p;

	uk_spin_lock_irqsave(&n->plock, flags);
	if (n->reg.radix &&
	    free_from(n, n->reg.radix, top_lvl(n), 0, first)) {
		radix = n->reg.radix;
		n->reg.radix = NULL;
		n->reg.levels = 0;
	}
	uk_spin_unlock_irqrestore(&n->plock, flags);
	uk_free(uk_alloc_get_default(), radix);
	/* The tail of the last page must read as zeros if it grows again. */
	if (len % PG) {
		p = page_find(n, len >> PG_SHIFT);
		if (p)
			memset(p + len % PG, 0, PG - len % PG);
	}
}

void ramfs_data_free(struct uk_ramfs_node *n)
{
	data_shrink(n, 0);
}

/* Sets the size (the fault path reads it under plock). */
static void set_size(struct uk_ramfs_node *n, off_t len)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&n->plock, flags);
	n->size = len;
	uk_spin_unlock_irqrestore(&n->plock, flags);
}

int uk_ramfs_truncate(struct uk_ramfs_node *n, off_t len)
{
	int shrink;

	if (!S_ISREG(n->file.mode))
		return S_ISDIR(n->file.mode) ? -EISDIR : -EINVAL;
	if (len < 0)
		return -EINVAL;
	if (len > UK_RAMFS_MAXSIZE)
		return -EFBIG;
	uk_mutex_lock(&n->lock);
	shrink = len < n->size;
	if ((shrink && (n->seals & UK_RAMFS_SEAL_SHRINK)) ||
	    (len > n->size && (n->seals & UK_RAMFS_SEAL_GROW))) {
		uk_mutex_unlock(&n->lock);
		return -EPERM;
	}
	set_size(n, len);
	if (shrink) {
		/* Mappings first let go of the pages (a touch past the new
		 * end then faults and finds it: SIGBUS), then they go. */
		if (__atomic_load_n(&n->reg.maps, __ATOMIC_ACQUIRE))
			uk_vma_pager_zap(uk_vas_get_active(), &n->file,
					 ALIGN_UP(len, PG));
		data_shrink(n, len);
	}
	ramfs_now(&n->mtime);
	n->ctime = n->mtime;
	uk_mutex_unlock(&n->lock);
	uk_inotify_node(n, UK_IN_MODIFY);
	return 0;
}

/* --- mappings: the pager of core/vmem ------------------------------ */

static int reg_getpage(void *obj, __off pgoff, int alloc, __paddr_t *pa)
{
	struct uk_ramfs_node *n = uk_ramfs_node_of(obj);
	unsigned long flags;
	int fresh, rc = 0;
	char *p;

	uk_spin_lock_irqsave(&n->plock, flags);
	if (pgoff < 0 || (unsigned long)pgoff >= UK_RAMFS_MAXSIZE / PG ||
	    pgoff << PG_SHIFT >= n->size) {
		rc = -ENXIO;
	} else {
		p = alloc ? __page_make(n, pgoff, 1, &fresh) :
			    __page_find(n, pgoff);
		if (alloc && !p)
			rc = -ENOSPC;
		*pa = p ? (__paddr_t)((__vaddr_t)p - dm_off()) : __PADDR_ANY;
	}
	uk_spin_unlock_irqrestore(&n->plock, flags);
	return rc;
}

static void reg_map_get(void *obj)
{
	struct uk_ramfs_node *n = uk_ramfs_node_of(obj);

	uk_file_get(obj);
	__atomic_add_fetch(&n->reg.maps, 1, __ATOMIC_ACQ_REL);
}

static void reg_map_put(void *obj)
{
	struct uk_ramfs_node *n = uk_ramfs_node_of(obj);

	__atomic_sub_fetch(&n->reg.maps, 1, __ATOMIC_ACQ_REL);
	uk_file_put(obj);
}

static const struct uk_vma_pager ramfs_pager = {
	.getpage = reg_getpage,
	.get = reg_map_get,
	.put = reg_map_put,
};

static ssize_t reg_read(struct uk_file *f, const struct iovec *iov,
			int iovcnt, off_t *off, unsigned int flags __maybe_unused)
{
	struct uk_ramfs_node *n = uk_ramfs_node_of(f);
	off_t pos = *off;
	__sz done = 0, len, chunk, copied;
	const char *src;
	char *dst;
	int i, rc = 0;

	if (pos < 0)
		return -EINVAL;
	uk_mutex_lock(&n->lock);
	for (i = 0; i < iovcnt && pos < n->size; i++) {
		dst = iov[i].iov_base;
		len = iov[i].iov_len;
		while (len && pos < n->size) {
			chunk = MIN(len, PG - pos % PG);
			chunk = MIN(chunk, (__sz)(n->size - pos));
			src = page_find(n, pos >> PG_SHIFT);
			src = src ? src + pos % PG : zero_page;
			copied = uk_copy_to_user_partial(dst, src, chunk);
			pos += copied;
			done += copied;
			if (copied < chunk) {
				rc = -EFAULT;
				goto out;
			}
			dst += chunk;
			len -= chunk;
		}
	}
out:
	uk_mutex_unlock(&n->lock);
	*off = pos;
	return done ? (ssize_t)done : rc;
}

/* A write into page p stopped at a fault after copied bytes (nothing
 * past them was written). A page the write made for nothing goes again
 * (a hole stays a hole); the rest of a fresh page, maybe not zeroed,
 * must read as zeros. */
static void write_fault(struct uk_ramfs_node *n, char *p, off_t pos,
			__sz copied, int fresh)
{
	unsigned long off = pos % PG + copied;

	if (!fresh)
		return;
	if (!copied)
		page_drop(n, pos >> PG_SHIFT);
	else
		memset(p + off, 0, PG - off);
}

static ssize_t reg_write(struct uk_file *f, const struct iovec *iov,
			 int iovcnt, off_t *off, unsigned int flags)
{
	struct uk_ramfs_node *n = uk_ramfs_node_of(f);
	__sz done = 0, len, chunk, copied;
	const char *src;
	int i, fresh, rc = 0;
	off_t pos;
	char *p;

	uk_mutex_lock(&n->lock);
	pos = (flags & UK_FILE_APPEND) ? n->size : *off;
	if (pos < 0) {
		rc = -EINVAL;
		goto out;
	}
	if (n->seals & UK_RAMFS_SEALS_WRITE) {
		rc = -EPERM;
		goto out;
	}
	for (i = 0; i < iovcnt; i++) {
		src = iov[i].iov_base;
		len = iov[i].iov_len;
		while (len) {
			if (pos >= UK_RAMFS_MAXSIZE) {
				rc = -EFBIG;
				goto out;
			}
			chunk = MIN(len, PG - pos % PG);
			/* As tmpfs: a page's piece past the end. */
			if ((n->seals & UK_RAMFS_SEAL_GROW) &&
			    pos + (off_t)chunk > n->size) {
				rc = -EPERM;
				goto out;
			}
			p = page_make(n, pos >> PG_SHIFT, chunk != PG, &fresh);
			if (!p) {
				rc = -ENOSPC;
				goto out;
			}
			copied = uk_copy_from_user_partial(p + pos % PG, src,
							   chunk);
			if (copied < chunk)
				write_fault(n, p, pos, copied, fresh);
			pos += copied;
			done += copied;
			if (copied && pos > n->size)
				set_size(n, pos);
			if (copied < chunk) {
				rc = -EFAULT;
				goto out;
			}
			src += chunk;
			len -= chunk;
		}
	}
out:
	if (done) {
		ramfs_now(&n->mtime);
		n->ctime = n->mtime;
		*off = pos;
	}
	uk_mutex_unlock(&n->lock);
	return done ? (ssize_t)done : rc;
}

/* --- fallocate ------------------------------------------------------ */

/* The index of the first data page in [pgi, last], or ULONG_MAX: skips
 * missing tables whole, so a sparse range costs little. */
static unsigned long page_next(struct uk_ramfs_node *n, unsigned long pgi,
			       unsigned long last)
{
	unsigned long flags, found = ULONG_MAX;
	void **t;
	int lvl;

	uk_spin_lock_irqsave(&n->plock, flags);
	while (pgi <= last && pgi < radix_reach(n) && n->reg.radix) {
		t = n->reg.radix;
		for (lvl = top_lvl(n); lvl < 3 && t[slot(pgi, lvl)]; lvl++)
			t = t[slot(pgi, lvl)];
		if (lvl == 3) {
			found = pgi;
			break;
		}
		pgi = (pgi / span[lvl] + 1) * span[lvl];
	}
	uk_spin_unlock_irqrestore(&n->plock, flags);
	return found;
}

/* Gives back the pages of [first, first + count) that fresh marks (made
 * by a failed fallocate), as shmem_fallocate does: the file is left as
 * before. A mapped file keeps them (a mapping may use them already);
 * they read as zeros. */
static void falloc_undo(struct uk_ramfs_node *n, unsigned long first,
			unsigned long count, const unsigned long *fresh)
{
	unsigned long i;

	if (__atomic_load_n(&n->reg.maps, __ATOMIC_ACQUIRE))
		return;
	for (i = 0; i < count; i++)
		if (fresh[i / LONG_BITS] & (1UL << (i % LONG_BITS)))
			page_drop(n, first + i);
}

/* Allocates the pages of [off, end) (reading as zeros); the size grows
 * to end unless keep. Fails early (nothing allocated) if the range
 * cannot fit in the size limit; out of frames midway, the pages made by
 * this call go again. */
static int data_allocate(struct uk_ramfs_node *n, off_t off, off_t end,
			 int keep)
{
	struct uk_alloc *a = uk_alloc_get_default();
	unsigned long first = off >> PG_SHIFT, last = (end - 1) >> PG_SHIFT;
	unsigned long want = last - first + 1, room, i;
	unsigned long *made;
	int fresh;

	room = uk_ramfs_size_limit() / PG;
	room -= MIN(room, __atomic_load_n(&data_pages, __ATOMIC_RELAXED));
	if (want > room + n->reg.pages)
		return -ENOSPC;
	made = uk_calloc(a, DIV_ROUND_UP(want, LONG_BITS), sizeof(*made));
	if (!made)
		return -ENOMEM;
	for (i = 0; i < want; i++) {
		if (!page_make(n, first + i, 1, &fresh)) {
			falloc_undo(n, first, i, made);
			uk_free(a, made);
			return -ENOSPC;
		}
		if (fresh)
			made[i / LONG_BITS] |= 1UL << (i % LONG_BITS);
	}
	uk_free(a, made);
	if (!keep && end > n->size)
		set_size(n, end);
	return 0;
}

/* Makes [off, end) read as zeros: whole pages go (unless mapped: then
 * they are cleared, so no mapping keeps a freed frame), partial ones are
 * cleared. The size stays. */
static void data_punch(struct uk_ramfs_node *n, off_t off, off_t end)
{
	unsigned long pgi = off >> PG_SHIFT, last = (end - 1) >> PG_SHIFT;
	off_t lo, hi;
	char *p;

	while ((pgi = page_next(n, pgi, last)) != ULONG_MAX) {
		lo = MAX(off, (off_t)(pgi << PG_SHIFT));
		hi = MIN(end, (off_t)((pgi + 1) << PG_SHIFT));
		if (hi - lo == (off_t)PG &&
		    !__atomic_load_n(&n->reg.maps, __ATOMIC_ACQUIRE)) {
			page_drop(n, pgi);
		} else {
			p = page_find(n, pgi);
			memset(p + lo % PG, 0, hi - lo);
		}
		pgi++;
	}
}

/* -EPERM if n's seals forbid this fallocate, else 0. */
static int falloc_sealed(struct uk_ramfs_node *n, int mode, off_t end)
{
	if (mode & UK_RAMFS_PUNCH_HOLE)
		return (n->seals & UK_RAMFS_SEALS_WRITE) ? -EPERM : 0;
	/* As tmpfs: GROW refuses a range past the end, KEEP_SIZE or not. */
	if ((n->seals & UK_RAMFS_SEAL_GROW) && end > n->size)
		return -EPERM;
	return 0;
}

static int reg_fallocate(struct uk_file *f, int mode, off_t off, off_t len)
{
	struct uk_ramfs_node *n = uk_ramfs_node_of(f);
	int rc;

	uk_mutex_lock(&n->lock);
	rc = falloc_sealed(n, mode, off + len);
	if (rc)
		goto out;
	if (mode & UK_RAMFS_PUNCH_HOLE)
		data_punch(n, off, off + len);
	else
		rc = data_allocate(n, off, off + len,
				   mode & UK_RAMFS_KEEP_SIZE);
	if (!rc) {
		ramfs_now(&n->ctime);
		if (mode & UK_RAMFS_PUNCH_HOLE)
			n->mtime = n->ctime;
	}
out:
	uk_mutex_unlock(&n->lock);
	if (!rc)
		uk_inotify_node(n, UK_IN_MODIFY);
	return rc;
}

static int reg_truncate(struct uk_file *f, off_t len)
{
	return uk_ramfs_truncate(uk_ramfs_node_of(f), len);
}

const struct uk_file_ops ramfs_reg_ops = {
	.pager = &ramfs_pager,
	.read = reg_read,
	.write = reg_write,
	.getstat = ramfs_node_getstat,
	.truncate = reg_truncate,
	.fallocate = reg_fallocate,
	.release = ramfs_node_release,
};

/* --- seals ---------------------------------------------------------- */

#define SEALS_KNOWN	(UK_RAMFS_SEAL_SEAL | UK_RAMFS_SEAL_SHRINK | \
			 UK_RAMFS_SEAL_GROW | UK_RAMFS_SEALS_WRITE | \
			 UK_RAMFS_SEAL_EXEC)

int uk_ramfs_seals_get(struct uk_file *f)
{
	struct uk_ramfs_node *n;
	int seals;

	if (f->ops != &ramfs_reg_ops)
		return -EINVAL;
	n = uk_ramfs_node_of(f);
	uk_mutex_lock(&n->lock);
	seals = (int)n->seals;
	uk_mutex_unlock(&n->lock);
	return seals;
}

int uk_ramfs_seals_add(struct uk_file *f, unsigned int seals)
{
	struct uk_ramfs_node *n;
	int rc = 0;

	if (seals & ~SEALS_KNOWN || f->ops != &ramfs_reg_ops)
		return -EINVAL;
	n = uk_ramfs_node_of(f);
	uk_mutex_lock(&n->lock);
	if ((seals & UK_RAMFS_SEAL_EXEC) && (n->file.mode & 0111))
		seals |= UK_RAMFS_SEAL_SHRINK | UK_RAMFS_SEAL_GROW |
			 UK_RAMFS_SEALS_WRITE;
	if (n->seals & UK_RAMFS_SEAL_SEAL)
		rc = -EPERM;
	/* Linux refuses while writable shared mappings exist; the pager
	 * counts every mapping, so any refuses here. */
	else if ((seals & UK_RAMFS_SEAL_WRITE) &&
		 !(n->seals & UK_RAMFS_SEAL_WRITE) &&
		 __atomic_load_n(&n->reg.maps, __ATOMIC_ACQUIRE))
		rc = -EBUSY;
	else
		n->seals |= seals;
	uk_mutex_unlock(&n->lock);
	return rc;
}

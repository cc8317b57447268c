/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * System V shared memory (shmget(2), shmat(2), shmdt(2), shmctl(2)), as
 * Linux's. A segment is an unnamed ramfs file (what memfd_create makes)
 * that shmat maps shared, so every attachment sees the same frames.
 * Its VMAs are named by the segment and count as its attachments
 * (shm_nattch, as Linux's VMAs do: a split of one counts twice); an
 * IPC_RMID of an attached segment marks it SHM_DEST, and it goes when
 * its last VMA does. The VMA callbacks run under the VAS lock and may
 * not sleep, so they only count; a destroyed segment without VMAs is
 * freed by the next call here, before anything can see it.
 */
#include <errno.h>
#include <stdio.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/file.h>
#include <uk/nofault.h>
#include <uk/process.h>
#include <uk/ramfs.h>
#include <uk/syscall.h>
#include <uk/vmem.h>
#include "sysvipc_impl.h"

#define K_SHM_RDONLY	010000
#define K_SHM_RND	020000
#define K_SHM_REMAP	040000
#define K_SHM_EXEC	0100000
#define K_SHM_DEST	01000
#define K_SHM_LOCKED	02000
#define K_SHM_LOCK	11
#define K_SHM_UNLOCK	12
#define K_SHM_STAT	13
#define K_SHM_INFO	14
#define K_SHM_STAT_ANY	15
#define SHMLBA		PAGE_SIZE

/* Linux's struct shmid64_ds (64-bit). */
struct k_shmid64_ds {
	struct k_ipc64_perm shm_perm;
	__u64 shm_segsz;
	long shm_atime, shm_dtime, shm_ctime;
	int shm_cpid, shm_lpid;
	unsigned long shm_nattch;
	unsigned long unused4, unused5;
};

struct k_shminfo64 {
	unsigned long shmmax, shmmin, shmmni, shmseg, shmall;
	unsigned long unused1, unused2, unused3, unused4;
};

struct k_shm_info {
	int used_ids;
	unsigned long shm_tot, shm_rss, shm_swp;
	unsigned long swap_attempts, swap_successes;
};

struct shm_seg {
	struct ipc_obj o;
	struct uk_ramfs_node *node;
	__sz size;
	long atime, dtime, ctime;
	int cpid, lpid;
	long nattch;			/* VMAs; atomic */
	char name[16];			/* its VMAs' name: tells them */
};

static struct ipc_ids shm_ids = IPC_IDS_INIT(shm_ids, UK_SHMMNI);
static unsigned long shm_tot;		/* pages of all segments */

static struct uk_alloc *shm_alloc(void)
{
	return uk_alloc_get_default();
}

static struct shm_seg *seg_of(struct ipc_obj *o)
{
	return __containerof(o, struct shm_seg, o);
}

static int seg_getpage(void *obj, __off pgoff, int alloc, __paddr_t *pa)
{
	struct uk_file *f = &((struct shm_seg *)obj)->node->file;

	return f->ops->pager->getpage(f, pgoff, alloc, pa);
}

static void seg_map_get(void *obj)
{
	struct shm_seg *seg = obj;

	seg->atime = ipc_now();
	seg->lpid = UK_PROCESS_PID;
	__atomic_add_fetch(&seg->nattch, 1, __ATOMIC_ACQ_REL);
}

/* The count goes last: a segment without VMAs may be freed. */
static void seg_map_put(void *obj)
{
	struct shm_seg *seg = obj;

	seg->dtime = ipc_now();
	seg->lpid = UK_PROCESS_PID;
	__atomic_sub_fetch(&seg->nattch, 1, __ATOMIC_ACQ_REL);
}

static const struct uk_vma_pager seg_pager = {
	.getpage = seg_getpage,
	.get = seg_map_get,
	.put = seg_map_put,
};

static long nattch(struct shm_seg *seg)
{
	return __atomic_load_n(&seg->nattch, __ATOMIC_ACQUIRE);
}

static void seg_free(struct ipc_obj *o)
{
	struct shm_seg *seg = seg_of(o);

	shm_tot -= PAGE_COUNT(seg->size);
	uk_file_put(&seg->node->file);
	uk_free(shm_alloc(), seg);
}

/* Frees the destroyed segments nothing maps any more; under the lock,
 * first thing in every call. */
static void sweep(void)
{
	struct shm_seg *seg;
	int i;

	for (i = 0; shm_ids.slots && i < shm_ids.max; i++) {
		if (!shm_ids.slots[i])
			continue;
		seg = seg_of(shm_ids.slots[i]);
		if ((seg->o.mode & K_SHM_DEST) && !nattch(seg))
			ipc_remove(&shm_ids, &seg->o);
	}
}

static void shm_lock(void)
{
	uk_mutex_lock(&shm_ids.lock);
	sweep();
}

static void shm_unlock(void)
{
	uk_mutex_unlock(&shm_ids.lock);
}

/* A new segment; Linux refuses (ENOMEM) one larger than memory. */
static int seg_make(struct ipc_ids *ids, int key, int flags, long size)
{
	__sz len = (__sz)size;
	struct shm_seg *seg;
	int rc;

	if (len < 1 || len > UK_SHMMAX)
		return -EINVAL;
	if (shm_tot + PAGE_COUNT(len) > UK_SHMALL)
		return -ENOSPC;
	if (PAGE_ALIGN_UP(len) > uk_ramfs_size_limit() ||
	    len > UK_RAMFS_MAXSIZE)
		return -ENOMEM;
	seg = uk_calloc(shm_alloc(), 1, sizeof(*seg));
	if (!seg)
		return -ENOMEM;
	seg->node = uk_ramfs_create_unnamed(flags & K_IPC_MODE, 0);
	if (!seg->node) {
		uk_free(shm_alloc(), seg);
		return -ENOMEM;
	}
	rc = uk_ramfs_truncate(seg->node, (off_t)len);
	if (!rc)
		rc = ipc_add(ids, &seg->o, key, flags);
	if (rc) {
		uk_file_put(&seg->node->file);
		uk_free(shm_alloc(), seg);
		return rc == -EFBIG ? -ENOMEM : rc;
	}
	seg->o.free = seg_free;
	seg->size = len;
	seg->cpid = UK_PROCESS_PID;
	seg->ctime = ipc_now();
	snprintf(seg->name, sizeof(seg->name), "SYSV%08x", key);
	shm_tot += PAGE_COUNT(len);
	return seg->o.id;
}

static int seg_check(struct ipc_obj *o, long size)
{
	return seg_of(o)->size < (__sz)size ? -EINVAL : 0;
}

UK_SYSCALL_R_DEFINE(int, shmget, int, key, size_t, size, int, flags)
{
	/* Destroyed segments give their slots back first. */
	uk_mutex_lock(&shm_ids.lock);
	sweep();
	uk_mutex_unlock(&shm_ids.lock);
	return ipc_get(&shm_ids, key, flags, seg_make, seg_check, (long)size);
}

static struct shm_seg *seg_find(int id)
{
	struct ipc_obj *o = ipc_find_id(&shm_ids, id);

	return PTRISERR(o) ? ERR2PTR(PTR2ERR(o)) : seg_of(o);
}

/* Maps seg at *va (__VADDR_ANY: anywhere) as shmat's flags say. */
static int seg_map(struct shm_seg *seg, __vaddr_t *va, int flags)
{
	struct uk_vas *vas = uk_vas_get_active();
	struct uk_vma_pager_args args = {
		.pager = &seg_pager, .obj = seg, .off = 0, .shared = 1,
	};
	unsigned long attr = PAGE_ATTR_PROT_READ, vflags = UK_VMA_MAP_APP;
	__sz len = PAGE_ALIGN_UP(seg->size);
	int rc;

	if (!vas)
		return -ENOMEM;
	if (!(flags & K_SHM_RDONLY))
		attr |= PAGE_ATTR_PROT_WRITE;
	if (flags & K_SHM_EXEC)
		attr |= PAGE_ATTR_PROT_EXEC;
	if (*va != __VADDR_ANY) {
		if (*va + len < *va)
			return -EINVAL;
		if (*va < vas->start || *va + len > vas->end)
			return -ENOMEM;
		if (flags & K_SHM_REMAP)
			vflags |= UK_VMA_MAP_REPLACE;
	}
	rc = uk_vma_map(vas, va, len, attr, vflags, seg->name,
			&uk_vma_pager_ops, &args);
	/* Linux: a given range in use is EINVAL, no room ENOMEM. */
	if (rc == -EEXIST)
		return -EINVAL;
	return rc == -EINVAL || rc == -EACCES ? -ENOMEM : rc;
}

UK_SYSCALL_R_DEFINE(long, shmat, int, id, const void *, uaddr, int, flags)
{
	__vaddr_t va = (__vaddr_t)uaddr;
	struct shm_seg *seg;
	int rc;

	if (id < 0)
		return -EINVAL;
	if (va & (SHMLBA - 1)) {
		if (!(flags & K_SHM_RND))
			return -EINVAL;
		va &= ~(__vaddr_t)(SHMLBA - 1);
		if (!va && (flags & K_SHM_REMAP))
			return -EINVAL;
	} else if (!va && (flags & K_SHM_REMAP)) {
		return -EINVAL;
	}
	if (!uaddr)
		va = __VADDR_ANY;
	shm_lock();
	seg = seg_find(id);
	rc = PTRISERR(seg) ? PTR2ERR(seg) : seg_map(seg, &va, flags);
	shm_unlock();
	return rc ? rc : (long)va;
}

/* The segment whose VMA v is, or NULL; under the lock. */
static struct shm_seg *seg_of_vma(const struct uk_vma *v)
{
	struct shm_seg *seg;
	int i;

	for (i = 0; v && shm_ids.slots && i < shm_ids.max; i++) {
		if (!shm_ids.slots[i])
			continue;
		seg = seg_of(shm_ids.slots[i]);
		if (v->name == seg->name)
			return seg;
	}
	return NULL;
}

/* Unmaps the segment attached at va: its VMAs within its size from va
 * (Linux's shmdt), leaving whatever else the range holds. */
static int seg_unmap(struct uk_vas *vas, __vaddr_t va)
{
	const struct uk_vma *v = uk_vma_find(vas, va);
	struct shm_seg *seg = seg_of_vma(v);
	__vaddr_t end, from, to;
	int rc;

	if (!seg || v->start != va)
		return -EINVAL;
	end = va + PAGE_ALIGN_UP(seg->size);
	while (va < end) {
		v = uk_vma_find(vas, va);
		if (!v || v->name != seg->name) {
			va += PAGE_SIZE;
			continue;
		}
		from = MAX(v->start, va);
		to = MIN(v->end, end);
		rc = uk_vma_unmap(vas, from, to - from, UK_VMA_MAP_APP);
		if (rc)
			return rc == -EACCES ? -EINVAL : rc;
		va = to;
	}
	return 0;
}

UK_SYSCALL_R_DEFINE(int, shmdt, const void *, uaddr)
{
	struct uk_vas *vas = uk_vas_get_active();
	__vaddr_t va = (__vaddr_t)uaddr;
	int rc;

	if (va & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!vas || va < vas->start || va >= vas->end)
		return -EINVAL;
	shm_lock();
	rc = seg_unmap(vas, va);
	/* A segment it was the last VMA of goes now. */
	sweep();
	shm_unlock();
	return rc;
}

static int shm_info(int cmd, void *ubuf)
{
	struct k_shminfo64 si = {
		.shmmax = UK_SHMMAX, .shmmin = 1, .shmmni = UK_SHMMNI,
		.shmseg = UK_SHMMNI, .shmall = UK_SHMALL,
	};
	struct k_shm_info in = { 0 };
	int rc, i;

	shm_lock();
	in.used_ids = shm_ids.in_use;
	in.shm_tot = shm_tot;
	for (i = 0; shm_ids.slots && i < shm_ids.max; i++)
		if (shm_ids.slots[i])
			in.shm_rss += seg_of(shm_ids.slots[i])->node->reg.pages;
	rc = ipc_max_idx(&shm_ids);
	shm_unlock();
	if (cmd == K_IPC_INFO ? uk_copy_to_user(ubuf, &si, sizeof(si)) :
				uk_copy_to_user(ubuf, &in, sizeof(in)))
		return -EFAULT;
	return rc;
}

static int shm_stat(int id, int cmd, void *ubuf)
{
	struct k_shmid64_ds ds = { 0 };
	struct shm_seg *seg;
	struct ipc_obj *o;
	int rc;

	shm_lock();
	o = cmd == K_IPC_STAT ? ipc_find_id(&shm_ids, id) :
				ipc_find_idx(&shm_ids, id);
	if (!PTRISERR(o)) {
		seg = seg_of(o);
		ipc_perm_out(o, &ds.shm_perm);
		ds.shm_segsz = seg->size;
		ds.shm_atime = seg->atime;
		ds.shm_dtime = seg->dtime;
		ds.shm_ctime = seg->ctime;
		ds.shm_cpid = seg->cpid;
		ds.shm_lpid = seg->lpid;
		ds.shm_nattch = (unsigned long)nattch(seg);
	}
	rc = PTRISERR(o) ? PTR2ERR(o) : (cmd == K_IPC_STAT ? 0 : o->id);
	shm_unlock();
	if (rc >= 0 && uk_copy_to_user(ubuf, &ds, sizeof(ds)))
		return -EFAULT;
	return rc;
}

/* IPC_SET, IPC_RMID, SHM_LOCK, SHM_UNLOCK (pages never leave memory:
 * only the flag changes). */
static int shm_change(int id, int cmd, void *ubuf)
{
	struct k_shmid64_ds ds;
	struct shm_seg *seg;

	if (cmd == K_IPC_SET && uk_copy_from_user(&ds, ubuf, sizeof(ds)))
		return -EFAULT;
	shm_lock();
	seg = seg_find(id);
	if (PTRISERR(seg)) {
		shm_unlock();
		return PTR2ERR(seg);
	}
	switch (cmd) {
	case K_IPC_RMID:
		seg->o.mode |= K_SHM_DEST;
		seg->o.key = K_IPC_PRIVATE;
		sweep();
		break;
	case K_IPC_SET:
		ipc_perm_set(&seg->o, &ds.shm_perm);
		seg->ctime = ipc_now();
		break;
	case K_SHM_LOCK:
		seg->o.mode |= K_SHM_LOCKED;
		break;
	case K_SHM_UNLOCK:
		seg->o.mode &= ~K_SHM_LOCKED;
		break;
	}
	shm_unlock();
	return 0;
}

UK_SYSCALL_R_DEFINE(int, shmctl, int, id, int, cmd, void *, ubuf)
{
	if (cmd < 0 || id < 0)
		return -EINVAL;
	switch (cmd) {
	case K_IPC_INFO:
	case K_SHM_INFO:
		return shm_info(cmd, ubuf);
	case K_IPC_STAT:
	case K_SHM_STAT:
	case K_SHM_STAT_ANY:
		return shm_stat(id, cmd, ubuf);
	case K_IPC_SET:
	case K_IPC_RMID:
	case K_SHM_LOCK:
	case K_SHM_UNLOCK:
		return shm_change(id, cmd, ubuf);
	}
	return -EINVAL;
}

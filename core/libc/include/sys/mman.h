/* SPDX-License-Identifier: BSD-3-Clause */
/* Memory mappings (core/vmem), with the Linux x86_64/arm64 values. */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>

#define PROT_NONE		0x0
#define PROT_READ		0x1
#define PROT_WRITE		0x2
#define PROT_EXEC		0x4

#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_SHARED_VALIDATE	0x03
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_FILE		0
#define MAP_ANONYMOUS		0x20
#define MAP_ANON		MAP_ANONYMOUS
#define MAP_GROWSDOWN		0x00100
#define MAP_DENYWRITE		0x00800
#define MAP_EXECUTABLE		0x01000
#define MAP_LOCKED		0x02000
#define MAP_NORESERVE		0x04000
#define MAP_POPULATE		0x08000
#define MAP_NONBLOCK		0x10000
#define MAP_STACK		0x20000
#define MAP_HUGETLB		0x40000
#define MAP_SYNC		0x80000
#define MAP_FIXED_NOREPLACE	0x100000

#define MAP_FAILED		((void *)-1)

#define MADV_NORMAL		0
#define MADV_RANDOM		1
#define MADV_SEQUENTIAL		2
#define MADV_WILLNEED		3
#define MADV_DONTNEED		4
#define MADV_FREE		8
#define MADV_REMOVE		9
#define MADV_DONTFORK		10
#define MADV_DOFORK		11
#define MADV_MERGEABLE		12
#define MADV_UNMERGEABLE	13
#define MADV_HUGEPAGE		14
#define MADV_NOHUGEPAGE		15
#define MADV_DONTDUMP		16
#define MADV_DODUMP		17
#define MADV_WIPEONFORK		18
#define MADV_KEEPONFORK		19
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23

#define POSIX_MADV_NORMAL	0
#define POSIX_MADV_RANDOM	1
#define POSIX_MADV_SEQUENTIAL	2
#define POSIX_MADV_WILLNEED	3
#define POSIX_MADV_DONTNEED	4

#define MREMAP_MAYMOVE		1
#define MREMAP_FIXED		2
#define MREMAP_DONTUNMAP	4

#define MS_ASYNC		1
#define MS_INVALIDATE		2
#define MS_SYNC			4

/* Maps len bytes; anonymous memory only until a VFS exists (a file
 * mapping fails with ENODEV). Returns the address or MAP_FAILED + errno. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
/* Removes the mappings of the range. Returns 0 or -1 + errno. */
int munmap(void *addr, size_t len);
/* Changes the protection of a mapped range. Returns 0 or -1 + errno. */
int mprotect(void *addr, size_t len, int prot);
/* Advice on a mapped range (DONTNEED: next touch reads zero). */
int madvise(void *addr, size_t len, int advice);
int posix_madvise(void *addr, size_t len, int advice);
/* Resizes a mapping, in place or (MREMAP_MAYMOVE) elsewhere. */
void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...);
/* Nothing to write back without files: checks the range only. */
int msync(void *addr, size_t len, int flags);
/* Memory is never swapped: these only check the range. */
int mlock(const void *addr, size_t len);
int munlock(const void *addr, size_t len);

#endif /* _SYS_MMAN_H */

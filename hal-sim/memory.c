/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest physical memory is a memfd. Two virtual windows are reserved at
 * start (PROT_NONE, MAP_NORESERVE): the direct map of all physical memory
 * (mapped read-write from the memfd at once) and the guest's own address
 * space, where page-table entries will map pages. Both try fixed
 * addresses first, so addresses are the same from run to run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <uk/plat/bootinfo.h>
#include "sim.h"

#define DIRECT_MAP_HINT		0x100000000000UL	/* 16 TiB */
/* Low, so that classic static executables (linked at 0x400000) find
 * their addresses in it (core/vmem leaves the first 4 GiB to fixed
 * requests); above it is only host code (Syscall User Dispatch, sud.c). */
#define GUEST_VAS_HINT		0x200000UL		/* 2 MiB */
/* Where the low window is taken (valgrind lives there): no fixed-address
 * executables then. */
#define GUEST_VAS_HINT2		0x200000000000UL	/* 32 TiB */
#define GUEST_VAS_SIZE		(32UL << 30)	/* below the image (64 GiB) */
#define GUEST_VAS_MIN		(1UL << 30)

int sim_memfd = -1;
size_t sim_mem_size;
void *sim_direct_map;
void *sim_guest_vas;
size_t sim_guest_vas_size;

static void die(const char *what)
{
	fprintf(stderr, "amphi: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Reserves len bytes of address space, at hint if it is free, else at
 * hint2 (if not 0), else anywhere 2 MiB-aligned (large pages; the heap needs 16 KiB alignment). */
static void *reserve(unsigned long hint, unsigned long hint2, size_t len)
{
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	const size_t align = 2UL << 20;
	uintptr_t p, aligned;

	p = (uintptr_t)mmap((void *)hint, len, PROT_NONE,
			    flags | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == hint)
		return (void *)p;
	/* Taken; or not understood (valgrind): a hint put elsewhere. */
	if ((void *)p != MAP_FAILED)
		munmap((void *)p, len);
	if (hint2)
		return reserve(hint2, 0, len);
	p = (uintptr_t)mmap(NULL, len + align, PROT_NONE, flags, -1, 0);
	if ((void *)p == MAP_FAILED)
		return NULL;
	aligned = (p + align - 1) & ~(align - 1);
	if (aligned > p)
		munmap((void *)p, aligned - p);
	munmap((void *)(aligned + len), p + align - aligned);
	return (void *)aligned;
}

static void add_region(struct ukplat_bootinfo *bi, __paddr_t pbase,
		       __vaddr_t vbase, size_t len, int type, int flags,
		       const char *name)
{
	struct ukplat_memregion_desc mrd = {
		.pbase = pbase, .vbase = vbase, .len = len,
		.type = (__u16)type, .flags = (__u16)flags,
	};

	strncpy(mrd.name, name, sizeof(mrd.name) - 1);
	if (ukplat_bootinfo_add_mrd(bi, &mrd) < 0) {
		fprintf(stderr, "amphi: too many memory regions\n");
		exit(2);
	}
}

void sim_memory_init(struct ukplat_bootinfo *bi, size_t mem_size,
		     size_t initrd_len)
{
	const int rw = UKPLAT_MEMRF_READ | UKPLAT_MEMRF_WRITE |
		       UKPLAT_MEMRF_MAP;
	/* The initrd's pages follow RAM: physical memory, never free. */
	size_t phys_size = mem_size + PAGE_ALIGN_UP(initrd_len);
	__vaddr_t dm;

	sim_memfd = memfd_create("amphi-phys", MFD_CLOEXEC);
	if (sim_memfd < 0)
		die("memfd_create");
	if (ftruncate(sim_memfd, (off_t)phys_size) < 0)
		die("cannot size guest memory");

	sim_direct_map = reserve(DIRECT_MAP_HINT, 0, phys_size);
	if (!sim_direct_map)
		die("cannot reserve the direct-map window");
	if (mmap(sim_direct_map, phys_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, sim_memfd, 0) == MAP_FAILED)
		die("cannot map guest memory");

	for (sim_guest_vas_size = GUEST_VAS_SIZE;
	     sim_guest_vas_size >= GUEST_VAS_MIN; sim_guest_vas_size /= 2) {
		sim_guest_vas = reserve(GUEST_VAS_HINT, GUEST_VAS_HINT2,
					sim_guest_vas_size);
		if (sim_guest_vas)
			break;
	}
	if (!sim_guest_vas)
		die("cannot reserve the guest address-space window");

	sim_mem_size = phys_size;
	dm = (__vaddr_t)sim_direct_map;
	bi->dm_off = dm;
	/* Physical page 0 stays unused, so paddr 0 never names a frame. */
	add_region(bi, 0, dm, PAGE_SIZE, UKPLAT_MEMRT_RESERVED, rw,
		   "null frame");
	/* A new memfd reads as zeros: the kernel need not clear it (and
	 * touching it would make the host back it). */
	add_region(bi, PAGE_SIZE, dm + PAGE_SIZE, mem_size - PAGE_SIZE,
		   UKPLAT_MEMRT_FREE, rw | UKPLAT_MEMRF_ZEROED, "ram");
	add_region(bi, __PADDR_ANY, (__vaddr_t)sim_guest_vas,
		   sim_guest_vas_size, UKPLAT_MEMRT_VAS, UKPLAT_MEMRF_READ |
		   UKPLAT_MEMRF_WRITE | UKPLAT_MEMRF_EXECUTE, "vas");
}

void sim_initrd_load(struct ukplat_bootinfo *bi, int fd, size_t len,
		     const char *path)
{
	size_t pa = sim_mem_size - PAGE_ALIGN_UP(len), done = 0;
	char *dst = (char *)sim_direct_map + pa;
	ssize_t n;

	while (done < len) {
		n = pread(fd, dst + done, len - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "amphi: cannot read initrd '%s': %s\n",
				path, n ? strerror(errno) : "file shrank");
			exit(2);
		}
		done += (size_t)n;
	}
	close(fd);
	add_region(bi, pa, (__vaddr_t)dst, PAGE_ALIGN_UP(len),
		   UKPLAT_MEMRT_INITRD, UKPLAT_MEMRF_READ | UKPLAT_MEMRF_WRITE,
		   "initrd");
	bi->initrd = (__vaddr_t)dst;
	bi->initrd_len = len;
}

/* Bounds of the guest image's sections (tools/guest.lds). */
extern char __amphi_text_start[], __amphi_text_end[];
extern char __amphi_rodata_start[], __amphi_rodata_end[];
extern char __amphi_data_start[], __amphi_data_end[];
extern char __amphi_bss_start[], __amphi_bss_end[];

static void add_image_section(struct ukplat_bootinfo *bi, char *start,
			      char *stop, int flags, const char *name)
{
	__vaddr_t base = PAGE_ALIGN_DOWN((__vaddr_t)start);
	__vaddr_t end = PAGE_ALIGN_UP((__vaddr_t)stop);

	/* In sim the image is part of the host executable, not of guest
	 * physical memory (see SIM_IMAGE_PHYS_OFF). */
	if (end > base)
		add_region(bi, base + SIM_IMAGE_PHYS_OFF, base, end - base,
			   UKPLAT_MEMRT_KERNEL, flags | UKPLAT_MEMRF_MAP,
			   name);
}

/* Top of the main thread's stack, from glibc. */
extern void *__libc_stack_end;

#define BOOT_STACK_MAX	(1UL << 30)	/* when RLIMIT_STACK is unlimited */

/* The boot stack is the main thread's: it may grow down to RLIMIT_STACK
 * below its top. (pthread_getattr_np would parse /proc/self/maps, which
 * costs more than the rest of the boot.) */
static void add_boot_stack(struct ukplat_bootinfo *bi)
{
	__vaddr_t top = PAGE_ALIGN_UP((__vaddr_t)__libc_stack_end);
	struct rlimit rl;
	size_t size = BOOT_STACK_MAX;

	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur < size)
		size = PAGE_ALIGN_UP(rl.rlim_cur);
	add_region(bi, __PADDR_ANY, top - size, size, UKPLAT_MEMRT_STACK,
		   UKPLAT_MEMRF_READ | UKPLAT_MEMRF_WRITE, "boot stack");
}

void sim_image_regions(struct ukplat_bootinfo *bi)
{
	const int r = UKPLAT_MEMRF_READ;
	const int rw = UKPLAT_MEMRF_READ | UKPLAT_MEMRF_WRITE;

	add_image_section(bi, __amphi_text_start, __amphi_text_end,
			  r | UKPLAT_MEMRF_EXECUTE, "text");
	add_image_section(bi, __amphi_rodata_start, __amphi_rodata_end, r,
			  "rodata");
	add_image_section(bi, __amphi_data_start, __amphi_data_end, rw,
			  "data");
	add_image_section(bi, __amphi_bss_start, __amphi_bss_end, rw, "bss");
	add_boot_stack(bi);
}

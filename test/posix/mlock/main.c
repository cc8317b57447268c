/*
 * Locking memory: mlock, mlock2 (MLOCK_ONFAULT; other flags EINVAL),
 * mlockall (MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT with one of them; no
 * flag, MCL_ONFAULT alone or an unknown one EINVAL), munlockall, and
 * ENOMEM for a range that is not mapped (mlock(2)). Locked memory stays
 * usable, and memory mapped after MCL_FUTURE too. mlock2 is called raw:
 * musl's wrapper turns flags 0 into mlock. Run as root (no
 * RLIMIT_MEMLOCK).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../posix-check.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT	1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT	4
#endif

static long sys_mlock2(const void *addr, size_t len, unsigned int flags)
{
	return syscall(SYS_mlock2, addr, len, flags);
}

static void check_ranges(void)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	CHECK(mlock(p, 4096) == 0);
	CHECK(munlock(p, 4096) == 0);
	/* Unaligned: the pages it touches. */
	CHECK(mlock(p + 100, 5000) == 0);
	CHECK(munlock(p + 100, 5000) == 0);
	CHECK(sys_mlock2(p, 4096, 0) == 0);
	CHECK(sys_mlock2(p, 3 * 4096, MLOCK_ONFAULT) == 0);
	CHECK(mlock2(p, 4096, MLOCK_ONFAULT) == 0);
	CHECK(sys_mlock2(p, 4096, 2) == -1 && errno == EINVAL);
	CHECK(sys_mlock2(p, 4096, ~0u) == -1 && errno == EINVAL);
	CHECK(munlock(p, 3 * 4096) == 0);
	/* A hole in the range. */
	CHECK(munmap(p + 4096, 4096) == 0);
	CHECK(mlock(p, 3 * 4096) == -1 && errno == ENOMEM);
	CHECK(sys_mlock2(p, 3 * 4096, MLOCK_ONFAULT) == -1 &&
	      errno == ENOMEM);
	CHECK(sys_mlock2(p + 4096, 4096, 0) == -1 && errno == ENOMEM);
	/* Flags are checked before the range. */
	CHECK(sys_mlock2(p + 4096, 4096, 8) == -1 && errno == EINVAL);
	CHECK(sys_mlock2(p, 4096, 0) == 0);
	memset(p, 1, 4096);
	CHECK(p[4095] == 1);
	CHECK(munlock(p, 4096) == 0);
	munmap(p, 3 * 4096);
}

static void check_all(void)
{
	char *p;

	CHECK(mlockall(0) == -1 && errno == EINVAL);
	CHECK(mlockall(MCL_ONFAULT) == -1 && errno == EINVAL);
	CHECK(mlockall(8) == -1 && errno == EINVAL);
	CHECK(mlockall(MCL_CURRENT | 16) == -1 && errno == EINVAL);
	CHECK(mlockall(MCL_CURRENT) == 0);
	CHECK(mlockall(MCL_FUTURE) == 0);
	CHECK(mlockall(MCL_CURRENT | MCL_ONFAULT) == 0);
	CHECK(mlockall(MCL_FUTURE | MCL_ONFAULT) == 0);
	CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == 0);
	/* Mapped after MCL_FUTURE: locked too, and usable. */
	p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		memset(p, 7, 8 * 4096);
		CHECK(p[8 * 4096 - 1] == 7);
		CHECK(munmap(p, 8 * 4096) == 0);
	}
	CHECK(munlockall() == 0);
	CHECK(munlockall() == 0);
}

int main(void)
{
	check_ranges();
	check_all();
	return posix_check_summary();
}

/*
 * getrandom, getentropy and the random devices as an app sees them, the
 * same on Linux and on Amphi: counts, flags and errors (EINVAL, EFAULT,
 * EIO, short counts when a buffer ends part way), fresh bytes on every
 * call, every byte value in 1 MiB, writes to the devices accepted.
 * /dev/hwrng is checked only when it opens (the host may not allow it),
 * and prints the same either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../posix-check.h"

#define PG	4096UL
#define MIB	(1UL << 20)

/* Two pages, the second unmapped. */
static unsigned char *half_mapped(void)
{
	unsigned char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + PG, PG);
	return p;
}

/* Every byte value, each within 10 standard deviations of the mean. */
static int looks_uniform(const unsigned char *p, size_t len)
{
	static unsigned long count[256];
	double mean = len / 256.0, sd = 0;
	size_t i;

	memset(count, 0, sizeof(count));
	for (i = 0; i < len; i++)
		count[p[i]]++;
	/* sd of a bin: sqrt(len * 1/256 * 255/256), about 64 for 1 MiB */
	sd = 64.0 * (double)len / MIB;
	if (len != MIB)
		return 0;
	for (i = 0; i < 256; i++)
		if (count[i] == 0 || count[i] < mean - 10 * sd ||
		    count[i] > mean + 10 * sd)
			return 0;
	return 1;
}

static void check_getrandom(void)
{
	unsigned char a[64], b[64], *p = half_mapped();
	size_t big = 32 * MIB + PG;
	unsigned char *q;

	printf("getrandom\n");
	CHECK(getrandom(a, sizeof(a), 0) == 64);
	CHECK(getrandom(b, sizeof(b), 0) == 64);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(getrandom(a, 64, GRND_NONBLOCK) == 64);
	CHECK(getrandom(a, 64, GRND_RANDOM) == 64);
	CHECK(getrandom(a, 64, GRND_RANDOM | GRND_NONBLOCK) == 64);
	CHECK(getrandom(a, 64, GRND_INSECURE) == 64);
	CHECK(getrandom(a, 64, GRND_INSECURE | GRND_NONBLOCK) == 64);
	CHECK(getrandom(a, 1, 0) == 1);
	CHECK(getrandom(NULL, 0, 0) == 0);

	errno = 0;
	CHECK(getrandom(a, 64, 0x08) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(getrandom(a, 64, GRND_INSECURE | GRND_RANDOM) == -1 &&
	      errno == EINVAL);
	errno = 0;
	CHECK(getrandom(NULL, 0, 0x100) == -1 && errno == EINVAL);

	CHECK(p != NULL);
	if (!p)
		return;
	errno = 0;
	CHECK(getrandom(p + PG, 16, 0) == -1 && errno == EFAULT);
	/* A buffer that ends part way: the bytes before the fault. */
	CHECK(getrandom(p + PG - 16, 100, 0) == 16);
	CHECK(getrandom(p + 100, 3 * PG, 0) == (ssize_t)(PG - 100));
	munmap(p, PG);

	/* Large requests are served whole. */
	q = mmap(NULL, big, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED);
	if (q == MAP_FAILED)
		return;
	CHECK(getrandom(q, big, 0) == (ssize_t)big);
	CHECK(memcmp(q, q + big - 64, 64) != 0);
	CHECK(looks_uniform(q + 3 * MIB, MIB));
	munmap(q, big);
}

static void check_getentropy(void)
{
	unsigned char buf[300], *p = half_mapped();

	printf("getentropy\n");
	CHECK(getentropy(buf, 256) == 0);
	CHECK(getentropy(buf, 0) == 0);
	errno = 0;
	CHECK(getentropy(buf, 257) == -1 && errno == EIO);
	CHECK(p != NULL);
	if (!p)
		return;
	errno = 0;
	CHECK(getentropy(p + PG, 16) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(getentropy(p + PG - 16, 100) == -1 && errno == EFAULT);
	munmap(p, PG);
}

static void check_device(const char *path)
{
	unsigned char a[1000], b[1000], c[24], *big = malloc(MIB);
	unsigned char *hole = half_mapped();
	struct iovec iov[2] = { { a, 10 }, { b, 30 } };
	struct stat st;
	int fd, fd2;

	printf("%s\n", path);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(read(fd, a, sizeof(a)) == (ssize_t)sizeof(a));
	CHECK(read(fd, b, sizeof(b)) == (ssize_t)sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(read(fd, c, 0) == 0);
	CHECK(readv(fd, iov, 2) == 40);
	CHECK(big != NULL && read(fd, big, MIB) == (ssize_t)MIB);
	CHECK(big != NULL && looks_uniform(big, MIB));
	CHECK(hole != NULL);
	errno = 0;
	CHECK(hole && read(fd, hole + PG, 16) == -1 && errno == EFAULT);
	CHECK(hole && read(fd, hole + PG - 8, 16) == 8);
	/* Not open for writing. */
	errno = 0;
	CHECK(write(fd, "x", 1) == -1 && errno == EBADF);

	/* Writes are accepted (mixed in). */
	fd2 = open(path, O_RDWR);
	CHECK(fd2 >= 0);
	CHECK(write(fd2, "some seed material", 18) == 18);
	CHECK(write(fd2, big, 4096) == 4096);
	CHECK(read(fd2, c, sizeof(c)) == (ssize_t)sizeof(c));
	CHECK(close(fd2) == 0);
	CHECK(close(fd) == 0);
	free(big);
	if (hole)
		munmap(hole, PG);
}

static void check_hwrng(void)
{
	unsigned char a[64], b[64];
	int fd = open("/dev/hwrng", O_RDONLY), ok = 1;

	printf("/dev/hwrng\n");
	if (fd < 0)
		return;
	ok &= read(fd, a, sizeof(a)) == (ssize_t)sizeof(a);
	ok &= read(fd, b, sizeof(b)) == (ssize_t)sizeof(b);
	ok &= memcmp(a, b, sizeof(a)) != 0;
	ok &= close(fd) == 0;
	/* Read-only, as on Linux. */
	fd = open("/dev/hwrng", O_RDWR);
	ok &= fd == -1 && errno == EINVAL;
	if (fd >= 0)
		close(fd);
	CHECK(ok);
}

int main(void)
{
	int fd;

	check_getrandom();
	check_getentropy();
	check_device("/dev/urandom");
	check_device("/dev/random");
	check_hwrng();
	/* Nothing left open: the next fd is the lowest free one, 3. */
	fd = open("/dev/urandom", O_RDONLY);
	CHECK(fd == 3);
	close(fd);
	return posix_check_summary();
}

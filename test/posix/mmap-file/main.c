/*
 * mmap of files, checked the same way on Linux and on Amphi:
 * MAP_SHARED (the file's own pages: writes through the mapping reach
 * read(), write() reaches the mapping, two mappings see each other),
 * MAP_PRIVATE (copies: nothing reaches the file), offsets, the partial
 * last page, msync, mappings that outlive close() and unlink(),
 * truncation and growth while mapped, mremap, write() from a mapping of
 * the same file, and the errors (EACCES, ENODEV, EBADF, EINVAL,
 * EOPNOTSUPP).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../posix-check.h"

#define PG	4096
#define SIZE	(3 * PG + 100)

static char path[64], path2[64];

static int make_file(void)
{
	char buf[SIZE];
	int fd, i;

	for (i = 0; i < SIZE; i++)
		buf[i] = (char)('a' + i % 26);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, buf, SIZE) == SIZE);
	return fd;
}

static char byte_at(int fd, off_t off)
{
	char c = 0;

	CHECK(pread(fd, &c, 1, off) == 1);
	return c;
}

static void test_shared(void)
{
	int fd = make_file(), i, bad = 0;
	char *m, *m2;

	m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m2 = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && m2 != MAP_FAILED && m != m2);
	for (i = 0; i < SIZE; i++)
		bad += m[i] != (char)('a' + i % 26);
	CHECK(bad == 0);
	/* The rest of the last page reads as zeros. */
	for (i = SIZE; i < 4 * PG; i++)
		bad += m[i] != 0;
	CHECK(bad == 0);
	/* Both ways between the mapping and the file. */
	m[5] = 'X';
	m[2 * PG + 7] = 'Y';
	CHECK(byte_at(fd, 5) == 'X' && byte_at(fd, 2 * PG + 7) == 'Y');
	CHECK(m2[5] == 'X' && m2[2 * PG + 7] == 'Y');
	CHECK(pwrite(fd, "Z", 1, PG + 1) == 1);
	CHECK(m[PG + 1] == 'Z' && m2[PG + 1] == 'Z');
	CHECK(msync(m, SIZE, MS_SYNC) == 0);
	CHECK(msync(m, PG, MS_ASYNC) == 0);
	errno = 0;
	CHECK(msync(m, PG, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);
	/* write() from a mapping of the same file. */
	CHECK(pwrite(fd, m, 10, 3 * PG) == 10);
	CHECK(m[3 * PG + 5] == 'X');
	/* The mapping outlives the fd and the name. */
	close(fd);
	unlink(path);
	m[6] = 'W';
	CHECK(m2[6] == 'W');
	CHECK(munmap(m, SIZE) == 0);
	CHECK(m2[6] == 'W');
	CHECK(munmap(m2, SIZE) == 0);
}

static void test_private_and_offset(void)
{
	int fd = make_file(), i, bad = 0;
	char *p, *s, *o;

	p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	s = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && s != MAP_FAILED);
	p[0] = 'P';
	p[3 * PG] = 'Q';
	CHECK(byte_at(fd, 0) == 'a' && s[0] == 'a');
	CHECK(p[1] == 'b');
	CHECK(munmap(p, SIZE) == 0);
	CHECK(byte_at(fd, 3 * PG) == (char)('a' + 3 * PG % 26));
	/* An offset: the file from its second page on. */
	o = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
	CHECK(o != MAP_FAILED);
	for (i = 0; i < PG; i++)
		bad += o[i] != (char)('a' + (PG + i) % 26);
	CHECK(bad == 0);
	CHECK(munmap(o, PG) == 0);
	CHECK(munmap(s, SIZE) == 0);
	close(fd);
	unlink(path);
}

static void test_truncate_while_mapped(void)
{
	int fd = make_file(), i, bad = 0;
	char *m, *q;

	m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	m[3 * PG] = 'T';
	CHECK(ftruncate(fd, PG + 10) == 0);
	/* Inside the new size: still the data; after it in the last page,
	 * zeros. (A touch of the pages past it is SIGBUS: the crash app
	 * shows that on Amphi.) */
	CHECK(m[0] == 'a' && m[PG + 9] == (char)('a' + (PG + 9) % 26));
	for (i = PG + 10; i < 2 * PG; i++)
		bad += m[i] != 0;
	CHECK(bad == 0);
	/* The kernel reading past the end through the mapping: EFAULT. */
	errno = 0;
	CHECK(pwrite(fd, m + 2 * PG, 10, 0) == -1 && errno == EFAULT);
	CHECK(byte_at(fd, 0) == 'a');
	/* Grown again: the pages are back, as zeros. */
	CHECK(ftruncate(fd, 4 * PG) == 0);
	CHECK(m[3 * PG] == 0 && m[2 * PG] == 0);
	m[3 * PG + 1] = 'G';
	CHECK(byte_at(fd, 3 * PG + 1) == 'G');
	/* mremap moves it with its contents. */
	q = mremap(m, 4 * PG, 8 * PG, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	if (q != MAP_FAILED) {
		CHECK(q[3 * PG + 1] == 'G' && q[0] == 'a');
		q[1] = 'M';
		CHECK(byte_at(fd, 1) == 'M');
		m = q;
	}
	CHECK(munmap(m, q != MAP_FAILED ? 8 * PG : 4 * PG) == 0);
	close(fd);
	unlink(path);
}

static void test_errors(void)
{
	int fd = make_file(), ro, wo, dir, p[2];
	void *m;

	close(fd);
	ro = open(path, O_RDONLY);
	wo = open(path, O_WRONLY);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
	      errno == EACCES);
	/* Private copies may be written whatever the fd. */
	m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	CHECK(m != MAP_FAILED);
	munmap(m, PG);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED &&
	      errno == EACCES);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 100) == MAP_FAILED &&
	      errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x200000, ro,
		   0) == MAP_FAILED && errno == EOPNOTSUPP);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 1000, 0) == MAP_FAILED &&
	      errno == EBADF);
	CHECK(pipe(p) == 0);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, p[0], 0) == MAP_FAILED &&
	      errno == ENODEV);
	dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0) == MAP_FAILED &&
	      errno == ENODEV);
	close(p[0]);
	close(p[1]);
	close(dir);
	close(ro);
	close(wo);
	unlink(path);
}

int main(void)
{
	mkdir("/tmp", 0777);	/* Amphi's root starts empty */
	snprintf(path, sizeof(path), "/tmp/mmap-file-%d", (int)getpid());
	snprintf(path2, sizeof(path2), "/tmp/mmap-file2-%d", (int)getpid());
	test_shared();
	test_private_and_offset();
	test_truncate_while_mapped();
	test_errors();
	return posix_check_summary();
}

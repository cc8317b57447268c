/*
 * The file namespace (core/vfs over ramfs): the file layer on ramfs
 * files, unlink while open, hard links, rename rules, symlink loops and
 * the follow limit, a directory of 10k entries, and that deleting gives
 * back every frame and heap byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/falloc.h>
#include <uk/fdtab.h>
#include <uk/ramfs.h>
#include <uk/test.h>
#include <uk/vfs.h>
#include "heap_avail.h"

static ssize_t kwrite(struct uk_ofile *of, const void *buf, __sz len,
		      off_t off)
{
	struct iovec iov = { (void *)buf, len };

	return uk_ofile_write(of, &iov, 1, off < 0 ? NULL : &off);
}

static ssize_t kread(struct uk_ofile *of, void *buf, __sz len, off_t off)
{
	struct iovec iov = { buf, len };

	return uk_ofile_read(of, &iov, 1, off < 0 ? NULL : &off);
}

static struct uk_ofile *kopen(const char *path, int flags)
{
	struct uk_file *f = uk_vfs_open_file(AT_FDCWD, path, flags, 0644);

	if (PTRISERR(f))
		return NULL;
	return uk_ofile_create(f, flags);
}

UK_TESTCASE(vfs, file_layer_over_ramfs)
{
	struct uk_ofile *of;
	struct stat st;
	char buf[16];

	UK_TEST_ASSERT(uk_vfs_mkdirat(AT_FDCWD, "/tv", 0755) == 0);
	of = kopen("/tv/f", O_CREAT | O_RDWR | O_EXCL);
	UK_TEST_ASSERT(of != NULL);
	UK_TEST_EXPECT_SNUM_EQ(kwrite(of, "abcdef", 6, -1), 6);
	UK_TEST_EXPECT_SNUM_EQ(of->pos, 6);
	UK_TEST_EXPECT_SNUM_EQ(kread(of, buf, 3, 2), 3);
	UK_TEST_EXPECT(!memcmp(buf, "cde", 3));
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/tv/f", &st, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(st.st_size, 6);
	UK_TEST_EXPECT(S_ISREG(st.st_mode));
	uk_ofile_put(of);
	UK_TEST_EXPECT_PTR_EQ(kopen("/tv/f", O_CREAT | O_EXCL | O_RDWR),
			      NULL);
	UK_TEST_EXPECT_SNUM_EQ(PTR2ERR(uk_vfs_open_file(AT_FDCWD, "/tv/none",
							O_RDONLY, 0)),
			       -ENOENT);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/tv/f", 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/tv",
					       AT_REMOVEDIR), 0);
}

UK_TESTCASE(vfs, unlinked_open_file_lives_until_closed)
{
	unsigned long nodes = uk_ramfs_nodes();
	struct uk_ofile *of = kopen("/ul", O_CREAT | O_RDWR);
	char buf[8];

	UK_TEST_ASSERT(of != NULL);
	UK_TEST_EXPECT_UNUM_EQ(uk_ramfs_nodes(), nodes + 1);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/ul", 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(kwrite(of, "alive", 5, 0), 5);
	UK_TEST_EXPECT_SNUM_EQ(kread(of, buf, 8, 0), 5);
	UK_TEST_EXPECT(!memcmp(buf, "alive", 5));
	UK_TEST_EXPECT_UNUM_EQ(uk_ramfs_nodes(), nodes + 1);
	uk_ofile_put(of);
	UK_TEST_EXPECT_UNUM_EQ(uk_ramfs_nodes(), nodes);
}

UK_TESTCASE(vfs, hard_links_count)
{
	struct stat st;

	UK_TEST_ASSERT(uk_vfs_mknodat(AT_FDCWD, "/h1", S_IFREG | 0600, 0) ==
		       0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_linkat(AT_FDCWD, "/h1", AT_FDCWD, "/h2",
					     0), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_linkat(AT_FDCWD, "/h1", AT_FDCWD, "/h2",
					     0), -EEXIST);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_linkat(AT_FDCWD, "/", AT_FDCWD, "/h3",
					     0), -EPERM);
	uk_vfs_fstatat(AT_FDCWD, "/h2", &st, 0);
	UK_TEST_EXPECT_UNUM_EQ(st.st_nlink, 2);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/h1", 0), 0);
	uk_vfs_fstatat(AT_FDCWD, "/h2", &st, 0);
	UK_TEST_EXPECT_UNUM_EQ(st.st_nlink, 1);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/h2", 0), 0);
}

UK_TESTCASE(vfs, rename_rules)
{
	struct stat st;

	UK_TEST_ASSERT(uk_vfs_mkdirat(AT_FDCWD, "/rn", 0755) == 0);
	uk_vfs_mkdirat(AT_FDCWD, "/rn/a", 0755);
	uk_vfs_mkdirat(AT_FDCWD, "/rn/a/b", 0755);
	uk_vfs_mkdirat(AT_FDCWD, "/rn/e", 0755);
	uk_vfs_mknodat(AT_FDCWD, "/rn/f", S_IFREG | 0600, 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_renameat2(AT_FDCWD, "/rn/a", AT_FDCWD,
						"/rn/a/b/c", 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_renameat2(AT_FDCWD, "/rn/f", AT_FDCWD,
						"/rn/e", 0), -EISDIR);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_renameat2(AT_FDCWD, "/rn/e", AT_FDCWD,
						"/rn/f", 0), -ENOTDIR);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_renameat2(AT_FDCWD, "/rn/e", AT_FDCWD,
						"/rn/a", 0), -ENOTEMPTY);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_renameat2(AT_FDCWD, "/rn/a", AT_FDCWD,
						"/rn/e", 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/rn/e/b/..", &st,
					      0), 0);
	UK_TEST_EXPECT_UNUM_EQ(st.st_nlink, 3);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_renameat2(AT_FDCWD, "/rn/f", AT_FDCWD,
						"/rn/e/b", RENAME_EXCHANGE),
			       0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/rn/f", &st, 0), 0);
	UK_TEST_EXPECT(S_ISDIR(st.st_mode));
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/rn/f/..", &st, 0),
			       0);
	UK_TEST_EXPECT_UNUM_EQ(st.st_nlink, 4);	/* /rn: e, f */
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/rn/e/b", 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/rn/e",
					       AT_REMOVEDIR), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/rn/f",
					       AT_REMOVEDIR), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/rn",
					       AT_REMOVEDIR), 0);
}

UK_TESTCASE(vfs, symlink_follow_limit)
{
	char a[16], b[16];
	struct stat st;
	int i;

	UK_TEST_ASSERT(uk_vfs_mkdirat(AT_FDCWD, "/sl", 0755) == 0);
	uk_vfs_mknodat(AT_FDCWD, "/sl/l0", S_IFREG | 0600, 0);
	/* l41 -> l40 -> ... -> l1 -> l0 (the file). */
	for (i = 1; i <= 41; i++) {
		snprintf(a, sizeof(a), "l%d", i - 1);
		snprintf(b, sizeof(b), "/sl/l%d", i);
		UK_TEST_ASSERT(uk_vfs_symlinkat(a, AT_FDCWD, b) == 0);
	}
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/sl/l40", &st, 0),
			       0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/sl/l41", &st, 0),
			       -ELOOP);
	uk_vfs_symlinkat("self", AT_FDCWD, "/sl/self");
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/sl/self/x", &st, 0),
			       -ELOOP);
	for (i = 0; i <= 41; i++) {
		snprintf(b, sizeof(b), "/sl/l%d", i);
		UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, b, 0), 0);
	}
	uk_vfs_unlinkat(AT_FDCWD, "/sl/self", 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/sl",
					       AT_REMOVEDIR), 0);
}

#define BIG_DIR	10000

static int make_many(void)
{
	char name[32];
	int i, rc;

	for (i = 0; i < BIG_DIR; i++) {
		snprintf(name, sizeof(name), "/big/f%d", i);
		rc = uk_vfs_mknodat(AT_FDCWD, name, S_IFREG | 0600, 0);
		if (rc)
			return rc;
	}
	return 0;
}

/* Lists /big, removing every other entry while listing: each survivor
 * is seen exactly once. Returns the number of records seen. */
static int list_removing(void)
{
	static char buf[1024];
	char name[300];
	int fd = uk_vfs_openat(AT_FDCWD, "/big", O_RDONLY | O_DIRECTORY, 0);
	int seen = 0, odd = 0;
	ssize_t got, off;

	if (fd < 0)
		return fd;
	while ((got = uk_vfs_getdents(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < got;) {
			unsigned short reclen = *(unsigned short *)(buf + off +
								     16);
			const char *n = buf + off + 19;

			off += reclen;
			seen++;
			if (n[0] != 'f' || !(odd ^= 1))
				continue;
			snprintf(name, sizeof(name), "/big/%s", n);
			uk_vfs_unlinkat(AT_FDCWD, name, 0);
		}
	}
	uk_fdtab_close(fd);
	return seen;
}

UK_TESTCASE(vfs, ten_thousand_entries)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	__ssz heap = heap_avail(uk_alloc_get_default());
	unsigned long frames = fa->free_memory;
	char name[32];
	struct stat st;
	int i;

	UK_TEST_ASSERT(uk_vfs_mkdirat(AT_FDCWD, "/big", 0755) == 0);
	UK_TEST_ASSERT(make_many() == 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/big/f9999", &st, 0),
			       0);
	UK_TEST_EXPECT_SNUM_EQ(list_removing(), BIG_DIR + 2);
	for (i = 0, st.st_nlink = 0; i < BIG_DIR; i++) {
		snprintf(name, sizeof(name), "/big/f%d", i);
		if (uk_vfs_unlinkat(AT_FDCWD, name, 0) == 0)
			st.st_nlink++;
	}
	UK_TEST_EXPECT_UNUM_EQ(st.st_nlink, BIG_DIR / 2);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/big",
					       AT_REMOVEDIR), 0);
	/* Everything went back (the heap may keep slab caches: allow for
	 * them by doing it again and comparing then). */
	(void)heap;
	(void)frames;
	heap = heap_avail(uk_alloc_get_default());
	frames = fa->free_memory;
	UK_TEST_ASSERT(uk_vfs_mkdirat(AT_FDCWD, "/big", 0755) == 0);
	UK_TEST_ASSERT(make_many() == 0);
	UK_TEST_EXPECT_SNUM_EQ(list_removing(), BIG_DIR + 2);
	for (i = 0; i < BIG_DIR; i++) {
		snprintf(name, sizeof(name), "/big/f%d", i);
		uk_vfs_unlinkat(AT_FDCWD, name, 0);
	}
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_unlinkat(AT_FDCWD, "/big",
					       AT_REMOVEDIR), 0);
	UK_TEST_EXPECT_SNUM_EQ(heap_avail(uk_alloc_get_default()),
			       heap);
	UK_TEST_EXPECT_UNUM_EQ(fa->free_memory, frames);
}

UK_TESTCASE(vfs, dev_nodes)
{
	struct uk_file *f = uk_vfs_open_file(AT_FDCWD, "/dev/zero", O_RDWR, 0);
	struct uk_ofile *of;
	char buf[8] = "xxxxxxx";
	struct stat st;

	UK_TEST_EXPECT_SNUM_EQ(PTRISERR(f) ? PTR2ERR(f) : 0, 0);
	of = PTRISERR(f) ? NULL : uk_ofile_create(f, O_RDWR);
	UK_TEST_ASSERT(of != NULL);
	UK_TEST_EXPECT_SNUM_EQ(kread(of, buf, sizeof(buf), -1), 8);
	UK_TEST_EXPECT(buf[0] == 0 && buf[7] == 0);
	UK_TEST_EXPECT_SNUM_EQ(kwrite(of, buf, sizeof(buf), -1), 8);
	uk_ofile_put(of);
	of = kopen("/dev/null", O_RDWR);
	UK_TEST_ASSERT(of != NULL);
	UK_TEST_EXPECT_SNUM_EQ(kread(of, buf, sizeof(buf), -1), 0);
	UK_TEST_EXPECT_SNUM_EQ(kwrite(of, buf, 5, -1), 5);
	uk_ofile_put(of);
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_fstatat(AT_FDCWD, "/dev/null", &st, 0),
			       0);
	UK_TEST_EXPECT(S_ISCHR(st.st_mode));
	UK_TEST_EXPECT_SNUM_EQ(uk_vfs_mkdirat(AT_FDCWD, "/dev", 0755),
			       -EEXIST);
}

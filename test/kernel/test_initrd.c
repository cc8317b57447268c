/*
 * The initrd's cpio (newc) unpacker, fed archives built in memory: what a
 * valid archive makes, and that truncated, corrupt and hostile ones stop
 * with -EINVAL at the bad entry, keeping the entries before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uk/initrd.h>
#include <uk/print.h>
#include <uk/test.h>
#include <uk/vfs.h>

#include "file_contents.h"

#define M_REG	(S_IFREG | 0644)
#define M_DIR	(S_IFDIR | 0755)
#define M_LNK	(S_IFLNK | 0777)
#define MTIME	1234567890

struct ar {
	char buf[16384];
	size_t len;
	const char *magic;
};

static struct ar ar;

static void ar_reset(const char *magic)
{
	memset(ar.buf, 0, sizeof(ar.buf));
	ar.len = 0;
	ar.magic = magic;
}

static void ar_pad(void)
{
	while (ar.len & 3)
		ar.buf[ar.len++] = 0;
}

/* Appends an entry; namesize and filesize may lie (nsz/fsz != -1). */
static void ar_raw(unsigned int ino, unsigned int mode, unsigned int nlink,
		   const char *name, long nsz, const void *data, size_t len,
		   long fsz, unsigned int check)
{
	size_t n = strlen(name) + 1;

	UK_TEST_ASSERT(ar.len + 110 + n + len + 8 < sizeof(ar.buf));
	snprintf(ar.buf + ar.len, 111,
		 "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 ar.magic, ino, mode, 0, 0, nlink, MTIME,
		 fsz < 0 ? (unsigned int)len : (unsigned int)fsz, 0, 0, 0, 0,
		 nsz < 0 ? (unsigned int)n : (unsigned int)nsz, check);
	ar.len += 110;
	memcpy(ar.buf + ar.len, name, n);
	ar.len += n;
	ar_pad();
	memcpy(ar.buf + ar.len, data, len);
	ar.len += len;
	ar_pad();
}

static unsigned int sum(const char *s)
{
	unsigned int c = 0;

	while (*s)
		c += (unsigned char)*s++;
	return c;
}

static void ar_add(unsigned int ino, unsigned int mode, unsigned int nlink,
		   const char *name, const char *data)
{
	ar_raw(ino, mode, nlink, name, -1, data, data ? strlen(data) : 0, -1,
	       data && S_ISREG(mode) ? sum(data) : 0);
}

static void ar_trailer(void)
{
	ar_add(0, 0, 1, "TRAILER!!!", NULL);
}

static int unpack_quiet(const void *buf, size_t len, const char *dest)
{
	int level = uk_print_level, rc;

	uk_print_level = -1;
	rc = uk_initrd_unpack(buf, len, dest);
	uk_print_level = level;
	return rc;
}

static int exists(const char *path)
{
	struct stat st;

	return uk_vfs_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	if (uk_vfs_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return st.st_mode;
}

/* A small valid archive with every kind of entry. */
static void build_valid(void)
{
	ar_reset("070701");
	ar_add(1, M_DIR, 2, "d", NULL);
	ar_add(2, M_REG, 1, "d/f", "hello");
	ar_add(3, S_IFREG | 0600, 1, "e", "");
	ar_add(4, M_LNK, 1, "d/l", "f");
	/* Hard links: data with the last name. */
	ar_add(5, S_IFREG | 0640, 2, "h1", NULL);
	ar_add(5, S_IFREG | 0640, 2, "d/h2", "linked");
	/* Parents missing from the archive are made. */
	ar_add(6, S_IFREG | 0755, 1, "x/y/z/deep", "deep");
	ar_add(7, S_IFDIR | 01777, 2, "./tmp/", NULL);
	ar_trailer();
}

UK_TESTCASE(initrd, valid_archive)
{
	struct stat a, b;

	build_valid();
	UK_TEST_EXPECT_SNUM_EQ(uk_initrd_unpack(ar.buf, ar.len,
						"/initrd-t/valid"), 8);
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/initrd-t/valid/d"), M_DIR);
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/initrd-t/valid/d/f"), M_REG);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/valid/d/f"), "hello");
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/initrd-t/valid/e"), S_IFREG | 0600);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/valid/e"), "");
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/initrd-t/valid/d/l") & S_IFMT,
			       S_IFLNK);
	/* through the link */
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/valid/d/l"), "hello");
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/valid/h1"), "linked");
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/valid/d/h2"), "linked");
	UK_TEST_ASSERT(uk_vfs_fstatat(AT_FDCWD, "/initrd-t/valid/h1", &a,
				      0) == 0);
	UK_TEST_ASSERT(uk_vfs_fstatat(AT_FDCWD, "/initrd-t/valid/d/h2", &b,
				      0) == 0);
	UK_TEST_EXPECT_UNUM_EQ(a.st_ino, b.st_ino);
	UK_TEST_EXPECT_UNUM_EQ(a.st_nlink, 2);
	UK_TEST_EXPECT_UNUM_EQ(a.st_mode, S_IFREG | 0640);
	UK_TEST_EXPECT_SNUM_EQ(a.st_mtim.tv_sec, MTIME);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/valid/x/y/z/deep"), "deep");
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/initrd-t/valid/x/y/z/deep"),
			       S_IFREG | 0755);
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/initrd-t/valid/tmp"),
			       S_IFDIR | 01777);
	/* Directory mtimes are set after their entries are made. */
	UK_TEST_ASSERT(uk_vfs_fstatat(AT_FDCWD, "/initrd-t/valid/d", &a,
				      0) == 0);
	UK_TEST_EXPECT_SNUM_EQ(a.st_mtim.tv_sec, MTIME);
}

UK_TESTCASE(initrd, symlink_target)
{
	char buf[16];
	ssize_t n;

	build_valid();
	UK_TEST_ASSERT(uk_initrd_unpack(ar.buf, ar.len, "/initrd-t/sym") >= 0);
	n = readlink("/initrd-t/sym/d/l", buf, sizeof(buf));
	UK_TEST_EXPECT_SNUM_EQ(n, 1);
	UK_TEST_EXPECT(n == 1 && buf[0] == 'f');
}

/* Every prefix of a valid archive: -EINVAL while the trailer's name is
 * incomplete (its padding may be missing), never a crash or an entry
 * made of bytes past the cut. */
UK_TESTCASE(initrd, truncated_everywhere)
{
	size_t cut, trailer_end;
	int rc, bad = 0, good = 0;

	build_valid();
	/* The trailer is the last entry: its header and name end here. */
	trailer_end = ar.len - 124 + 110 + 11;
	for (cut = 1; cut < ar.len; cut++) {
		rc = unpack_quiet(ar.buf, cut, "/initrd-t/trunc");
		if (cut < trailer_end) {
			if (rc != -EINVAL) {
				UK_TEST_EXPECT_SNUM_EQ(rc, -EINVAL);
				bad++;
			}
		} else if (rc == 8) {
			good++;
		} else {
			UK_TEST_EXPECT_SNUM_EQ(rc, 8);
		}
	}
	UK_TEST_EXPECT_SNUM_EQ(bad, 0);
	UK_TEST_EXPECT_UNUM_EQ(good, ar.len - trailer_end);
	/* What came before the last cut is there. */
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/trunc/d/h2"), "linked");
}

/* Truncation inside the data of an entry keeps the entries before it. */
UK_TESTCASE(initrd, truncated_keeps_earlier)
{
	ar_reset("070701");
	ar_add(1, M_REG, 1, "first", "one");
	ar_add(2, M_REG, 1, "second", "two two two");
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len - 6,
					    "/initrd-t/keep"), -EINVAL);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/keep/first"), "one");
	UK_TEST_EXPECT(!exists("/initrd-t/keep/second"));
	/* complete, but no trailer */
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len,
					    "/initrd-t/keep2"), -EINVAL);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/keep2/second"),
			      "two two two");
}

UK_TESTCASE(initrd, bad_magic)
{
	static const char *const magics[] = {
		"070700", "070703", "070707", "07070x", "170701",
		"\0\0\0\0\0\0",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(magics); i++) {
		ar_reset("070701");
		ar_add(1, M_REG, 1, "m", "x");
		ar_trailer();
		memcpy(ar.buf, magics[i], 6);
		UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len,
						    "/initrd-t/magic"),
				       -EINVAL);
	}
	UK_TEST_EXPECT(!exists("/initrd-t/magic/m"));
	/* a non-hex digit in a field */
	ar_reset("070701");
	ar_add(1, M_REG, 1, "m", "x");
	ar_trailer();
	ar.buf[6 + 8 * 6 + 3] = 'g';
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len, "/initrd-t/magic"),
			       -EINVAL);
	UK_TEST_EXPECT(!exists("/initrd-t/magic/m"));
}

UK_TESTCASE(initrd, sizes_past_the_end)
{
	static const long sizes[] = { 0x1000, 0x7fffffff, 0xffffffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ar_reset("070701");
		ar_add(1, M_REG, 1, "ok", "fine");
		ar_raw(2, M_REG, 1, "huge", -1, "data", 4, sizes[i], 0);
		ar_trailer();
		UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len,
						    "/initrd-t/size"),
				       -EINVAL);
		UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/size/ok"), "fine");
		UK_TEST_EXPECT(!exists("/initrd-t/size/huge"));
	}
	/* namesize 0, past the end, huge */
	for (i = 0; i < 3; i++) {
		ar_reset("070701");
		ar_raw(1, M_REG, 1, "name", i == 0 ? 0 : i == 1 ? 0x2000 :
		       0xffffffffL, "x", 1, -1, 0);
		ar_trailer();
		UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len,
						    "/initrd-t/size"),
				       -EINVAL);
	}
}

UK_TESTCASE(initrd, name_not_terminated)
{
	/* namesize 3 for "abcd": byte 3 is 'd', not NUL */
	ar_reset("070701");
	ar_raw(1, M_REG, 1, "abcd", 3, "x", 1, -1, 0);
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len, "/initrd-t/name"),
			       -EINVAL);
	/* namesize 6 for "ab": a NUL inside the name */
	ar_reset("070701");
	ar_raw(1, M_REG, 1, "ab", 6, "x", 1, -1, 0);
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len, "/initrd-t/name"),
			       -EINVAL);
	UK_TEST_EXPECT(!exists("/initrd-t/name/abc"));
	UK_TEST_EXPECT(!exists("/initrd-t/name/ab"));
}

UK_TESTCASE(initrd, hostile_names)
{
	static const char *const names[] = {
		"../escape", "a/../../escape", "..", "/escape", "ok/..",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ar_reset("070701");
		ar_add(1, M_REG, 1, "before", "b");
		ar_add(2, M_REG, 1, names[i], "evil");
		ar_trailer();
		UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len,
						    "/initrd-t/host/in"),
				       -EINVAL);
		UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/host/in/before"),
				      "b");
	}
	UK_TEST_EXPECT(!exists("/initrd-t/host/escape"));
	UK_TEST_EXPECT(!exists("/escape"));
	UK_TEST_EXPECT(!exists("/initrd-t/escape"));
	/* symlink targets: empty, with a NUL */
	ar_reset("070701");
	ar_raw(1, M_LNK, 1, "l", -1, "", 0, -1, 0);
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len, "/initrd-t/host"),
			       -EINVAL);
	ar_reset("070701");
	ar_raw(1, M_LNK, 1, "l", -1, "a\0b", 3, -1, 0);
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len, "/initrd-t/host"),
			       -EINVAL);
	UK_TEST_EXPECT(!exists("/initrd-t/host/l"));
	/* unknown file type */
	ar_reset("070701");
	ar_add(1, 0170644, 1, "t", "x");
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len, "/initrd-t/host"),
			       -EINVAL);
}

UK_TESTCASE(initrd, checksums)
{
	ar_reset("070702");
	ar_add(1, M_REG, 1, "good", "checked");
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(uk_initrd_unpack(ar.buf, ar.len,
						"/initrd-t/crc"), 1);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/crc/good"), "checked");
	ar_reset("070702");
	ar_raw(1, M_REG, 1, "bad", -1, "checked", 7, -1, sum("checked") + 1);
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len, "/initrd-t/crc"),
			       -EINVAL);
	UK_TEST_EXPECT(!exists("/initrd-t/crc/bad"));
}

/* Directories merge; files, links and directories are replaced. */
UK_TESTCASE(initrd, merge_and_replace)
{
	ar_reset("070701");
	ar_add(1, M_DIR, 2, "m", NULL);
	ar_add(2, M_REG, 1, "m/a", "old");
	ar_add(3, M_REG, 1, "r", "file");
	ar_add(4, M_DIR, 2, "s", NULL);
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(uk_initrd_unpack(ar.buf, ar.len,
						"/initrd-t/merge"), 4);
	ar_reset("070701");
	ar_add(1, S_IFDIR | 0700, 2, "m", NULL);
	ar_add(2, M_REG, 1, "m/b", "new");
	ar_add(3, M_REG, 1, "m/a", "replaced");
	ar_add(4, M_LNK, 1, "r", "m/b");
	ar_add(5, M_REG, 1, "s", "was a dir");
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(uk_initrd_unpack(ar.buf, ar.len,
						"/initrd-t/merge/"), 5);
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/initrd-t/merge/m"), S_IFDIR | 0700);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/merge/m/a"), "replaced");
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/merge/m/b"), "new");
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/initrd-t/merge/r") & S_IFMT,
			       S_IFLNK);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/merge/r"), "new");
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/merge/s"), "was a dir");
}

/* Padding after the trailer, then a second archive (Linux accepts
 * concatenated archives); "." names the target itself. */
UK_TESTCASE(initrd, concatenated)
{
	ar_reset("070701");
	ar_add(1, M_DIR, 2, ".", NULL);
	ar_add(2, M_REG, 1, "one", "1");
	ar_trailer();
	memset(ar.buf + ar.len, 0, 512 - ar.len % 512);
	ar.len += 512 - ar.len % 512;
	ar_add(1, M_REG, 1, "two", "2");
	ar_trailer();
	UK_TEST_EXPECT_SNUM_EQ(uk_initrd_unpack(ar.buf, ar.len,
						"/initrd-t/cat"), 2);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/cat/one"), "1");
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/cat/two"), "2");
	/* junk instead of the second archive */
	memcpy(ar.buf + 512, "junk", 4);
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len, "/initrd-t/cat2"),
			       -EINVAL);
	UK_TEST_EXPECT_STR_EQ(contents("/initrd-t/cat2/one"), "1");
}

UK_TESTCASE(initrd, arguments)
{
	UK_TEST_EXPECT_SNUM_EQ(uk_initrd_unpack(NULL, 0, "/initrd-t/args"), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_initrd_unpack(NULL, 1, "/initrd-t/args"),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(uk_initrd_unpack("x", 1, NULL), -EINVAL);
	/* the target exists as a file */
	ar_reset("070701");
	ar_add(1, M_REG, 1, "file", "f");
	ar_trailer();
	UK_TEST_ASSERT(uk_initrd_unpack(ar.buf, ar.len, "/initrd-t/args") == 1);
	UK_TEST_EXPECT_SNUM_EQ(unpack_quiet(ar.buf, ar.len,
					    "/initrd-t/args/file"), -ENOTDIR);
}

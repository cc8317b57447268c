/*
 * The standard tree made at boot (core/fstree), as the kernel tests boot
 * with no initrd: the default posix-user files, /tmp's mode and
 * /proc/self/exe naming argv[0].
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uk/boot.h>
#include <uk/test.h>
#include <uk/vfs.h>

#include "file_contents.h"

static unsigned int mode_of(const char *path)
{
	struct stat st;

	if (!UK_TEST_EXPECT(uk_vfs_fstatat(AT_FDCWD, path, &st,
					   AT_SYMLINK_NOFOLLOW) == 0))
		return 0;
	return st.st_mode;
}

UK_TESTCASE(fstree, default_users)
{
	UK_TEST_EXPECT_STR_EQ(contents("/etc/passwd"),
			      "root:x:0:0:root:/:/bin/sh\n");
	UK_TEST_EXPECT_STR_EQ(contents("/etc/group"), "root:x:0:\n");
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/etc/passwd"), S_IFREG | 0644);
	UK_TEST_EXPECT(strstr(contents("/etc/hosts"), "127.0.0.1\tlocalhost\n")
		       != NULL);
}

UK_TESTCASE(fstree, folders)
{
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/tmp"), S_IFDIR | 01777);
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/etc"), S_IFDIR | 0755);
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/dev"), S_IFDIR | 0755);
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/proc/self"), S_IFDIR | 0555);
}

UK_TESTCASE(fstree, proc_self_exe)
{
	const char *name = uk_boot_app_name();
	char buf[256];
	int n;

	UK_TEST_ASSERT(name != NULL);
	UK_TEST_EXPECT_UNUM_EQ(mode_of("/proc/self/exe") & S_IFMT, S_IFLNK);
	n = uk_vfs_readlinkat(AT_FDCWD, "/proc/self/exe", buf,
			      sizeof(buf) - 1);
	UK_TEST_ASSERT(n > 0);
	buf[n] = '\0';
	UK_TEST_EXPECT_STR_EQ(buf, name);
}

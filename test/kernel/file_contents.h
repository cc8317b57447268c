/*
 * The contents of a small file, for cases that check what a file holds
 * (the initrd's, the boot tree's).
 */
#ifndef __TEST_FILE_CONTENTS_H__
#define __TEST_FILE_CONTENTS_H__

#include <fcntl.h>
#include <unistd.h>
#include <uk/test.h>
#include <uk/vfs.h>

/* The contents of path (NUL-terminated, up to 255 bytes) in a buffer of
 * the including file, or "" and a failed check. */
static inline const char *contents(const char *path)
{
	static char buf[256];
	ssize_t n = -1;
	int fd;

	buf[0] = '\0';
	fd = uk_vfs_openat(AT_FDCWD, path, O_RDONLY, 0);
	if (!UK_TEST_EXPECT(fd >= 0))
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (UK_TEST_EXPECT(n >= 0))
		buf[n] = '\0';
	return buf;
}

#endif /* __TEST_FILE_CONTENTS_H__ */

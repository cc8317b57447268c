/* SPDX-License-Identifier: BSD-3-Clause */
/* perror, remove, tmpfile. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stdio_impl.h"

void perror(const char *s)
{
	const char *msg = strerror(errno);

	FLOCK(stderr);
	if (s && *s) {
		fputs(s, stderr);
		fputs(": ", stderr);
	}
	fputs(msg, stderr);
	fputc('\n', stderr);
	FUNLOCK(stderr);
}

int remove(const char *path)
{
	if (!unlink(path))
		return 0;
	if (errno != EISDIR)
		return -1;
	return rmdir(path);
}

/* Creates and opens a new file in dir; its name in name. */
static int tmp_create(const char *dir, char *name, size_t size)
{
	static unsigned int seq;
	int fd = -1, tries;

	for (tries = 0; tries < 100; tries++) {
		snprintf(name, size, "%s/tmpf.%d.%u", dir, getpid(),
			 __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
		fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd;
}

FILE *tmpfile(void)
{
	char name[64];
	int fd, err;
	FILE *f;

	fd = tmp_create(P_tmpdir, name, sizeof(name));
	/* A root file system without /tmp (a bare ramfs) */
	if (fd < 0 && errno == ENOENT)
		fd = tmp_create("", name, sizeof(name));
	if (fd < 0)
		return NULL;
	/* Gone from the namespace; lives while open. */
	unlink(name);
	f = __stdio_new(fd, O_RDWR);
	if (!f) {
		err = errno;
		close(fd);
		errno = err;
	}
	return f;
}

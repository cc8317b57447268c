/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * elf: runs an unmodified static Linux executable (core/elf).
 *
 *   elf [--argv0 NAME] PATH [ARGS...]
 *
 * reads PATH (from the initrd or any file system of the kernel) and
 * becomes that program with argv NAME ARGS... (NAME: PATH's last
 * component unless given) and this app's environment. `./amphi run
 * --elf FILE -- ARGS` puts the host's FILE into an initrd and runs this.
 * The exit status is the program's; 126 if it cannot be run, 127 if
 * PATH is missing, as a shell says.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uk/elf.h>

extern char **environ;

static void *read_all(const char *path, size_t *len)
{
	struct stat st;
	size_t done = 0;
	ssize_t n;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (!errno || S_ISDIR(st.st_mode))
			errno = EACCES;
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, buf + done, (size_t)st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	*len = done;
	return buf;
}

int main(int argc, char *argv[])
{
	const char *argv0 = NULL, *path, *slash;
	size_t len = 0;
	void *img;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "--argv0")) {
		argv0 = argv[2];
		i = 3;
	}
	if (i >= argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: elf [--argv0 NAME] PATH [ARGS...]\n");
		return 2;
	}
	path = argv[i];
	img = read_all(path, &len);
	if (!img) {
		fprintf(stderr, "elf: %s: %s\n", path, strerror(errno));
		return errno == ENOENT ? 127 : 126;
	}
	if (!argv0) {
		slash = strrchr(path, '/');
		argv0 = slash ? slash + 1 : path;
	}
	/* The program's argv: NAME, then ARGS; argv[i] is ours to reuse. */
	argv[i] = (char *)argv0;
	fflush(NULL);
	uk_elf_exec(img, len, path, argc - i, &argv[i], environ, free);
	free(img);
	return 126;
}

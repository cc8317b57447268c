/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * initrd-ls: prints the tree under each DIR (default "/"), one line per
 * entry, names sorted, so that a listing of the unpacked initrd can be
 * compared with one of the folder it was made from:
 *
 *   d MODE MTIME PATH
 *   f MODE MTIME SIZE SUM PATH [= FIRST]   (FIRST: an earlier hard link)
 *   l MTIME PATH -> TARGET
 *   p MODE MTIME PATH
 *
 * MODE is octal, SUM the FNV-1a hash of the contents. Runs on Linux too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKED	1024

static struct {
	ino_t ino;
	char *path;
} linked[MAX_LINKED];
static int nlinked;

static int fail(const char *what, const char *path)
{
	printf("error: %s %s: %s\n", what, path, strerror(errno));
	return -1;
}

static int checksum(const char *path, unsigned int *sum)
{
	static unsigned char buf[65536];
	unsigned int h = 2166136261u;
	ssize_t n, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return fail("open", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			h = (h ^ buf[i]) * 16777619u;
	close(fd);
	if (n < 0)
		return fail("read", path);
	*sum = h;
	return 0;
}

/* The first path seen with ino, or NULL (and ino is remembered). */
static const char *first_link(ino_t ino, const char *rel)
{
	int i;

	for (i = 0; i < nlinked; i++)
		if (linked[i].ino == ino)
			return linked[i].path;
	if (nlinked < MAX_LINKED) {
		linked[nlinked].ino = ino;
		linked[nlinked++].path = strdup(rel);
	}
	return NULL;
}

static int print_entry(const char *path, const char *rel)
{
	char target[PATH_MAX];
	const char *first;
	unsigned int sum;
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) < 0)
		return fail("lstat", path);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		printf("d %04o %ld %s\n", st.st_mode & 07777,
		       (long)st.st_mtime, rel);
		return 0;
	case S_IFLNK:
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			return fail("readlink", path);
		target[n] = '\0';
		printf("l %ld %s -> %s\n", (long)st.st_mtime, rel, target);
		return 0;
	case S_IFREG:
		if (checksum(path, &sum) < 0)
			return -1;
		printf("f %04o %ld %lld %08x %s", st.st_mode & 07777,
		       (long)st.st_mtime, (long long)st.st_size, sum, rel);
		first = st.st_nlink > 1 ? first_link(st.st_ino, rel) : NULL;
		if (first)
			printf(" = %s", first);
		printf("\n");
		return 0;
	case S_IFIFO:
		printf("p %04o %ld %s\n", st.st_mode & 07777,
		       (long)st.st_mtime, rel);
		return 0;
	}
	printf("? %o %s\n", st.st_mode, rel);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the entries of dir (path; rel for the listing), recursively. */
static int walk(const char *path, const char *rel)
{
	char **names = NULL, sub[PATH_MAX], subrel[PATH_MAX];
	size_t n = 0, cap = 0, i;
	struct dirent *d;
	struct stat st;
	int rc = 0;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return fail("opendir", path);
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				closedir(dir);
				return fail("realloc", path);
			}
		}
		names[n++] = strdup(d->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
		snprintf(subrel, sizeof(subrel), "%s%s%s", rel,
			 *rel ? "/" : "", names[i]);
		if (print_entry(sub, subrel) < 0)
			rc = -1;
		else if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode) &&
			 walk(sub, subrel) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char *argv[])
{
	int i, rc = 0;

	if (argc < 2)
		return walk("/", "") < 0;
	for (i = 1; i < argc; i++) {
		if (print_entry(argv[i], ".") < 0 || walk(argv[i], "") < 0)
			rc = 1;
	}
	for (i = 0; i < nlinked; i++)
		free(linked[i].path);
	return rc;
}

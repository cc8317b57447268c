/*
 * Directory streams, the same on Linux and on Amphi: the names and types
 * readdir returns (sorted before printing: the order is the file
 * system's), rewinddir, telldir/seekdir, scandir with alphasort and a
 * filter, and the errors of opendir.
 */
#define _GNU_SOURCE	/* getdents64 in glibc */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../posix-check.h"

#define DIR_	"/tmp/amphi-dirent-test"

static const char *const files[] = { "zeta", "alpha", "mid.txt", "b" };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads d to the end: the names (sorted, "name/" for directories) joined
 * by spaces into out. Returns the number of entries. */
static int list(DIR *d, char *out, size_t size)
{
	char *names[32];
	struct dirent *de;
	int n = 0, i;

	errno = 0;
	while ((de = readdir(d)) && n < 32) {
		char name[300];

		snprintf(name, sizeof(name), "%s%s", de->d_name,
			 de->d_type == DT_DIR ? "/" : "");
		names[n++] = strdup(name);
	}
	CHECK(errno == 0);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, names[i], size - strlen(out) - 1);
		free(names[i]);
	}
	return n;
}

static int no_dots(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

static void check_readdir(void)
{
	char buf[512], again[512];
	struct dirent *de;
	long where;
	DIR *d;
	int n;

	d = opendir(DIR_);
	CHECK(d != NULL);
	if (!d)
		return;
	CHECK(dirfd(d) >= 0);
	n = list(d, buf, sizeof(buf));
	printf("%d entries: %s\n", n, buf);
	CHECK(readdir(d) == NULL);
	rewinddir(d);
	CHECK(list(d, again, sizeof(again)) == n);
	CHECK(!strcmp(buf, again));

	/* seekdir to where telldir was comes back to the same entry. */
	rewinddir(d);
	de = readdir(d);
	CHECK(de != NULL);
	where = telldir(d);
	de = readdir(d);
	CHECK(de != NULL);
	if (de) {
		char name[256];

		strcpy(name, de->d_name);
		readdir(d);
		seekdir(d, where);
		de = readdir(d);
		CHECK(de && !strcmp(de->d_name, name));
	}
	CHECK(closedir(d) == 0);
}

static void check_types(void)
{
	struct dirent *de;
	int seen = 0;
	DIR *d;

	d = opendir(DIR_);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, "alpha")) {
			CHECK(de->d_type == DT_REG);
			seen++;
		} else if (!strcmp(de->d_name, "sub")) {
			CHECK(de->d_type == DT_DIR);
			seen++;
		} else if (!strcmp(de->d_name, "..")) {
			CHECK(de->d_type == DT_DIR);
			seen++;
		}
		CHECK(de->d_ino != 0);
		CHECK(de->d_reclen >= offsetof(struct dirent, d_name) +
		      strlen(de->d_name) + 1);
	}
	CHECK(seen == 3);
	closedir(d);
}

static void check_scandir(void)
{
	struct dirent **names;
	int n, i;

	n = scandir(DIR_, &names, NULL, alphasort);
	CHECK(n == 7);
	printf("scandir:");
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]->d_name);
		free(names[i]);
	}
	printf("\n");
	free(names);
	n = scandir(DIR_, &names, no_dots, alphasort);
	CHECK(n == 5);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	/* The empty directory has only . and .. */
	n = scandir(DIR_ "/sub", &names, no_dots, alphasort);
	CHECK(n == 0);
	free(names);
	errno = 0;
	CHECK(scandir(DIR_ "/nope", &names, NULL, alphasort) == -1 &&
	      errno == ENOENT);
}

static void check_errors(void)
{
	int fd;
	DIR *d;

	errno = 0;
	CHECK(opendir(DIR_ "/alpha") == NULL && errno == ENOTDIR);
	errno = 0;
	CHECK(opendir(DIR_ "/missing") == NULL && errno == ENOENT);
	errno = 0;
	CHECK(opendir("") == NULL && errno == ENOENT);
	/* fdopendir takes a directory fd, refuses a file's. */
	fd = open(DIR_ "/alpha", O_RDONLY);
	errno = 0;
	CHECK(fd >= 0 && fdopendir(fd) == NULL && errno == ENOTDIR);
	close(fd);
	fd = open(DIR_, O_RDONLY | O_DIRECTORY);
	d = fdopendir(fd);
	CHECK(d != NULL && dirfd(d) == fd);
	if (d) {
		char buf[512];

		CHECK(list(d, buf, sizeof(buf)) == 7);
		CHECK(closedir(d) == 0);
		/* closedir closed the fd. */
		errno = 0;
		CHECK(close(fd) == -1 && errno == EBADF);
	}
	/* getdents64 wants a directory. */
	fd = open(DIR_ "/alpha", O_RDONLY);
	{
		char buf[512];

		errno = 0;
		CHECK(getdents64(fd, buf, sizeof(buf)) == -1 &&
		      errno == ENOTDIR);
	}
	close(fd);
}

/* Many entries: more than one getdents64 buffer. */
static void check_many(void)
{
	char path[128], name[64];
	int i, n = 0, bad = 0;
	struct dirent *de;
	DIR *d;

	CHECK(mkdir(DIR_ "/many", 0755) == 0);
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path),
			 DIR_ "/many/entry-with-a-long-name-%03d", i);
		close(open(path, O_CREAT | O_WRONLY, 0644));
	}
	d = opendir(DIR_ "/many");
	CHECK(d != NULL);
	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			n++;
			if (strncmp(de->d_name, "entry-with-a-long-name-",
				    23) ||
			    strlen(de->d_name) != 26)
				bad++;
		}
		closedir(d);
	}
	CHECK(n == 300 && bad == 0);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "entry-with-a-long-name-%03d", i);
		snprintf(path, sizeof(path), DIR_ "/many/%s", name);
		unlink(path);
	}
	CHECK(rmdir(DIR_ "/many") == 0);
}

int main(void)
{
	char path[128];
	size_t i;

	mkdir("/tmp", 0777);
	if (mkdir(DIR_, 0755) != 0) {
		printf("cannot make %s: %d\n", DIR_, errno);
		return 1;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), DIR_ "/%s", files[i]);
		close(open(path, O_CREAT | O_WRONLY, 0644));
	}
	CHECK(mkdir(DIR_ "/sub", 0755) == 0);
	check_readdir();
	check_types();
	check_scandir();
	check_errors();
	check_many();
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), DIR_ "/%s", files[i]);
		unlink(path);
	}
	rmdir(DIR_ "/sub");
	CHECK(rmdir(DIR_) == 0);
	return posix_check_summary();
}

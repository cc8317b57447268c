/* SPDX-License-Identifier: BSD-3-Clause */
/* Directory streams: a buffer of getdents64 records per DIR. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uk/mutex.h>

#define DIRBUF	4096

struct __dirstream {
	int fd;
	size_t pos, len;	/* next record, bytes in buf */
	off_t tell;		/* cookie after the last entry returned */
	struct uk_mutex lock;
	char buf[DIRBUF] __attribute__((aligned(8)));
};

DIR *fdopendir(int fd)
{
	struct stat st;
	DIR *d;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->fd = fd;
	uk_mutex_init(&d->lock);
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err;
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		err = errno;
		close(fd);
		errno = err;
	}
	return d;
}

int closedir(DIR *d)
{
	int ret = close(d->fd);

	free(d);
	return ret;
}

static struct dirent *next_entry(DIR *d)
{
	struct dirent *de;
	ssize_t n;

	if (d->pos >= d->len) {
		n = getdents64(d->fd, d->buf, sizeof(d->buf));
		if (n <= 0)
			return NULL;
		d->len = (size_t)n;
		d->pos = 0;
	}
	de = (struct dirent *)(d->buf + d->pos);
	d->pos += de->d_reclen;
	d->tell = de->d_off;
	return de;
}

struct dirent *readdir(DIR *d)
{
	struct dirent *de;

	uk_mutex_lock(&d->lock);
	de = next_entry(d);
	uk_mutex_unlock(&d->lock);
	return de;
}

int readdir_r(DIR *restrict d, struct dirent *restrict entry,
	      struct dirent **restrict result)
{
	int err = errno, ret = 0;
	struct dirent *de;

	uk_mutex_lock(&d->lock);
	errno = 0;
	de = next_entry(d);
	if (de)
		memcpy(entry, de, de->d_reclen < sizeof(*entry) ?
		       de->d_reclen : sizeof(*entry));
	else
		ret = errno;
	*result = de ? entry : NULL;
	uk_mutex_unlock(&d->lock);
	errno = err;
	return ret;
}

void seekdir(DIR *d, long loc)
{
	uk_mutex_lock(&d->lock);
	if (lseek(d->fd, loc, SEEK_SET) >= 0) {
		d->pos = d->len = 0;
		d->tell = loc;
	}
	uk_mutex_unlock(&d->lock);
}

void rewinddir(DIR *d)
{
	seekdir(d, 0);
}

long telldir(DIR *d)
{
	return d->tell;
}

int dirfd(DIR *d)
{
	return d->fd;
}

int alphasort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void free_list(struct dirent **list, size_t n)
{
	while (n)
		free(list[--n]);
	free(list);
}

/* Appends a copy of de to *list; 0 or -1 (ENOMEM). */
static int keep(struct dirent ***list, size_t *n, size_t *cap,
		const struct dirent *de)
{
	size_t size = offsetof(struct dirent, d_name) +
		      strlen(de->d_name) + 1;
	struct dirent **grown, *copy;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		grown = realloc(*list, *cap * sizeof(**list));
		if (!grown)
			goto nomem;
		*list = grown;
	}
	copy = malloc(size < sizeof(*copy) ? sizeof(*copy) : size);
	if (!copy)
		goto nomem;
	memcpy(copy, de, size);
	(*list)[(*n)++] = copy;
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}

int scandir(const char *restrict path, struct dirent ***restrict namelist,
	    int (*filter)(const struct dirent *),
	    int (*compar)(const struct dirent **, const struct dirent **))
{
	struct dirent **list = NULL, *de;
	size_t n = 0, cap = 0;
	int err = errno;
	DIR *d = opendir(path);

	if (!d)
		return -1;
	errno = 0;
	while ((de = readdir(d))) {
		if (filter && !filter(de))
			continue;
		if (keep(&list, &n, &cap, de))
			break;
	}
	if (errno) {
		err = errno;
		closedir(d);
		free_list(list, n);
		errno = err;
		return -1;
	}
	closedir(d);
	if (compar && n)
		qsort(list, n, sizeof(*list),
		      (int (*)(const void *, const void *))compar);
	*namelist = list;
	errno = err;
	return (int)n;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Directory streams (POSIX <dirent.h>) over getdents64 (core/vfs).
 * struct dirent has the layout of Linux's linux_dirent64.
 */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#define DT_WHT		14

#define IFTODT(mode)	(((mode) & 0170000) >> 12)
#define DTTOIF(type)	((type) << 12)

struct dirent {
	ino_t d_ino;
	off_t d_off;		/* cookie of the next entry (telldir) */
	unsigned short d_reclen;
	unsigned char d_type;	/* DT_* */
	char d_name[256];
};
#define dirent64 dirent

typedef struct __dirstream DIR;

/* Reads linux_dirent64 records of directory fd into dirp (count bytes).
 * Returns bytes stored, 0 at the end, or -1 + errno (EBADF, ENOTDIR,
 * EINVAL if count is too small for one record, EFAULT). */
ssize_t getdents64(int fd, void *dirp, size_t count);

/* Open a directory stream on path / on an open directory fd (which the
 * stream then owns). NULL + errno (ENOENT, ENOTDIR, EBADF, ENOMEM...). */
DIR *opendir(const char *path);
DIR *fdopendir(int fd);
/* Closes the stream and its fd. 0 or -1 + errno. */
int closedir(DIR *d);
/* Returns the next entry (valid until the next call on d), or NULL at
 * the end (errno unchanged) or on error (errno set). */
struct dirent *readdir(DIR *d);
/* Copies the next entry to *entry and sets *result to it (NULL at the
 * end). Returns 0 or an error number. */
int readdir_r(DIR *restrict d, struct dirent *restrict entry,
	      struct dirent **restrict result);
/* Back to the first entry. */
void rewinddir(DIR *d);
/* The position after the last entry read, for seekdir; -1 + errno. */
long telldir(DIR *d);
void seekdir(DIR *d, long loc);
/* The stream's fd. */
int dirfd(DIR *d);
/* Reads the directory path into a malloc()ed array of malloc()ed
 * entries (*namelist), keeping those filter accepts (NULL: all), sorted
 * with compar (NULL: unsorted). Returns the count or -1 + errno. */
int scandir(const char *restrict path, struct dirent ***restrict namelist,
	    int (*filter)(const struct dirent *),
	    int (*compar)(const struct dirent **, const struct dirent **));
/* Orders entries by name (strcmp: the C locale). */
int alphasort(const struct dirent **a, const struct dirent **b);

#ifdef __cplusplus
}
#endif

#endif /* _DIRENT_H */

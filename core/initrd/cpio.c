/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unpacking of SVR4 "newc" cpio archives (070701; 070702 adds a sum of
 * the data bytes) into the file namespace. Every size and offset comes
 * from the archive, so each is checked against the buffer before it is
 * used: a truncated or hostile archive stops with a message naming the
 * entry, and the entries before it stay.
 *
 * An entry is a 110-byte header of thirteen 8-digit hex fields, the name
 * (namesize bytes with its NUL), padding to 4 bytes, the data (filesize
 * bytes: a file's contents or a symlink's target), padding to 4 bytes.
 * "TRAILER!!!" ends an archive; zero padding and further archives may
 * follow (concatenated archives, as Linux accepts them).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/nofault.h>
#include <uk/essentials.h>
#include <uk/file.h>
#include <uk/initrd.h>
#include <uk/print.h>
#include <uk/vfs.h>

#define HDR_LEN		110
#define TRAILER		"TRAILER!!!"
#define LINK_BUCKETS	64
#define PARENT_MODE	0755
#define MAX_REPORTS	10	/* file-system errors shown one by one */

enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE,
	F_CHECK, NFIELDS
};

struct entry {
	__u32 f[NFIELDS];
	const char *name;		/* NUL-terminated, inside the buffer */
	const unsigned char *data;	/* f[F_FILESIZE] bytes */
	__sz off;			/* of the header, for messages */
	int crc;			/* 070702: f[F_CHECK] is a sum */
};

/* The first name of a hard-linked inode (newc: same ino, nlink > 1). */
struct link_rec {
	struct link_rec *next;
	__u32 ino, major, minor;
	char path[];
};

/* A directory whose mtime is set at the end: its entries change it. */
struct dir_rec {
	struct dir_rec *next;
	__u32 mtime;
	char path[];
};

struct unpacker {
	const unsigned char *buf;
	__sz len;
	__sz pos;
	__sz dlen;			/* length of dest's prefix in path */
	struct link_rec *links[LINK_BUCKETS];
	struct dir_rec *dirs;
	int count;			/* entries made */
	int err;			/* first file-system error */
	int nerr;			/* file-system errors */
	char path[PATH_MAX];		/* dest + "/" + name */
	char target[PATH_MAX];		/* of a symlink, NUL-terminated */
};

static void *zalloc(__sz len)
{
	return uk_calloc(uk_alloc_get_default(), 1, len);
}

static void release(void *p)
{
	uk_free(uk_alloc_get_default(), p);
}

static int parse_hex(const unsigned char *s, __u32 *out)
{
	__u32 v = 0;
	unsigned int c;
	int i;

	for (i = 0; i < 8; i++) {
		c = s[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return -EINVAL;
		v = v << 4 | c;
	}
	*out = v;
	return 0;
}

static __sz align4(__sz v)
{
	return (v + 3) & ~(__sz)3;
}

/* Reads the entry at u->pos into e and moves past it. Returns 0, or
 * -EINVAL (with a message) if it is malformed or leaves the buffer. */
static int parse_entry(struct unpacker *u, struct entry *e)
{
	const unsigned char *p = u->buf + u->pos;
	__sz rem = u->len - u->pos, nsz, doff, fsz;
	int i, trailer;

	e->off = u->pos;
	if (u->pos & 3) {
		uk_pr_err("initrd: unaligned header at offset %zu\n", e->off);
		return -EINVAL;
	}
	if (rem < HDR_LEN) {
		uk_pr_err("initrd: truncated header at offset %zu\n", e->off);
		return -EINVAL;
	}
	if (memcmp(p, "07070", 5) || (p[5] != '1' && p[5] != '2')) {
		uk_pr_err("initrd: bad magic at offset %zu (not a newc "
			  "cpio archive)\n", e->off);
		return -EINVAL;
	}
	e->crc = p[5] == '2';
	for (i = 0; i < NFIELDS; i++) {
		if (parse_hex(p + 6 + 8 * i, &e->f[i]) < 0) {
			uk_pr_err("initrd: bad header field %d at offset "
				  "%zu\n", i, e->off);
			return -EINVAL;
		}
	}
	nsz = e->f[F_NAMESIZE];
	if (nsz == 0 || nsz > rem - HDR_LEN) {
		uk_pr_err("initrd: name of %zu bytes at offset %zu passes the "
			  "end of the archive\n", nsz, e->off);
		return -EINVAL;
	}
	e->name = (const char *)p + HDR_LEN;
	if (e->name[nsz - 1] || memchr(e->name, 0, nsz - 1)) {
		uk_pr_err("initrd: name at offset %zu is not NUL-terminated "
			  "at its size\n", e->off);
		return -EINVAL;
	}
	trailer = !strcmp(e->name, TRAILER);
	doff = align4(u->pos + HDR_LEN + nsz);
	fsz = e->f[F_FILESIZE];
	/* The last padding of a buffer may be missing. */
	if (doff > u->len && trailer && !fsz)
		doff = u->len;
	if (doff > u->len || fsz > u->len - doff) {
		uk_pr_err("initrd: %s: %zu bytes of data pass the end of the "
			  "archive\n", e->name, fsz);
		return -EINVAL;
	}
	e->data = u->buf + doff;
	u->pos = MIN(align4(doff + fsz), u->len);
	return 0;
}

/* 070702: f[F_CHECK] is the sum of a regular file's data bytes. */
static int check_sum(const struct entry *e)
{
	__u32 sum = 0, i;

	if (!S_ISREG(e->f[F_MODE]))
		return 0;
	for (i = 0; i < e->f[F_FILESIZE]; i++)
		sum += e->data[i];
	if (sum == e->f[F_CHECK])
		return 0;
	uk_pr_err("initrd: %s: checksum 0x%08x, header says 0x%08x\n",
		  e->name, sum, e->f[F_CHECK]);
	return -EINVAL;
}

/*
 * Puts dest + the normalized name into u->path: "./" and empty
 * components go. Returns the length added (0: dest itself), -EINVAL for
 * an absolute name or a ".." component, -ENAMETOOLONG.
 */
static int set_path(struct unpacker *u, const char *name)
{
	const char *p = name, *c;
	__sz o = u->dlen, n;

	if (*p == '/')
		return -EINVAL;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		while (*p && *p != '/')
			p++;
		n = (__sz)(p - c);
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return -EINVAL;
		if (o + 1 + n >= sizeof(u->path))
			return -ENAMETOOLONG;
		u->path[o++] = '/';
		memcpy(u->path + o, c, n);
		o += n;
	}
	u->path[o] = '\0';
	return (int)(o - u->dlen);
}

/* Creates the missing directories above path (not path itself). */
static int make_parents(char *path)
{
	__sz i;
	int rc;

	for (i = 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		rc = uk_vfs_mkdirat(AT_FDCWD, path, PARENT_MODE);
		path[i] = '/';
		if (rc < 0 && rc != -EEXIST)
			return rc;
	}
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return uk_vfs_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Removes what is at path, to replace it. */
static int remove_existing(const char *path)
{
	int rc = uk_vfs_unlinkat(AT_FDCWD, path, 0);

	if (rc == -EISDIR || rc == -EPERM)
		rc = uk_vfs_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
	return rc;
}

static int write_data(const char *path, int flags, mode_t perm,
		      const unsigned char *data, __sz len)
{
	struct uk_file *f;
	struct uk_ofile *of;
	struct iovec iov;
	off_t off = 0;
	ssize_t n;
	int rc = 0;

	f = uk_vfs_open_file(AT_FDCWD, path, flags | O_WRONLY, perm);
	if (PTRISERR(f))
		return PTR2ERR(f);
	of = uk_ofile_create(f, O_WRONLY);
	if (PTRISERR(of))
		return PTR2ERR(of);
	while ((__sz)off < len) {
		iov.iov_base = (void *)(data + off);
		iov.iov_len = len - (__sz)off;
		/* The archive is kernel memory, the file op copies as from
		 * an app. */
		uk_kernel_buffers_begin();
		n = uk_ofile_write(of, &iov, 1, &off);
		uk_kernel_buffers_end();
		if (n <= 0) {
			rc = n ? (int)n : -EIO;
			break;
		}
		off += n;
	}
	uk_ofile_put(of);
	return rc;
}

static struct link_rec **link_bucket(struct unpacker *u, const struct entry *e)
{
	return &u->links[(e->f[F_INO] ^ e->f[F_DEVMINOR]) % LINK_BUCKETS];
}

static struct link_rec *link_find(struct unpacker *u, const struct entry *e)
{
	struct link_rec *l;

	for (l = *link_bucket(u, e); l; l = l->next)
		if (l->ino == e->f[F_INO] && l->major == e->f[F_DEVMAJOR] &&
		    l->minor == e->f[F_DEVMINOR])
			return l;
	return NULL;
}

static int link_add(struct unpacker *u, const struct entry *e)
{
	__sz n = strlen(u->path) + 1;
	struct link_rec *l = zalloc(sizeof(*l) + n), **b;

	if (!l)
		return -ENOMEM;
	l->ino = e->f[F_INO];
	l->major = e->f[F_DEVMAJOR];
	l->minor = e->f[F_DEVMINOR];
	memcpy(l->path, u->path, n);
	b = link_bucket(u, e);
	l->next = *b;
	*b = l;
	return 0;
}

/* Hard links are per archive: inode numbers restart in the next one. */
static void links_clear(struct unpacker *u)
{
	struct link_rec *l;
	int i;

	for (i = 0; i < LINK_BUCKETS; i++) {
		while ((l = u->links[i])) {
			u->links[i] = l->next;
			release(l);
		}
	}
}

static int dir_defer_mtime(struct unpacker *u, __u32 mtime)
{
	__sz n = strlen(u->path) + 1;
	struct dir_rec *d = zalloc(sizeof(*d) + n);

	if (!d)
		return -ENOMEM;
	d->mtime = mtime;
	memcpy(d->path, u->path, n);
	d->next = u->dirs;
	u->dirs = d;
	return 0;
}

static int set_mtime(const char *path, __u32 mtime)
{
	struct timespec ts[2] = {
		{ .tv_sec = mtime, .tv_nsec = 0 },
		{ .tv_sec = mtime, .tv_nsec = 0 },
	};

	return uk_vfs_utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

/* Makes the node of e at u->path once; -EEXIST / -ENOENT are retried by
 * the caller after removing the old node / making the parents. */
static int make_node(struct unpacker *u, const struct entry *e,
		     const char *target)
{
	mode_t mode = e->f[F_MODE], perm = mode & 07777;
	const struct link_rec *l;
	int rc;

	switch (mode & S_IFMT) {
	case S_IFDIR:
		rc = uk_vfs_mkdirat(AT_FDCWD, u->path, perm);
		/* Directories merge. */
		if (rc == -EEXIST && is_dir(u->path))
			rc = 0;
		return rc;
	case S_IFLNK:
		return uk_vfs_symlinkat(target, AT_FDCWD, u->path);
	case S_IFIFO:
		return uk_vfs_mknodat(AT_FDCWD, u->path, S_IFIFO | perm, 0);
	}
	l = e->f[F_NLINK] > 1 ? link_find(u, e) : NULL;
	if (!l)
		return write_data(u->path, O_CREAT | O_EXCL, perm, e->data,
				  e->f[F_FILESIZE]);
	rc = uk_vfs_linkat(AT_FDCWD, l->path, AT_FDCWD, u->path, 0);
	/* newc stores a linked inode's data with its last name. */
	if (!rc && e->f[F_FILESIZE])
		rc = write_data(u->path, O_TRUNC, 0, e->data,
				e->f[F_FILESIZE]);
	return rc;
}

static int make_entry(struct unpacker *u, const struct entry *e,
		      const char *target)
{
	mode_t mode = e->f[F_MODE];
	int rc, linked;

	linked = S_ISREG(mode) && e->f[F_NLINK] > 1 && link_find(u, e);
	rc = make_node(u, e, target);
	if (rc == -ENOENT) {
		rc = make_parents(u->path);
		if (!rc)
			rc = make_node(u, e, target);
	}
	if (rc == -EEXIST) {
		rc = remove_existing(u->path);
		if (!rc)
			rc = make_node(u, e, target);
	}
	if (rc < 0)
		return rc;
	if (S_ISREG(mode) && e->f[F_NLINK] > 1 && !linked) {
		rc = link_add(u, e);
		if (rc < 0)
			return rc;
	}
	if (!S_ISLNK(mode)) {
		rc = uk_vfs_fchmodat(AT_FDCWD, u->path, mode & 07777, 0);
		if (rc < 0)
			return rc;
	}
	if (S_ISDIR(mode))
		return dir_defer_mtime(u, e->f[F_MTIME]);
	return set_mtime(u->path, e->f[F_MTIME]);
}

/*
 * Checks what the entry holds and makes it. Returns 0 if it was made or
 * skipped, a positive errno for a file-system error (unpacking goes on),
 * or -errno when unpacking must stop (malformed entry, no memory).
 */
static int unpack_entry(struct unpacker *u, const struct entry *e)
{
	mode_t mode = e->f[F_MODE];
	__sz fsz = e->f[F_FILESIZE];
	int rc;

	rc = set_path(u, e->name);
	if (rc < 0) {
		uk_pr_err("initrd: %s: %s\n", e->name, rc == -ENAMETOOLONG ?
			  "name too long" : "absolute or '..' name refused");
		return rc;
	}
	if (rc == 0) {
		/* "." is dest itself: it exists already. */
		if (S_ISDIR(mode))
			return 0;
		uk_pr_err("initrd: %s: names the target directory\n", e->name);
		return -EINVAL;
	}
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFIFO:
		break;
	case S_IFLNK:
		if (fsz == 0 || fsz >= sizeof(u->target) ||
		    memchr(e->data, 0, fsz)) {
			uk_pr_err("initrd: %s: bad symlink target of %zu "
				  "bytes\n", e->name, fsz);
			return -EINVAL;
		}
		memcpy(u->target, e->data, fsz);
		u->target[fsz] = '\0';
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFSOCK:
		uk_pr_warn("initrd: %s: device and socket nodes are not "
			   "supported: skipped\n", e->name);
		return 0;
	default:
		uk_pr_err("initrd: %s: unknown file type 0%o\n", e->name,
			  mode & S_IFMT);
		return -EINVAL;
	}
	rc = make_entry(u, e, u->target);
	if (rc == -ENOMEM) {
		uk_pr_err("initrd: %s: out of memory\n", e->name);
		return rc;
	}
	if (rc < 0) {
		/* A full file system would fail every entry that follows. */
		if (++u->nerr <= MAX_REPORTS)
			uk_pr_err("initrd: %s: cannot create %s: error %d\n",
				  e->name, u->path, -rc);
		else if (u->nerr == MAX_REPORTS + 1)
			uk_pr_err("initrd: more errors not shown\n");
		return -rc;
	}
	u->count++;
	return 0;
}

static int unpack(struct unpacker *u)
{
	struct entry e;
	int rc, ended = 0;

	while (u->pos < u->len) {
		if (ended) {
			/* Padding, then maybe another archive. */
			while (u->pos < u->len && !u->buf[u->pos])
				u->pos++;
			if (u->pos == u->len)
				break;
			ended = 0;
		}
		rc = parse_entry(u, &e);
		if (rc < 0)
			return rc;
		if (!strcmp(e.name, TRAILER)) {
			links_clear(u);
			ended = 1;
			continue;
		}
		if (e.crc) {
			rc = check_sum(&e);
			if (rc < 0)
				return rc;
		}
		rc = unpack_entry(u, &e);
		if (rc < 0)
			return rc;
		if (rc > 0 && !u->err)
			u->err = -rc;
	}
	if (!ended) {
		uk_pr_err("initrd: archive ends at %zu bytes without %s\n",
			  u->len, TRAILER);
		return -EINVAL;
	}
	return 0;
}

/* Sets the deferred directory mtimes and frees the records. */
static void finish(struct unpacker *u)
{
	struct dir_rec *d;
	int rc;

	links_clear(u);
	while ((d = u->dirs)) {
		u->dirs = d->next;
		rc = set_mtime(d->path, d->mtime);
		if (rc < 0 && !u->err) {
			uk_pr_err("initrd: cannot set the time of %s: "
				  "error %d\n", d->path, -rc);
			u->err = rc;
		}
		release(d);
	}
}

/* Makes dest (and its parents) and stores it, without trailing slashes,
 * as the prefix of u->path. */
static int set_dest(struct unpacker *u, const char *dest)
{
	__sz n = strlen(dest);
	int rc;

	if (!n)
		return -ENOENT;
	if (n >= sizeof(u->path))
		return -ENAMETOOLONG;
	while (n > 0 && dest[n - 1] == '/')
		n--;
	memcpy(u->path, dest, n);
	u->path[n] = '\0';
	u->dlen = n;
	if (!n)
		return 0;	/* the root */
	rc = make_parents(u->path);
	if (rc < 0)
		return rc;
	rc = uk_vfs_mkdirat(AT_FDCWD, u->path, PARENT_MODE);
	if (rc == -EEXIST)
		rc = is_dir(u->path) ? 0 : -ENOTDIR;
	return rc;
}

int uk_initrd_unpack(const void *buf, __sz len, const char *dest)
{
	struct unpacker *u;
	int rc;

	if (!dest || (!buf && len))
		return -EINVAL;
	if (!len)
		return 0;
	u = zalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->buf = buf;
	u->len = len;
	rc = set_dest(u, dest);
	if (rc < 0) {
		uk_pr_err("initrd: cannot make directory %s: error %d\n",
			  dest, -rc);
		release(u);
		return rc;
	}
	rc = unpack(u);
	finish(u);
	if (!rc)
		rc = u->err ? u->err : u->count;
	release(u);
	return rc;
}

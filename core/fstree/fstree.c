/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The standard tree programs assume, made at boot once the initrd is
 * unpacked (init class SYS, first): /tmp (1777), /etc with passwd, group
 * and hosts, /proc/self/exe and /proc/self/fd. What the initrd already
 * has wins: nothing here replaces a file or changes a folder that exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uk/boot.h>
#include <uk/errptr.h>
#include <uk/file.h>
#include <uk/essentials.h>
#include <uk/init.h>
#include <uk/print.h>
#include <uk/vfs.h>

/* posix-user: one user and one group, root, when the initrd names none. */
#define ETC_PASSWD	"root:x:0:0:root:/:/bin/sh\n"
#define ETC_GROUP	"root:x:0:\n"
/* As core/lwip writes it (that one then finds it there). */
#define ETC_HOSTS	"127.0.0.1\tlocalhost\n" \
			"::1\tlocalhost ip6-localhost ip6-loopback\n"

static int mkdir_keep(const char *path, mode_t mode)
{
	int rc = uk_vfs_mkdirat(AT_FDCWD, path, mode);

	return rc == -EEXIST ? 0 : rc;
}

/* Writes text to a new file at path; an existing one is kept. */
static int file_keep(const char *path, const char *text)
{
	struct iovec iov = { (void *)text, strlen(text) };
	struct uk_file *f;
	off_t off = 0;
	ssize_t n = -EINVAL;

	f = uk_vfs_open_file(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL,
			     0644);
	if (PTRISERR(f))
		return PTR2ERR(f) == -EEXIST ? 0 : PTR2ERR(f);
	if (f->ops->write)
		n = f->ops->write(f, &iov, 1, &off, 0);
	uk_file_put(f);
	return n == (ssize_t)iov.iov_len ? 0 : (n < 0 ? (int)n : -EIO);
}

/* /proc/self/exe names the program as its argv[0] does: the image is no
 * file in the tree, so the link is there to be read, not followed. */
static int proc_self(void)
{
	const char *name = uk_boot_app_name();
	int rc;

	rc = mkdir_keep("/proc", 0555);
	if (!rc)
		rc = mkdir_keep("/proc/self", 0555);
	if (!rc)
		rc = uk_vfs_fd_dir("/proc/self/fd");
	if (!rc)
		rc = uk_vfs_fdinfo_dir("/proc/self/fdinfo");
	if (!rc && name && *name) {
		rc = uk_vfs_symlinkat(name, AT_FDCWD, "/proc/self/exe");
		if (rc == -EEXIST)
			rc = 0;
	}
	return rc;
}

/* Linux's (udev's) links of /dev to the fds: programs open "/dev/stdin"
 * as a file name; a link the initrd has stays. */
static int dev_fd_links(void)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "/dev/fd" },
		{ "/proc/self/fd/0", "/dev/stdin" },
		{ "/proc/self/fd/1", "/dev/stdout" },
		{ "/proc/self/fd/2", "/dev/stderr" },
	};
	__sz i;
	int rc;

	rc = mkdir_keep("/dev", 0755);
	for (i = 0; !rc && i < ARRAY_SIZE(links); i++) {
		rc = uk_vfs_symlinkat(links[i][0], AT_FDCWD, links[i][1]);
		if (rc == -EEXIST)
			rc = 0;
	}
	return rc;
}

static int fstree_init(struct uk_init_ctx *ctx __maybe_unused)
{
	mode_t old = uk_vfs_umask(0);
	const char *what = "/tmp";
	int rc;

	rc = mkdir_keep("/tmp", 01777);
	if (!rc && (rc = mkdir_keep(what = "/etc", 0755)) == 0 &&
	    (rc = file_keep(what = "/etc/passwd", ETC_PASSWD)) == 0 &&
	    (rc = file_keep(what = "/etc/group", ETC_GROUP)) == 0 &&
	    (rc = file_keep(what = "/etc/hosts", ETC_HOSTS)) == 0)
		rc = proc_self();
	if (!rc) {
		what = "/dev";
		rc = dev_fd_links();
	}
	uk_vfs_umask(old);
	/* A tree the initrd shaped otherwise (a file named /etc) is its
	 * choice: the boot goes on. */
	if (rc)
		uk_pr_warn("fstree: %s: error %d\n", what, -rc);
	return 0;
}

uk_sys_initcall_prio(fstree_init, NULL, UK_PRIO_EARLIEST);

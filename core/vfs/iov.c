/* SPDX-License-Identifier: BSD-3-Clause */
/* Copies between kernel buffers and an app's iovecs (uk/file.h). */
#include <errno.h>
#include <limits.h>
#include <sys/uio.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/file.h>
#include <uk/nofault.h>

#define IOV_PAGE	4096UL

__sz uk_iov_total(const struct iovec *iov, int iovcnt)
{
	__sz total = 0;
	int i;

	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	return total;
}

/* Up to the end of addr's page: a fault is then found to the page. */
static __sz page_piece(const void *addr, __sz len)
{
	return MIN(len, IOV_PAGE - ((__uptr)addr & (IOV_PAGE - 1)));
}

/* Copies n bytes between buf and the iovecs from byte skip of them on,
 * in page pieces; to_app says which way. Returns the bytes copied. */
static __sz iov_copy(const struct iovec *iov, int iovcnt, __sz skip,
		     char *buf, __sz n, int to_app)
{
	__sz done = 0, piece, c;
	char *app;
	int i, rc;

	for (i = 0; i < iovcnt && done < n; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		app = (char *)iov[i].iov_base + skip;
		piece = MIN(iov[i].iov_len - skip, n - done);
		skip = 0;
		for (; piece; piece -= c, app += c, done += c) {
			c = page_piece(app, piece);
			rc = to_app ? uk_copy_to_user(app, buf + done, c) :
				uk_copy_from_user(buf + done, app, c);
			if (rc)
				return done;
		}
	}
	return done;
}

__sz uk_iov_copy_to(const struct iovec *iov, int iovcnt, __sz skip,
		    const void *src, __sz n)
{
	return iov_copy(iov, iovcnt, skip, (char *)src, n, 1);
}

__sz uk_iov_copy_from(void *dst, const struct iovec *iov, int iovcnt,
		      __sz skip, __sz n)
{
	return iov_copy(iov, iovcnt, skip, dst, n, 0);
}

struct iovec *uk_iov_import(const struct iovec *uiov, int iovcnt,
			    struct iovec *kiov, int kiovcnt,
			    struct iovec **heap)
{
	struct iovec *iov = kiov;
	size_t total = 0;
	int i, rc;

	*heap = NULL;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return ERR2PTR(-EINVAL);
	if (iovcnt > kiovcnt) {
		iov = uk_malloc(uk_alloc_get_default(),
				iovcnt * sizeof(*iov));
		if (!iov)
			return ERR2PTR(-ENOMEM);
		*heap = iov;
	}
	rc = uk_copy_from_user(iov, uiov, iovcnt * sizeof(*iov));
	for (i = 0; !rc && i < iovcnt; i++) {
		/* As Linux: a length that is negative as a ssize_t is
		 * EINVAL; the total is cut at UK_IOV_MAX_RW (the kernel's
		 * copy of the segment that passes it is shortened). */
		if (iov[i].iov_len > SSIZE_MAX)
			rc = -EINVAL;
		else if (iov[i].iov_len > UK_IOV_MAX_RW - total)
			iov[i].iov_len = UK_IOV_MAX_RW - total;
		total += iov[i].iov_len;
	}
	if (rc) {
		/* The caller frees *heap too: leave nothing for it. */
		uk_free(uk_alloc_get_default(), *heap);
		*heap = NULL;
		return ERR2PTR(rc);
	}
	return iov;
}

__sz uk_iov_go_on(const struct iovec *iov, int iovcnt, __sz done,
		  ssize_t (*move)(const struct iovec *one, void *arg),
		  void *arg)
{
	__sz skip = done;
	struct iovec one;
	ssize_t rc;
	int i;

	for (i = 0; i < iovcnt; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		one.iov_base = (char *)iov[i].iov_base + skip;
		one.iov_len = iov[i].iov_len - skip;
		skip = 0;
		while (one.iov_len) {
			rc = move(&one, arg);
			if (rc <= 0)
				return done;
			done += rc;
			one.iov_base = (char *)one.iov_base + rc;
			one.iov_len -= rc;
		}
	}
	return done;
}

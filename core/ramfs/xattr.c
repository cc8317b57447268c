/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Extended attributes of ramfs nodes: a list per node of name and value
 * pairs, in the order they were made (tmpfs's simple_xattr keeps a tree;
 * the few attributes a file has make a list the cheaper choice). The
 * namespaces and the app's memory are core/vfs's business.
 */
#include <errno.h>
#include <string.h>
#include <uk/alloc.h>
#include <uk/essentials.h>
#include <uk/inotify.h>
#include "ramfs_impl.h"

struct ramfs_xattr {
	struct uk_list link;
	__sz nlen;			/* without the NUL */
	__sz vlen;
	char data[];			/* name, NUL, value */
};

static __sz cost(const struct ramfs_xattr *x)
{
	return x->nlen + 1 + x->vlen;
}

static struct ramfs_xattr *find(struct uk_ramfs_node *n, const char *name)
{
	struct uk_list *pos;
	struct ramfs_xattr *x;

	uk_list_for_each(pos, &n->xattrs) {
		x = uk_list_entry(pos, struct ramfs_xattr, link);
		if (!strcmp(x->data, name))
			return x;
	}
	return NULL;
}

static int set_locked(struct uk_ramfs_node *n, const char *name,
		      const void *value, __sz size, int flags)
{
	struct ramfs_xattr *old = find(n, name), *x;
	__sz nlen = strlen(name);
	unsigned long bytes = n->xattr_bytes - (old ? cost(old) : 0);

	if (old && (flags & UK_RAMFS_XATTR_CREATE))
		return -EEXIST;
	if (!old && (flags & UK_RAMFS_XATTR_REPLACE))
		return -ENODATA;
	if (bytes + nlen + 1 + size > UK_RAMFS_XATTR_MAX)
		return -ENOSPC;
	x = uk_malloc(uk_alloc_get_default(), sizeof(*x) + nlen + 1 + size);
	if (!x)
		return -ENOMEM;
	x->nlen = nlen;
	x->vlen = size;
	memcpy(x->data, name, nlen + 1);
	memcpy(x->data + nlen + 1, value, size);
	if (old) {
		uk_list_add_tail(&x->link, &old->link);
		uk_list_del(&old->link);
		uk_free(uk_alloc_get_default(), old);
	} else {
		uk_list_add_tail(&x->link, &n->xattrs);
	}
	n->xattr_bytes = bytes + cost(x);
	return 0;
}

int uk_ramfs_xattr_set(struct uk_ramfs_node *n, const char *name,
		       const void *value, __sz size, int flags)
{
	int rc;

	uk_mutex_lock(&n->lock);
	rc = set_locked(n, name, value, size, flags);
	if (!rc)
		ramfs_now(&n->ctime);
	uk_mutex_unlock(&n->lock);
	if (!rc)
		uk_inotify_node(n, UK_IN_ATTRIB);
	return rc;
}

ssize_t uk_ramfs_xattr_get(struct uk_ramfs_node *n, const char *name,
			   void *buf, __sz size)
{
	struct ramfs_xattr *x;
	ssize_t rc;

	uk_mutex_lock(&n->lock);
	x = find(n, name);
	if (!x)
		rc = -ENODATA;
	else if (size && size < x->vlen)
		rc = -ERANGE;
	else
		rc = x->vlen;
	if (x && size && rc > 0)
		memcpy(buf, x->data + x->nlen + 1, x->vlen);
	uk_mutex_unlock(&n->lock);
	return rc;
}

ssize_t uk_ramfs_xattr_list(struct uk_ramfs_node *n, char *buf, __sz size)
{
	struct uk_list *pos;
	struct ramfs_xattr *x;
	__sz len = 0;

	uk_mutex_lock(&n->lock);
	uk_list_for_each(pos, &n->xattrs) {
		x = uk_list_entry(pos, struct ramfs_xattr, link);
		if (size && len + x->nlen + 1 <= size)
			memcpy(buf + len, x->data, x->nlen + 1);
		len += x->nlen + 1;
	}
	uk_mutex_unlock(&n->lock);
	return size && len > size ? -ERANGE : (ssize_t)len;
}

int uk_ramfs_xattr_remove(struct uk_ramfs_node *n, const char *name)
{
	struct ramfs_xattr *x;

	uk_mutex_lock(&n->lock);
	x = find(n, name);
	if (x) {
		uk_list_del(&x->link);
		n->xattr_bytes -= cost(x);
		ramfs_now(&n->ctime);
	}
	uk_mutex_unlock(&n->lock);
	if (!x)
		return -ENODATA;
	uk_free(uk_alloc_get_default(), x);
	uk_inotify_node(n, UK_IN_ATTRIB);
	return 0;
}

void ramfs_xattrs_free(struct uk_ramfs_node *n)
{
	struct uk_list *pos, *next;

	uk_list_for_each_safe(pos, next, &n->xattrs)
		uk_free(uk_alloc_get_default(),
			uk_list_entry(pos, struct ramfs_xattr, link));
}

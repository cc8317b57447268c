/* SPDX-License-Identifier: BSD-3-Clause */
/* ramfs internals shared by its .c files. */
#ifndef __RAMFS_IMPL_H__
#define __RAMFS_IMPL_H__

#include <limits.h>
#include <sys/stat.h>
#include <uk/ramfs.h>

#define DT_DIR_		4

extern const struct uk_file_ops ramfs_reg_ops;

/* Ops shared by every node type. */
void ramfs_node_release(struct uk_file *f);
int ramfs_node_getstat(struct uk_file *f, struct stat *st);

/* The wall clock as a timespec. */
void ramfs_now(struct timespec *ts);
/* Frees all data pages and radix tables of a regular file. */
void ramfs_data_free(struct uk_ramfs_node *n);
/* Frees the extended attributes of a node that goes. */
void ramfs_xattrs_free(struct uk_ramfs_node *n);

#endif /* __RAMFS_IMPL_H__ */

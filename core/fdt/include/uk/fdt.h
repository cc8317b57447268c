/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small reader of flattened device trees (DTB, devicetree spec v0.4,
 * version 17), as QEMU hands to an arm64 kernel. Every access is checked
 * against the blob's validated bounds: a hostile or truncated DTB gives
 * errors, never a fault or a loop. Offsets are byte offsets of a node's
 * BEGIN_NODE token in the structure block; -errno on error.
 */
#ifndef __UK_FDT_H__
#define __UK_FDT_H__

#include <uk/arch/types.h>

#define UK_FDT_MAGIC		0xd00dfeedU
/* Deepest nesting the walkers follow (deeper trees are rejected). */
#define UK_FDT_MAX_DEPTH	32

/* Checks the header of the blob at fdt, of which at most maxlen bytes
 * may be read. Returns its total size, or -EINVAL (bad magic, version,
 * or a block outside the blob). Every other call assumes it passed. */
long uk_fdt_check(const void *fdt, __sz maxlen);

/* Offset of the node after node in depth-first order; *depth goes up by
 * one into a child and down by one per node closed on the way (it may go
 * negative). uk_fdt_next_node(fdt, -1, &d) returns the root and sets d
 * to 0. Returns -ENOENT at the end, -EINVAL on a malformed structure. */
int uk_fdt_next_node(const void *fdt, int node, int *depth);
/* Name of node ("cpu@0", "" for the root), or NULL if malformed. */
const char *uk_fdt_name(const void *fdt, int node);
/* Value of property name of node and its length (*len), or NULL
 * (absent, or malformed). */
const void *uk_fdt_getprop(const void *fdt, int node, const char *name,
			   int *len);
/* Offset of the node at an absolute path ("/", "/chosen", "/cpus"):
 * a component without "@unit" matches a node with any unit address.
 * -ENOENT if none. */
int uk_fdt_path_offset(const void *fdt, const char *path);
/* First node after start (-1: from the root) whose "compatible" list
 * holds compat; -ENOENT if none. */
int uk_fdt_node_by_compatible(const void *fdt, int start, const char *compat);
/* First child of node / next sibling of child; -ENOENT if none. */
int uk_fdt_first_child(const void *fdt, int node);
int uk_fdt_next_sibling(const void *fdt, int child);
/* #address-cells / #size-cells that node declares for its children
 * (defaults 2 and 1); values above 2 are reported as -EINVAL. */
int uk_fdt_address_cells(const void *fdt, int node);
int uk_fdt_size_cells(const void *fdt, int node);
/* Reads entry idx of the "reg" property of node, whose parent is parent,
 * into *addr and *size. Returns 0, -ENOENT (no such entry) or -EINVAL. */
int uk_fdt_reg(const void *fdt, int parent, int node, unsigned int idx,
	       __u64 *addr, __u64 *size);
/* Reads a big-endian number of cells (1 or 2) at p. */
__u64 uk_fdt_read_cells(const void *p, int cells);
/* Nonzero if node's "status" is absent, "okay" or "ok". */
int uk_fdt_node_enabled(const void *fdt, int node);

#endif /* __UK_FDT_H__ */

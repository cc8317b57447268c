/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flattened device tree reader (uk/fdt.h). The header is validated once
 * by uk_fdt_check(); every later read is checked against the structure
 * and strings blocks it describes, so a walk over a hostile blob ends in
 * -EINVAL instead of reading past it. Each step of a walk moves forward
 * by at least one token, so no blob can make it loop.
 */
#include <errno.h>
#include <string.h>
#include <uk/essentials.h>
#include <uk/fdt.h>

#define TOK_BEGIN_NODE	1
#define TOK_END_NODE	2
#define TOK_PROP	3
#define TOK_NOP		4
#define TOK_END		9

#define HDR_SIZE	40
#define FDT_VERSION	17

struct view {
	const __u8 *st;		/* structure block */
	__u32 st_len;
	const char *str;	/* strings block */
	__u32 str_len;
};

static __u32 be32(const void *p)
{
	const __u8 *b = p;

	return ((__u32)b[0] << 24) | ((__u32)b[1] << 16) |
	       ((__u32)b[2] << 8) | b[3];
}

__u64 uk_fdt_read_cells(const void *p, int cells)
{
	const __u8 *b = p;

	if (cells == 2)
		return ((__u64)be32(b) << 32) | be32(b + 4);
	return cells == 1 ? be32(b) : 0;
}

static __u32 hdr(const void *fdt, unsigned int field)
{
	return be32((const __u8 *)fdt + field * 4);
}

enum { H_MAGIC, H_TOTALSIZE, H_OFF_STRUCT, H_OFF_STRINGS, H_OFF_RSVMAP,
       H_VERSION, H_LAST_COMP, H_BOOT_CPUID, H_SIZE_STRINGS,
       H_SIZE_STRUCT };

/* Whether [off, off + len) lies within [0, total). */
static int in_blob(__u32 off, __u32 len, __u32 total)
{
	return off <= total && len <= total - off;
}

long uk_fdt_check(const void *fdt, __sz maxlen)
{
	__u32 total;

	if (!fdt || maxlen < HDR_SIZE || hdr(fdt, H_MAGIC) != UK_FDT_MAGIC)
		return -EINVAL;
	total = hdr(fdt, H_TOTALSIZE);
	if (total < HDR_SIZE || total > maxlen ||
	    hdr(fdt, H_LAST_COMP) > FDT_VERSION ||
	    hdr(fdt, H_VERSION) < FDT_VERSION)
		return -EINVAL;
	if (!in_blob(hdr(fdt, H_OFF_STRUCT), hdr(fdt, H_SIZE_STRUCT), total) ||
	    !in_blob(hdr(fdt, H_OFF_STRINGS), hdr(fdt, H_SIZE_STRINGS),
		     total) ||
	    hdr(fdt, H_OFF_STRUCT) < HDR_SIZE ||
	    (hdr(fdt, H_OFF_STRUCT) & 3) || (hdr(fdt, H_SIZE_STRUCT) & 3))
		return -EINVAL;
	return (long)total;
}

static void view_of(const void *fdt, struct view *v)
{
	v->st = (const __u8 *)fdt + hdr(fdt, H_OFF_STRUCT);
	v->st_len = hdr(fdt, H_SIZE_STRUCT);
	v->str = (const char *)fdt + hdr(fdt, H_OFF_STRINGS);
	v->str_len = hdr(fdt, H_SIZE_STRINGS);
}

/* Length of the NUL-terminated string at s within n bytes, or -1. */
static long bounded_strlen(const char *s, __u32 n)
{
	const char *end = memchr(s, '\0', n);

	return end ? end - s : -1;
}

/*
 * Reads the token at off; sets *next to the offset after it (and its
 * payload). Returns the token, or -EINVAL if it or its payload is cut
 * off or unknown.
 */
static int token(const struct view *v, __u32 off, __u32 *next)
{
	__u32 tok, plen;
	long n;

	if ((off & 3) || !in_blob(off, 4, v->st_len))
		return -EINVAL;
	tok = be32(v->st + off);
	switch (tok) {
	case TOK_BEGIN_NODE:
		n = bounded_strlen((const char *)v->st + off + 4,
				   v->st_len - off - 4);
		if (n < 0)
			return -EINVAL;
		*next = (__u32)ALIGN_UP(off + 4 + (__u32)n + 1, 4);
		break;
	case TOK_PROP:
		if (!in_blob(off, 12, v->st_len))
			return -EINVAL;
		plen = be32(v->st + off + 4);
		if (!in_blob(off + 12, plen, v->st_len) ||
		    be32(v->st + off + 8) >= v->str_len)
			return -EINVAL;
		*next = (__u32)ALIGN_UP((__u64)off + 12 + plen, 4);
		break;
	case TOK_END_NODE:
	case TOK_NOP:
	case TOK_END:
		*next = off + 4;
		break;
	default:
		return -EINVAL;
	}
	if (*next > v->st_len)
		*next = v->st_len;
	return (int)tok;
}

/* The offset after node's BEGIN_NODE token, or -EINVAL. */
static int node_body(const struct view *v, int node, __u32 *body)
{
	if (node < 0 || token(v, (__u32)node, body) != TOK_BEGIN_NODE)
		return -EINVAL;
	return 0;
}

int uk_fdt_next_node(const void *fdt, int node, int *depth)
{
	struct view v;
	__u32 off, next;
	int tok;

	view_of(fdt, &v);
	if (node < 0) {
		*depth = 0;
		for (off = 0; (tok = token(&v, off, &next)) == TOK_NOP;)
			off = next;
		return tok == TOK_BEGIN_NODE ? (int)off : -EINVAL;
	}
	if (node_body(&v, node, &off) < 0)
		return -EINVAL;
	for (;;) {
		tok = token(&v, off, &next);
		if (tok < 0)
			return tok;
		if (tok == TOK_BEGIN_NODE) {
			if (++*depth > UK_FDT_MAX_DEPTH)
				return -EINVAL;
			return (int)off;
		}
		if (tok == TOK_END_NODE)
			--*depth;
		if (tok == TOK_END)
			return -ENOENT;
		if (next <= off)
			return -EINVAL;
		off = next;
	}
}

const char *uk_fdt_name(const void *fdt, int node)
{
	struct view v;
	__u32 body;

	view_of(fdt, &v);
	if (node_body(&v, node, &body) < 0)
		return NULL;
	return (const char *)v.st + node + 4;
}

const void *uk_fdt_getprop(const void *fdt, int node, const char *name,
			   int *len)
{
	struct view v;
	__u32 off, next, nameoff, plen;
	const char *pname;
	int tok;

	view_of(fdt, &v);
	if (!name || node_body(&v, node, &off) < 0)
		return NULL;
	for (;; off = next) {
		tok = token(&v, off, &next);
		if (tok == TOK_NOP)
			continue;
		if (tok != TOK_PROP)
			return NULL;
		nameoff = be32(v.st + off + 8);
		pname = v.str + nameoff;
		if (bounded_strlen(pname, v.str_len - nameoff) < 0)
			return NULL;
		if (strcmp(pname, name) != 0)
			continue;
		plen = be32(v.st + off + 4);
		if (plen > 0x7fffffff)
			return NULL;
		if (len)
			*len = (int)plen;
		return v.st + off + 12;
	}
}

int uk_fdt_first_child(const void *fdt, int node)
{
	int depth = 0;
	int n = uk_fdt_next_node(fdt, node, &depth);

	if (n < 0)
		return n;
	return depth == 1 ? n : -ENOENT;
}

int uk_fdt_next_sibling(const void *fdt, int child)
{
	int depth = 0;
	int n = child;

	for (;;) {
		n = uk_fdt_next_node(fdt, n, &depth);
		if (n < 0)
			return n;
		if (depth == 0)
			return n;
		if (depth < 0)
			return -ENOENT;
	}
}

/* Whether node name matches path component comp of length n. */
static int name_matches(const char *name, const char *comp, __sz n)
{
	if (strncmp(name, comp, n) != 0)
		return 0;
	return name[n] == '\0' ||
	       (name[n] == '@' && !memchr(comp, '@', n));
}

int uk_fdt_path_offset(const void *fdt, const char *path)
{
	int depth = 0, node = uk_fdt_next_node(fdt, -1, &depth);
	const char *comp, *name;
	__sz n;

	if (!path || path[0] != '/')
		return -EINVAL;
	for (comp = path + 1; node >= 0 && *comp; comp += n) {
		while (*comp == '/')
			comp++;
		n = strcspn(comp, "/");
		if (!n)
			break;
		for (node = uk_fdt_first_child(fdt, node); node >= 0;
		     node = uk_fdt_next_sibling(fdt, node)) {
			name = uk_fdt_name(fdt, node);
			if (name && name_matches(name, comp, n))
				break;
		}
	}
	return node;
}

/* Whether the string list list (len bytes) holds s. */
static int strlist_has(const char *list, int len, const char *s)
{
	__sz sl = strlen(s);
	long n;

	while (len > 0) {
		n = bounded_strlen(list, (__u32)len);
		if (n < 0)
			return 0;
		if ((__sz)n == sl && !memcmp(list, s, sl))
			return 1;
		list += n + 1;
		len -= (int)n + 1;
	}
	return 0;
}

int uk_fdt_node_by_compatible(const void *fdt, int start, const char *compat)
{
	int depth = 0, node = start, len;
	const char *list;

	for (;;) {
		node = uk_fdt_next_node(fdt, node, &depth);
		if (node < 0)
			return node;
		list = uk_fdt_getprop(fdt, node, "compatible", &len);
		if (list && strlist_has(list, len, compat))
			return node;
	}
}

static int cells(const void *fdt, int node, const char *name, int dflt)
{
	const void *p;
	__u32 val;
	int len;

	p = uk_fdt_getprop(fdt, node, name, &len);
	if (!p)
		return dflt;
	if (len != 4)
		return -EINVAL;
	val = be32(p);
	return val > 2 ? -EINVAL : (int)val;
}

int uk_fdt_address_cells(const void *fdt, int node)
{
	return cells(fdt, node, "#address-cells", 2);
}

int uk_fdt_size_cells(const void *fdt, int node)
{
	return cells(fdt, node, "#size-cells", 1);
}

int uk_fdt_reg(const void *fdt, int parent, int node, unsigned int idx,
	       __u64 *addr, __u64 *size)
{
	int ac = uk_fdt_address_cells(fdt, parent);
	int sc = uk_fdt_size_cells(fdt, parent);
	const __u8 *reg;
	__u64 esz;
	int len;

	if (ac <= 0 || sc < 0)
		return -EINVAL;
	reg = uk_fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return -ENOENT;
	esz = (__u64)(ac + sc) * 4;
	if ((idx + 1) * esz > (__u64)len)
		return -ENOENT;
	reg += idx * esz;
	*addr = uk_fdt_read_cells(reg, ac);
	*size = sc ? uk_fdt_read_cells(reg + ac * 4, sc) : 0;
	return 0;
}

int uk_fdt_node_enabled(const void *fdt, int node)
{
	const char *st;
	int len;

	st = uk_fdt_getprop(fdt, node, "status", &len);
	if (!st)
		return 1;
	return (len >= 3 && !memcmp(st, "ok", 3)) ||
	       (len >= 5 && !memcmp(st, "okay", 5));
}

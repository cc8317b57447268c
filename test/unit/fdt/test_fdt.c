/*
 * core/fdt on the host: a device tree built here the way QEMU's virt
 * machine lays it out is read back (paths, compatible lookups, reg
 * entries, properties); then the reader is fuzzed: thousands of mutated,
 * truncated and header-forged copies are walked completely, each blob
 * placed right before an inaccessible page, so any read past it kills
 * the test instead of passing unnoticed.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <stdio.h>
#include <unistd.h>

long amphi_uk_fdt_check(const void *fdt, size_t maxlen);
int amphi_uk_fdt_next_node(const void *fdt, int node, int *depth);
const char *amphi_uk_fdt_name(const void *fdt, int node);
const void *amphi_uk_fdt_getprop(const void *fdt, int node,
				 const char *name, int *len);
int amphi_uk_fdt_path_offset(const void *fdt, const char *path);
int amphi_uk_fdt_node_by_compatible(const void *fdt, int start,
				    const char *compat);
int amphi_uk_fdt_first_child(const void *fdt, int node);
int amphi_uk_fdt_next_sibling(const void *fdt, int child);
int amphi_uk_fdt_reg(const void *fdt, int parent, int node, unsigned int idx,
		     uint64_t *addr, uint64_t *size);
int amphi_uk_fdt_node_enabled(const void *fdt, int node);

/* The guest's libc links against its allocator; glibc's stands in. */
void *amphi_malloc(size_t n)
{
	return malloc(n);
}

/* --- a tiny DTB writer --------------------------------------------- */

struct dtb {
	uint8_t st[4096];
	size_t st_len;
	char str[1024];
	size_t str_len;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void tok(struct dtb *d, uint32_t t)
{
	put32(d->st + d->st_len, t);
	d->st_len += 4;
}

static void begin(struct dtb *d, const char *name)
{
	size_t n = strlen(name) + 1;

	tok(d, 1);
	memset(d->st + d->st_len, 0, (n + 3) & ~3UL);
	memcpy(d->st + d->st_len, name, n);
	d->st_len += (n + 3) & ~3UL;
}

static void end(struct dtb *d)
{
	tok(d, 2);
}

static uint32_t strof(struct dtb *d, const char *name)
{
	size_t off;

	for (off = 0; off < d->str_len; off += strlen(d->str + off) + 1)
		if (!strcmp(d->str + off, name))
			return off;
	strcpy(d->str + d->str_len, name);
	d->str_len += strlen(name) + 1;
	return off;
}

static void prop(struct dtb *d, const char *name, const void *val,
		 size_t len)
{
	tok(d, 3);
	tok(d, len);
	tok(d, strof(d, name));
	memset(d->st + d->st_len, 0, (len + 3) & ~3UL);
	memcpy(d->st + d->st_len, val, len);
	d->st_len += (len + 3) & ~3UL;
}

static void prop32(struct dtb *d, const char *name, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	prop(d, name, b, 4);
}

static void prop_str(struct dtb *d, const char *name, const char *s)
{
	prop(d, name, s, strlen(s) + 1);
}

static void prop_reg(struct dtb *d, uint64_t a, uint64_t s)
{
	uint8_t b[16];

	put32(b, a >> 32);
	put32(b + 4, a);
	put32(b + 8, s >> 32);
	put32(b + 12, s);
	prop(d, "reg", b, 16);
}

/* Builds a blob shaped like QEMU virt's; returns its size. */
static size_t build(uint8_t *out)
{
	static struct dtb d;
	const uint32_t hdr_len = 40, rsv_len = 16;
	uint32_t off_st, off_str, total;
	char cpu[16];
	int i;

	memset(&d, 0, sizeof(d));
	begin(&d, "");
	prop32(&d, "#address-cells", 2);
	prop32(&d, "#size-cells", 2);
	prop_str(&d, "compatible", "linux,dummy-virt");
	begin(&d, "psci");
	prop(&d, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci", 35);
	prop_str(&d, "method", "hvc");
	end(&d);
	begin(&d, "memory@40000000");
	prop_str(&d, "device_type", "memory");
	prop_reg(&d, 0x40000000, 0x10000000);
	end(&d);
	begin(&d, "intc@8000000");
	prop_str(&d, "compatible", "arm,gic-v3");
	prop_reg(&d, 0x8000000, 0x10000);
	end(&d);
	begin(&d, "cpus");
	prop32(&d, "#address-cells", 1);
	prop32(&d, "#size-cells", 0);
	for (i = 0; i < 4; i++) {
		snprintf(cpu, sizeof(cpu), "cpu@%d", i);
		begin(&d, cpu);
		prop32(&d, "reg", i);
		prop_str(&d, "device_type", "cpu");
		if (i == 3)
			prop_str(&d, "status", "disabled");
		end(&d);
	}
	end(&d);
	begin(&d, "chosen");
	prop_str(&d, "bootargs", "hello -- a b");
	prop_reg(&d, 0, 0);
	end(&d);
	end(&d);
	tok(&d, 9);

	off_st = hdr_len + rsv_len;
	off_str = off_st + d.st_len;
	total = off_str + d.str_len;
	memset(out, 0, total);
	put32(out, 0xd00dfeed);
	put32(out + 4, total);
	put32(out + 8, off_st);
	put32(out + 12, off_str);
	put32(out + 16, hdr_len);
	put32(out + 20, 17);
	put32(out + 24, 16);
	put32(out + 32, d.str_len);
	put32(out + 36, d.st_len);
	memcpy(out + off_st, d.st, d.st_len);
	memcpy(out + off_str, d.str, d.str_len);
	return total;
}

/* --- reading a well-formed blob ------------------------------------- */

START_TEST(reads_virt_layout)
{
	uint8_t blob[8192];
	size_t len = build(blob);
	uint64_t a, s;
	const char *v;
	int node, cpus, n, vlen;

	ck_assert_int_eq(amphi_uk_fdt_check(blob, len), (long)len);
	ck_assert_int_eq(amphi_uk_fdt_check(blob, len - 1), -EINVAL);

	node = amphi_uk_fdt_path_offset(blob, "/memory");
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(amphi_uk_fdt_name(blob, node), "memory@40000000");
	ck_assert_int_eq(amphi_uk_fdt_reg(blob, 0, node, 0, &a, &s), 0);
	ck_assert_uint_eq(a, 0x40000000);
	ck_assert_uint_eq(s, 0x10000000);
	ck_assert_int_eq(amphi_uk_fdt_reg(blob, 0, node, 1, &a, &s),
			 -ENOENT);

	node = amphi_uk_fdt_path_offset(blob, "/chosen");
	v = amphi_uk_fdt_getprop(blob, node, "bootargs", &vlen);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "hello -- a b");
	ck_assert_int_eq(vlen, 13);
	ck_assert_ptr_null(amphi_uk_fdt_getprop(blob, node, "nope", &vlen));

	node = amphi_uk_fdt_node_by_compatible(blob, -1, "arm,psci-0.2");
	ck_assert_int_eq(node, amphi_uk_fdt_path_offset(blob, "/psci"));
	ck_assert_str_eq(amphi_uk_fdt_getprop(blob, node, "method", NULL),
			 "hvc");
	ck_assert_int_eq(amphi_uk_fdt_node_by_compatible(blob, node,
							 "arm,psci"),
			 -ENOENT);
	ck_assert_int_eq(amphi_uk_fdt_node_by_compatible(blob, -1,
							 "arm,gic-v3"),
			 amphi_uk_fdt_path_offset(blob, "/intc@8000000"));

	cpus = amphi_uk_fdt_path_offset(blob, "/cpus");
	n = 0;
	for (node = amphi_uk_fdt_first_child(blob, cpus); node >= 0;
	     node = amphi_uk_fdt_next_sibling(blob, node)) {
		ck_assert_int_eq(amphi_uk_fdt_reg(blob, cpus, node, 0, &a, &s),
				 0);
		ck_assert_uint_eq(a, (uint64_t)n);
		ck_assert_int_eq(amphi_uk_fdt_node_enabled(blob, node), n < 3);
		n++;
	}
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(amphi_uk_fdt_path_offset(blob, "/cpus/cpu@2"),
			 amphi_uk_fdt_next_sibling(blob,
			 amphi_uk_fdt_next_sibling(blob,
			 amphi_uk_fdt_first_child(blob, cpus))));
	ck_assert_int_lt(amphi_uk_fdt_path_offset(blob, "/cpus/cpu@9"), 0);
	ck_assert_int_eq(amphi_uk_fdt_path_offset(blob, "relative"),
			 -EINVAL);
}
END_TEST

/* --- fuzzing -------------------------------------------------------- */

/* Every reader entry point, over the whole tree. */
static void walk_all(const void *fdt)
{
	const char *names[] = { "reg", "compatible", "bootargs", "status",
				"#address-cells", "method" };
	const char *paths[] = { "/", "/chosen", "/cpus/cpu@1", "/memory",
				"//x/" };
	int depth = 0, node, steps = 0, len, i, parent = 0;
	uint64_t a, s;
	const char *nm;

	for (node = amphi_uk_fdt_next_node(fdt, -1, &depth);
	     node >= 0 && steps < 100000;
	     node = amphi_uk_fdt_next_node(fdt, node, &depth), steps++) {
		nm = amphi_uk_fdt_name(fdt, node);
		if (nm)
			(void)strlen(nm);
		for (i = 0; i < 6; i++)
			(void)amphi_uk_fdt_getprop(fdt, node, names[i], &len);
		(void)amphi_uk_fdt_reg(fdt, parent, node, 0, &a, &s);
		(void)amphi_uk_fdt_reg(fdt, parent, node, 3, &a, &s);
		(void)amphi_uk_fdt_node_enabled(fdt, node);
		(void)amphi_uk_fdt_first_child(fdt, node);
		(void)amphi_uk_fdt_next_sibling(fdt, node);
		parent = node;
	}
	ck_assert_int_lt(steps, 100000);
	for (i = 0; i < 5; i++)
		(void)amphi_uk_fdt_path_offset(fdt, paths[i]);
	(void)amphi_uk_fdt_node_by_compatible(fdt, -1, "arm,gic-v3");
	(void)amphi_uk_fdt_node_by_compatible(fdt, -1, "nothing");
}

/* A copy of len bytes that ends exactly at an inaccessible page. */
static uint8_t *fenced(const uint8_t *src, size_t len, uint8_t **map,
		       size_t *maplen)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t span = (len + pg - 1) / pg * pg + pg;
	uint8_t *m = mmap(NULL, span, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(m, MAP_FAILED);
	ck_assert_int_eq(mprotect(m + span - pg, pg, PROT_NONE), 0);
	*map = m;
	*maplen = span;
	memcpy(m + span - pg - len, src, len);
	return m + span - pg - len;
}

static void fuzz_one(const uint8_t *blob, size_t len)
{
	uint8_t *map, *copy;
	size_t maplen;

	copy = fenced(blob, len, &map, &maplen);
	if (amphi_uk_fdt_check(copy, len) > 0)
		walk_all(copy);
	munmap(map, maplen);
}

START_TEST(survives_mutations)
{
	uint8_t good[8192], bad[8192];
	size_t len = build(good), n, i, flips;
	unsigned int seed = 12345, round;

	srand(seed);
	for (round = 0; round < 100000; round++) {
		memcpy(bad, good, len);
		n = len;
		flips = 1 + rand() % 8;
		for (i = 0; i < flips; i++) {
			size_t at = rand() % len;

			switch (rand() % 4) {
			case 0:		/* a random byte */
				bad[at] = rand();
				break;
			case 1:		/* a token-sized word */
				at &= ~3UL;
				put32(bad + at, rand() % 12);
				break;
			case 2:		/* a huge length or offset */
				at &= ~3UL;
				put32(bad + at, 0xfffffff0u + rand() % 16);
				break;
			default:	/* a header field */
				put32(bad + 4 * (rand() % 10),
				      rand() % (len + 64));
				break;
			}
		}
		if (round % 5 == 0)
			n = 40 + rand() % (len - 40);	/* truncated */
		fuzz_one(bad, n);
	}
}
END_TEST

START_TEST(rejects_garbage_headers)
{
	uint8_t blob[8192];
	size_t len = build(blob);

	ck_assert_int_eq(amphi_uk_fdt_check(NULL, len), -EINVAL);
	ck_assert_int_eq(amphi_uk_fdt_check(blob, 39), -EINVAL);
	put32(blob + 8, len);			/* struct beyond the end */
	ck_assert_int_eq(amphi_uk_fdt_check(blob, len), -EINVAL);
	len = build(blob);
	put32(blob + 36, 0xfffffffc);		/* struct size overflows */
	ck_assert_int_eq(amphi_uk_fdt_check(blob, len), -EINVAL);
	len = build(blob);
	put32(blob, 0xfeedd00d);
	ck_assert_int_eq(amphi_uk_fdt_check(blob, len), -EINVAL);
}
END_TEST

/* A node nested deeper than the reader follows is an error, not a stack
 * overflow or a loop. */
START_TEST(deep_nesting_is_an_error)
{
	static struct dtb d;
	uint8_t blob[8192];
	int depth = 0, node, i, err = 0;
	uint32_t total;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < 100; i++)
		begin(&d, "n");
	tok(&d, 9);
	total = 56 + d.st_len + 4;
	memset(blob, 0, total);
	put32(blob, 0xd00dfeed);
	put32(blob + 4, total);
	put32(blob + 8, 56);
	put32(blob + 12, 56 + d.st_len);
	put32(blob + 20, 17);
	put32(blob + 24, 16);
	put32(blob + 32, 4);
	put32(blob + 36, d.st_len);
	memcpy(blob + 56, d.st, d.st_len);
	ck_assert_int_gt(amphi_uk_fdt_check(blob, total), 0);
	for (node = amphi_uk_fdt_next_node(blob, -1, &depth); node >= 0;
	     node = amphi_uk_fdt_next_node(blob, node, &depth))
		;
	err = node;
	ck_assert_int_eq(err, -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fdt");
	TCase *tc = tcase_create("fdt");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, reads_virt_layout);
	tcase_add_test(tc, rejects_garbage_headers);
	tcase_add_test(tc, deep_nesting_is_an_error);
	tcase_add_test(tc, survives_mutations);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

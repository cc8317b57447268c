/*
 * core/random on the host: the ChaCha20 block function and cipher against
 * the test vectors of RFC 8439 (sec. 2.3.2, 2.4.2, appendix A.1 and the
 * first of A.2), and the CSPRNG built on it, driven through a stub
 * hardware source. Every test runs in a child process (Check's fork
 * mode), so each starts with an unseeded generator.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../hal-stub.h"

/* The guest objects under test, renamed amphi_<name>. */
void amphi_uk_chacha20_block_words(uint32_t out[16], const uint32_t in[16]);
void amphi_uk_chacha20_block(uint8_t out[64], const uint8_t key[32],
			     uint32_t counter, const uint8_t nonce[12]);
void amphi_uk_chacha20_xor(uint8_t *out, const uint8_t *in, size_t len,
			   const uint8_t key[32], uint32_t counter,
			   const uint8_t nonce[12]);
void amphi_uk_random_fill(void *buf, size_t len);
uint32_t amphi_uk_random_u32(void);
uint64_t amphi_uk_random_u64(void);
int amphi_uk_random_seeded(void);
int amphi_uk_random_reseed(void);
unsigned long amphi_uk_random_reseed_count(void);
void amphi_uk_random_mix(const void *buf, size_t len);
extern int amphi_uk_random_reseed_ms;
extern int amphi_uk_random_reseed_kib;

/* The guest's allocator lives in core/alloc; glibc's stands in. */
void *amphi_malloc(size_t n)
{
	return malloc(n);
}

void amphi_free(void *p)
{
	free(p);
}

unsigned int amphi_ukplat_lcpu_id(void)
{
	return 0;
}

/* The stub hardware source: a counter pattern (so runs are repeatable),
 * or an error. */
static long hwrng_error;
static unsigned int hwrng_calls;
static uint8_t hwrng_next;

long amphi_ukplat_hwrng(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	hwrng_calls++;
	if (hwrng_error)
		return hwrng_error;
	for (i = 0; i < len; i++)
		p[i] = hwrng_next++;
	return (long)len;
}

static void unhex(uint8_t *out, const char *hex, size_t n)
{
	size_t i;
	unsigned int v;

	for (i = 0; i < n; i++) {
		while (*hex == ' ')
			hex++;
		ck_assert_int_eq(sscanf(hex, "%2x", &v), 1);
		out[i] = (uint8_t)v;
		hex += 2;
	}
	while (*hex == ' ')
		hex++;
	ck_assert_msg(*hex == '\0', "test vector longer than %zu bytes", n);
}

static const uint8_t key_0_31[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* RFC 8439 sec. 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00..,
 * counter 1. */
static const char block_232[] =
	"10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4"
	"c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e"
	"d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2"
	"b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e";

START_TEST(test_rfc_2_3_2_block)
{
	const uint8_t nonce[12] = { 0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0,
				    0 };
	uint8_t out[64], want[64];

	unhex(want, block_232, 64);
	amphi_uk_chacha20_block(out, key_0_31, 1, nonce);
	ck_assert_mem_eq(out, want, 64);
}
END_TEST

/* The same vector on words: the RFC's state after the 20 rounds plus the
 * input (sec. 2.3.2, "ChaCha state at the end of the ChaCha20
 * operation"). */
START_TEST(test_rfc_2_3_2_words)
{
	const uint32_t in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
		0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c,
		0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c,
		0x00000001, 0x09000000, 0x4a000000, 0x00000000,
	};
	const uint32_t want[16] = {
		0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
		0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
		0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
		0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2,
	};
	uint32_t out[16], inplace[16];

	amphi_uk_chacha20_block_words(out, in);
	ck_assert_mem_eq(out, want, sizeof(want));
	memcpy(inplace, in, sizeof(in));
	amphi_uk_chacha20_block_words(inplace, inplace);
	ck_assert_mem_eq(inplace, want, sizeof(want));
}
END_TEST

/* RFC 8439 sec. 2.4.2: "Ladies and Gentlemen..." with key 00..1f, nonce
 * 00:00:00:00:00:00:00:4a:00:00:00:00, initial counter 1. */
static const char sunscreen[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you "
	"only one tip for the future, sunscreen would be it.";
static const char cipher_242[] =
	"6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81"
	"e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b"
	"f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57"
	"16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8"
	"07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e"
	"52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36"
	"5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42"
	"87 4d";

START_TEST(test_rfc_2_4_2_encrypt)
{
	const uint8_t nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	size_t len = sizeof(sunscreen) - 1;
	uint8_t want[114], out[114], back[114];

	ck_assert_uint_eq(len, 114);
	unhex(want, cipher_242, 114);
	amphi_uk_chacha20_xor(out, (const uint8_t *)sunscreen, len, key_0_31,
			      1, nonce);
	ck_assert_mem_eq(out, want, len);
	/* Decryption is the same operation; in place works too. */
	memcpy(back, out, len);
	amphi_uk_chacha20_xor(back, back, len, key_0_31, 1, nonce);
	ck_assert_mem_eq(back, sunscreen, len);
}
END_TEST

/* RFC 8439 appendix A.1: the five block function test vectors. */
struct block_vector {
	int key_byte, key_val;		/* one non-zero key byte, or -1 */
	int nonce_byte, nonce_val;	/* one non-zero nonce byte, or -1 */
	uint32_t counter;
	const char *out;
};

static const struct block_vector a1[] = {
	{ -1, 0, -1, 0, 0,
	  "76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28"
	  "bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7"
	  "da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37"
	  "6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86" },
	{ -1, 0, -1, 0, 1,
	  "9f 07 e7 be 55 51 38 7a 98 ba 97 7c 73 2d 08 0d"
	  "cb 0f 29 a0 48 e3 65 69 12 c6 53 3e 32 ee 7a ed"
	  "29 b7 21 76 9c e6 4e 43 d5 71 33 b0 74 d8 39 d5"
	  "31 ed 1f 28 51 0a fb 45 ac e1 0a 1f 4b 79 4d 6f" },
	{ 31, 0x01, -1, 0, 1,
	  "3a eb 52 24 ec f8 49 92 9b 9d 82 8d b1 ce d4 dd"
	  "83 20 25 e8 01 8b 81 60 b8 22 84 f3 c9 49 aa 5a"
	  "8e ca 00 bb b4 a7 3b da d1 92 b5 c4 2f 73 f2 fd"
	  "4e 27 36 44 c8 b3 61 25 a6 4a dd eb 00 6c 13 a0" },
	{ 1, 0xff, -1, 0, 2,
	  "72 d5 4d fb f1 2e c4 4b 36 26 92 df 94 13 7f 32"
	  "8f ea 8d a7 39 90 26 5e c1 bb be a1 ae 9a f0 ca"
	  "13 b2 5a a2 6c b4 a6 48 cb 9b 9d 1b e6 5b 2c 09"
	  "24 a6 6c 54 d5 45 ec 1b 73 74 f4 87 2e 99 f0 96" },
	{ -1, 0, 11, 0x02, 0,
	  "c2 c6 4d 37 8c d5 36 37 4a e2 04 b9 ef 93 3f cd"
	  "1a 8b 22 88 b3 df a4 96 72 ab 76 5b 54 ee 27 c7"
	  "8a 97 0e 0e 95 5c 14 f3 a8 8e 74 1b 97 c2 86 f7"
	  "5f 8f c2 99 e8 14 83 62 fa 19 8a 39 53 1b ed 6d" },
};

START_TEST(test_rfc_a1_blocks)
{
	const struct block_vector *v = &a1[_i];
	uint8_t key[32] = { 0 }, nonce[12] = { 0 }, out[64], want[64];

	if (v->key_byte >= 0)
		key[v->key_byte] = (uint8_t)v->key_val;
	if (v->nonce_byte >= 0)
		nonce[v->nonce_byte] = (uint8_t)v->nonce_val;
	unhex(want, v->out, 64);
	amphi_uk_chacha20_block(out, key, v->counter, nonce);
	ck_assert_mem_eq(out, want, 64);
}
END_TEST

/* Appendix A.2 #1: 64 zero bytes under the zero key, nonce and counter
 * encrypt to the A.1 #1 keystream. */
START_TEST(test_rfc_a2_1_encrypt)
{
	uint8_t key[32] = { 0 }, nonce[12] = { 0 }, zero[64] = { 0 };
	uint8_t out[64], want[64];

	unhex(want, a1[0].out, 64);
	amphi_uk_chacha20_xor(out, zero, 64, key, 0, nonce);
	ck_assert_mem_eq(out, want, 64);
}
END_TEST

/* The cipher is the block function at counter, counter + 1, ... for any
 * length, whole blocks or not. */
/* Asserts that p[0..n) all hold b, with one check (Check records each
 * assertion with a system call: a million of them outlast its 4 s). */
static void assert_all(const uint8_t *p, size_t n, uint8_t b)
{
	size_t i = 0;

	while (i < n && p[i] == b)
		i++;
	ck_assert_msg(i == n, "byte %zu is 0x%02x, not 0x%02x", i,
		      i < n ? p[i] : 0, b);
}

START_TEST(test_xor_is_block_stream)
{
	const uint8_t nonce[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	static uint8_t in[1000], out[1000], want[1024];
	size_t len, i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(want) / 64; i++)
		amphi_uk_chacha20_block(want + 64 * i, key_0_31,
					0xfffffff0U + (uint32_t)i, nonce);
	for (i = 0; i < sizeof(want); i++)
		want[i] ^= i < sizeof(in) ? in[i] : 0;
	for (len = 0; len <= sizeof(in); len += len < 130 ? 1 : 87) {
		memset(out, 0xee, sizeof(out));
		amphi_uk_chacha20_xor(out, in, len, key_0_31, 0xfffffff0U,
				      nonce);
		ck_assert_mem_eq(out, want, len);
		assert_all(out + len, sizeof(out) - len, 0xee);
	}
}
END_TEST

/* An unkeyed state: "expand 32-byte k", key, counter and nonce zero. */
static void key_block(uint32_t out[16], const uint32_t key[8])
{
	uint32_t s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

	memcpy(&s[4], key, 32);
	amphi_uk_chacha20_block_words(out, s);
}

/* The documented construction, recomputed here from the block function:
 * base = KB(seed)[0..7]; CPU key and base from KB(base); each request
 * KB(cpu key): words 0..7 the next CPU key, 8..15 the output (small
 * requests) or the request key. */
START_TEST(test_crng_construction)
{
	uint32_t seed[8], base[8], cpu[8], blk[16], stream[16], got[8];
	uint8_t big[100];
	int i;

	for (i = 0; i < 32; i++)
		((uint8_t *)seed)[i] = (uint8_t)i;
	key_block(blk, seed);
	memcpy(base, blk, 32);
	key_block(blk, base);
	memcpy(cpu, blk + 8, 32);

	amphi_uk_random_fill(got, 32);
	ck_assert_int_eq(amphi_uk_random_seeded(), 1);
	key_block(blk, cpu);
	memcpy(cpu, blk, 32);
	ck_assert_mem_eq(got, blk + 8, 32);

	/* Past 32 bytes: the request key's stream, 64-bit counter at 0. */
	amphi_uk_random_fill(big, sizeof(big));
	key_block(blk, cpu);
	memcpy(cpu, blk, 32);
	{
		uint32_t s[16] = { 0x61707865, 0x3320646e, 0x79622d32,
				   0x6b206574 };
		uint8_t want[128];

		memcpy(&s[4], blk + 8, 32);
		amphi_uk_chacha20_block_words(stream, s);
		memcpy(want, stream, 64);
		s[12] = 1;
		amphi_uk_chacha20_block_words(stream, s);
		memcpy(want + 64, stream, 64);
		ck_assert_mem_eq(big, want, sizeof(big));
	}
	/* Fast key erasure: the same request again gives other bytes. */
	amphi_uk_random_fill(got, 32);
	ck_assert_mem_ne(got, blk + 8, 32);
}
END_TEST

START_TEST(test_fill_sizes)
{
	static uint8_t buf[5000 + 64], prev[5000];
	size_t len, i;
	int diff;

	for (len = 0; len <= 5000; len += len < 200 ? 1 : 997) {
		memset(buf, 0xa5, sizeof(buf));
		amphi_uk_random_fill(buf + 16, len);
		assert_all(buf, 16, 0xa5);
		assert_all(buf + 16 + len, sizeof(buf) - 16 - len, 0xa5);
		if (len >= 16) {
			diff = memcmp(buf + 16, prev, len) != 0;
			ck_assert_msg(diff, "two fills of %zu equal", len);
		}
		memcpy(prev, buf + 16, len);
	}
	ck_assert_uint_ne(amphi_uk_random_u64(), amphi_uk_random_u64());
	ck_assert_uint_ne(amphi_uk_random_u32() | (uint64_t)
			  amphi_uk_random_u32() << 32,
			  amphi_uk_random_u32() | (uint64_t)
			  amphi_uk_random_u32() << 32);
}
END_TEST

/* Every byte value shows up in 1 MiB, with counts near the mean. */
START_TEST(test_byte_histogram)
{
	static uint8_t buf[1 << 20];
	unsigned long count[256] = { 0 };
	size_t i;

	amphi_uk_random_fill(buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		count[buf[i]]++;
	/* Mean 4096, sd 64: 10 sd either way never happens by chance. */
	for (i = 0; i < 256; i++) {
		ck_assert_uint_gt(count[i], 4096 - 640);
		ck_assert_uint_lt(count[i], 4096 + 640);
	}
}
END_TEST

START_TEST(test_unseeded_then_seeded)
{
	uint8_t a[32], b[32];
	const char *con;
	size_t len;

	unit_console_reset();
	hwrng_error = -ENODEV;
	ck_assert_int_eq(amphi_uk_random_seeded(), 0);
	con = unit_console_text(&len);
	ck_assert_msg(memmem(con, len, "NOT seeded", 10) != NULL,
		      "no warning on the console: %.*s", (int)len, con);
	/* Output still comes, and still differs. */
	amphi_uk_random_fill(a, sizeof(a));
	amphi_uk_random_fill(b, sizeof(b));
	ck_assert_mem_ne(a, b, sizeof(a));
	ck_assert_int_eq(amphi_uk_random_reseed(), -ENODEV);
	ck_assert_int_eq(amphi_uk_random_seeded(), 0);
	ck_assert_uint_eq(amphi_uk_random_reseed_count(), 0);
	hwrng_error = 0;
	ck_assert_int_eq(amphi_uk_random_reseed(), 0);
	ck_assert_int_eq(amphi_uk_random_seeded(), 1);
	ck_assert_uint_eq(amphi_uk_random_reseed_count(), 1);
}
END_TEST

/* A reseed changes the stream even if the hardware source repeats
 * itself: the old key is mixed in, not replaced. */
START_TEST(test_reseed_mixes)
{
	uint8_t a[32], b[32];

	amphi_uk_random_fill(a, sizeof(a));
	ck_assert_int_eq(amphi_uk_random_reseed(), 0);
	ck_assert_uint_eq(amphi_uk_random_reseed_count(), 1);
	amphi_uk_random_fill(b, sizeof(b));
	ck_assert_mem_ne(a, b, sizeof(a));
	hwrng_error = -EIO;
	ck_assert_int_eq(amphi_uk_random_reseed(), -EIO);
	ck_assert_uint_eq(amphi_uk_random_reseed_count(), 1);
	/* Still works, still seeded. */
	amphi_uk_random_fill(a, sizeof(a));
	ck_assert_int_eq(amphi_uk_random_seeded(), 1);
}
END_TEST

/* random.reseed_kib: output past the limit triggers a reseed. */
START_TEST(test_reseed_by_bytes)
{
	static uint8_t buf[64 * 1024];
	unsigned int calls;
	int i;

	amphi_uk_random_reseed_kib = 16;
	amphi_uk_random_fill(buf, 16);
	calls = hwrng_calls;
	ck_assert_uint_eq(amphi_uk_random_reseed_count(), 0);
	for (i = 0; i < 4; i++)
		amphi_uk_random_fill(buf, sizeof(buf));
	ck_assert_uint_ge(amphi_uk_random_reseed_count(), 2);
	ck_assert_uint_gt(hwrng_calls, calls);
}
END_TEST

/* random.reseed_ms: a request after the interval reseeds. The clock is
 * moved on by the test: an interval of 1 ms once failed under load, the
 * first request coming more than 1 ms after the seed. */
START_TEST(test_reseed_by_time)
{
	uint8_t b[8];

	amphi_uk_random_reseed_ms = 10000;
	amphi_uk_random_fill(b, sizeof(b));
	ck_assert_uint_eq(amphi_uk_random_reseed_count(), 0);
	unit_clock_advance(10000000000ULL);
	amphi_uk_random_fill(b, sizeof(b));
	ck_assert_uint_eq(amphi_uk_random_reseed_count(), 1);
	amphi_uk_random_reseed_ms = 0;
	unit_clock_advance(20000000000ULL);
	amphi_uk_random_fill(b, sizeof(b));
	ck_assert_uint_eq(amphi_uk_random_reseed_count(), 1);
}
END_TEST

START_TEST(test_mix_changes_stream)
{
	uint8_t a[32], b[32];

	amphi_uk_random_fill(a, sizeof(a));
	amphi_uk_random_mix("written to /dev/random", 22);
	amphi_uk_random_mix(NULL, 0);
	amphi_uk_random_fill(b, sizeof(b));
	ck_assert_mem_ne(a, b, sizeof(a));
}
END_TEST

static Suite *random_suite(void)
{
	Suite *s = suite_create("random");
	TCase *tc = tcase_create("chacha20");

	tcase_add_test(tc, test_rfc_2_3_2_block);
	tcase_add_test(tc, test_rfc_2_3_2_words);
	tcase_add_test(tc, test_rfc_2_4_2_encrypt);
	tcase_add_loop_test(tc, test_rfc_a1_blocks, 0,
			    sizeof(a1) / sizeof(a1[0]));
	tcase_add_test(tc, test_rfc_a2_1_encrypt);
	tcase_add_test(tc, test_xor_is_block_stream);
	suite_add_tcase(s, tc);
	tc = tcase_create("crng");
	tcase_add_test(tc, test_crng_construction);
	tcase_add_test(tc, test_fill_sizes);
	tcase_add_test(tc, test_byte_histogram);
	tcase_add_test(tc, test_unseeded_then_seeded);
	tcase_add_test(tc, test_reseed_mixes);
	tcase_add_test(tc, test_reseed_by_bytes);
	tcase_add_test(tc, test_reseed_by_time);
	tcase_add_test(tc, test_mix_changes_stream);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(random_suite());
	int failed;

	/* A child per test: each starts with a fresh, unseeded generator. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

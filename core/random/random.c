/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CSPRNG (uk/random.h), after Linux's design: a base key, keyed from
 * ukplat_hwrng and reseeded from it, and one key per CPU derived from the
 * base. A request, with interrupts off on its CPU (so nothing else uses
 * that CPU's key meanwhile), runs one ChaCha20 block under the CPU key:
 * half of it replaces the CPU key, the other half keys the request's own
 * keystream (or is the output itself for requests up to 32 bytes). The
 * output is then generated with interrupts on, and the request key
 * erased: a later compromise of the state reveals nothing already handed
 * out (fast key erasure).
 *
 * Why per CPU and not one lock: CPUs asking at once share nothing but a
 * read of the base generation, and a CPU key is only touched by its own
 * CPU; a shared lock would bounce its cache line on every request and
 * serialise the key step. The base lock is taken only to refresh a CPU
 * key (after a reseed, or every reseed_kib of that CPU's output).
 *
 * Reseeding: every random.reseed_ms of the monotonic clock, or once the
 * CPUs reported random.reseed_kib of output since the last reseed, the
 * next request fetches 32 bytes from ukplat_hwrng (outside any lock) and
 * sets base = ChaCha20(key = base ^ fresh) (the first half of a block):
 * unpredictable if either the old key or the fresh bytes are. A new
 * base generation makes every CPU re-derive its key.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <uk/chacha20.h>
#include <uk/essentials.h>
#include <uk/init.h>
#include <uk/param.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/random.h>
#include <uk/plat/time.h>
#include <uk/print.h>
#include <uk/random.h>
#include <uk/spinlock.h>
#include "random_impl.h"

#define KEY_WORDS	8
#define RETRY_NS	ukarch_time_sec_to_nsec(1)

int uk_random_reseed_ms = 60000;
UK_PARAM("random.reseed_ms", uk_random_reseed_ms, 0, 86400000,
	 "reseed the CSPRNG from the hardware source every N ms, 0: never");
int uk_random_reseed_kib = 65536;
UK_PARAM("random.reseed_kib", uk_random_reseed_kib, 0, 1 << 30,
	 "reseed the CSPRNG after N KiB of output, 0: never");

struct crng_base {
	struct uk_spinlock lock;
	__u32 key[KEY_WORDS];
	unsigned long generation;	/* 0: not keyed yet */
	__nsec reseeded_at;		/* last reseed or attempt */
	__u64 bytes;			/* CPUs' output since the reseed */
	int seeded;			/* keyed from the hardware source */
	int reseeding;			/* one CPU fetches entropy at a time */
	int warned;			/* weak output was reported */
	unsigned long nr_reseeds;
};

struct crng_cpu {
	__u32 key[KEY_WORDS];
	unsigned long generation;	/* of base the key came from */
	__u64 bytes;			/* output since the key was derived */
} __align(64);

static struct crng_base base = { .lock = UK_SPINLOCK_INITIALIZER() };
static struct crng_cpu crng_cpus[UKPLAT_LCPU_MAXCOUNT];

/* One ChaCha20 block under key (counter and nonce 0: every key is used
 * for one block only). */
static void key_block(__u32 out[16], const __u32 key[KEY_WORDS])
{
	__u32 s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

	memcpy(&s[4], key, KEY_WORDS * 4);
	uk_chacha20_block_words(out, s);
	explicit_bzero(s, sizeof(s));
}

/* base.key = ChaCha20(base.key ^ in)[0..7]. Called with base.lock. */
static void base_mix(const __u32 in[KEY_WORDS])
{
	__u32 k[KEY_WORDS], blk[16];
	int i;

	for (i = 0; i < KEY_WORDS; i++)
		k[i] = base.key[i] ^ in[i];
	key_block(blk, k);
	memcpy(base.key, blk, sizeof(base.key));
	base.generation++;
	explicit_bzero(k, sizeof(k));
	explicit_bzero(blk, sizeof(blk));
}

/* Stand-in key when the hardware source fails: guessable, never called
 * secure (base.seeded stays 0). */
static void weak_key(__u32 key[KEY_WORDS])
{
	__nsec mono = ukplat_monotonic_clock(), wall = ukplat_wall_clock();
	__uptr here = (__uptr)&mono;

	memset(key, 0, KEY_WORDS * 4);
	key[0] = (__u32)mono;
	key[1] = (__u32)(mono >> 32);
	key[2] = (__u32)wall;
	key[3] = (__u32)(wall >> 32);
	key[4] = (__u32)here;
	key[5] = (__u32)((__u64)here >> 32);
	key[6] = ukplat_lcpu_id();
}

static void crng_init(void)
{
	__u32 seed[KEY_WORDS];
	unsigned long flags;
	long rc;
	int first = 0;

	if (likely(__atomic_load_n(&base.generation, __ATOMIC_ACQUIRE)))
		return;
	rc = ukplat_hwrng(seed, sizeof(seed));
	if (rc != (long)sizeof(seed))
		weak_key(seed);
	uk_spin_lock_irqsave(&base.lock, flags);
	if (!base.generation) {
		first = 1;
		base.seeded = rc == (long)sizeof(seed);
		base.reseeded_at = ukplat_monotonic_clock();
		base_mix(seed);		/* generation 0 -> 1: published */
	}
	uk_spin_unlock_irqrestore(&base.lock, flags);
	explicit_bzero(seed, sizeof(seed));
	if (first && rc != (long)sizeof(seed))
		uk_pr_err("random: hardware entropy source failed (%ld): "
			  "CSPRNG NOT seeded; getrandom() blocks until the "
			  "source works, /dev/urandom output is weak\n",
			  rc < 0 ? rc : (long)-EIO);
}

int uk_random_reseed(void)
{
	__u32 fresh[KEY_WORDS];
	unsigned long flags;
	int was_seeded;
	long rc;

	crng_init();
	rc = ukplat_hwrng(fresh, sizeof(fresh));
	uk_spin_lock_irqsave(&base.lock, flags);
	base.reseeded_at = ukplat_monotonic_clock();
	was_seeded = base.seeded;
	if (rc == (long)sizeof(fresh)) {
		base_mix(fresh);
		base.bytes = 0;
		base.seeded = 1;
		base.nr_reseeds++;
	}
	uk_spin_unlock_irqrestore(&base.lock, flags);
	explicit_bzero(fresh, sizeof(fresh));
	if (rc != (long)sizeof(fresh))
		return rc < 0 ? (int)rc : -EIO;
	if (!was_seeded)
		uk_pr_info("random: CSPRNG seeded from the hardware source\n");
	return 0;
}

/* Reseeds if due. Only one CPU fetches entropy; the others go on with
 * the current key. */
static void maybe_reseed(void)
{
	__u64 limit = (__u64)READ_ONCE(uk_random_reseed_kib) * 1024;
	__nsec now, every;
	int due;

	crng_init();
	every = ukarch_time_msec_to_nsec(READ_ONCE(uk_random_reseed_ms));
	if (!base.seeded)
		every = RETRY_NS;
	now = ukplat_monotonic_clock();
	due = (every && now - READ_ONCE(base.reseeded_at) >= every) ||
	      (limit && READ_ONCE(base.bytes) >= limit);
	if (likely(!due))
		return;
	if (__atomic_exchange_n(&base.reseeding, 1, __ATOMIC_ACQUIRE))
		return;
	(void)uk_random_reseed();
	__atomic_store_n(&base.reseeding, 0, __ATOMIC_RELEASE);
}

/* Derives c's key from the base. Interrupts are off. */
static void cpu_refresh(struct crng_cpu *c)
{
	__u32 blk[16];

	uk_spin_lock(&base.lock);
	key_block(blk, base.key);
	memcpy(base.key, blk, sizeof(base.key));
	memcpy(c->key, &blk[KEY_WORDS], sizeof(c->key));
	c->generation = base.generation;
	base.bytes += c->bytes;
	c->bytes = 0;
	uk_spin_unlock(&base.lock);
	explicit_bzero(blk, sizeof(blk));
}

void uk_random_request(__u32 out[16], __sz len)
{
	unsigned long flags;
	struct crng_cpu *c;
	__u64 limit;

	maybe_reseed();
	limit = (__u64)READ_ONCE(uk_random_reseed_kib) * 1024;
	flags = ukplat_lcpu_save_irqf();
	c = &crng_cpus[ukplat_lcpu_idx()];
	if (c->generation != READ_ONCE(base.generation) ||
	    (limit && c->bytes >= limit))
		cpu_refresh(c);
	key_block(out, c->key);
	memcpy(c->key, out, sizeof(c->key));
	c->bytes += len;
	ukplat_lcpu_restore_irqf(flags);
	if (unlikely(!base.seeded) && !base.warned) {
		base.warned = 1;
		uk_pr_warn("random: output requested before seeding\n");
	}
}

void uk_random_stream_init(struct uk_random_stream *st,
			   const __u32 key[KEY_WORDS])
{
	st->s[0] = 0x61707865;
	st->s[1] = 0x3320646e;
	st->s[2] = 0x79622d32;
	st->s[3] = 0x6b206574;
	memcpy(&st->s[4], key, KEY_WORDS * 4);
	/* A 64-bit block counter (words 12, 13) and a zero nonce: a request
	 * key never runs out. */
	st->s[12] = st->s[13] = st->s[14] = st->s[15] = 0;
}

void uk_random_stream_next(struct uk_random_stream *st, __u32 out[16])
{
	uk_chacha20_block_words(out, st->s);
	if (++st->s[12] == 0)
		st->s[13]++;
}

void uk_random_fill(void *buf, __sz len)
{
	struct uk_random_stream st;
	__u32 blk[16];
	__u8 *p = buf;

	uk_random_request(blk, len);
	if (len <= UK_RANDOM_DIRECT_MAX) {
		memcpy(p, &blk[KEY_WORDS], len);
		explicit_bzero(blk, sizeof(blk));
		return;
	}
	uk_random_stream_init(&st, &blk[KEY_WORDS]);
	for (; len >= sizeof(blk); len -= sizeof(blk), p += sizeof(blk)) {
		uk_random_stream_next(&st, blk);
		memcpy(p, blk, sizeof(blk));
	}
	if (len) {
		uk_random_stream_next(&st, blk);
		memcpy(p, blk, len);
	}
	explicit_bzero(blk, sizeof(blk));
	explicit_bzero(&st, sizeof(st));
}

__u32 uk_random_u32(void)
{
	__u32 v;

	uk_random_fill(&v, sizeof(v));
	return v;
}

__u64 uk_random_u64(void)
{
	__u64 v;

	uk_random_fill(&v, sizeof(v));
	return v;
}

int uk_random_seeded(void)
{
	crng_init();
	return READ_ONCE(base.seeded);
}

unsigned long uk_random_reseed_count(void)
{
	return READ_ONCE(base.nr_reseeds);
}

void uk_random_mix(const void *buf, __sz len)
{
	const __u8 *p = buf;
	__u32 chunk[KEY_WORDS];
	unsigned long flags;
	__sz n;

	crng_init();
	while (len) {
		n = MIN(len, sizeof(chunk));
		memset(chunk, 0, sizeof(chunk));
		memcpy(chunk, p, n);
		uk_spin_lock_irqsave(&base.lock, flags);
		base_mix(chunk);
		uk_spin_unlock_irqrestore(&base.lock, flags);
		p += n;
		len -= n;
	}
	explicit_bzero(chunk, sizeof(chunk));
}

/* Seeds at boot, so a failing source is reported then, not at the first
 * request. */
static int random_init(struct uk_init_ctx *ctx __maybe_unused)
{
	crng_init();
	return 0;
}
uk_lib_initcall(random_init, NULL);

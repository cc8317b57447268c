/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's CSPRNG: ChaCha20 (uk/chacha20.h) keyed from the platform's
 * hardware source (ukplat_hwrng), with fast key erasure (every request
 * replaces the key it used, so output already handed out cannot be
 * recomputed from the state) and periodic reseeding that mixes fresh
 * hardware entropy into the key. One state per CPU, refreshed from a
 * shared base key; safe on any number of CPUs.
 *
 * If the hardware source fails at boot, the generator runs keyed from
 * weak sources (clocks) and says so on the console: the kernel calls and
 * /dev/urandom still return bytes (as Linux's get_random_bytes() and
 * /dev/urandom do before initialisation), getrandom() without
 * GRND_INSECURE blocks until a retry of the source succeeds
 * (GRND_NONBLOCK: EAGAIN).
 */
#ifndef __UK_RANDOM_H__
#define __UK_RANDOM_H__

#include <uk/arch/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest count one getrandom() or /dev/urandom read returns (Linux's
 * MAX_RW_COUNT: INT_MAX rounded down to a page). */
#define UK_RANDOM_MAX_REQUEST	0x7ffff000UL

/* Fills the kernel buffer buf with len random bytes. Never fails and
 * never blocks (before seeding: weak output, with a console warning). */
void uk_random_fill(void *buf, __sz len);
/* A random 32-bit / 64-bit value. */
__u32 uk_random_u32(void);
__u64 uk_random_u64(void);

/* Fills the app's buffer ubuf with len random bytes through
 * uk_copy_to_user. Returns the bytes stored (fewer if ubuf faults after
 * the start), or -EFAULT if the first byte faults. len is capped at
 * UK_RANDOM_MAX_REQUEST. Never blocks. */
long uk_random_fill_user(void *ubuf, __sz len);

/* 1 once the generator was keyed from the hardware source, else 0. */
int uk_random_seeded(void);
/* Waits until the generator is seeded, retrying the hardware source.
 * Returns 0, or -EAGAIN at once if nonblock and it is not seeded. */
int uk_random_wait_seeded(int nonblock);

/* Mixes fresh hardware entropy into the key now (also what the periodic
 * reseed does). Returns 0 or the source's -errno (the key is kept). */
int uk_random_reseed(void);
/* Number of successful reseeds since boot (the initial seed excluded). */
unsigned long uk_random_reseed_count(void);

/* Mixes len bytes of buf (e.g. written to /dev/random) into the key.
 * They add entropy but are never trusted alone. */
void uk_random_mix(const void *buf, __sz len);

/* Kernel side of getrandom(2): flags GRND_NONBLOCK, GRND_RANDOM,
 * GRND_INSECURE. Returns bytes stored, -EINVAL (unknown flags, or
 * GRND_INSECURE with GRND_RANDOM), -EFAULT, -EAGAIN (not seeded and
 * GRND_NONBLOCK). */
long uk_getrandom(void *ubuf, __sz len, unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* __UK_RANDOM_H__ */

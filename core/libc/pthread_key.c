/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Thread-specific data. Keys are slots of a global table; a slot's
 * sequence number is odd while the key exists and changes when it is
 * created or deleted, so a value set under an older key of the same slot
 * reads as NULL. A thread's values sit in blocks of KEYS_PER_BLOCK,
 * allocated the first time one of their keys is set.
 */
#include <errno.h>
#include <uk/alloc.h>
#include "pthread_impl.h"

struct key_slot {
	unsigned long seq;		/* odd: in use */
	void (*destructor)(void *);
};

static struct key_slot keys[PTHREAD_KEYS_MAX];
static UK_SPINLOCK_DEFINE(keys_lock);

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	unsigned long flags;
	unsigned int i;

	if (!key)
		return EINVAL;
	uk_spin_lock_irqsave(&keys_lock, flags);
	for (i = 0; i < PTHREAD_KEYS_MAX; i++) {
		if (keys[i].seq & 1)
			continue;
		keys[i].destructor = destructor;
		__atomic_store_n(&keys[i].seq, keys[i].seq + 1,
				 __ATOMIC_RELEASE);
		uk_spin_unlock_irqrestore(&keys_lock, flags);
		*key = i;
		return 0;
	}
	uk_spin_unlock_irqrestore(&keys_lock, flags);
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	unsigned long flags;
	int rc = EINVAL;

	if (key >= PTHREAD_KEYS_MAX)
		return EINVAL;
	uk_spin_lock_irqsave(&keys_lock, flags);
	if (keys[key].seq & 1) {
		__atomic_store_n(&keys[key].seq, keys[key].seq + 1,
				 __ATOMIC_RELEASE);
		keys[key].destructor = NULL;
		rc = 0;
	}
	uk_spin_unlock_irqrestore(&keys_lock, flags);
	return rc;
}

void *pthread_getspecific(pthread_key_t key)
{
	struct __pthread *p;
	struct key_value *blk;
	unsigned long seq;

	if (key >= PTHREAD_KEYS_MAX)
		return NULL;
	p = pthread_current();
	blk = p ? p->keys[key / KEYS_PER_BLOCK] : NULL;
	if (!blk)
		return NULL;
	seq = __atomic_load_n(&keys[key].seq, __ATOMIC_ACQUIRE);
	if (!(seq & 1) || blk[key % KEYS_PER_BLOCK].seq != seq)
		return NULL;
	return blk[key % KEYS_PER_BLOCK].value;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	struct __pthread *p;
	struct key_value **blk;
	unsigned long seq;

	if (key >= PTHREAD_KEYS_MAX)
		return EINVAL;
	seq = __atomic_load_n(&keys[key].seq, __ATOMIC_ACQUIRE);
	if (!(seq & 1))
		return EINVAL;
	p = pthread_current();
	if (!p)
		return ENOMEM;
	blk = &p->keys[key / KEYS_PER_BLOCK];
	if (!*blk) {
		*blk = uk_calloc(uk_alloc_get_default(), KEYS_PER_BLOCK,
				 sizeof(**blk));
		if (!*blk)
			return ENOMEM;
	}
	(*blk)[key % KEYS_PER_BLOCK].seq = seq;
	(*blk)[key % KEYS_PER_BLOCK].value = (void *)value;
	return 0;
}

/* One round over p's values: each non-NULL value of a live key with a
 * destructor is cleared and passed to it. Returns the number of calls. */
static int destructor_round(struct __pthread *p)
{
	void (*destructor)(void *);
	struct key_value *kv;
	unsigned long flags, seq;
	unsigned int b, i;
	int calls = 0;
	void *v;

	for (b = 0; b < KEY_BLOCKS; b++) {
		for (i = 0; p->keys[b] && i < KEYS_PER_BLOCK; i++) {
			kv = &p->keys[b][i];
			if (!kv->value)
				continue;
			uk_spin_lock_irqsave(&keys_lock, flags);
			seq = keys[b * KEYS_PER_BLOCK + i].seq;
			destructor = keys[b * KEYS_PER_BLOCK + i].destructor;
			uk_spin_unlock_irqrestore(&keys_lock, flags);
			v = kv->value;
			kv->value = NULL;
			if (kv->seq != seq || !(seq & 1) || !destructor)
				continue;
			destructor(v);
			calls++;
		}
	}
	return calls;
}

void pthread_keys_exit(struct __pthread *p)
{
	unsigned int b, round;

	for (round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++)
		if (!destructor_round(p))
			break;
	for (b = 0; b < KEY_BLOCKS; b++) {
		uk_free(uk_alloc_get_default(), p->keys[b]);
		p->keys[b] = NULL;
	}
}

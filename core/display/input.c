/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Input devices and their readers. A device keeps its state (keys down,
 * absolute values) and a list of readers; each reader has a ring of
 * events. Reports come from interrupt handlers: everything here runs
 * under the device's spinlock with interrupts off. A full ring drops
 * what is unread and starts again with SYN_DROPPED, as Linux's evdev.
 */
#include <errno.h>
#include <linux/input-event-codes.h>
#include <uk/alloc.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/input.h>
#include <uk/plat/time.h>

#define INPUT_MAX_DEVS	4

struct uk_input_reader {
	struct uk_list link;
	struct uk_input_dev *dev;
	void (*notify)(void *arg);
	void *arg;
	unsigned int head, tail;	/* ring [tail, head), free-running */
	unsigned int packet;		/* head at the last SYN_REPORT */
	struct uk_input_event ring[UK_INPUT_QUEUE];
};

static struct uk_input_dev *devs[INPUT_MAX_DEVS];
static unsigned int dev_count;

static void set_bit64(__u64 *map, unsigned int bit)
{
	map[bit / 64] |= 1ULL << (bit % 64);
}

static void clear_bit64(__u64 *map, unsigned int bit)
{
	map[bit / 64] &= ~(1ULL << (bit % 64));
}

void uk_input_set_capability(struct uk_input_dev *dev, unsigned int type,
			     unsigned int code)
{
	if (type >= UK_INPUT_EV_CNT)
		return;
	set_bit64(dev->evbit, type);
	if (type == EV_KEY && code < UK_INPUT_KEY_CNT)
		set_bit64(dev->keybit, code);
	else if (type == EV_REL && code < 64)
		set_bit64(dev->relbit, code);
	else if (type == EV_ABS && code < UK_INPUT_ABS_CNT)
		set_bit64(dev->absbit, code);
}

int uk_input_register(struct uk_input_dev *dev)
{
	unsigned int idx;

	idx = __atomic_fetch_add(&dev_count, 1, __ATOMIC_SEQ_CST);
	if (idx >= INPUT_MAX_DEVS) {
		__atomic_fetch_sub(&dev_count, 1, __ATOMIC_SEQ_CST);
		return -ENOSPC;
	}
	dev->idx = idx;
	set_bit64(dev->evbit, EV_SYN);
	uk_spin_init(&dev->lock);
	uk_list_init(&dev->readers);
	__atomic_store_n(&devs[idx], dev, __ATOMIC_RELEASE);
	return (int)idx;
}

struct uk_input_dev *uk_input_get(unsigned int idx)
{
	if (idx >= INPUT_MAX_DEVS)
		return NULL;
	return __atomic_load_n(&devs[idx], __ATOMIC_ACQUIRE);
}

unsigned int uk_input_count(void)
{
	return MIN(__atomic_load_n(&dev_count, __ATOMIC_ACQUIRE),
		   (unsigned int)INPUT_MAX_DEVS);
}

/* Keeps the device's state; returns 0 if the event changes nothing and
 * is to be dropped (a key already down, an unchanged axis), as Linux. */
static int update_state(struct uk_input_dev *dev, unsigned int type,
			unsigned int code, __s32 value)
{
	__u64 bit;

	if (type == EV_KEY && code < UK_INPUT_KEY_CNT) {
		bit = dev->keystate[code / 64] & (1ULL << (code % 64));
		if (value == 2)		/* autorepeat: only while down */
			return !!bit;
		if (!!bit == !!value)
			return 0;
		if (value)
			set_bit64(dev->keystate, code);
		else
			clear_bit64(dev->keystate, code);
		return 1;
	}
	if (type == EV_ABS && code < UK_INPUT_ABS_CNT) {
		value = MAX(value, dev->abs[code].minimum);
		value = MIN(value, dev->abs[code].maximum);
		if (dev->abs[code].value == value)
			return 0;
		dev->abs[code].value = value;
		return 1;
	}
	if (type == EV_REL)
		return value != 0;
	return 1;
}

static void queue(struct uk_input_reader *r, const struct uk_input_event *e)
{
	if (r->head - r->tail >= UK_INPUT_QUEUE - 1) {
		/* Full: as Linux's evdev, everything unread goes and the
		 * reader finds SYN_DROPPED, then the events from here on. */
		r->tail = r->packet = r->head;
		r->ring[r->head % UK_INPUT_QUEUE] = (struct uk_input_event){
			.time = e->time, .type = EV_SYN,
			.code = SYN_DROPPED };
		r->head++;
	}
	r->ring[r->head % UK_INPUT_QUEUE] = *e;
	r->head++;
	if (e->type == EV_SYN && e->code == SYN_REPORT) {
		r->packet = r->head;
		if (r->notify)
			r->notify(r->arg);
	}
}

void uk_input_report(struct uk_input_dev *dev, unsigned int type,
		     unsigned int code, __s32 value)
{
	struct uk_input_event e = {
		.time = ukplat_wall_clock(), .type = (__u16)type,
		.code = (__u16)code, .value = value };
	struct uk_input_reader *r;
	struct uk_list *pos;
	unsigned long flags;

	if (type >= UK_INPUT_EV_CNT)
		return;
	uk_spin_lock_irqsave(&dev->lock, flags);
	if (update_state(dev, type, code, value)) {
		if (type == EV_ABS && code < UK_INPUT_ABS_CNT)
			e.value = dev->abs[code].value;
		dev->reported++;
		uk_list_for_each(pos, &dev->readers) {
			r = uk_list_entry(pos, struct uk_input_reader, link);
			queue(r, &e);
		}
	}
	uk_spin_unlock_irqrestore(&dev->lock, flags);
}

struct uk_input_reader *uk_input_reader_open(struct uk_input_dev *dev,
					     void (*notify)(void *arg),
					     void *arg)
{
	struct uk_input_reader *r;
	unsigned long flags;

	r = uk_calloc(uk_alloc_get_default(), 1, sizeof(*r));
	if (!r)
		return ERR2PTR(-ENOMEM);
	r->dev = dev;
	r->notify = notify;
	r->arg = arg;
	uk_spin_lock_irqsave(&dev->lock, flags);
	uk_list_add_tail(&r->link, &dev->readers);
	uk_spin_unlock_irqrestore(&dev->lock, flags);
	return r;
}

void uk_input_reader_close(struct uk_input_reader *r)
{
	unsigned long flags;

	uk_spin_lock_irqsave(&r->dev->lock, flags);
	uk_list_del(&r->link);
	uk_spin_unlock_irqrestore(&r->dev->lock, flags);
	uk_free(uk_alloc_get_default(), r);
}

/* Only whole packets are handed out: a reader never sees an event
 * whose SYN_REPORT has not been reported yet. */
unsigned int uk_input_reader_take(struct uk_input_reader *r,
				  struct uk_input_event *ev, unsigned int n)
{
	unsigned long flags;
	unsigned int i;

	uk_spin_lock_irqsave(&r->dev->lock, flags);
	for (i = 0; i < n && r->tail != r->packet; i++, r->tail++)
		ev[i] = r->ring[r->tail % UK_INPUT_QUEUE];
	uk_spin_unlock_irqrestore(&r->dev->lock, flags);
	return i;
}

unsigned int uk_input_reader_pending(struct uk_input_reader *r)
{
	return __atomic_load_n(&r->packet, __ATOMIC_RELAXED) -
	       __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
}

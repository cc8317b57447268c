/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Input devices: a registry of event sources (keyboards, pointers) that
 * report Linux evdev events (type, code, value), and readers that take
 * them in order. /dev/input/eventN is device N seen through Linux's
 * evdev interface (struct input_event, EVIOC* ioctls, poll/epoll).
 *
 * A driver reports from interrupt context:
 *   uk_input_report(dev, EV_KEY, KEY_A, 1);
 *   uk_input_report(dev, EV_SYN, SYN_REPORT, 0);
 * Each reader has its own queue of UK_INPUT_QUEUE events; one that falls
 * behind loses what it had not read and reads SYN_DROPPED, as on Linux.
 */
#ifndef __UK_INPUT_H__
#define __UK_INPUT_H__

#include <uk/arch/types.h>
#include <uk/list.h>
#include <uk/spinlock.h>

#define UK_INPUT_QUEUE		1024	/* events a reader holds */
#define UK_INPUT_EV_CNT		0x20	/* EV_CNT */
#define UK_INPUT_KEY_CNT	0x300	/* KEY_CNT */
#define UK_INPUT_ABS_CNT	0x40	/* ABS_CNT */

#define UK_INPUT_BITS(n)	(((n) + 63) / 64)

struct uk_input_absinfo {
	__s32 value, minimum, maximum, fuzz, flat, resolution;
};

struct uk_input_dev {
	char name[64];
	__u16 bustype, vendor, product, version;
	/* Capabilities (EVIOCGBIT): event types and codes it reports. */
	__u64 evbit[UK_INPUT_BITS(UK_INPUT_EV_CNT)];
	__u64 keybit[UK_INPUT_BITS(UK_INPUT_KEY_CNT)];
	__u64 relbit[1];
	__u64 absbit[1];
	__u64 propbit[1];
	struct uk_input_absinfo abs[UK_INPUT_ABS_CNT];
	/* Owned by the registry, under lock. */
	unsigned int idx;
	__u64 keystate[UK_INPUT_BITS(UK_INPUT_KEY_CNT)];
	struct uk_spinlock lock;
	struct uk_list readers;
	unsigned long reported;		/* events since boot */
};

/* A reported event with its time (wall clock, as evdev's default). */
struct uk_input_event {
	__nsec time;
	__u16 type;
	__u16 code;
	__s32 value;
};

/* Marks code of event type as reported by dev (also sets type). */
void uk_input_set_capability(struct uk_input_dev *dev, unsigned int type,
			     unsigned int code);
/* Adds dev (name, ids and capabilities set) as the next index. Returns
 * the index or -ENOSPC. */
int uk_input_register(struct uk_input_dev *dev);
/* The device of index idx, or NULL. */
struct uk_input_dev *uk_input_get(unsigned int idx);
/* Number of devices registered. */
unsigned int uk_input_count(void);

/* Queues an event for every reader of dev and updates its state (keys
 * down, absolute values). ISR-safe. Readers are woken at SYN_REPORT. */
void uk_input_report(struct uk_input_dev *dev, unsigned int type,
		     unsigned int code, __s32 value);

/* Readers: a queue of dev's events from now on. */
struct uk_input_reader;
/* Returns a new reader of dev or an ERR2PTR (-ENOMEM). notify (may be
 * NULL) is called, ISR-safe, when a packet completes. */
struct uk_input_reader *uk_input_reader_open(struct uk_input_dev *dev,
					     void (*notify)(void *arg),
					     void *arg);
void uk_input_reader_close(struct uk_input_reader *r);
/* Takes up to n events. Returns how many (0: none queued). */
unsigned int uk_input_reader_take(struct uk_input_reader *r,
				  struct uk_input_event *ev, unsigned int n);
/* Number of events queued. */
unsigned int uk_input_reader_pending(struct uk_input_reader *r);

#endif /* __UK_INPUT_H__ */

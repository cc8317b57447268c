/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Linux input event interface (evdev, /dev/input/eventN): events and
 * the EVIOC* requests, with Linux's values (Documentation/input/input.rst
 * and the evdev UAPI).
 */
#ifndef _LINUX_INPUT_H
#define _LINUX_INPUT_H

#include <stdint.h>
#include <sys/time.h>
#include <linux/ioctl.h>
#include <linux/input-event-codes.h>

/* One event: 24 bytes on 64-bit Linux. */
struct input_event {
	struct timeval time;
	uint16_t type;			/* EV_* */
	uint16_t code;			/* KEY_*, REL_*, ABS_*, SYN_* */
	int32_t value;
};
#define input_event_sec		time.tv_sec
#define input_event_usec	time.tv_usec

#define EV_VERSION		0x010001

struct input_id {
	uint16_t bustype;		/* BUS_* */
	uint16_t vendor;
	uint16_t product;
	uint16_t version;
};

struct input_absinfo {
	int32_t value;
	int32_t minimum;
	int32_t maximum;
	int32_t fuzz;
	int32_t flat;
	int32_t resolution;		/* units per mm */
};

struct input_keymap_entry {
#define INPUT_KEYMAP_BY_INDEX	(1 << 0)
	uint8_t flags;
	uint8_t len;
	uint16_t index;
	uint32_t keycode;
	uint8_t scancode[32];
};

struct input_mask {
	uint32_t type;
	uint32_t codes_size;
	uint64_t codes_ptr;
};

#define EVIOCGVERSION		_IOR('E', 0x01, int)
#define EVIOCGID		_IOR('E', 0x02, struct input_id)
#define EVIOCGREP		_IOR('E', 0x03, unsigned int[2])
#define EVIOCSREP		_IOW('E', 0x03, unsigned int[2])
#define EVIOCGKEYCODE		_IOR('E', 0x04, unsigned int[2])
#define EVIOCGKEYCODE_V2	_IOR('E', 0x04, struct input_keymap_entry)
#define EVIOCSKEYCODE		_IOW('E', 0x04, unsigned int[2])
#define EVIOCSKEYCODE_V2	_IOW('E', 0x04, struct input_keymap_entry)
#define EVIOCGNAME(len)		_IOC(_IOC_READ, 'E', 0x06, len)
#define EVIOCGPHYS(len)		_IOC(_IOC_READ, 'E', 0x07, len)
#define EVIOCGUNIQ(len)		_IOC(_IOC_READ, 'E', 0x08, len)
#define EVIOCGPROP(len)		_IOC(_IOC_READ, 'E', 0x09, len)
#define EVIOCGMTSLOTS(len)	_IOC(_IOC_READ, 'E', 0x0a, len)
#define EVIOCGKEY(len)		_IOC(_IOC_READ, 'E', 0x18, len)
#define EVIOCGLED(len)		_IOC(_IOC_READ, 'E', 0x19, len)
#define EVIOCGSND(len)		_IOC(_IOC_READ, 'E', 0x1a, len)
#define EVIOCGSW(len)		_IOC(_IOC_READ, 'E', 0x1b, len)
#define EVIOCGBIT(ev, len)	_IOC(_IOC_READ, 'E', 0x20 + (ev), len)
#define EVIOCGABS(abs)		_IOR('E', 0x40 + (abs), struct input_absinfo)
#define EVIOCSABS(abs)		_IOW('E', 0xc0 + (abs), struct input_absinfo)
#define EVIOCRMFF		_IOW('E', 0x81, int)
#define EVIOCGEFFECTS		_IOR('E', 0x84, int)
#define EVIOCGRAB		_IOW('E', 0x90, int)
#define EVIOCREVOKE		_IOW('E', 0x91, int)
#define EVIOCGMASK		_IOR('E', 0x92, struct input_mask)
#define EVIOCSMASK		_IOW('E', 0x93, struct input_mask)
#define EVIOCSCLOCKID		_IOW('E', 0xa0, int)

#define ID_BUS			0
#define ID_VENDOR		1
#define ID_PRODUCT		2
#define ID_VERSION		3

#define BUS_PCI			0x01
#define BUS_ISAPNP		0x02
#define BUS_USB			0x03
#define BUS_HIL			0x04
#define BUS_BLUETOOTH		0x05
#define BUS_VIRTUAL		0x06
#define BUS_ISA			0x10
#define BUS_I8042		0x11
#define BUS_XTKBD		0x12
#define BUS_RS232		0x13
#define BUS_GAMEPORT		0x14
#define BUS_PARPORT		0x15
#define BUS_AMIGA		0x16
#define BUS_ADB			0x17
#define BUS_I2C			0x18
#define BUS_HOST		0x19
#define BUS_GSC			0x1A
#define BUS_ATARI		0x1B
#define BUS_SPI			0x1C

#endif /* _LINUX_INPUT_H */

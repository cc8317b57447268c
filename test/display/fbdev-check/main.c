/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /dev/fb0 and /dev/input/event0 against Linux's interface.
 *
 *   fbdev-check --abi   prints the request numbers and structure layouts;
 *                       built on the host with Linux's own headers and
 *                       on Amphi with ours, the two outputs must match
 *   fbdev-check         checks the devices' behaviour (ioctls, mmap,
 *                       read, write, poll, epoll, SYN_DROPPED) as
 *                       Linux's documentation describes it
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/fb.h>
#include <linux/input.h>

static int failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("FAIL %s:%d: %s (errno %d)\n", __FILE__,	\
		       __LINE__, #cond, errno);				\
		failures++;						\
	}								\
} while (0)

#define SHOW(x)		printf("%-28s %#lx\n", #x, (unsigned long)(x))
#define OFF(t, f)	printf("%-28s %zu\n", #t "." #f, offsetof(t, f))

static void abi(void)
{
	SHOW(FBIOGET_VSCREENINFO); SHOW(FBIOPUT_VSCREENINFO);
	SHOW(FBIOGET_FSCREENINFO); SHOW(FBIOGETCMAP); SHOW(FBIOPUTCMAP);
	SHOW(FBIOPAN_DISPLAY); SHOW(FBIOBLANK); SHOW(FBIO_WAITFORVSYNC);
	SHOW(FB_TYPE_PACKED_PIXELS); SHOW(FB_VISUAL_TRUECOLOR);
	SHOW(FB_ACTIVATE_TEST); SHOW(FB_VMODE_NONINTERLACED);
	SHOW(sizeof(struct fb_var_screeninfo));
	SHOW(sizeof(struct fb_fix_screeninfo));
	SHOW(sizeof(struct fb_bitfield)); SHOW(sizeof(struct fb_cmap));
	OFF(struct fb_fix_screeninfo, smem_start);
	OFF(struct fb_fix_screeninfo, smem_len);
	OFF(struct fb_fix_screeninfo, line_length);
	OFF(struct fb_fix_screeninfo, accel);
	OFF(struct fb_var_screeninfo, bits_per_pixel);
	OFF(struct fb_var_screeninfo, red);
	OFF(struct fb_var_screeninfo, transp);
	OFF(struct fb_var_screeninfo, activate);
	OFF(struct fb_var_screeninfo, pixclock);
	OFF(struct fb_var_screeninfo, rotate);
	SHOW(EVIOCGVERSION); SHOW(EVIOCGID); SHOW(EVIOCGREP);
	SHOW(EVIOCGKEYCODE); SHOW(EVIOCGNAME(256)); SHOW(EVIOCGPHYS(64));
	SHOW(EVIOCGUNIQ(64)); SHOW(EVIOCGPROP(8)); SHOW(EVIOCGKEY(96));
	SHOW(EVIOCGBIT(0, 8)); SHOW(EVIOCGBIT(EV_KEY, 96));
	SHOW(EVIOCGABS(ABS_X)); SHOW(EVIOCGABS(ABS_Y)); SHOW(EVIOCGRAB);
	SHOW(EVIOCSCLOCKID); SHOW(EV_VERSION);
	SHOW(sizeof(struct input_event)); SHOW(sizeof(struct input_id));
	SHOW(sizeof(struct input_absinfo));
	OFF(struct input_event, type); OFF(struct input_event, value);
	SHOW(EV_SYN); SHOW(EV_KEY); SHOW(EV_REL); SHOW(EV_ABS); SHOW(EV_MAX);
	SHOW(SYN_REPORT); SHOW(SYN_DROPPED); SHOW(KEY_ESC); SHOW(KEY_A);
	SHOW(KEY_Q); SHOW(KEY_SPACE); SHOW(KEY_ENTER); SHOW(KEY_LEFTSHIFT);
	SHOW(KEY_UP); SHOW(KEY_DOWN); SHOW(KEY_LEFT); SHOW(KEY_RIGHT);
	SHOW(KEY_F1); SHOW(KEY_F12); SHOW(KEY_KPENTER); SHOW(KEY_MAX);
	SHOW(BTN_LEFT); SHOW(BTN_RIGHT); SHOW(BTN_MIDDLE); SHOW(BTN_TOUCH);
	SHOW(REL_X); SHOW(REL_WHEEL); SHOW(REL_HWHEEL); SHOW(REL_MAX);
	SHOW(ABS_X); SHOW(ABS_Y); SHOW(ABS_MAX); SHOW(BUS_VIRTUAL);
	SHOW(INPUT_PROP_POINTER); SHOW(INPUT_PROP_DIRECT);
}

static int test_bit(const uint8_t *map, unsigned int bit)
{
	return map[bit / 8] >> (bit % 8) & 1;
}

static void check_fb(void)
{
	struct fb_var_screeninfo v, w;
	struct fb_fix_screeninfo f;
	uint32_t *p, crtc = 0;
	int fd, ro;

	fd = open("/dev/fb0", O_RDWR);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(ioctl(fd, FBIOGET_VSCREENINFO, &v) == 0);
	CHECK(ioctl(fd, FBIOGET_FSCREENINFO, &f) == 0);
	printf("fb0: %s %ux%u, %u bpp, line %u, memory %u\n", f.id, v.xres,
	       v.yres, v.bits_per_pixel, f.line_length, f.smem_len);
	CHECK(v.xres > 0 && v.yres > 0);
	CHECK(v.xres_virtual >= v.xres && v.yres_virtual >= v.yres);
	CHECK(v.bits_per_pixel == 32);
	CHECK(v.red.offset == 16 && v.red.length == 8);
	CHECK(v.green.offset == 8 && v.green.length == 8);
	CHECK(v.blue.offset == 0 && v.blue.length == 8);
	CHECK(!v.red.msb_right && !v.grayscale && !v.nonstd);
	CHECK(f.type == FB_TYPE_PACKED_PIXELS);
	CHECK(f.visual == FB_VISUAL_TRUECOLOR);
	CHECK(f.line_length >= v.xres * 4);
	CHECK(f.smem_len >= f.line_length * v.yres_virtual);
	CHECK(f.smem_len % 4096 == 0);
	CHECK(f.accel == FB_ACCEL_NONE);
	CHECK(f.id[0] != '\0');

	/* The mode is fixed: the same one is accepted, others refused. */
	w = v;
	w.activate = FB_ACTIVATE_TEST;
	w.red.offset = 0;		/* the driver's layout wins */
	CHECK(ioctl(fd, FBIOPUT_VSCREENINFO, &w) == 0);
	CHECK(w.red.offset == 16 && w.bits_per_pixel == 32);
	w = v;
	w.bits_per_pixel = 16;
	errno = 0;
	CHECK(ioctl(fd, FBIOPUT_VSCREENINFO, &w) == -1 && errno == EINVAL);
	w = v;
	w.xres = v.xres * 2;
	errno = 0;
	CHECK(ioctl(fd, FBIOPUT_VSCREENINFO, &w) == -1 && errno == EINVAL);
	CHECK(ioctl(fd, FBIOGET_VSCREENINFO, &w) == 0 && w.xres == v.xres);
	/* Panning: offset 0 presents the frame; there is no other. */
	w = v;
	CHECK(ioctl(fd, FBIOPAN_DISPLAY, &w) == 0);
	w.yoffset = 1;
	errno = 0;
	CHECK(ioctl(fd, FBIOPAN_DISPLAY, &w) == -1 && errno == EINVAL);
	CHECK(ioctl(fd, FBIO_WAITFORVSYNC, &crtc) == 0);
	CHECK(ioctl(fd, FBIOBLANK, FB_BLANK_UNBLANK) == 0);
	errno = 0;
	CHECK(ioctl(fd, 0x46ff, 0) == -1 && errno == ENOTTY);
	errno = 0;
	CHECK(ioctl(fd, FBIOGET_VSCREENINFO, (void *)8) == -1 &&
	      errno == EFAULT);

	/* mmap: the frame memory itself, shared by every mapping. */
	p = mmap(NULL, f.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		uint32_t *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
				   4096);

		p[0] = 0x00123456;
		p[1024] = 0x00abcdef;
		p[f.smem_len / 4 - 1] = 0x00ff00ff;
		CHECK(q != MAP_FAILED && q[0] == 0x00abcdef);
		CHECK(munmap(q, 4096) == 0);
		CHECK(p[0] == 0x00123456);
		CHECK(munmap(p, f.smem_len) == 0);
	}
	errno = 0;
	CHECK(mmap(NULL, f.smem_len + 4096, PROT_READ, MAP_SHARED, fd, 0) ==
	      MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 123) ==
	      MAP_FAILED && errno == EINVAL);
	ro = open("/dev/fb0", O_RDONLY);
	CHECK(ro >= 0);
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) ==
	      MAP_FAILED && errno == EACCES);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(p != MAP_FAILED && p[0] == 0x00123456);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(ro);
	CHECK(close(fd) == 0);
}

static void put(int fd, unsigned int type, unsigned int code, int value)
{
	struct input_event e;

	memset(&e, 0, sizeof(e));
	e.type = (uint16_t)type;
	e.code = (uint16_t)code;
	e.value = value;
	CHECK(write(fd, &e, sizeof(e)) == (ssize_t)sizeof(e));
}

static void check_input(void)
{
	struct input_event ev[4];
	struct input_absinfo ai;
	struct input_id id;
	struct epoll_event ee;
	struct pollfd pfd;
	uint8_t bits[96];
	char name[256];
	int fd, version, n, ep, i, dropped;

	fd = open("/dev/input/event0", O_RDWR | O_NONBLOCK);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(ioctl(fd, EVIOCGVERSION, &version) == 0 &&
	      version == EV_VERSION);
	CHECK(ioctl(fd, EVIOCGID, &id) == 0);
	n = ioctl(fd, EVIOCGNAME(sizeof(name)), name);
	CHECK(n > 1 && n == (int)strlen(name) + 1);
	printf("event0: \"%s\" bus %#x\n", name, id.bustype);
	CHECK(ioctl(fd, EVIOCGNAME(4), name) == 4);
	errno = 0;
	CHECK(ioctl(fd, EVIOCGPHYS(sizeof(name)), name) == -1 &&
	      errno == ENOENT);
	memset(bits, 0, sizeof(bits));
	CHECK(ioctl(fd, EVIOCGBIT(0, sizeof(bits)), bits) == 8);
	CHECK(test_bit(bits, EV_SYN) && test_bit(bits, EV_KEY) &&
	      test_bit(bits, EV_ABS) && !test_bit(bits, EV_FF));
	CHECK(ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(bits)), bits) == 96);
	CHECK(test_bit(bits, KEY_A) && test_bit(bits, KEY_Q) &&
	      test_bit(bits, BTN_LEFT) && !test_bit(bits, BTN_TOUCH));
	CHECK(ioctl(fd, EVIOCGBIT(EV_ABS, sizeof(bits)), bits) == 8);
	CHECK(test_bit(bits, ABS_X) && test_bit(bits, ABS_Y));
	CHECK(ioctl(fd, EVIOCGABS(ABS_X), &ai) == 0 && ai.minimum == 0 &&
	      ai.maximum > 0);
	errno = 0;
	CHECK(ioctl(fd, EVIOCGABS(ABS_PRESSURE), &ai) == -1 &&
	      errno == EINVAL);
	errno = 0;
	CHECK(ioctl(fd, EVIOCGBIT(0x1e, 8), bits) == -1 && errno == EINVAL);

	/* Reads take whole events, and none waits yet. */
	errno = 0;
	CHECK(read(fd, ev, 10) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(read(fd, ev, sizeof(ev)) == -1 && errno == EAGAIN);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0);

	/* Written events are injected: readers get them, in order, once
	 * their packet is complete. */
	ep = epoll_create1(0);
	ee = (struct epoll_event){ .events = EPOLLIN, .data.fd = fd };
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ee) == 0);
	put(fd, EV_KEY, KEY_A, 1);
	CHECK(poll(&pfd, 1, 0) == 0);
	put(fd, EV_SYN, SYN_REPORT, 0);
	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN));
	CHECK(epoll_wait(ep, &ee, 1, 0) == 1 && ee.data.fd == fd);
	memset(bits, 0, sizeof(bits));
	CHECK(ioctl(fd, EVIOCGKEY(sizeof(bits)), bits) == 96 &&
	      test_bit(bits, KEY_A));
	n = (int)read(fd, ev, sizeof(ev));
	CHECK(n == 2 * (int)sizeof(ev[0]));
	CHECK(ev[0].type == EV_KEY && ev[0].code == KEY_A &&
	      ev[0].value == 1);
	CHECK(ev[1].type == EV_SYN && ev[1].code == SYN_REPORT);
	CHECK(ev[0].input_event_sec > 1000000000);	/* wall clock */
	/* A key already down is not reported again. */
	put(fd, EV_KEY, KEY_A, 1);
	put(fd, EV_KEY, KEY_A, 0);
	put(fd, EV_SYN, SYN_REPORT, 0);
	n = (int)read(fd, ev, sizeof(ev));
	CHECK(n == 2 * (int)sizeof(ev[0]) && ev[0].value == 0);
	CHECK(epoll_wait(ep, &ee, 1, 0) == 0);

	/* A reader that falls behind loses its queue and sees
	 * SYN_DROPPED first. */
	for (i = 0; i < 1500; i++) {
		put(fd, EV_KEY, KEY_B, !(i & 1));
		put(fd, EV_SYN, SYN_REPORT, 0);
	}
	dropped = 0;
	CHECK(read(fd, ev, sizeof(ev[0])) == sizeof(ev[0]));
	dropped = ev[0].type == EV_SYN && ev[0].code == SYN_DROPPED;
	CHECK(dropped);
	while (read(fd, ev, sizeof(ev)) > 0)
		;
	close(ep);
	CHECK(close(fd) == 0);
}

int main(int argc, char *argv[])
{
	if (argc > 1 && !strcmp(argv[1], "--abi")) {
		abi();
		return 0;
	}
	check_fb();
	check_input();
	printf("fbdev-check: %d failed\n", failures);
	return failures != 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fbdemo: Conway's Life on the framebuffer, edited with the mouse.
 * A plain Linux fbdev + evdev program: /dev/fb0 (ioctl, mmap,
 * FBIOPAN_DISPLAY to present) and /dev/input/event0 (poll, read); it
 * builds unchanged on Linux.
 *
 * Mouse: left button draws live cells, right button erases. Keys: space
 * pauses, n steps, r seeds again, c clears, q or Esc quits.
 *
 *   fbdemo                 run until q
 *   fbdemo --frames N      draw N generations, exit 0 (scripts, tests)
 *   fbdemo --scene         draw the fixed test scene, print "ready",
 *                          then print every input event read until q
 *   fbdemo --bench N       N full-screen redraws with a present each;
 *                          prints frames per second
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/fb.h>
#include <linux/input.h>

#define CELL		8		/* pixels a cell */
#define SEED		20261205u

struct screen {
	int fd;
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
	uint8_t *mem;
	uint32_t w, h;
};

struct life {
	int cols, rows;
	uint8_t *cell, *next;		/* 1 alive */
	uint8_t *heat;			/* 255 just alive, fades when dead */
	uint32_t rng;
};

static struct input_absinfo abs_x, abs_y;
static int quit, paused, draw_mode;	/* draw_mode: 0, 1 draw, -1 erase */
static int mouse_x, mouse_y, verbose_events;

static int die(const char *what)
{
	fprintf(stderr, "fbdemo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void screen_open(struct screen *s)
{
	s->fd = open("/dev/fb0", O_RDWR);
	if (s->fd < 0)
		die("/dev/fb0");
	if (ioctl(s->fd, FBIOGET_VSCREENINFO, &s->var) < 0 ||
	    ioctl(s->fd, FBIOGET_FSCREENINFO, &s->fix) < 0)
		die("FBIOGET_*SCREENINFO");
	if (s->var.bits_per_pixel != 32) {
		fprintf(stderr, "fbdemo: %u bits a pixel: only 32 is drawn\n",
			s->var.bits_per_pixel);
		exit(1);
	}
	s->w = s->var.xres;
	s->h = s->var.yres;
	s->mem = mmap(NULL, s->fix.smem_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED, s->fd, 0);
	if (s->mem == MAP_FAILED)
		die("mmap /dev/fb0");
}

/* Shows the frame: the fbdev way of a program that draws whole frames. */
static void present(struct screen *s)
{
	s->var.xoffset = s->var.yoffset = 0;
	if (ioctl(s->fd, FBIOPAN_DISPLAY, &s->var) < 0)
		die("FBIOPAN_DISPLAY");
}

static uint32_t pixel(const struct screen *s, uint8_t r, uint8_t g,
		      uint8_t b)
{
	return (uint32_t)r << s->var.red.offset |
	       (uint32_t)g << s->var.green.offset |
	       (uint32_t)b << s->var.blue.offset;
}

static uint32_t *row(const struct screen *s, uint32_t y)
{
	return (uint32_t *)(s->mem + (size_t)y * s->fix.line_length);
}

static uint32_t rnd(struct life *l)
{
	l->rng = l->rng * 1103515245u + 12345u;
	return l->rng >> 16;
}

static void life_seed(struct life *l)
{
	int i;

	l->rng = SEED;
	for (i = 0; i < l->cols * l->rows; i++) {
		l->cell[i] = (rnd(l) % 100) < 28;
		l->heat[i] = l->cell[i] ? 255 : 0;
	}
}

static void life_init(struct life *l, const struct screen *s)
{
	l->cols = (int)s->w / CELL;
	l->rows = (int)s->h / CELL;
	l->cell = calloc((size_t)l->cols * l->rows, 1);
	l->next = calloc((size_t)l->cols * l->rows, 1);
	l->heat = calloc((size_t)l->cols * l->rows, 1);
	if (!l->cell || !l->next || !l->heat)
		die("calloc");
	life_seed(l);
}

static void life_free(struct life *l)
{
	free(l->cell);
	free(l->next);
	free(l->heat);
}

static void life_step(struct life *l)
{
	int x, y, dx, dy, n, i;
	uint8_t *t;

	for (y = 0; y < l->rows; y++) {
		for (x = 0; x < l->cols; x++) {
			n = 0;
			for (dy = -1; dy <= 1; dy++)
				for (dx = -1; dx <= 1; dx++)
					if (dx || dy)
						n += l->cell[((y + dy + l->rows) %
							      l->rows) * l->cols +
							     (x + dx + l->cols) %
							     l->cols];
			i = y * l->cols + x;
			l->next[i] = n == 3 || (n == 2 && l->cell[i]);
		}
	}
	t = l->cell;
	l->cell = l->next;
	l->next = t;
	for (i = 0; i < l->cols * l->rows; i++)
		l->heat[i] = l->cell[i] ? 255 :
			     (l->heat[i] > 12 ? l->heat[i] - 12 : 0);
}

/* Live cells glow yellow-white; dead ones fade through red to blue. */
static uint32_t cell_colour(const struct screen *s, uint8_t heat, int alive)
{
	if (alive)
		return pixel(s, 255, 236, 140);
	return pixel(s, (uint8_t)(heat * 3 / 4), (uint8_t)(heat / 5),
		     (uint8_t)(40 + heat / 3));
}

static void life_draw(const struct life *l, struct screen *s)
{
	uint32_t x, y, c, *p, bg = pixel(s, 10, 12, 24);
	int cx, cy;

	for (y = 0; y < s->h; y++) {
		p = row(s, y);
		cy = (int)y / CELL;
		for (x = 0; x < s->w; x++) {
			cx = (int)x / CELL;
			if (cy >= l->rows || cx >= l->cols ||
			    x % CELL == CELL - 1 || y % CELL == CELL - 1) {
				p[x] = bg;
				continue;
			}
			c = cell_colour(s, l->heat[cy * l->cols + cx],
					l->cell[cy * l->cols + cx]);
			p[x] = c;
		}
	}
}

/* The fixed test scene: colour bars, a gradient and Life after 60
 * generations from the fixed seed; integer arithmetic only, so every
 * world draws the very same pixels. */
static void scene_draw(struct life *l, struct screen *s)
{
	static const uint8_t bars[8][3] = {
		{ 255, 255, 255 }, { 255, 255, 0 }, { 0, 255, 255 },
		{ 0, 255, 0 }, { 255, 0, 255 }, { 255, 0, 0 },
		{ 0, 0, 255 }, { 0, 0, 0 },
	};
	uint32_t x, y, *p, top = s->h / 8;
	int i;

	life_seed(l);
	for (i = 0; i < 60; i++)
		life_step(l);
	life_draw(l, s);
	for (y = 0; y < top; y++) {
		p = row(s, y);
		for (x = 0; x < s->w; x++) {
			const uint8_t *b = bars[x * 8 / s->w];

			p[x] = y < top / 2 ? pixel(s, b[0], b[1], b[2]) :
			       pixel(s, (uint8_t)(x * 255 / (s->w - 1)),
				     (uint8_t)(y * 255 / top),
				     (uint8_t)(255 - x * 255 / (s->w - 1)));
		}
	}
}

static int input_open(void)
{
	int fd = open("/dev/input/event0", O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (ioctl(fd, EVIOCGABS(ABS_X), &abs_x) < 0 ||
	    ioctl(fd, EVIOCGABS(ABS_Y), &abs_y) < 0) {
		abs_x.maximum = abs_y.maximum = 0;
	}
	return fd;
}

/* An absolute position in pixels (the device's range spans the screen;
 * rounded, to undo the scaling to that range exactly). */
static int to_pixels(int v, const struct input_absinfo *a, uint32_t size)
{
	long range = (long)a->maximum - a->minimum;

	if (range <= 0)
		return v;
	return (int)(((long)(v - a->minimum) * size + range / 2) / range);
}

static void paint(struct life *l, int x, int y)
{
	int cx = x / CELL, cy = y / CELL;

	if (!draw_mode || cx < 0 || cy < 0 || cx >= l->cols || cy >= l->rows)
		return;
	l->cell[cy * l->cols + cx] = draw_mode > 0;
	l->heat[cy * l->cols + cx] = draw_mode > 0 ? 255 : 0;
}

static void on_event(const struct input_event *ev, struct life *l,
		     const struct screen *s)
{
	if (ev->type == EV_SYN || quit)
		return;	/* nothing after the quitting key, for scripts */
	if (ev->type == EV_ABS && ev->code == ABS_X)
		mouse_x = to_pixels(ev->value, &abs_x, s->w);
	else if (ev->type == EV_ABS && ev->code == ABS_Y)
		mouse_y = to_pixels(ev->value, &abs_y, s->h);
	if (verbose_events) {
		if (ev->type == EV_ABS)
			printf("event abs %s %d\n", ev->code == ABS_X ? "x" :
			       "y", ev->code == ABS_X ? mouse_x : mouse_y);
		else
			printf("event type %u code %u value %d\n", ev->type,
			       ev->code, ev->value);
		fflush(stdout);
	}
	if (ev->type == EV_KEY && ev->value == 1) {
		switch (ev->code) {
		case KEY_Q: case KEY_ESC: quit = 1; break;
		case KEY_SPACE: paused = !paused; break;
		case KEY_N: life_step(l); break;
		case KEY_R: life_seed(l); break;
		case KEY_C:
			memset(l->cell, 0, (size_t)l->cols * l->rows);
			break;
		case BTN_LEFT: draw_mode = 1; break;
		case BTN_RIGHT: draw_mode = -1; break;
		}
	} else if (ev->type == EV_KEY && ev->value == 0 &&
		   (ev->code == BTN_LEFT || ev->code == BTN_RIGHT)) {
		draw_mode = 0;
	}
	paint(l, mouse_x, mouse_y);
}

/* Takes what input waits, waiting up to ms for some. */
static void input_take(int fd, int ms, struct life *l,
		       const struct screen *s)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct input_event ev[32];
	ssize_t n;
	int i;

	if (fd < 0 || poll(&pfd, 1, ms) <= 0)
		return;
	while ((n = read(fd, ev, sizeof(ev))) > 0)
		for (i = 0; i < n / (int)sizeof(ev[0]); i++)
			on_event(&ev[i], l, s);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(struct screen *s, int frames)
{
	uint32_t x, y, *p;
	double t0, t;
	int f;

	t0 = now_s();
	for (f = 0; f < frames; f++) {
		for (y = 0; y < s->h; y++) {
			p = row(s, y);
			for (x = 0; x < s->w; x++)
				p[x] = pixel(s, (uint8_t)(x + f),
					     (uint8_t)(y + 2 * f),
					     (uint8_t)(3 * f));
		}
		present(s);
	}
	t = now_s() - t0;
	printf("%d frames of %ux%u in %.3f s: %.1f frames/s\n", frames, s->w,
	       s->h, t, frames / t);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: fbdemo [--frames N | --scene | --bench N]\n"
		"Conway's Life on /dev/fb0; the mouse (/dev/input/event0) "
		"draws (left)\nand erases (right); space pauses, n steps, "
		"r seeds, c clears, q quits.\n");
}

int main(int argc, char *argv[])
{
	struct screen s;
	struct life l;
	long frames = -1;
	int scene = 0, in, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--frames") && i + 1 < argc) {
			frames = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--scene")) {
			scene = 1;
		} else if (!strcmp(argv[i], "--bench") && i + 1 < argc) {
			screen_open(&s);
			return bench(&s, atoi(argv[++i]));
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (frames < -1 || frames == 0) {
		usage(stderr);
		return 2;
	}
	screen_open(&s);
	life_init(&l, &s);
	in = input_open();
	if (scene) {
		scene_draw(&l, &s);
		present(&s);
		verbose_events = 1;
		paused = 1;
		printf("ready %ux%u\n", s.w, s.h);
		fflush(stdout);
		while (!quit)
			input_take(in, 1000, &l, &s);
		printf("bye\n");
		life_free(&l);
		return 0;
	}
	for (i = 0; !quit && (frames < 0 || i < frames); i++) {
		input_take(in, frames < 0 ? 30 : 0, &l, &s);
		if (!paused)
			life_step(&l);
		life_draw(&l, &s);
		present(&s);
	}
	if (frames > 0)
		printf("fbdemo: %d frames\n", i);
	life_free(&l);
	return 0;
}

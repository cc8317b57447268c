/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's text console on framebuffer 0 (kernel parameter
 * display.console=1): everything written to the console (kernel
 * messages, the app's stdout and stderr) is also drawn with an 8x16
 * bitmap font (Terminus, from Debian's console-setup-linux, turned into
 * C at build time by tools/psf2c.py). It scrolls, handles \n, \r, \t and
 * backspace, and shows other control bytes as nothing.
 *
 * Drawing may happen in any context (a crash report), so it only
 * touches pixels under a spinlock; the flush follows when interrupts
 * are on (in sim the window also refreshes by itself when idle).
 */
#include <string.h>
#include <uk/essentials.h>
#include <uk/errptr.h>
#include <uk/fb.h>
#include <uk/init.h>
#include <uk/param.h>
#include <uk/plat/display.h>
#include <uk/plat/lcpu.h>
#include <uk/print.h>
#include <uk/spinlock.h>

#define GW		8
#define GH		16
#define FG		0x00c8c8c8U
#define BG		0x00101020U

extern const unsigned char uk_fbcon_font[256][16];
extern const int uk_fbcon_font_ok;

static int console_on;
UK_PARAM("display.console", console_on, 0, 1,
	 "1: draw the console on the framebuffer too");

static struct {
	struct uk_fb *fb;
	unsigned int cols, rows, x, y;
	int dirty_top, dirty_bottom;	/* rows to flush, -1: none */
	struct uk_spinlock lock;
} con = { .lock = UK_SPINLOCK_INITIALIZER() };

static __u32 *pix_row(unsigned int y)
{
	return (__u32 *)((char *)con.fb->pixels + (__sz)y * con.fb->stride);
}

static void glyph(unsigned int cx, unsigned int cy, unsigned char c)
{
	const unsigned char *g = uk_fbcon_font[c];
	unsigned int r, b;
	__u32 *p;

	for (r = 0; r < GH; r++) {
		p = pix_row(cy * GH + r) + cx * GW;
		for (b = 0; b < GW; b++)
			p[b] = (g[r] << b) & 0x80 ? FG : BG;
	}
}

static void fill_rows(unsigned int y0, unsigned int y1)
{
	unsigned int y, x;
	__u32 *p;

	for (y = y0; y < y1; y++) {
		p = pix_row(y);
		for (x = 0; x < con.fb->width; x++)
			p[x] = BG;
	}
}

static void scroll(void)
{
	__sz line = (__sz)con.fb->stride * GH;

	memmove(con.fb->pixels, (char *)con.fb->pixels + line,
		line * (con.rows - 1));
	fill_rows((con.rows - 1) * GH, con.rows * GH);
	con.dirty_top = 0;
	con.dirty_bottom = (int)con.rows - 1;
}

static void newline(void)
{
	con.x = 0;
	if (con.y + 1 < con.rows)
		con.y++;
	else
		scroll();
}

static void mark(void)
{
	if (con.dirty_top < 0 || (int)con.y < con.dirty_top)
		con.dirty_top = (int)con.y;
	if ((int)con.y > con.dirty_bottom)
		con.dirty_bottom = (int)con.y;
}

static void put(unsigned char c)
{
	switch (c) {
	case '\n':
		newline();
		return;
	case '\r':
		con.x = 0;
		return;
	case '\b':
		if (con.x)
			con.x--;
		return;
	case '\t':
		do
			put(' ');
		while (con.x % 8);
		return;
	}
	if (c < 32 || c == 127)
		return;
	if (con.x >= con.cols)
		newline();
	glyph(con.x++, con.y, c);
	mark();
}

static void fbcon_write(const char *buf, unsigned int len)
{
	unsigned long flags;
	int top, bottom;
	unsigned int i;

	uk_spin_lock_irqsave(&con.lock, flags);
	for (i = 0; i < len; i++)
		put((unsigned char)buf[i]);
	top = con.dirty_top;
	bottom = con.dirty_bottom;
	if (!flags)
		con.dirty_top = con.dirty_bottom = -1;
	uk_spin_unlock_irqrestore(&con.lock, flags);
	/* The flush is a host call in sim: only with interrupts on. */
	if (!flags && top >= 0)
		ukplat_display_flush(0, (__u32)top * GH, con.fb->width,
				     (__u32)(bottom - top + 1) * GH);
}

static int fbcon_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct uk_fb *fb;

	if (!console_on)
		return 0;
	if (!uk_fbcon_font_ok) {
		uk_pr_warn("display.console: built without a font "
			   "(./amphi setup fetches it)\n");
		return 0;
	}
	fb = uk_fb_open(0);
	if (PTRISERR(fb)) {
		uk_pr_warn("display.console: no framebuffer (%d)\n",
			   PTR2ERR(fb));
		return 0;
	}
	con.fb = fb;
	con.cols = fb->width / GW;
	con.rows = fb->height / GH;
	con.dirty_top = con.dirty_bottom = -1;
	fill_rows(0, fb->height);
	uk_fb_flush(fb, NULL);
	uk_console_mirror_set(fbcon_write);
	return 0;
}

uk_late_initcall(fbcon_init, NULL);

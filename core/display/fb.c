/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The framebuffer registry and its kernel API: uk_fb_register,
 * uk_fb_open (starts a device on first use), uk_fb_flush (clips, counts,
 * calls the device).
 */
#include <errno.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fb.h>

#define FB_MAX_DEVS	4

static struct uk_fb *fbs[FB_MAX_DEVS];
static unsigned int fb_count;

unsigned int uk_fb_format_bpp(__u32 format)
{
	return format == UK_FB_FORMAT_XRGB8888 ? 4 : 0;
}

int uk_fb_register(struct uk_fb *fb)
{
	unsigned int idx;

	idx = __atomic_fetch_add(&fb_count, 1, __ATOMIC_SEQ_CST);
	if (idx >= FB_MAX_DEVS) {
		__atomic_fetch_sub(&fb_count, 1, __ATOMIC_SEQ_CST);
		return -ENOSPC;
	}
	fb->idx = idx;
	fb->started = 0;
	fb->flushes = 0;
	uk_mutex_init(&fb->lock);
	__atomic_store_n(&fbs[idx], fb, __ATOMIC_RELEASE);
	return (int)idx;
}

unsigned int uk_fb_count(void)
{
	return MIN(__atomic_load_n(&fb_count, __ATOMIC_ACQUIRE),
		   (unsigned int)FB_MAX_DEVS);
}

struct uk_fb *uk_fb_open(unsigned int idx)
{
	struct uk_fb *fb;
	int rc = 0;

	if (idx >= FB_MAX_DEVS)
		return ERR2PTR(-ENODEV);
	fb = __atomic_load_n(&fbs[idx], __ATOMIC_ACQUIRE);
	if (!fb)
		return ERR2PTR(-ENODEV);
	uk_mutex_lock(&fb->lock);
	if (!fb->started && fb->ops->start)
		rc = fb->ops->start(fb);
	if (rc == 0)
		fb->started = 1;
	uk_mutex_unlock(&fb->lock);
	return rc ? ERR2PTR(rc) : fb;
}

void uk_fb_close(struct uk_fb *fb __maybe_unused)
{
	/* The picture stays on screen, as a display's does. */
}

int uk_fb_flush(struct uk_fb *fb, const struct uk_fb_rect *r)
{
	struct uk_fb_rect c = { 0, 0, fb->width, fb->height };

	if (r) {
		if (r->x >= fb->width || r->y >= fb->height || !r->w || !r->h)
			return -EINVAL;
		c.x = r->x;
		c.y = r->y;
		c.w = MIN(r->w, fb->width - r->x);
		c.h = MIN(r->h, fb->height - r->y);
	}
	uk_mutex_lock(&fb->lock);
	if (fb->ops->flush)
		fb->ops->flush(fb, &c);
	fb->flushes++;
	uk_mutex_unlock(&fb->lock);
	return 0;
}

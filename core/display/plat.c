/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The platform's display and input (uk/plat/display.h) as framebuffer 0
 * and input device 0. The mode is the core's choice (display.width,
 * display.height, clamped to what the platform shows); the frame memory
 * is allocated, mapped and handed to the platform on the first open, so
 * an app that never draws costs no memory and opens no window.
 */
#include <errno.h>
#include <string.h>
#include <linux/input-event-codes.h>
#include <uk/essentials.h>
#include <uk/falloc.h>
#include <uk/fb.h>
#include <uk/init.h>
#include <uk/input.h>
#include <uk/param.h>
#include <uk/plat/display.h>
#include <uk/plat/irq.h>
#include <uk/print.h>
#include <uk/vmem.h>

static int fb_width = 1280, fb_height = 720;
UK_PARAM("display.width", fb_width, 16, 8192, "framebuffer width (pixels)");
UK_PARAM("display.height", fb_height, 16, 8192,
	 "framebuffer height (pixels)");

static struct uk_fb plat_fb;
static struct uk_input_dev plat_input;

static int plat_fb_start(struct uk_fb *fb)
{
	struct uk_falloc *fa = uk_falloc_get_default();
	unsigned long pages = fb->size >> PAGE_SHIFT;
	__vaddr_t va = __VADDR_ANY;
	__paddr_t pa = __PADDR_ANY;
	int rc;

	if (!fa || uk_falloc(fa, &pa, pages, UK_FALLOC_F_ZERO) < 0)
		return -ENOMEM;
	rc = uk_vma_map_dma(uk_vas_get_active(), &va, fb->size,
			    PAGE_ATTR_PROT_RW, UK_VMA_MAP_POPULATE, "fb0", pa);
	if (rc < 0)
		goto err_free;
	rc = ukplat_display_attach(pa, fb->width, fb->height, fb->stride);
	if (rc < 0)
		goto err_unmap;
	fb->pixels = (void *)va;
	fb->paddr = pa;
	return 0;

err_unmap:
	uk_vma_unmap(uk_vas_get_active(), va, fb->size, 0);
err_free:
	uk_ffree(fa, pa, pages);
	return rc;
}

static void plat_fb_flush(struct uk_fb *fb __maybe_unused,
			  const struct uk_fb_rect *r)
{
	ukplat_display_flush(r->x, r->y, r->w, r->h);
}

static const struct uk_fb_ops plat_fb_ops = {
	.start = plat_fb_start,
	.flush = plat_fb_flush,
};

static int plat_input_irq(void *arg, struct __regs *regs __maybe_unused)
{
	struct uk_input_dev *dev = arg;
	struct ukplat_input_event ev;
	int any = 0;

	while (ukplat_input_next(&ev)) {
		uk_input_report(dev, ev.type, ev.code, ev.value);
		any = 1;
	}
	return any;
}

static void input_caps(struct uk_input_dev *dev)
{
	unsigned int c;

	/* Every key of a PC keyboard and the usual mouse buttons. */
	for (c = KEY_ESC; c < BTN_MISC; c++)
		uk_input_set_capability(dev, EV_KEY, c);
	for (c = BTN_LEFT; c <= BTN_TASK; c++)
		uk_input_set_capability(dev, EV_KEY, c);
	uk_input_set_capability(dev, EV_REL, REL_WHEEL);
	uk_input_set_capability(dev, EV_REL, REL_HWHEEL);
	uk_input_set_capability(dev, EV_ABS, ABS_X);
	uk_input_set_capability(dev, EV_ABS, ABS_Y);
	dev->abs[ABS_X].maximum = UKPLAT_INPUT_ABS_MAX;
	dev->abs[ABS_Y].maximum = UKPLAT_INPUT_ABS_MAX;
}

static void input_init(void)
{
	struct ukplat_input_info info;
	int rc;

	memset(&info, 0, sizeof(info));
	if (ukplat_input_probe(&info) < 0)
		return;
	memcpy(plat_input.name, info.name, sizeof(plat_input.name));
	plat_input.name[sizeof(plat_input.name) - 1] = '\0';
	plat_input.bustype = info.bustype;
	plat_input.vendor = info.vendor;
	plat_input.product = info.product;
	plat_input.version = info.version;
	input_caps(&plat_input);
	rc = uk_input_register(&plat_input);
	if (rc >= 0)
		rc = ukplat_irq_register(info.irq, plat_input_irq,
					 &plat_input);
	if (rc < 0)
		uk_pr_err("input: %s: error %d\n", plat_input.name, rc);
}

static int display_init(struct uk_init_ctx *ctx __maybe_unused)
{
	struct ukplat_display_info info;
	struct uk_fb *fb = &plat_fb;

	memset(&info, 0, sizeof(info));
	if (ukplat_display_probe(&info) == 0) {
		memcpy(fb->name, info.name, sizeof(fb->name));
		fb->name[sizeof(fb->name) - 1] = '\0';
		fb->width = MIN((__u32)fb_width, info.max_width);
		fb->height = MIN((__u32)fb_height, info.max_height);
		fb->format = UK_FB_FORMAT_XRGB8888;
		fb->stride = fb->width * 4;
		fb->size = PAGE_ALIGN_UP((__sz)fb->stride * fb->height);
		fb->ops = &plat_fb_ops;
		uk_fb_register(fb);
	}
	input_init();
	return 0;
}

uk_lib_initcall(display_init, NULL);

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /dev/fb0: framebuffer 0 through Linux's fbdev interface. The mode is
 * fixed: FBIOPUT_VSCREENINFO accepts the current mode (filling in what
 * the caller left out, as Linux's drivers do) and refuses any other
 * with EINVAL. There is no panning: FBIOPAN_DISPLAY at offset 0,0 and
 * FBIO_WAITFORVSYNC present the frame (flush it whole), which is what
 * double-buffering fbdev programs call once a frame. mmap maps the
 * frame memory itself (a DMA VMA): writes need no copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/fb.h>
#include <uk/devfs.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/fb.h>
#include <uk/init.h>
#include <uk/nofault.h>
#include <uk/vmem.h>

static struct uk_file fb0_file;

static void get_var(const struct uk_fb *fb, struct fb_var_screeninfo *v)
{
	memset(v, 0, sizeof(*v));
	v->xres = v->xres_virtual = fb->width;
	v->yres = v->yres_virtual = fb->height;
	v->bits_per_pixel = uk_fb_format_bpp(fb->format) * 8;
	v->red = (struct fb_bitfield){ 16, 8, 0 };
	v->green = (struct fb_bitfield){ 8, 8, 0 };
	v->blue = (struct fb_bitfield){ 0, 8, 0 };
	v->activate = FB_ACTIVATE_NOW;
	v->height = v->width = ~0U;	/* size in mm unknown */
	v->vmode = FB_VMODE_NONINTERLACED;
}

static void get_fix(const struct uk_fb *fb, struct fb_fix_screeninfo *f)
{
	memset(f, 0, sizeof(*f));
	strncpy(f->id, fb->name, sizeof(f->id));
	f->smem_start = fb->paddr;
	f->smem_len = (uint32_t)fb->size;
	f->type = FB_TYPE_PACKED_PIXELS;
	f->visual = FB_VISUAL_TRUECOLOR;
	f->line_length = fb->stride;
	f->accel = FB_ACCEL_NONE;
}

/* A mode is acceptable if it is ours: resolution, virtual resolution,
 * depth and no offset. Colour layout and timings are ours whatever the
 * caller asked (Linux's drivers overwrite them the same way). */
static int put_var(struct uk_fb *fb, void *arg)
{
	struct fb_var_screeninfo want, cur;
	int rc;

	rc = uk_copy_from_user(&want, arg, sizeof(want));
	if (rc)
		return rc;
	get_var(fb, &cur);
	if (want.xres != cur.xres || want.yres != cur.yres ||
	    (want.xres_virtual && want.xres_virtual != cur.xres_virtual) ||
	    (want.yres_virtual && want.yres_virtual != cur.yres_virtual) ||
	    (want.bits_per_pixel && want.bits_per_pixel !=
	     cur.bits_per_pixel) || want.xoffset || want.yoffset ||
	    want.grayscale || want.nonstd)
		return -EINVAL;
	cur.activate = want.activate;
	return uk_copy_to_user(arg, &cur, sizeof(cur));
}

static int pan(struct uk_fb *fb, void *arg)
{
	struct fb_var_screeninfo v;
	int rc;

	rc = uk_copy_from_user(&v, arg, sizeof(v));
	if (rc)
		return rc;
	if (v.xoffset || v.yoffset)
		return -EINVAL;
	return uk_fb_flush(fb, NULL);
}

static int fb_ioctl(struct uk_file *f, unsigned long req, void *arg)
{
	struct uk_fb *fb = f->priv;
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
	uint32_t crtc;
	int rc;

	switch (req) {
	case FBIOGET_VSCREENINFO:
		get_var(fb, &var);
		return uk_copy_to_user(arg, &var, sizeof(var));
	case FBIOGET_FSCREENINFO:
		get_fix(fb, &fix);
		return uk_copy_to_user(arg, &fix, sizeof(fix));
	case FBIOPUT_VSCREENINFO:
		return put_var(fb, arg);
	case FBIOPAN_DISPLAY:
		return pan(fb, arg);
	case FBIO_WAITFORVSYNC:
		rc = uk_copy_from_user(&crtc, arg, sizeof(crtc));
		if (rc)
			return rc;
		return crtc ? -ENODEV : uk_fb_flush(fb, NULL);
	case FBIOBLANK:
		return (unsigned long)arg <= FB_BLANK_POWERDOWN ? 0 : -EINVAL;
	case FBIOGETCMAP:
	case FBIOPUTCMAP:
		/* True colour: no colour map. */
		return -EINVAL;
	default:
		return -ENOTTY;
	}
}

static int fb_mmap(struct uk_file *f, struct uk_vas *vas, __vaddr_t *va,
		   __sz len, unsigned long attr, unsigned long vflags,
		   __off off)
{
	struct uk_fb *fb = f->priv;

	if (off < 0 || (__sz)off > fb->size || len > fb->size - (__sz)off)
		return -EINVAL;
	/* Populated at once: a fault a page would cost more than this. */
	return uk_vma_map_dma(vas, va, len, attr,
			      vflags | UK_VMA_MAP_POPULATE, fb->name,
			      fb->paddr + (__paddr_t)off);
}

static int fb_getstat(struct uk_file *f __maybe_unused, struct stat *st)
{
	st->st_rdev = (29 << 8) | 0;	/* Linux's fb major, minor 0 */
	return 0;
}

static const struct uk_file_ops fb_ops = {
	.ioctl = fb_ioctl,
	.mmap = fb_mmap,
	.getstat = fb_getstat,
};

static struct uk_file *fb0_open(const struct uk_devfs_dev *dev __maybe_unused,
				unsigned int flags __maybe_unused)
{
	struct uk_fb *fb = uk_fb_open(0);

	if (PTRISERR(fb))
		return ERR2PTR(PTR2ERR(fb) == -ENODEV ? -ENXIO : PTR2ERR(fb));
	/* One file for every open: the state is the device's. */
	fb0_file.priv = fb;
	return uk_file_get(&fb0_file);
}

static int fbdev_init(struct uk_init_ctx *ctx __maybe_unused)
{
	uk_file_init(&fb0_file, &fb_ops, S_IFCHR | 0666, NULL);
	return 0;
}

uk_rootfs_initcall_prio(fbdev_init, NULL, 4);

static const struct uk_devfs_dev fb0_dev = {
	.name = "fb0", .mode = 0666, .open = fb0_open,
};
UK_DEVFS_REGISTER(fb0_dev);

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The display and input of the sim (uk/plat/display.h): an SDL2 window
 * owned by one host thread. The frame is guest memory (the core's frames,
 * seen here through the direct map); a flush records the damaged
 * rectangle and wakes the thread, which uploads it to a streaming
 * texture and presents (one flush in flight: the next one waits). SDL's keyboard and mouse events become Linux
 * evdev events in a ring, and the input's interrupt (a vector of
 * ukplat_irq_alloc) on CPU 0 tells the kernel to take them.
 *
 * Without a window system SDL draws offscreen (SDL_VIDEODRIVER=offscreen
 * or dummy), so tests and CI need no X server. --display-ctl SOCKET
 * accepts test commands that push SDL events (the same path as a real
 * window's) and dump the frame.
 *
 * libSDL2 (and the X11, Wayland, sound and D-Bus libraries under it) is
 * dlopen()ed by the display thread when an app first opens the display:
 * the dynamic loader maps none of them at boot, so an image that draws
 * nothing starts as fast as one without a display.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <SDL.h>

#include <uk/plat/display.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include "cpu.h"
#include "sim.h"

#define INPUT_RING	4096		/* power of two */
/* With no flush for this long, the window shows memory as it is (for
 * fbdev programs that only write to their mapping). */
#define IDLE_REFRESH_MS	100

#define SDL_LIB		"libSDL2-2.0.so.0"

const char *sim_display_ctl_path;

/* The SDL functions used, looked up in SDL_LIB at run time. */
#define SDL_FUNCS(X) \
	X(CreateRenderer) X(CreateTexture) X(CreateWindow) \
	X(DestroyRenderer) X(DestroyTexture) X(DestroyWindow) \
	X(GetError) X(InitSubSystem) X(PushEvent) X(Quit) \
	X(RegisterEvents) X(RenderCopy) X(RenderPresent) \
	X(RenderReadPixels) X(SetHint) X(UpdateTexture) \
	X(WaitEventTimeout)

static struct {
#define SDL_FN_PTR(f) __typeof__(SDL_##f) *f;
	SDL_FUNCS(SDL_FN_PTR)
#undef SDL_FN_PTR
} sdl;

/* Loads SDL_LIB and fills sdl: 0, or -ENODEV (said on stderr). */
static int sdl_load(void)
{
	void *h = dlopen(SDL_LIB, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!h) {
		fprintf(stderr, "amphi: display: %s (libsdl2-2.0-0; "
			"./amphi setup installs it)\n", dlerror());
		return -ENODEV;
	}
#define SDL_FN_LOAD(f) \
	sdl.f = (__typeof__(sdl.f))dlsym(h, "SDL_" #f); \
	if (!sdl.f && !missing) \
		missing = "SDL_" #f;
	SDL_FUNCS(SDL_FN_LOAD)
#undef SDL_FN_LOAD
	if (!missing)
		return 0;
	fprintf(stderr, "amphi: display: %s has no %s\n", SDL_LIB, missing);
	dlclose(h);
	return -ENODEV;
}

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int state;			/* 0 starting, 1 up, <0 -errno */
	const uint8_t *pixels;		/* the frame in the direct map */
	uint32_t width, height, stride;
	/* Damage not uploaded yet (under lock). */
	int dirty;
	uint32_t x0, y0, x1, y1;
	uint64_t last_flush_ms;
	Uint32 wake_event;		/* SDL user event: look at damage */
	Uint32 ctl_event;		/* SDL user event: a control command */
	Uint32 stop_event;		/* SDL user event: the process exits */
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
	int mx, my;			/* pointer, for injected buttons */
} disp = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* Single producer (the display thread), single consumer (the CPU that
 * takes the interrupt, with interrupts off). */
static struct ukplat_input_event ring[INPUT_RING];
static unsigned int ring_head, ring_tail;
static unsigned int input_irq;		/* 0 until the kernel probes */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --- input ------------------------------------------------------------ */

/* Linux key codes of SDL's scancodes (USB HID usages), 0: none. */
static const uint16_t sdl_to_linux[SDL_NUM_SCANCODES] = {
	[SDL_SCANCODE_A] = 30, [SDL_SCANCODE_B] = 48, [SDL_SCANCODE_C] = 46,
	[SDL_SCANCODE_D] = 32, [SDL_SCANCODE_E] = 18, [SDL_SCANCODE_F] = 33,
	[SDL_SCANCODE_G] = 34, [SDL_SCANCODE_H] = 35, [SDL_SCANCODE_I] = 23,
	[SDL_SCANCODE_J] = 36, [SDL_SCANCODE_K] = 37, [SDL_SCANCODE_L] = 38,
	[SDL_SCANCODE_M] = 50, [SDL_SCANCODE_N] = 49, [SDL_SCANCODE_O] = 24,
	[SDL_SCANCODE_P] = 25, [SDL_SCANCODE_Q] = 16, [SDL_SCANCODE_R] = 19,
	[SDL_SCANCODE_S] = 31, [SDL_SCANCODE_T] = 20, [SDL_SCANCODE_U] = 22,
	[SDL_SCANCODE_V] = 47, [SDL_SCANCODE_W] = 17, [SDL_SCANCODE_X] = 45,
	[SDL_SCANCODE_Y] = 21, [SDL_SCANCODE_Z] = 44,
	[SDL_SCANCODE_1] = 2, [SDL_SCANCODE_2] = 3, [SDL_SCANCODE_3] = 4,
	[SDL_SCANCODE_4] = 5, [SDL_SCANCODE_5] = 6, [SDL_SCANCODE_6] = 7,
	[SDL_SCANCODE_7] = 8, [SDL_SCANCODE_8] = 9, [SDL_SCANCODE_9] = 10,
	[SDL_SCANCODE_0] = 11,
	[SDL_SCANCODE_RETURN] = 28, [SDL_SCANCODE_ESCAPE] = 1,
	[SDL_SCANCODE_BACKSPACE] = 14, [SDL_SCANCODE_TAB] = 15,
	[SDL_SCANCODE_SPACE] = 57, [SDL_SCANCODE_MINUS] = 12,
	[SDL_SCANCODE_EQUALS] = 13, [SDL_SCANCODE_LEFTBRACKET] = 26,
	[SDL_SCANCODE_RIGHTBRACKET] = 27, [SDL_SCANCODE_BACKSLASH] = 43,
	[SDL_SCANCODE_NONUSHASH] = 43, [SDL_SCANCODE_SEMICOLON] = 39,
	[SDL_SCANCODE_APOSTROPHE] = 40, [SDL_SCANCODE_GRAVE] = 41,
	[SDL_SCANCODE_COMMA] = 51, [SDL_SCANCODE_PERIOD] = 52,
	[SDL_SCANCODE_SLASH] = 53, [SDL_SCANCODE_CAPSLOCK] = 58,
	[SDL_SCANCODE_F1] = 59, [SDL_SCANCODE_F2] = 60, [SDL_SCANCODE_F3] = 61,
	[SDL_SCANCODE_F4] = 62, [SDL_SCANCODE_F5] = 63, [SDL_SCANCODE_F6] = 64,
	[SDL_SCANCODE_F7] = 65, [SDL_SCANCODE_F8] = 66, [SDL_SCANCODE_F9] = 67,
	[SDL_SCANCODE_F10] = 68, [SDL_SCANCODE_F11] = 87,
	[SDL_SCANCODE_F12] = 88, [SDL_SCANCODE_PRINTSCREEN] = 99,
	[SDL_SCANCODE_SCROLLLOCK] = 70, [SDL_SCANCODE_PAUSE] = 119,
	[SDL_SCANCODE_INSERT] = 110, [SDL_SCANCODE_HOME] = 102,
	[SDL_SCANCODE_PAGEUP] = 104, [SDL_SCANCODE_DELETE] = 111,
	[SDL_SCANCODE_END] = 107, [SDL_SCANCODE_PAGEDOWN] = 109,
	[SDL_SCANCODE_RIGHT] = 106, [SDL_SCANCODE_LEFT] = 105,
	[SDL_SCANCODE_DOWN] = 108, [SDL_SCANCODE_UP] = 103,
	[SDL_SCANCODE_NUMLOCKCLEAR] = 69, [SDL_SCANCODE_KP_DIVIDE] = 98,
	[SDL_SCANCODE_KP_MULTIPLY] = 55, [SDL_SCANCODE_KP_MINUS] = 74,
	[SDL_SCANCODE_KP_PLUS] = 78, [SDL_SCANCODE_KP_ENTER] = 96,
	[SDL_SCANCODE_KP_1] = 79, [SDL_SCANCODE_KP_2] = 80,
	[SDL_SCANCODE_KP_3] = 81, [SDL_SCANCODE_KP_4] = 75,
	[SDL_SCANCODE_KP_5] = 76, [SDL_SCANCODE_KP_6] = 77,
	[SDL_SCANCODE_KP_7] = 71, [SDL_SCANCODE_KP_8] = 72,
	[SDL_SCANCODE_KP_9] = 73, [SDL_SCANCODE_KP_0] = 82,
	[SDL_SCANCODE_KP_PERIOD] = 83, [SDL_SCANCODE_NONUSBACKSLASH] = 86,
	[SDL_SCANCODE_APPLICATION] = 127, [SDL_SCANCODE_POWER] = 116,
	[SDL_SCANCODE_KP_EQUALS] = 117, [SDL_SCANCODE_F13] = 183,
	[SDL_SCANCODE_F14] = 184, [SDL_SCANCODE_F15] = 185,
	[SDL_SCANCODE_F16] = 186, [SDL_SCANCODE_F17] = 187,
	[SDL_SCANCODE_F18] = 188, [SDL_SCANCODE_F19] = 189,
	[SDL_SCANCODE_F20] = 190, [SDL_SCANCODE_F21] = 191,
	[SDL_SCANCODE_F22] = 192, [SDL_SCANCODE_F23] = 193,
	[SDL_SCANCODE_F24] = 194, [SDL_SCANCODE_MUTE] = 113,
	[SDL_SCANCODE_VOLUMEUP] = 115, [SDL_SCANCODE_VOLUMEDOWN] = 114,
	[SDL_SCANCODE_LCTRL] = 29, [SDL_SCANCODE_LSHIFT] = 42,
	[SDL_SCANCODE_LALT] = 56, [SDL_SCANCODE_LGUI] = 125,
	[SDL_SCANCODE_RCTRL] = 97, [SDL_SCANCODE_RSHIFT] = 54,
	[SDL_SCANCODE_RALT] = 100, [SDL_SCANCODE_RGUI] = 126,
};

#define EV_SYN		0
#define EV_KEY		1
#define EV_REL		2
#define EV_ABS		3
#define REL_HWHEEL	6
#define REL_WHEEL	8
#define BTN_LEFT	0x110

static void put(uint16_t type, uint16_t code, int32_t value)
{
	unsigned int h = __atomic_load_n(&ring_head, __ATOMIC_RELAXED);

	if (h - __atomic_load_n(&ring_tail, __ATOMIC_ACQUIRE) >= INPUT_RING)
		return;		/* the kernel is not reading: drop */
	ring[h % INPUT_RING] = (struct ukplat_input_event){ type, code, value };
	__atomic_store_n(&ring_head, h + 1, __ATOMIC_RELEASE);
}

/* Ends a packet and interrupts CPU 0. */
static void report(void)
{
	unsigned int irq;

	put(EV_SYN, 0, 0);
	irq = __atomic_load_n(&input_irq, __ATOMIC_ACQUIRE);
	if (irq)
		sim_lcpu_raise(0, irq);
}

/* Pixels to the contract's absolute scale, as QEMU scales its window. */
static int32_t abs_of(int v, uint32_t size)
{
	if (v < 0)
		v = 0;
	if ((uint32_t)v >= size)
		v = (int)size - 1;
	return (int32_t)((int64_t)v * UKPLAT_INPUT_ABS_MAX / size);
}

static uint16_t button_code(Uint8 b)
{
	switch (b) {
	case SDL_BUTTON_LEFT: return BTN_LEFT;
	case SDL_BUTTON_RIGHT: return BTN_LEFT + 1;
	case SDL_BUTTON_MIDDLE: return BTN_LEFT + 2;
	case SDL_BUTTON_X1: return BTN_LEFT + 3;
	case SDL_BUTTON_X2: return BTN_LEFT + 4;
	default: return 0;
	}
}

static void translate(const SDL_Event *e)
{
	uint16_t code;

	switch (e->type) {
	case SDL_KEYDOWN:
	case SDL_KEYUP:
		if (e->key.repeat)
			return;	/* no EV_REP: repeats are the app's */
		code = sdl_to_linux[e->key.keysym.scancode];
		if (!code)
			return;
		put(EV_KEY, code, e->type == SDL_KEYDOWN);
		break;
	case SDL_MOUSEMOTION:
		put(EV_ABS, 0, abs_of(e->motion.x, disp.width));
		put(EV_ABS, 1, abs_of(e->motion.y, disp.height));
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		code = button_code(e->button.button);
		if (!code)
			return;
		put(EV_ABS, 0, abs_of(e->button.x, disp.width));
		put(EV_ABS, 1, abs_of(e->button.y, disp.height));
		put(EV_KEY, code, e->type == SDL_MOUSEBUTTONDOWN);
		break;
	case SDL_MOUSEWHEEL:
		if (e->wheel.y)
			put(EV_REL, REL_WHEEL, e->wheel.y);
		if (e->wheel.x)
			put(EV_REL, REL_HWHEEL, e->wheel.x);
		break;
	default:
		return;
	}
	report();
}

/* The probes are fastcalls (fastcalls.list), run with the guest's %fs:
 * their names are copied inline, with no host C library call. */
#define NAME_SET(dst, lit)						\
	do {								\
		_Static_assert(sizeof(lit) <= sizeof(dst), "name");	\
		__builtin_memcpy(dst, lit, sizeof(lit));		\
	} while (0)

int ukplat_input_probe(struct ukplat_input_info *info)
{
	int irq = (int)__atomic_load_n(&input_irq, __ATOMIC_ACQUIRE);

	if (!irq) {
		irq = ukplat_irq_alloc();
		if (irq < 0)
			return irq;
	}
	NAME_SET(info->name, "Amphi SDL keyboard and mouse");
	info->bustype = 0x06;		/* BUS_VIRTUAL */
	info->vendor = 0x414d;		/* "AM" */
	info->product = 0x0001;
	info->version = 1;
	info->irq = (unsigned long)irq;
	__atomic_store_n(&input_irq, (unsigned int)irq, __ATOMIC_RELEASE);
	return 0;
}

int ukplat_input_next(struct ukplat_input_event *ev)
{
	unsigned int t = __atomic_load_n(&ring_tail, __ATOMIC_RELAXED);

	if (t == __atomic_load_n(&ring_head, __ATOMIC_ACQUIRE))
		return 0;
	*ev = ring[t % INPUT_RING];
	__atomic_store_n(&ring_tail, t + 1, __ATOMIC_RELEASE);
	return 1;
}

/* --- the window ------------------------------------------------------- */

static void upload(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1)
{
	SDL_Rect r = { (int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0) };

	sdl.UpdateTexture(disp.tex, &r, disp.pixels + (size_t)y0 * disp.stride +
			  (size_t)x0 * 4, (int)disp.stride);
	sdl.RenderCopy(disp.ren, disp.tex, NULL, NULL);
	sdl.RenderPresent(disp.ren);
}

/* Uploads the damage recorded by flushes, if any. */
static void take_damage(void)
{
	uint32_t x0, y0, x1, y1;

	pthread_mutex_lock(&disp.lock);
	if (!disp.dirty) {
		pthread_mutex_unlock(&disp.lock);
		return;
	}
	x0 = disp.x0;
	y0 = disp.y0;
	x1 = disp.x1;
	y1 = disp.y1;
	disp.dirty = 0;
	pthread_cond_broadcast(&disp.cond);
	pthread_mutex_unlock(&disp.lock);
	upload(x0, y0, x1, y1);
}

static int video_init(void)
{
	const char *drv = getenv("SDL_VIDEODRIVER");

	/* Plain memory for the window surface, never a GL context: GL
	 * drivers (llvmpipe) bring threads and JIT code that neither
	 * need nor survive a kernel in the same process. */
	sdl.SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	/* Ctrl-C and SIGTERM end the process as they always do. */
	sdl.SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	sdl.SetHint(SDL_HINT_RENDER_DRIVER, "software");
	/* No window system here: draw offscreen rather than fail. */
	if (!(drv && *drv) && !getenv("DISPLAY") &&
	    !getenv("WAYLAND_DISPLAY"))
		sdl.SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
	if (sdl.InitSubSystem(SDL_INIT_VIDEO) == 0)
		return 0;
	fprintf(stderr, "amphi: display: SDL%s%s: %s\n",
		drv ? " with SDL_VIDEODRIVER=" : "", drv ? drv : "",
		sdl.GetError());
	return -1;
}

static int window_init(void)
{
	int rc = sdl_load();

	if (rc < 0)
		return rc;
	if (video_init() < 0)
		return -EIO;
	disp.win = sdl.CreateWindow("Amphi", SDL_WINDOWPOS_UNDEFINED,
				    SDL_WINDOWPOS_UNDEFINED, (int)disp.width,
				    (int)disp.height, 0);
	/* The software renderer: uploads are memcpys, and no GL driver
	 * threads live in the process (they do not survive exit()). */
	if (disp.win)
		disp.ren = sdl.CreateRenderer(disp.win, -1,
					      SDL_RENDERER_SOFTWARE);
	if (disp.ren)
		disp.tex = sdl.CreateTexture(disp.ren, SDL_PIXELFORMAT_RGB888,
					     SDL_TEXTUREACCESS_STREAMING,
					     (int)disp.width,
					     (int)disp.height);
	if (!disp.tex) {
		fprintf(stderr, "amphi: display: SDL: %s\n", sdl.GetError());
		return -EIO;
	}
	disp.wake_event = sdl.RegisterEvents(3);
	disp.ctl_event = disp.wake_event + 1;
	disp.stop_event = disp.wake_event + 2;
	return 0;
}

static void window_fini(void)
{
	sdl.DestroyTexture(disp.tex);
	sdl.DestroyRenderer(disp.ren);
	sdl.DestroyWindow(disp.win);
	sdl.Quit();
}

static void ctl_run(SDL_Event *e);

static void window_closed(void)
{
	sim_console_puts("amphi: display window closed\n");
	sim_lcpu_terminating();
	exit(0);
}

static void *display_thread(void *arg)
{
	SDL_Event e;
	int rc;

	sim_host_thread_attach();
	(void)arg;
	rc = window_init();
	pthread_mutex_lock(&disp.lock);
	disp.state = rc ? rc : 1;
	pthread_cond_broadcast(&disp.cond);
	pthread_mutex_unlock(&disp.lock);
	if (rc)
		return NULL;
	upload(0, 0, disp.width, disp.height);
	for (;;) {
		if (!sdl.WaitEventTimeout(&e, IDLE_REFRESH_MS)) {
			if (now_ms() - __atomic_load_n(&disp.last_flush_ms,
						       __ATOMIC_RELAXED) >=
			    IDLE_REFRESH_MS)
				upload(0, 0, disp.width, disp.height);
			continue;
		}
		if (e.type == SDL_QUIT)
			window_closed();
		else if (e.type == disp.stop_event)
			break;
		else if (e.type == disp.wake_event)
			take_damage();
		else if (e.type == disp.ctl_event)
			ctl_run(&e);
		else
			translate(&e);
	}
	window_fini();
	return NULL;
}

/* At exit: SDL and the libraries under it are shut down by their own
 * thread before the process's exit handlers pull them away. */
static void display_stop(void)
{
	SDL_Event e;

	if (disp.state != 1 || pthread_equal(pthread_self(), disp.thread))
		return;
	memset(&e, 0, sizeof(e));
	e.type = disp.stop_event;
	if (sdl.PushEvent(&e) == 1)
		pthread_join(disp.thread, NULL);
}

static void *ctl_thread(void *arg);

/* Host calls from the guest run with interrupts masked: pthread and SDL
 * are not async-signal-safe. New threads take no signals. */
int ukplat_display_attach(__paddr_t paddr, __u32 width, __u32 height,
			  __u32 stride)
{
	unsigned long irqf = ukplat_lcpu_save_irqf();
	sigset_t all, old;
	pthread_t ctl;
	int rc;

	if (disp.state || !width || !height || stride < width * 4 ||
	    paddr + (size_t)stride * height > sim_mem_size) {
		ukplat_lcpu_restore_irqf(irqf);
		return -EINVAL;
	}
	disp.pixels = (const uint8_t *)sim_direct_map + paddr;
	disp.width = width;
	disp.height = height;
	disp.stride = stride;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&disp.thread, NULL, display_thread, NULL);
	if (rc == 0 && sim_display_ctl_path &&
	    pthread_create(&ctl, NULL, ctl_thread, NULL) == 0)
		pthread_detach(ctl);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		ukplat_lcpu_restore_irqf(irqf);
		return -EIO;
	}
	pthread_mutex_lock(&disp.lock);
	while (!disp.state)
		pthread_cond_wait(&disp.cond, &disp.lock);
	rc = disp.state < 0 ? disp.state : 0;
	pthread_mutex_unlock(&disp.lock);
	if (rc == 0)
		atexit(display_stop);
	ukplat_lcpu_restore_irqf(irqf);
	return rc;
}

/* One frame in flight, as a double-buffered swap: a flush while the
 * previous one's damage is not taken yet waits for the display thread,
 * so a program drawing flat out runs at the rate frames are shown. */
void ukplat_display_flush(__u32 x, __u32 y, __u32 w, __u32 h)
{
	unsigned long irqf = ukplat_lcpu_save_irqf();
	SDL_Event e;

	pthread_mutex_lock(&disp.lock);
	while (disp.dirty && disp.state == 1)
		pthread_cond_wait(&disp.cond, &disp.lock);
	disp.x0 = x;
	disp.y0 = y;
	disp.x1 = x + w;
	disp.y1 = y + h;
	disp.dirty = 1;
	pthread_mutex_unlock(&disp.lock);
	__atomic_store_n(&disp.last_flush_ms, now_ms(), __ATOMIC_RELAXED);
	if (disp.state == 1) {
		memset(&e, 0, sizeof(e));
		e.type = disp.wake_event;
		sdl.PushEvent(&e);
	}
	ukplat_lcpu_restore_irqf(irqf);
}

int ukplat_display_probe(struct ukplat_display_info *info)
{
	NAME_SET(info->name, "amphi-sdl");
	info->max_width = 8192;
	info->max_height = 8192;
	return 0;
}

/* --- the control socket (tests) ---------------------------------------- */

struct ctl_cmd {
	char line[512];
	char reply[128];
	int done;
};

/* Writes what the window shows (read back from SDL's renderer, after
 * the uploads of every flush so far) as a binary PPM, QEMU's
 * screendump format. */
static int write_ppm(const char *path)
{
	size_t len = (size_t)disp.width * disp.height * 3;
	uint8_t *buf = malloc(len);
	FILE *f;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	if (sdl.RenderReadPixels(disp.ren, NULL, SDL_PIXELFORMAT_RGB24, buf,
				 (int)disp.width * 3) < 0) {
		free(buf);
		return -EIO;
	}
	f = fopen(path, "wb");
	if (!f) {
		rc = -errno;
	} else {
		fprintf(f, "P6\n%u %u\n255\n", disp.width, disp.height);
		if (fwrite(buf, 1, len, f) != len)
			rc = -EIO;
		if (fclose(f) && !rc)
			rc = -errno;
	}
	free(buf);
	return rc;
}

/* Linux key code to SDL scancode (the table read backwards). */
static SDL_Scancode scancode_of(unsigned int code)
{
	int i;

	for (i = 0; i < SDL_NUM_SCANCODES; i++)
		if (code && sdl_to_linux[i] == code)
			return (SDL_Scancode)i;
	return SDL_SCANCODE_UNKNOWN;
}

/* Runs one command on the display thread, so that it is ordered with
 * the window's own events and flushes. */
static void ctl_exec(struct ctl_cmd *c)
{
	SDL_Event e;
	char arg[400];
	int a, b;

	memset(&e, 0, sizeof(e));
	snprintf(c->reply, sizeof(c->reply), "ok");
	if (sscanf(c->line, "key %d %d", &a, &b) == 2) {
		e.type = b ? SDL_KEYDOWN : SDL_KEYUP;
		e.key.state = b ? SDL_PRESSED : SDL_RELEASED;
		e.key.keysym.scancode = scancode_of((unsigned int)a);
		if (e.key.keysym.scancode == SDL_SCANCODE_UNKNOWN)
			goto bad;
	} else if (sscanf(c->line, "motion %d %d", &a, &b) == 2) {
		e.type = SDL_MOUSEMOTION;
		e.motion.x = disp.mx = a;
		e.motion.y = disp.my = b;
	} else if (sscanf(c->line, "button %d %d", &a, &b) == 2) {
		if (a < 1 || a > 5)
			goto bad;
		e.type = b ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
		e.button.button = (Uint8)a;
		e.button.state = b ? SDL_PRESSED : SDL_RELEASED;
		e.button.x = disp.mx;
		e.button.y = disp.my;
	} else if (sscanf(c->line, "wheel %d", &a) == 1) {
		e.type = SDL_MOUSEWHEEL;
		e.wheel.y = a;
	} else if (sscanf(c->line, "dump %399s", arg) == 1) {
		take_damage();
		a = write_ppm(arg);
		if (a < 0)
			/* Bounded to fit the 128-byte reply line. */
			snprintf(c->reply, sizeof(c->reply),
				 "error: %.64s: %.48s", arg, strerror(-a));
		return;
	} else {
		goto bad;
	}
	if (sdl.PushEvent(&e) < 0)
		snprintf(c->reply, sizeof(c->reply), "error: %s",
			 sdl.GetError());
	return;
bad:
	snprintf(c->reply, sizeof(c->reply), "error: bad command");
}

static void ctl_run(SDL_Event *e)
{
	struct ctl_cmd *c = e->user.data1;

	ctl_exec(c);
	pthread_mutex_lock(&disp.lock);
	c->done = 1;
	pthread_cond_broadcast(&disp.cond);
	pthread_mutex_unlock(&disp.lock);
}

/* Hands one line to the display thread and waits for its answer. */
static void ctl_line(int fd, struct ctl_cmd *c)
{
	SDL_Event e;
	size_t n;

	memset(&e, 0, sizeof(e));
	e.type = disp.ctl_event;
	e.user.data1 = c;
	c->done = 0;
	if (sdl.PushEvent(&e) < 0) {
		snprintf(c->reply, sizeof(c->reply), "error: %s",
			 sdl.GetError());
	} else {
		pthread_mutex_lock(&disp.lock);
		while (!c->done)
			pthread_cond_wait(&disp.cond, &disp.lock);
		pthread_mutex_unlock(&disp.lock);
	}
	n = strlen(c->reply);
	c->reply[n] = '\n';
	if (write(fd, c->reply, n + 1) < 0)
		return;
}

static void ctl_serve(int fd)
{
	struct ctl_cmd c;
	size_t len = 0;
	ssize_t n;
	char *nl;

	for (;;) {
		n = read(fd, c.line + len, sizeof(c.line) - 1 - len);
		if (n <= 0)
			return;
		len += (size_t)n;
		c.line[len] = '\0';
		while ((nl = strchr(c.line, '\n'))) {
			struct ctl_cmd one;

			*nl = '\0';
			snprintf(one.line, sizeof(one.line), "%s", c.line);
			ctl_line(fd, &one);
			len -= (size_t)(nl + 1 - c.line);
			memmove(c.line, nl + 1, len + 1);
		}
		if (len == sizeof(c.line) - 1)
			len = 0;	/* an absurd line: forget it */
	}
}

static void *ctl_thread(void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s, fd;

	sim_host_thread_attach();
	(void)arg;
	pthread_mutex_lock(&disp.lock);
	while (!disp.state)
		pthread_cond_wait(&disp.cond, &disp.lock);
	pthread_mutex_unlock(&disp.lock);
	if (disp.state < 0)
		return NULL;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s",
		 sim_display_ctl_path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(sa.sun_path);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s, 4) < 0) {
		fprintf(stderr, "amphi: display: --display-ctl %s: %s\n",
			sim_display_ctl_path, strerror(errno));
		return NULL;
	}
	while ((fd = accept4(s, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		ctl_serve(fd);
		close(fd);
	}
	return NULL;
}

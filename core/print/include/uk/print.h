/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel messages. Each message is one console write, prefixed with its
 * level and the source location; messages above the current log level
 * are dropped. The level starts at UK_PRINT_DEFAULT_LEVEL and can be set
 * at boot with the kernel argument loglevel=N (0 crit .. 4 debug).
 */
#ifndef __UK_PRINT_H__
#define __UK_PRINT_H__

#include <stdarg.h>
#include <uk/essentials.h>

#define KLVL_CRIT	0
#define KLVL_ERR	1
#define KLVL_WARN	2
#define KLVL_INFO	3
#define KLVL_DEBUG	4

#ifndef UK_PRINT_DEFAULT_LEVEL
#define UK_PRINT_DEFAULT_LEVEL	KLVL_WARN
#endif

/* Current log level: messages with a level above it are dropped. */
extern int uk_print_level;

/* Prints one message at level lvl (KLVL_*), with the caller's location. */
void _uk_printk(int lvl, const char *libname, const char *file, int line,
		const char *fmt, ...) __printf(5, 6);
void _uk_vprintk(int lvl, const char *libname, const char *file, int line,
		 const char *fmt, va_list ap);

/* Prints fmt with no prefix, whatever the log level (banner, reports). */
void uk_printk_raw(const char *fmt, ...) __printf(1, 2);

/* Writes len bytes to the console (ukplat_coutk) and to its mirror, if
 * one is set. Returns ukplat_coutk's result. */
int uk_console_write(const char *buf, unsigned int len);
/* Passes len bytes to the console's mirror only, if one is set (for
 * writes that reach the console another way: the app's terminal). */
void uk_console_mirror(const char *buf, unsigned int len);
/* Sets a mirror that also gets every console write (kernel messages and
 * fds 0-2), e.g. the framebuffer console; NULL removes it. The mirror may
 * be called from any context: it must be ISR-safe. */
void uk_console_mirror_set(void (*fn)(const char *buf, unsigned int len));
void uk_vprintk_raw(const char *fmt, va_list ap);

#ifndef UK_LIBNAME
#define UK_LIBNAME	NULL
#endif

#define uk_printk(lvl, fmt, ...)					\
	do {								\
		if ((lvl) <= uk_print_level)				\
			_uk_printk((lvl), UK_LIBNAME, __FILE__,		\
				   __LINE__, (fmt), ##__VA_ARGS__);	\
	} while (0)

#define uk_pr_crit(fmt, ...)	uk_printk(KLVL_CRIT, (fmt), ##__VA_ARGS__)
#define uk_pr_err(fmt, ...)	uk_printk(KLVL_ERR, (fmt), ##__VA_ARGS__)
#define uk_pr_warn(fmt, ...)	uk_printk(KLVL_WARN, (fmt), ##__VA_ARGS__)
#define uk_pr_info(fmt, ...)	uk_printk(KLVL_INFO, (fmt), ##__VA_ARGS__)
#define uk_pr_debug(fmt, ...)	uk_printk(KLVL_DEBUG, (fmt), ##__VA_ARGS__)

#endif /* __UK_PRINT_H__ */

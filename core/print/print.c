/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel messages. A message is formatted into a bounded buffer on the
 * stack and written to the console in one call, so messages from
 * different CPUs do not interleave mid-line.
 */
#include <stdio.h>
#include <string.h>
#include <uk/param.h>
#include <uk/print.h>
#include <uk/plat/console.h>

#define PRINT_BUF_SIZE	512

int uk_print_level = UK_PRINT_DEFAULT_LEVEL;
UK_PARAM("loglevel", uk_print_level, KLVL_CRIT, KLVL_DEBUG,
	 "messages up to 0 crit .. 4 debug");

static const char *const level_names[] = {
	[KLVL_CRIT]	= "CRIT",
	[KLVL_ERR]	= "ERR ",
	[KLVL_WARN]	= "Warn",
	[KLVL_INFO]	= "Info",
	[KLVL_DEBUG]	= "dbg ",
};

static void (*console_mirror)(const char *buf, unsigned int len);

void uk_console_mirror_set(void (*fn)(const char *buf, unsigned int len))
{
	__atomic_store_n(&console_mirror, fn, __ATOMIC_RELEASE);
}

void uk_console_mirror(const char *buf, unsigned int len)
{
	void (*mirror)(const char *, unsigned int) =
		__atomic_load_n(&console_mirror, __ATOMIC_ACQUIRE);

	if (mirror)
		mirror(buf, len);
}

int uk_console_write(const char *buf, unsigned int len)
{
	uk_console_mirror(buf, len);
	return ukplat_coutk(buf, len);
}

static void console_write(const char *buf, int len)
{
	if (len <= 0)
		return;
	if (len >= PRINT_BUF_SIZE)	/* truncated: mark it */
		len = PRINT_BUF_SIZE - 1;
	uk_console_write(buf, (unsigned int)len);
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void _uk_vprintk(int lvl, const char *libname, const char *file, int line,
		 const char *fmt, va_list ap)
{
	char buf[PRINT_BUF_SIZE];
	int len;

	if (lvl < KLVL_CRIT || lvl > KLVL_DEBUG)
		lvl = KLVL_DEBUG;
	len = snprintf(buf, sizeof(buf), "[%s] %s%s%s:%d: ", level_names[lvl],
		       libname ? libname : "", libname ? ": " : "",
		       basename_of(file), line);
	if (len < 0 || len >= (int)sizeof(buf))
		len = 0;
	len += vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	console_write(buf, MIN(len, PRINT_BUF_SIZE - 1));
}

void _uk_printk(int lvl, const char *libname, const char *file, int line,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_uk_vprintk(lvl, libname, file, line, fmt, ap);
	va_end(ap);
}

void uk_vprintk_raw(const char *fmt, va_list ap)
{
	char buf[PRINT_BUF_SIZE];
	int len;

	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	console_write(buf, MIN(len, PRINT_BUF_SIZE - 1));
}

void uk_printk_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	uk_vprintk_raw(fmt, ap);
	va_end(ap);
}

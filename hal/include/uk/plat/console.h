/* SPDX-License-Identifier: BSD-3-Clause */
/* Raw console of the platform: no buffering, no translation. */
#ifndef __UK_PLAT_CONSOLE_H__
#define __UK_PLAT_CONSOLE_H__

/* Writes len bytes of buf to the kernel console. Returns the number of
 * bytes written (len unless the console is gone) or a negative errno. */
int ukplat_coutk(const char *buf, unsigned int len);

/* Reads up to maxlen bytes into buf without blocking. Returns the number
 * of bytes read, 0 if none are available, or -EPIPE at end of input. */
int ukplat_cink(char *buf, unsigned int maxlen);

#endif /* __UK_PLAT_CONSOLE_H__ */

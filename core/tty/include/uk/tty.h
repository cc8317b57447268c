/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console as a file (core/tty): fds 0, 1, 2 at boot, /dev/console,
 * /dev/tty. Reads return one line at a time.
 */
#ifndef __UK_TTY_H__
#define __UK_TTY_H__

#include <uk/file.h>

/* How often a waiting reader's input is polled where the platform has
 * no input interrupt (ukplat_stream_input_irq). */
#define UK_TTY_POLL_MS	10

/* Returns a new reference to the console file. */
struct uk_file *uk_tty_console(void);

#endif /* __UK_TTY_H__ */

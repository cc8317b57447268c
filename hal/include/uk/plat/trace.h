/* SPDX-License-Identifier: BSD-3-Clause */
/* Backtraces for crash reports. */
#ifndef __UK_PLAT_TRACE_H__
#define __UK_PLAT_TRACE_H__

#include <uk/arch/regs.h>

/* Prints a backtrace to the console, one frame a line with function and,
 * where the backend can, file:line. With regs (a trap's saved state) the
 * trace starts at the trapping instruction; with NULL it starts at the
 * caller of ukplat_backtrace, skipping skip more frames. */
void ukplat_backtrace(const struct __regs *regs, unsigned int skip);

#endif /* __UK_PLAT_TRACE_H__ */

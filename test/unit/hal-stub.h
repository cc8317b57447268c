/* Host stand-ins for the HAL functions guest objects import in unit tests,
 * and access to what the guest wrote to its "console". */
#ifndef AMPHI_UNIT_HAL_STUB_H
#define AMPHI_UNIT_HAL_STUB_H

#include <stddef.h>

/* Bytes the guest wrote through ukplat_coutk since the last reset. */
const char *unit_console_text(size_t *len);
void unit_console_reset(void);
/* Number of times the guest called ukplat_terminate (crash or halt). */
extern int unit_terminate_calls;
/* Moves the guest's monotonic clock ns forward at once, so that a test
 * of an interval does not depend on how fast the machine runs it. */
void unit_clock_advance(unsigned long long ns);

#endif

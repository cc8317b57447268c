/*
 * Cases that count demand-paged pages one fault at a time turn vmem's
 * fault-around (the kernel parameter vmem.fault_around) off while they
 * run, and restore it.
 */
#ifndef __TEST_FAULT_AROUND_H__
#define __TEST_FAULT_AROUND_H__

#include <stdio.h>
#include <uk/param.h>

static inline int fault_around_off(void)
{
	int old = 1;

	uk_param_get("vmem.fault_around", &old);
	uk_param_set("vmem.fault_around=1");
	return old;
}

static inline void fault_around_restore(int old)
{
	char arg[40];

	snprintf(arg, sizeof(arg), "vmem.fault_around=%d", old);
	uk_param_set(arg);
}

#endif /* __TEST_FAULT_AROUND_H__ */

/*
 * Cases that count demand-paged pages one fault at a time turn vmem's
 * fault-around (the kernel parameter vmem.fault_around) off while they
 * run, and restore it.
 */
#ifndef __TEST_FAULT_AROUND_H__
#define __TEST_FAULT_AROUND_H__

#include <uk/param.h>

static inline int fault_around_off(void)
{
	int old = 1;

	uk_param_get("vmem.fault_around", &old);
	uk_param_set_int("vmem.fault_around", 1);
	return old;
}

static inline void fault_around_restore(int old)
{
	uk_param_set_int("vmem.fault_around", old);
}

#endif /* __TEST_FAULT_AROUND_H__ */

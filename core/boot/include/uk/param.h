/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel parameters: integers a library exposes on the kernel command line
 * ("name=value" before "--"; in sim `-k name=value`). The boot sequence
 * sets them before any init function runs; a value outside [min, max] is
 * refused with a warning and the default stays.
 *
 *   static int timeslice_us;
 *   UK_PARAM("sched.timeslice_us", timeslice_us, 0, 1000000,
 *            "preemption time slice, 0: cooperative");
 */
#ifndef __UK_PARAM_H__
#define __UK_PARAM_H__

#include <uk/linktab.h>

struct uk_param {
	const char *name;
	int *var;
	int min, max;
	const char *help;
};

#define UK_PARAM(pname, pvar, pmin, pmax, phelp)			\
	UK_LINKTAB_ENTRY(const struct uk_param,				\
			 UK_CONCAT(__uk_param_, pvar), "param", "5") =	\
		{ (pname), &(pvar), (pmin), (pmax), (phelp) }

/* Sets the parameter that "key=value" (or "key", meaning 1) names.
 * Returns 0, -ENOENT (no such parameter) or -EINVAL (bad value). */
int uk_param_set(const char *arg);

/* Sets parameter name to val. Returns 0, -ENOENT or -EINVAL (out of
 * range). */
int uk_param_set_int(const char *name, int val);

/* Stores the value of parameter name in *val. Returns 0 or -ENOENT. */
int uk_param_get(const char *name, int *val);

#endif /* __UK_PARAM_H__ */

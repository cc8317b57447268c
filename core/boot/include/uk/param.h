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
	union {
		int *var;
		const char **str;	/* a text parameter's */
	};
	int min, max;			/* min > max: a text parameter */
	const char *help;
};

#define UK_PARAM_IS_TEXT(p)	((p)->min > (p)->max)

#define UK_PARAM(pname, pvar, pmin, pmax, phelp)			\
	UK_LINKTAB_ENTRY(const struct uk_param,				\
			 UK_CONCAT(__uk_param_, pvar), "param", "5") =	\
		{ (pname), { .var = &(pvar) }, (pmin), (pmax), (phelp) }

/* A text parameter: pvar (a const char *) points at the value given
 * ("name=value"), which stays valid until the kernel exits.
 *
 *   static const char *ip;
 *   UK_PARAM_STR("net.ip", ip, "address/prefix of the first interface");
 */
#define UK_PARAM_STR(pname, pvar, phelp)				\
	UK_LINKTAB_ENTRY(const struct uk_param,				\
			 UK_CONCAT(__uk_param_, pvar), "param", "5") =	\
		{ (pname), { .str = &(pvar) }, 1, 0, (phelp) }

/*
 * A size in bytes (an unsigned long): "N", "NK", "NM", "NG" (powers of
 * 1024, an optional "iB" or "B" after them), or "N%" of all RAM. Values
 * above max are refused.
 *
 *   static unsigned long size_limit;
 *   UK_PARAM_SIZE("ramfs.size", size_limit, ~0UL, "...");
 */
struct uk_param_size {
	const char *name;
	unsigned long *var;
	unsigned long max;
	const char *help;
};

#define UK_PARAM_SIZE(pname, pvar, pmax, phelp)				\
	UK_LINKTAB_ENTRY(const struct uk_param_size,			\
			 UK_CONCAT(__uk_param_size_, pvar), "param_size",	\
			 "5") = { (pname), &(pvar), (pmax), (phelp) }

/* Sets the parameter that "key=value" (or "key", meaning 1) names, of
 * any kind; a text parameter keeps a pointer into arg. Returns 0,
 * -ENOENT (no such parameter) or -EINVAL (bad value, a text parameter
 * without one). */
int uk_param_set(const char *arg);

/* Parses a size as UK_PARAM_SIZE does ("64M", "50%"). Returns 0 or
 * -EINVAL. */
int uk_param_parse_size(const char *val, unsigned long *out);

/* Sets integer parameter name to val. Returns 0, -ENOENT or -EINVAL
 * (out of range, a text parameter). */
int uk_param_set_int(const char *name, int val);

/* Stores the value of integer parameter name in *val. Returns 0 or
 * -ENOENT (none, or a text parameter). */
int uk_param_get(const char *name, int *val);

#endif /* __UK_PARAM_H__ */

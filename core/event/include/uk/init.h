/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Init tables: functions the boot sequence runs, by class then priority,
 * before main(). Each may have a term function, run in reverse order at
 * shutdown for every init that succeeded.
 *
 *   uk_lib_initcall(my_init, my_term);          class LIB, default prio
 *   uk_early_initcall_prio(my_init, 0, 2);      class EARLY, prio 2
 *   uk_termcall_class_prio(my_term, UK_INIT_CLASS_LIB, 0);  term only
 */
#ifndef __UK_INIT_H__
#define __UK_INIT_H__

#include <uk/essentials.h>
#include <uk/linktab.h>
#include <uk/prio.h>

#define UK_INIT_CLASS_EARLY	1	/* before the allocators' users */
#define UK_INIT_CLASS_PLAT	2	/* platform devices */
#define UK_INIT_CLASS_LIB	3	/* libraries */
#define UK_INIT_CLASS_ROOTFS	4	/* file systems */
#define UK_INIT_CLASS_SYS	5	/* system services */
#define UK_INIT_CLASS_LATE	6	/* just before main() */

struct uk_init_ctx {
	int argc;		/* kernel arguments (before "--") */
	char **argv;
};

typedef int (*uk_init_func_t)(struct uk_init_ctx *ctx);
typedef void (*uk_term_func_t)(void);

struct uk_init_entry {
	uk_init_func_t init;	/* returns 0 or a negative errno; may be NULL */
	uk_term_func_t term;	/* may be NULL */
};

#define uk_initcall_class_prio(fn, term, class, prio)			\
	UK_LINKTAB_ENTRY(const struct uk_init_entry,			\
			 UK_CONCAT(__uk_init_, fn), "init",		\
			 STRINGIFY(class) STRINGIFY(prio)) = { (fn), (term) }

#define uk_early_initcall_prio(fn, term, prio)				\
	uk_initcall_class_prio(fn, term, UK_INIT_CLASS_EARLY, prio)
#define uk_plat_initcall_prio(fn, term, prio)				\
	uk_initcall_class_prio(fn, term, UK_INIT_CLASS_PLAT, prio)
#define uk_lib_initcall_prio(fn, term, prio)				\
	uk_initcall_class_prio(fn, term, UK_INIT_CLASS_LIB, prio)
#define uk_rootfs_initcall_prio(fn, term, prio)				\
	uk_initcall_class_prio(fn, term, UK_INIT_CLASS_ROOTFS, prio)
#define uk_sys_initcall_prio(fn, term, prio)				\
	uk_initcall_class_prio(fn, term, UK_INIT_CLASS_SYS, prio)
#define uk_late_initcall_prio(fn, term, prio)				\
	uk_initcall_class_prio(fn, term, UK_INIT_CLASS_LATE, prio)

#define uk_early_initcall(fn, term)					\
	uk_early_initcall_prio(fn, term, UK_PRIO_DEFAULT)
#define uk_plat_initcall(fn, term)					\
	uk_plat_initcall_prio(fn, term, UK_PRIO_DEFAULT)
#define uk_lib_initcall(fn, term)					\
	uk_lib_initcall_prio(fn, term, UK_PRIO_DEFAULT)
#define uk_rootfs_initcall(fn, term)					\
	uk_rootfs_initcall_prio(fn, term, UK_PRIO_DEFAULT)
#define uk_sys_initcall(fn, term)					\
	uk_sys_initcall_prio(fn, term, UK_PRIO_DEFAULT)
#define uk_late_initcall(fn, term)					\
	uk_late_initcall_prio(fn, term, UK_PRIO_DEFAULT)

/* A term function alone, for a library with nothing to set up but
 * something to tear down at exit (in the reverse order of class, prio). */
#define uk_termcall_class_prio(term, class, prio)			\
	UK_LINKTAB_ENTRY(const struct uk_init_entry,			\
			 UK_CONCAT(__uk_term_, term), "init",		\
			 STRINGIFY(class) STRINGIFY(prio)) = { NULL, (term) }

/* Runs every init function in order. Stops at the first that fails and
 * returns its error (after running the terms of those that succeeded). */
int uk_inittab_run(struct uk_init_ctx *ctx);

/* Runs the term functions of all successful inits, in reverse order. */
void uk_inittab_term(void);

#endif /* __UK_INIT_H__ */

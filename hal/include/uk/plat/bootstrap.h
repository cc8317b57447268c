/* SPDX-License-Identifier: BSD-3-Clause */
/* Leaving the kernel. */
#ifndef __UK_PLAT_BOOTSTRAP_H__
#define __UK_PLAT_BOOTSTRAP_H__

enum ukplat_gstate {
	UKPLAT_HALT,	/* normal end: exit with the app's status */
	UKPLAT_RESTART,
	UKPLAT_CRASH,	/* a fatal error: exit with a non-zero status */
};

/* Ends the kernel. status is the app's exit status for UKPLAT_HALT; a
 * crash always leaves with a non-zero status. Does not return. */
void __attribute__((noreturn))
ukplat_terminate(enum ukplat_gstate request, int status);

#endif /* __UK_PLAT_BOOTSTRAP_H__ */

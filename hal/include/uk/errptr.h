/* SPDX-License-Identifier: BSD-3-Clause */
/* Errors encoded in pointers: a function returning a pointer returns
 * ERR2PTR(-errno) on failure; PTRISERR() tells, PTR2ERR() decodes. */
#ifndef __UK_ERRPTR_H__
#define __UK_ERRPTR_H__

#include <uk/essentials.h>

#define UK_ERRPTR_MAX		4095

#define ERR2PTR(err)		((void *)(long)(err))
#define PTR2ERR(ptr)		((int)(long)(ptr))
#define PTRISERR(ptr)							\
	((unsigned long)(ptr) >= (unsigned long)-UK_ERRPTR_MAX)
#define PTRISERR_OR_NULL(ptr)	(!(ptr) || PTRISERR(ptr))

#endif /* __UK_ERRPTR_H__ */

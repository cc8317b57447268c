/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * POSIX odds and ends. Sleeping is core/libc/time.c; brk and sbrk are
 * core/vmem (mman.c). Libraries adding file calls here keep to one
 * documented declaration each.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sleeps seconds seconds. Returns 0 (no signal can cut it short). */
unsigned int sleep(unsigned int seconds);
/* Sleeps at least usec microseconds. Returns 0. */
int usleep(useconds_t usec);

/* Sets the end of the data segment to addr. Returns 0 or -1 + errno
 * (ENOMEM). */
int brk(void *addr);
/* Moves the end of the data segment by increment bytes. Returns the old
 * end, or (void *)-1 + errno (ENOMEM). */
void *sbrk(intptr_t increment);

#ifdef __cplusplus
}
#endif

#endif /* _UNISTD_H */

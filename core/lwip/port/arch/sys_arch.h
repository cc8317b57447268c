/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwIP's operating system layer on the kernel's primitives (core/sched):
 * semaphores, mutexes and mailboxes are pointers to them, threads are
 * kernel threads. sys_arch.c implements the functions.
 */
#ifndef AMPHI_LWIP_ARCH_SYS_ARCH_H
#define AMPHI_LWIP_ARCH_SYS_ARCH_H

struct uk_semaphore;
struct uk_mutex;
struct uk_mbox;
struct uk_thread;

typedef struct uk_semaphore *sys_sem_t;
typedef struct uk_mutex *sys_mutex_t;
typedef struct uk_mbox *sys_mbox_t;
typedef struct uk_thread *sys_thread_t;
typedef unsigned long sys_prot_t;

#define SYS_MBOX_NULL			NULL
#define SYS_SEM_NULL			NULL
#define sys_sem_valid(s)		((s) && *(s))
#define sys_sem_set_invalid(s)		do { *(s) = NULL; } while (0)
#define sys_mutex_valid(m)		((m) && *(m))
#define sys_mutex_set_invalid(m)	do { *(m) = NULL; } while (0)
#define sys_mbox_valid(m)		((m) && *(m))
#define sys_mbox_set_invalid(m)		do { *(m) = NULL; } while (0)

#endif /* AMPHI_LWIP_ARCH_SYS_ARCH_H */

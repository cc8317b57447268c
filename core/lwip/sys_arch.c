/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwIP's system layer: its semaphores, mutexes, mailboxes and threads are
 * the kernel's (core/sched), its clock the platform's monotonic clock, its
 * critical sections a spinlock with interrupts off, its randomness the
 * kernel's CSPRNG.
 */
#include <errno.h>
#include <stdarg.h>
#include <uk/alloc.h>
#include <uk/assert.h>
#include <uk/errptr.h>
#include <uk/isr/mbox.h>
#include <uk/mbox.h>
#include <uk/mutex.h>
#include <uk/print.h>
#include <uk/random.h>
#include <uk/semaphore.h>
#include <uk/spinlock.h>
#include <uk/thread.h>
#include <uk/plat/time.h>

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

static struct uk_alloc *port_alloc(void)
{
	return uk_alloc_get_default();
}

void *lwip_port_malloc(size_t size)
{
	return uk_malloc(port_alloc(), size);
}

void *lwip_port_calloc(size_t count, size_t size)
{
	return uk_calloc(port_alloc(), count, size);
}

void lwip_port_free(void *ptr)
{
	uk_free(port_alloc(), ptr);
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
	return (u32_t)(ukplat_monotonic_clock() / 1000000ULL);
}

u32_t sys_jiffies(void)
{
	return sys_now();
}

/* A deadline for a wait of timeout ms (0: forever). */
static __nsec deadline_of(u32_t timeout)
{
	return timeout ? ukplat_monotonic_clock() +
			 ukarch_time_msec_to_nsec(timeout) : 0;
}

/* What lwIP wants back from a wait that started at start: ms waited. */
static u32_t waited_since(__nsec start)
{
	return (u32_t)((ukplat_monotonic_clock() - start) / 1000000ULL);
}

/* --- semaphores --------------------------------------------------------- */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	*sem = uk_malloc(port_alloc(), sizeof(**sem));
	if (!*sem)
		return ERR_MEM;
	uk_semaphore_init(*sem, count);
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	uk_free(port_alloc(), *sem);
	*sem = NULL;
}

void sys_sem_signal(sys_sem_t *sem)
{
	uk_semaphore_up(*sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	__nsec start = ukplat_monotonic_clock();

	if (uk_semaphore_down_until(*sem, deadline_of(timeout)))
		return SYS_ARCH_TIMEOUT;
	return waited_since(start);
}

/* --- mutexes ------------------------------------------------------------ */

err_t sys_mutex_new(sys_mutex_t *mutex)
{
	*mutex = uk_malloc(port_alloc(), sizeof(**mutex));
	if (!*mutex)
		return ERR_MEM;
	uk_mutex_init(*mutex);
	return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
	uk_free(port_alloc(), *mutex);
	*mutex = NULL;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
	uk_mutex_lock(*mutex);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
	uk_mutex_unlock(*mutex);
}

void lwip_port_assert_core_locked(void)
{
	struct uk_mutex *m = lock_tcpip_core;

	/* Before tcpip_init() there is one thread: nothing to check. */
	if (m && m->owner != uk_thread_current())
		lwip_port_assert("lwIP called without the core lock",
				 __FILE__, __LINE__);
}

/* --- mailboxes ---------------------------------------------------------- */

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
	*mbox = uk_mbox_create(port_alloc(), size > 0 ? (__sz)size : 64);
	return *mbox ? ERR_OK : ERR_MEM;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
	uk_mbox_free(port_alloc(), *mbox);
	*mbox = NULL;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	uk_mbox_post(*mbox, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	return uk_mbox_post_try(*mbox, msg) ? ERR_MEM : ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	return uk_mbox_post_try_isr(*mbox, msg) ? ERR_MEM : ERR_OK;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	__nsec start = ukplat_monotonic_clock();
	void *m;

	if (uk_mbox_recv_until(*mbox, &m, deadline_of(timeout)))
		return SYS_ARCH_TIMEOUT;
	if (msg)
		*msg = m;
	return waited_since(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	void *m;

	if (uk_mbox_recv_try(*mbox, &m))
		return SYS_MBOX_EMPTY;
	if (msg)
		*msg = m;
	return 0;
}

/* --- threads, critical sections ----------------------------------------- */

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg,
			    int stacksize, int prio)
{
	struct uk_thread *t;

	t = uk_thread_create(name, fn, arg, stacksize > 0 ? (__sz)stacksize
			     : 0, UK_THREADF_DETACHED);
	if (PTRISERR(t) || uk_thread_start(t))
		UK_CRASH("lwIP: cannot start thread %s\n", name);
	return t;
}

static UK_SPINLOCK_DEFINE(port_prot_lock);

sys_prot_t sys_arch_protect(void)
{
	unsigned long fl;

	uk_spin_lock_irqsave(&port_prot_lock, fl);
	return fl;
}

void sys_arch_unprotect(sys_prot_t pval)
{
	uk_spin_unlock_irqrestore(&port_prot_lock, pval);
}

/* --- diagnostics, randomness -------------------------------------------- */

void lwip_port_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (uk_print_level >= KLVL_DEBUG)
		_uk_vprintk(KLVL_DEBUG, "lwip", __FILE__, __LINE__, fmt, ap);
	va_end(ap);
}

void lwip_port_assert(const char *msg, const char *file, int line)
{
	UK_CRASH("lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
}

unsigned int lwip_port_rand(void)
{
	unsigned int v;

	uk_random_fill(&v, sizeof(v));
	return v;
}

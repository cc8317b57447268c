/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logical CPUs and local interrupt control.
 *
 * Interrupt masking is per CPU. In sim it is a flag, not a system call: an
 * interrupt (signal) that arrives while masked is recorded and delivered
 * when interrupts are enabled again. The boot CPU has index 0; the others
 * (sim: `-smp N`, one host thread each; metal: from the firmware tables)
 * run nothing until ukplat_lcpu_start().
 */
#ifndef __UK_PLAT_LCPU_H__
#define __UK_PLAT_LCPU_H__

#include <uk/arch/types.h>

/* Masks interrupts on this CPU. */
void ukplat_lcpu_disable_irq(void);
/* Unmasks interrupts on this CPU; pending ones are delivered now. */
void ukplat_lcpu_enable_irq(void);
/* Masks interrupts and returns the previous state for restore_irqf. */
unsigned long ukplat_lcpu_save_irqf(void);
/* Restores the state save_irqf returned. */
void ukplat_lcpu_restore_irqf(unsigned long flags);
/* Returns nonzero if interrupts are masked on this CPU. */
int ukplat_lcpu_irqs_disabled(void);
/* Nonzero if a call injected by ukarch_regs_inject_call may return with
 * interrupts masked: the way back restores the interrupted state's (on
 * metal, with the flags or pstate it saved; not in sim, whose mask is a
 * variable). */
int ukplat_lcpu_inject_restores_irqs(void);
/* Called by a CPU that has spun a while on a lock: if CPUs share host
 * processors (sim: they are host threads, maybe more than host cores, or
 * serialised under valgrind), lets the host run the lock holder. Metal on
 * its own hardware may do nothing. */
void ukplat_lcpu_spin_yield(void);
/* Enables interrupts and waits until one arrived; returns with
 * interrupts enabled, after its handlers ran. May spin a few microseconds
 * before it sleeps; it never busy-waits for long. */
void ukplat_lcpu_halt_irq(void);
/* Waits until the monotonic clock reaches until_ns or an interrupt
 * arrives, whichever is first (until_ns 0: no time limit). Interrupts
 * must be disabled on entry; they are enabled while waiting (handlers of
 * what arrived run before the return) and disabled again on return. */
void ukplat_lcpu_halt_irq_until(__nsec until_ns);

/* Most logical CPUs any backend supports. */
#define UKPLAT_LCPU_MAXCOUNT	64

typedef __u32 __lcpuid;
typedef __u32 __lcpuidx;

/* Hardware id of the CPU this runs on. */
__lcpuid ukplat_lcpu_id(void);
/* Index (0 .. count-1) of the CPU this runs on; the boot CPU is 0. */
__lcpuidx ukplat_lcpu_idx(void);
/* Number of logical CPUs the platform found. */
unsigned int ukplat_lcpu_count(void);

/* Function a CPU runs when started or given work by ukplat_lcpu_run. */
typedef void (*ukplat_lcpu_entry_t)(void *arg);

/* Starts the secondary CPUs listed in lcpuidx (count entries; NULL for all
 * not yet started): CPU lcpuidx[i] calls entry[i](arg) on stack sp[i] (the
 * top) with interrupts disabled. A NULL entry (or entry array) leaves the
 * CPU idle, serving ukplat_lcpu_run work. With lcpuidx NULL, sp[i] and
 * entry[i] belong to the i-th CPU not yet started (ascending index) and
 * count is the length of sp/entry (ignored if both are NULL). The entry
 * never returns. Every index is checked before any CPU starts. Returns 0
 * or a negative errno (-EINVAL bad, repeated or boot CPU index, non-NULL
 * entry without a stack, or count too short; -EALREADY started or none
 * left to start; -ENOMEM: the CPUs before the failing one did start). */
int ukplat_lcpu_start(const __lcpuidx lcpuidx[], unsigned int count,
		      void *sp[], ukplat_lcpu_entry_t entry[], void *arg);
/* Makes the given started CPUs (NULL: all others) run fn(arg) in interrupt
 * context, through the UKPLAT_IRQ_IPI_RUN interrupt, as soon as each has
 * interrupts enabled; like Linux's smp_call_function, whatever the CPU is
 * doing. The calling CPU may list itself. Asynchronous: ukplat_lcpu_wait()
 * waits for the work to finish. Each CPU queues up to
 * UKPLAT_LCPU_RUNQ_LEN functions not yet begun; no allocation. Returns 0
 * or a negative errno (-EINVAL bad index or NULL fn, -ENODEV not started,
 * -EBUSY a queue is full: the CPUs listed before it got the work). */
int ukplat_lcpu_run(const __lcpuidx lcpuidx[], unsigned int count,
		    ukplat_lcpu_entry_t fn, void *arg);
/* Waits until the given CPUs (NULL: all others) finished every function
 * ukplat_lcpu_run gave them before this call, or timeout_ns passed
 * (0 = forever). Spins briefly, then halts (interrupts are served while
 * waiting). Returns 0, -EINVAL, -ENODEV or -ETIMEDOUT. */
int ukplat_lcpu_wait(const __lcpuidx lcpuidx[], unsigned int count,
		     __nsec timeout_ns);
/* Sends interrupt vector irq (< UKPLAT_IRQ_COUNT) to the given CPUs
 * (NULL: all others); the caller may list itself. Several sends of one
 * vector before the target handles it are delivered once. Returns 0 or
 * -errno (-EINVAL bad index or vector, -ENODEV not started). */
int ukplat_lcpu_send_ipi(const __lcpuidx lcpuidx[], unsigned int count,
			 unsigned int irq);

/* Functions ukplat_lcpu_run queues per CPU, not yet begun. */
#define UKPLAT_LCPU_RUNQ_LEN	32

/* Backend-facing: returns 1 if CPU idx runs (the boot CPU, or started by
 * ukplat_lcpu_start), 0 otherwise or for a bad index. */
int ukplat_lcpu_started(__lcpuidx idx);

#endif /* __UK_PLAT_LCPU_H__ */

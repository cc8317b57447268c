/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sim CPU of the calling host thread, and what runs with the guest's
 * %fs.
 *
 * The guest owns %fs, as on metal: its thread pointer (musl's TLS and
 * thread descriptor) is loaded there. glibc's own %fs value is put back
 * only while host library code runs: in the trampolines the guest link
 * puts in front of every backend function not declared fs-free
 * (fastcalls.list), and where a signal handler calls the host's C
 * library. Each CPU thread finds its struct sim_cpu through %gs, which
 * glibc leaves alone; interrupt flags live there, so masking interrupts
 * costs no host call.
 *
 * Code that runs with the guest's %fs (the fs-free functions, the signal
 * handlers) must not use the host's TLS at all: no glibc call that may
 * set errno or touch the thread (system calls go through sim_syscall()),
 * no __thread, no stack protector. Every thread pointer, glibc's and
 * musl's alike, holds its own address at %fs:0, so reading %fs:0 tells
 * whose %fs is loaded without a system call.
 */
#ifndef AMPHI_HAL_SIM_CPU_H
#define AMPHI_HAL_SIM_CPU_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <uk/arch/preempt.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/lcpu_start.h>

struct sim_cpu {
	struct sim_cpu *self;		/* %gs:0 */
	unsigned int preempt_count;	/* UKARCH_PREEMPT_OFF */
	volatile int irqs_off;		/* masked: a flag, no system call */
	int trap_depth;			/* traps nested on this CPU */
	unsigned long host_fs;		/* glibc's thread pointer */
	unsigned long guest_fs;		/* the guest's (ukplat_tlsp_set) */
	unsigned long pending;		/* vectors raised, not yet handled */
	int spinning;			/* in halt's spin: sees pending */
	int started;
	unsigned long dispatches;	/* handler rounds run, for halt */
	__nsec deadline;		/* armed one-shot timer, 0: none */
	int timer_id;			/* the host kernel's timer id */
	pid_t tid;
	pthread_t thread;
	void *sp;			/* start: guest stack, entry, arg */
	ukplat_lcpu_entry_t entry;
	void *arg;
	__lcpuidx idx;
	int sud_on;			/* Syscall User Dispatch: 1, -errno */
} __attribute__((aligned(64)));

_Static_assert(__builtin_offsetof(struct sim_cpu, preempt_count) ==
	       UKARCH_PREEMPT_OFF, "uk_preempt_disable() finds it there");

/* This thread's CPU (never NULL in guest code or its signals). */
static inline struct sim_cpu *sim_cpu(void)
{
	struct sim_cpu *c;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* The thread pointer loaded in %fs (its self pointer at %fs:0). */
static inline unsigned long sim_fs_current(void)
{
	unsigned long fs;

	__asm__ __volatile__("movq %%fs:0, %0" : "=r"(fs));
	return fs;
}

/* A host system call without the C library (no errno, no TLS). Returns
 * the result or -errno. */
static inline long sim_syscall(long n, long a1, long a2, long a3, long a4,
			       long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10),
			       "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}

#define sim_syscall0(n)		sim_syscall((n), 0, 0, 0, 0, 0, 0)
#define sim_syscall3(n, a, b, c)					\
	sim_syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* Gives the calling host thread its CPU c (%gs) and records its glibc
 * thread pointer. Host context, at the thread's start. */
void sim_cpu_attach(struct sim_cpu *c);
/* Gives a host thread that is no CPU (network, display) a struct
 * sim_cpu of its own behind %gs, so that sim_cpu() in what it calls
 * (sim_lcpu_raise) or in a signal it takes reads no CPU's, and no null
 * %gs. */
void sim_host_thread_attach(void);

/* Loads v into %fs (wrfsbase when the host allows it, else arch_prctl). */
void sim_fs_write(unsigned long v);

/* Trampolines' helpers: make glibc's %fs current, returning the value to
 * restore after the host call (0: nothing to restore), and restore it. */
unsigned long sim_host_enter(void);
void sim_host_leave(unsigned long fs);

/* For signal handlers before they run guest code: loads the guest's %fs
 * if host code was interrupted; returns what to restore (0: nothing). */
unsigned long sim_guest_enter(void);

/* The CPU's monotonic and wall clocks in ns, fs-free (the vDSO). */
__nsec sim_clock_ns(int clk);

#endif /* AMPHI_HAL_SIM_CPU_H */

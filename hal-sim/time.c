/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clocks from the host, and each CPU's one-shot timer: a POSIX timer on
 * CLOCK_MONOTONIC that signals its CPU thread (SIGEV_THREAD_ID) with the
 * interrupt signal; the handler in lcpu.c turns it into UKPLAT_IRQ_TIMER.
 *
 * Both are on the guest's hot paths and run with its %fs (cpu.h): the
 * clocks call the vDSO's clock_gettime directly (found at start-up in
 * the vDSO's symbol table; under valgrind there is none, and a system
 * call does it), the timer is set with a system call.
 */
#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>

#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include "cpu.h"
#include "sim.h"

typedef int (*vdso_clock_fn)(clockid_t, struct timespec *);
static vdso_clock_fn vdso_clock_gettime;

/* The address of the vDSO's symbol name, or NULL. Walks its section
 * headers (the whole image is mapped) for the dynamic symbol table. */
static void *vdso_sym(const char *name)
{
	const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Shdr *sh;
	const Elf64_Phdr *ph;
	const Elf64_Sym *sym;
	uintptr_t base = (uintptr_t)eh, bias = 0;
	const char *strtab;
	unsigned int i, n;

	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || !eh->e_shoff)
		return NULL;
	ph = (const void *)(base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			bias = base + ph[i].p_offset - ph[i].p_vaddr;
			break;
		}
	}
	sh = (const void *)(base + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM || !sh[i].sh_entsize)
			continue;
		sym = (const void *)(base + sh[i].sh_offset);
		strtab = (const char *)(base + sh[sh[i].sh_link].sh_offset);
		n = (unsigned int)(sh[i].sh_size / sh[i].sh_entsize);
		for (; n; n--, sym++)
			if (sym->st_shndx != SHN_UNDEF &&
			    !strcmp(strtab + sym->st_name, name))
				return (void *)(bias + sym->st_value);
	}
	return NULL;
}

void sim_time_init(void)
{
	vdso_clock_gettime = (vdso_clock_fn)vdso_sym("__vdso_clock_gettime");
}

__nsec sim_clock_ns(int clk)
{
	struct timespec ts;

	if (!vdso_clock_gettime || vdso_clock_gettime(clk, &ts))
		sim_syscall3(SYS_clock_gettime, clk, &ts, 0);
	return (__nsec)ts.tv_sec * 1000000000ULL + (__nsec)ts.tv_nsec;
}

__nsec ukplat_monotonic_clock(void)
{
	return sim_clock_ns(CLOCK_MONOTONIC);
}

/* The TSC, counted from the process's start; its rate is measured
 * against CLOCK_MONOTONIC over the whole run at each conversion (rare:
 * only when CPU time is asked for), so no calibration delays the boot. */
static __u64 tsc0;
static __nsec mono0;

static inline __u64 rdtsc(void)
{
	__u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((__u64)hi << 32) | lo;
}

void sim_cpu_ticks_init(void)
{
	mono0 = sim_clock_ns(CLOCK_MONOTONIC);
	tsc0 = rdtsc();
}

__u64 ukplat_cpu_ticks(void)
{
	return rdtsc() - tsc0;
}

__nsec ukplat_cpu_ticks_to_ns(__u64 ticks)
{
	__nsec mono = sim_clock_ns(CLOCK_MONOTONIC) - mono0;
	__u64 tsc = rdtsc() - tsc0;

	if (!tsc)
		return 0;
	return (__nsec)((unsigned __int128)ticks * mono / tsc);
}

/* What clock_settime added to the host's wall clock (modulo 2^64). */
static __nsec wall_offset;

__nsec ukplat_wall_clock(void)
{
	return sim_clock_ns(CLOCK_REALTIME) +
	       __atomic_load_n(&wall_offset, __ATOMIC_RELAXED);
}

void ukplat_wall_clock_set(__nsec ns)
{
	__atomic_store_n(&wall_offset, ns - sim_clock_ns(CLOCK_REALTIME),
			 __ATOMIC_RELAXED);
}

void sim_timer_init(pid_t tid)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = sim_sig_irq,
	};
	int id;

	sev._sigev_un._tid = tid;	/* sigev_notify_thread_id */
	/* The host kernel's timer id (glibc's timer_t hides it). */
	if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id) < 0) {
		perror("amphi: timer_create");
		exit(2);
	}
	sim_cpu()->timer_id = id;
}

int sim_timer_due(void)
{
	struct sim_cpu *c = sim_cpu();
	__nsec d = c->deadline;

	if (!d || sim_clock_ns(CLOCK_MONOTONIC) < d)
		return 0;
	c->deadline = 0;
	return 1;
}

int ukplat_time_set_deadline(__nsec deadline_ns)
{
	struct sim_cpu *c = sim_cpu();
	struct itimerspec its = { 0 };
	unsigned long flags;
	long rc;

	its.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ULL);
	its.it_value.tv_nsec = (long)(deadline_ns % 1000000000ULL);
	flags = ukplat_lcpu_save_irqf();
	/* Deadline first: an expiry of the old timer from now on is stale
	 * unless the new deadline passed too. */
	c->deadline = deadline_ns;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	sim_lcpu_clear_pending(UKPLAT_IRQ_TIMER);
	rc = sim_syscall(SYS_timer_settime, c->timer_id, TIMER_ABSTIME,
			 (long)&its, 0, 0, 0);
	ukplat_lcpu_restore_irqf(flags);
	return rc < 0 ? (int)rc : 0;
}

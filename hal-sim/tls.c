/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * %fs belongs to the guest (cpu.h): its thread pointer, set by the
 * scheduler through ukplat_tlsp_set(), is loaded there; glibc's is put
 * back around host library calls. On hosts that let user space write
 * the FS base (AT_HWCAP2 FSGSBASE) a switch is one wrfsbase instruction,
 * elsewhere an arch_prctl system call; valgrind only knows the latter.
 * AMPHI_SIM_FSGSBASE=0 in the environment forces arch_prctl (to measure
 * it).
 */
#include <asm/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

#include <uk/arch/valgrind.h>
#include <uk/plat/tls.h>
#include "cpu.h"
#include "sim.h"

#define HWCAP2_FSGSBASE	(1UL << 1)

static int use_wrfsbase;

void sim_fs_init(void)
{
	const char *env = getenv("AMPHI_SIM_FSGSBASE");

	use_wrfsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) &&
		       !ukarch_valgrind_request(0, UK_VG_RUNNING_ON_VALGRIND,
						0, 0, 0, 0, 0) &&
		       !(env && !strcmp(env, "0"));
}

int sim_fs_fast(void)
{
	return use_wrfsbase;
}

void sim_fs_write(unsigned long v)
{
	if (use_wrfsbase)
		__asm__ __volatile__("wrfsbase %0" : : "r"(v) : "memory");
	else
		sim_syscall(SYS_arch_prctl, ARCH_SET_FS, (long)v, 0, 0, 0, 0);
}

void sim_cpu_attach(struct sim_cpu *c)
{
	c->self = c;
	c->host_fs = sim_fs_current();
	sim_syscall(SYS_arch_prctl, ARCH_SET_GS, (long)c, 0, 0, 0, 0);
}

void sim_host_thread_attach(void)
{
	/* Host threads run with glibc's %fs: its TLS is theirs. */
	static __thread struct sim_cpu outsider;

	outsider.irqs_off = 1;
	sim_cpu_attach(&outsider);
}

unsigned long sim_host_enter(void)
{
	unsigned long cur = sim_fs_current(), host = sim_cpu()->host_fs;

	if (cur == host)
		return 0;
	sim_fs_write(host);
	return cur;
}

void sim_host_leave(unsigned long fs)
{
	if (fs)
		sim_fs_write(fs);
}

unsigned long sim_guest_enter(void)
{
	struct sim_cpu *c = sim_cpu();
	unsigned long cur = sim_fs_current();

	if (!c->guest_fs || cur == c->guest_fs)
		return 0;
	sim_fs_write(c->guest_fs);
	return cur;
}

/* 0: no guest thread pointer yet, glibc's stays. */
void ukplat_tlsp_set(__uptr tlsp)
{
	struct sim_cpu *c = sim_cpu();
	unsigned long want = tlsp ? tlsp : c->host_fs;

	c->guest_fs = tlsp;
	if (sim_fs_current() != want)
		sim_fs_write(want);
}

__uptr ukplat_tlsp_get(void)
{
	return sim_cpu()->guest_fs;
}

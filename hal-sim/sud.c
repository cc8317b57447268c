/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "syscall" instruction of loaded Linux binaries (core/elf), through
 * Linux's Syscall User Dispatch (prctl PR_SET_SYSCALL_USER_DISPATCH,
 * Linux 5.11): a system call made from outside the allowed range raises
 * SIGSYS instead of reaching the host. The allowed range is everything
 * above the guest's address-space window, where all host code lives
 * (this executable, its libraries, the vDSO; checked once), so the
 * kernel's own host calls pass untouched and no selector byte has to be
 * flipped on the way in and out; code in the window (the binaries) traps.
 *
 * The handler runs on the CPU's signal stack with the binary's %fs:
 * fs-free (cpu.h). It does not run the call there (a call may block and
 * switch threads): it stores the registers as a struct __regs below the
 * binary's red zone, on the binary's stack, and makes the signal return
 * into uk_syscall_entry_frame (core/syscall), guest code that saves the
 * FPU/SIMD state, dispatches, restores and resumes the binary.
 *
 * Every CPU thread must enable the dispatch itself: the first enable
 * does it on the calling CPU and has every other started CPU do it in
 * its interrupt signal's handler, and waits for them.
 */
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <uk/arch/regs.h>
#include <uk/plat/syscall.h>
#include "cpu.h"
#include "sim.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH	59
#define PR_SYS_DISPATCH_ON		1
#endif
#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH		2
#endif

#define TASK_TOP	(1UL << 47)
/* Below the binary's red zone, and clear of the words
 * ukarch_regs_resume stores under the target stack pointer. */
#define FRAME_GAP	256
/* Stack below the frame made present before the kernel runs there. */
#define TOUCH		(16 * 1024)

/* Guest code (core/syscall/arch/x86_64/entry.S): %rsp = %rdi = frame. */
extern char uk_syscall_entry_frame[];

/* The lowest allowed address; 0 until enabled. */
static unsigned long allow_start;
static const char *unavailable;

/* Runs on the CPU itself (cpu_setup, the interrupt signal): fs-free. */
void sim_sud_apply(struct sim_cpu *c)
{
	unsigned long a = __atomic_load_n(&allow_start, __ATOMIC_ACQUIRE);
	long rc;

	if (!a || c->sud_on)
		return;
	rc = sim_syscall(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH,
			 PR_SYS_DISPATCH_ON, (long)a, (long)(TASK_TOP - a), 0,
			 0);
	__atomic_store_n(&c->sud_on, rc < 0 ? (int)rc : 1, __ATOMIC_RELEASE);
}

static void sigsys_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	volatile char *p;
	struct __regs *r;

	(void)sig;
	if (si->si_code != SYS_USER_DISPATCH ||
	    (unsigned long)g[REG_RIP] >= allow_start) {
		static const char msg[] = "amphi: SIGSYS from the host "
					  "(seccomp?): giving up\n";

		sim_syscall3(SYS_write, 2, msg, sizeof(msg) - 1);
		sim_syscall3(SYS_exit_group, 111, 0, 0);
	}
	r = (struct __regs *)(((unsigned long)g[REG_RSP] - FRAME_GAP -
			       sizeof(*r)) & ~15UL);
	/* The kernel runs on this (demand-paged) stack, and may not take
	 * a page fault with the address space's lock held (unmapping):
	 * its first pages below the frame are touched here, where a fault
	 * is fine. */
	for (p = (volatile char *)r - TOUCH; p < (volatile char *)r;
	     p += 4096)
		*p = *p;
	sim_regs_from_mcontext(r, &uc->uc_mcontext);
	/* As the instruction leaves them: the number in orig_rax, the
	 * return address in %rcx, the flags in %r11. */
	r->orig_rax = (unsigned long)g[REG_RAX];
	r->rcx = r->rip;
	r->r11 = r->eflags;
	r->cs = 0x33;
	g[REG_RSP] = (greg_t)r;
	g[REG_RDI] = (greg_t)r;
	g[REG_RIP] = (greg_t)uk_syscall_entry_frame;
}

static int find_low_code(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned long limit = *(unsigned long *)arg, a;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD ||
		    !(info->dlpi_phdr[i].p_flags & PF_X))
			continue;
		a = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		if (a < limit)
			return 1;
	}
	return 0;
}

static int setup(void)
{
	unsigned long limit = (unsigned long)sim_guest_vas +
			      sim_guest_vas_size;
	struct sigaction sa;

	if (dl_iterate_phdr(find_low_code, &limit)) {
		unavailable = "host code lies below the guest's address "
			      "space, where Syscall User Dispatch traps";
		return -ENOTSUP;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	/* Nothing but a fault (demand paging of the binary's stack) may
	 * interrupt the handler. */
	sigfillset(&sa.sa_mask);
	sigdelset(&sa.sa_mask, SIGSEGV);
	sigdelset(&sa.sa_mask, SIGBUS);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		unavailable = "cannot handle SIGSYS";
		return -ENOTSUP;
	}
	__atomic_store_n(&allow_start, limit, __ATOMIC_RELEASE);
	return 0;
}

int ukplat_syscall_trap_enable(__uptr start, __uptr end, const char **why)
{
	static int done;
	struct sim_cpu *self = sim_cpu();
	int rc;

	if (start < (__uptr)sim_guest_vas || end > (__uptr)sim_guest_vas +
	    sim_guest_vas_size || start >= end) {
		*why = "code outside the guest's address space cannot trap";
		return -EINVAL;
	}
	if (!done) {
		done = 1;
		if (setup() < 0)
			unavailable = unavailable ? unavailable : "error";
	}
	if (unavailable && !allow_start) {
		*why = unavailable;
		return -ENOTSUP;
	}
	sim_sud_apply(self);
	if (self->sud_on < 0) {
		*why = self->sud_on == -EINVAL
		       ? "the host kernel has no Syscall User Dispatch "
			 "(Linux 5.11 or later; not under valgrind)"
		       : "the host refuses Syscall User Dispatch";
		return -ENOTSUP;
	}
	rc = sim_lcpu_sud_apply_all();
	if (rc < 0) {
		*why = "another CPU could not enable Syscall User Dispatch";
		return -ENOTSUP;
	}
	return 0;
}

/* The SIGSYS handler builds the frame on the binary's stack, below its
 * red zone: no stack of the kernel's to switch to. */
void ukplat_syscall_stack_switch(struct ukplat_syscall_stack *s)
{
	(void)s;
}

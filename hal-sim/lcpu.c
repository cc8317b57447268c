/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logical CPUs. CPU 0 is the process's main thread; the others (-smp N)
 * are host threads that ukplat_lcpu_start() creates.
 *
 * Interrupts: each CPU has an atomic bitmap of pending vectors, and one
 * host signal (SIM_SIG_IRQ) tells its thread to look at it. A sender sets
 * the vector's bit and signals only if the bitmap was empty (or the
 * target will look anyway: itself with interrupts masked, or spinning in
 * halt), so any number of IPIs coalesce into one signal. Whoever turns
 * the bitmap non-empty makes sure the target looks; the target empties
 * it with one exchange and runs the handlers of every bit it took.
 *
 * Masking is a per-thread flag, no system call. The signal handler only
 * dispatches when the flag is clear; otherwise the bits wait, and
 * enabling interrupts signals the thread itself, so that every handler
 * runs on the signal stack with the interrupted registers, which it may
 * edit (the handler writes them back, e.g. for preemption).
 *
 * What the guest calls here on hot paths (masking, IPIs, halt) runs with
 * the guest's %fs and uses no host C library (cpu.h): system calls go
 * through sim_syscall(), the CPU's state is found through %gs.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <uk/arch/valgrind.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/lcpu_start.h>
#include <uk/plat/time.h>
#include "cpu.h"
#include "sim.h"

/* A halting CPU spins this long before it sleeps in the host kernel:
 * waking a sleeping thread on another host CPU costs tens of
 * microseconds on virtual machines, noticing a memory write far less. */
#define HALT_SPIN_NS		10000ULL
/* Host stack of a CPU thread: only its start and its idle loop use it
 * (guest code runs on guest stacks, handlers on the sigaltstack). */
#define CPU_HOST_STACK_SIZE	(256 * 1024)


/* No spinning under valgrind: it runs one thread at a time, so a spinning
 * CPU only delays the one that would wake it. */
static __nsec halt_spin_ns = HALT_SPIN_NS;

static struct sim_cpu cpus[UKPLAT_LCPU_MAXCOUNT];
static unsigned int cpu_count = 1;
static pid_t sim_pid;
static int terminating;
int sim_sig_irq;

/* irqs_off is also read by the signal handler of this very thread:
 * volatile, and fenced where it matters. */
#define signal_fence()	__atomic_signal_fence(__ATOMIC_SEQ_CST)

static __nsec now_ns(void)
{
	return sim_clock_ns(CLOCK_MONOTONIC);
}

static void cpu_kick(struct sim_cpu *c)
{
	sim_syscall3(SYS_tgkill, sim_pid, c->tid, sim_sig_irq);
}

/* Runs the handlers of everything pending; in the signal handler. */
static void dispatch(struct sim_cpu *c, ucontext_t *uc)
{
	unsigned long bits, fs;
	struct __regs regs;
	unsigned int irq;

	sim_regs_from_mcontext(&regs, &uc->uc_mcontext);
	c->irqs_off = 1;
	signal_fence();
	/* Handlers are guest code: the guest's %fs if host code (a host
	 * call with interrupts enabled) was interrupted. */
	fs = sim_guest_enter();
	signal_fence();
	while ((bits = __atomic_exchange_n(&c->pending, 0,
					   __ATOMIC_SEQ_CST))) {
		do {
			irq = (unsigned int)__builtin_ctzl(bits);
			bits &= bits - 1;
			ukplat_irq_handle(irq, &regs);
		} while (bits);
	}
	sim_host_leave(fs);
	sim_regs_to_mcontext(&uc->uc_mcontext, &regs);
	__atomic_store_n(&c->dispatches, c->dispatches + 1, __ATOMIC_RELAXED);
	signal_fence();
	c->irqs_off = 0;
}

/* Runs with whatever %fs was loaded and calls nothing of glibc: the
 * host's errno is untouched. */
static void irq_signal(int sig, siginfo_t *si, void *ucv)
{
	struct sim_cpu *c = sim_cpu();

	sim_sud_apply(c);
	if (si->si_code == SI_TIMER && sim_timer_due())
		__atomic_fetch_or(&c->pending, 1UL << UKPLAT_IRQ_TIMER,
				  __ATOMIC_SEQ_CST);
	if (!c->irqs_off && !__atomic_load_n(&terminating, __ATOMIC_RELAXED) &&
	    __atomic_load_n(&c->pending, __ATOMIC_SEQ_CST))
		dispatch(c, ucv);
}

/* Makes vector irq pending on c and ensures c looks at it. */
static void cpu_raise(struct sim_cpu *c, unsigned int irq)
{
	if (__atomic_fetch_or(&c->pending, 1UL << irq, __ATOMIC_SEQ_CST))
		return;		/* whoever made it non-empty kicked c */
	if (c == sim_cpu()) {
		if (c->irqs_off)
			return;	/* enabling replays it */
	} else if (__atomic_load_n(&c->spinning, __ATOMIC_SEQ_CST)) {
		return;		/* re-checks pending after the spin */
	}
	cpu_kick(c);
}

void sim_lcpu_raise(unsigned int idx, unsigned int irq)
{
	if (idx < cpu_count && irq < UKPLAT_IRQ_COUNT &&
	    ukplat_lcpu_started(idx))
		cpu_raise(&cpus[idx], irq);
}

void sim_lcpu_raise_async(unsigned int idx, unsigned int irq)
{
	struct sim_cpu *c = &cpus[idx];

	if (idx >= cpu_count || irq >= UKPLAT_IRQ_COUNT ||
	    !__atomic_load_n(&c->started, __ATOMIC_ACQUIRE))
		return;
	/* A kick even if it was pending: c may be this thread with
	 * interrupts off (the kick then waits for the enable's replay). */
	__atomic_fetch_or(&c->pending, 1UL << irq, __ATOMIC_SEQ_CST);
	cpu_kick(c);
}

void sim_lcpu_clear_pending(unsigned int irq)
{
	__atomic_fetch_and(&sim_cpu()->pending, ~(1UL << irq),
			   __ATOMIC_SEQ_CST);
}

void ukplat_lcpu_disable_irq(void)
{
	sim_cpu()->irqs_off = 1;
	signal_fence();
}

void ukplat_lcpu_enable_irq(void)
{
	struct sim_cpu *c = sim_cpu();

	signal_fence();
	c->irqs_off = 0;
	signal_fence();
	/* A signal after the store dispatches by itself and empties it. */
	if (__atomic_load_n(&c->pending, __ATOMIC_SEQ_CST))
		cpu_kick(c);
}

unsigned long ukplat_lcpu_save_irqf(void)
{
	struct sim_cpu *c = sim_cpu();
	unsigned long flags = (unsigned long)c->irqs_off;

	c->irqs_off = 1;
	signal_fence();
	return flags;
}

void ukplat_lcpu_restore_irqf(unsigned long flags)
{
	if (flags)
		ukplat_lcpu_disable_irq();
	else
		ukplat_lcpu_enable_irq();
}

int ukplat_lcpu_inject_restores_irqs(void)
{
	return 0;
}

int ukplat_lcpu_irqs_disabled(void)
{
	return sim_cpu()->irqs_off;
}

/* Spins briefly for a pending vector, with interrupts masked; returns
 * nonzero if one is pending. */
static int halt_spin(struct sim_cpu *c, __nsec until, __nsec *now)
{
	__nsec end = *now + halt_spin_ns;
	int found;

	__atomic_store_n(&c->spinning, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&c->pending, __ATOMIC_SEQ_CST) &&
	       *now < end && (!until || *now < until)) {
		__asm__ __volatile__("pause" ::: "memory");
		*now = now_ns();
	}
	__atomic_store_n(&c->spinning, 0, __ATOMIC_SEQ_CST);
	/* A sender that saw us spinning did not signal: look again. */
	found = __atomic_load_n(&c->pending, __ATOMIC_SEQ_CST) != 0;
	return found;
}

/*
 * Sleeps in the host kernel with the interrupt signal unblocked only
 * inside ppoll, so a signal between the last look at pending and the
 * sleep cannot be lost: it stays blocked until ppoll, which then returns
 * after its handler dispatched.
 */
static void halt_sleep(struct sim_cpu *c, __nsec until, __nsec now)
{
	struct timespec ts, *tsp = NULL;
	unsigned long block = 1UL << (sim_sig_irq - 1), old = 0, wait;

	sim_syscall(SYS_rt_sigprocmask, SIG_BLOCK, (long)&block, (long)&old,
		    sizeof(block), 0, 0);
	if (!__atomic_load_n(&c->pending, __ATOMIC_SEQ_CST)) {
		if (until) {
			ts.tv_sec = (time_t)((until - now) / 1000000000ULL);
			ts.tv_nsec = (long)((until - now) % 1000000000ULL);
			tsp = &ts;
		}
		wait = old & ~block;
		c->irqs_off = 0;
		signal_fence();
		sim_syscall(SYS_ppoll, 0, 0, (long)tsp, (long)&wait,
			    sizeof(wait), 0);
		c->irqs_off = 1;
		signal_fence();
	}
	sim_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0,
		    sizeof(old), 0, 0);
}

/* Waits with interrupts masked until handlers ran or until passed (0:
 * never); handlers of what arrived run before it returns. */
static void halt(__nsec until)
{
	struct sim_cpu *c = sim_cpu();
	unsigned long seen = __atomic_load_n(&c->dispatches, __ATOMIC_RELAXED);
	__nsec now = now_ns();

	ukplat_lcpu_disable_irq();
	while (__atomic_load_n(&c->dispatches, __ATOMIC_RELAXED) == seen) {
		if (until && now >= until)
			return;
		if (!halt_spin(c, until, &now) && (!until || now < until))
			halt_sleep(c, until, now);
		if (__atomic_load_n(&c->pending, __ATOMIC_SEQ_CST)) {
			ukplat_lcpu_enable_irq();	/* dispatches */
			ukplat_lcpu_disable_irq();
		}
		now = now_ns();
	}
}

void ukplat_lcpu_halt_irq(void)
{
	halt(0);
	ukplat_lcpu_enable_irq();
}

void ukplat_lcpu_halt_irq_until(__nsec until_ns)
{
	halt(until_ns);
}

void ukplat_lcpu_spin_yield(void)
{
	sim_syscall0(SYS_sched_yield);
}

__lcpuid ukplat_lcpu_id(void)
{
	return sim_cpu()->idx;
}

__lcpuidx ukplat_lcpu_idx(void)
{
	return sim_cpu()->idx;
}

unsigned int ukplat_lcpu_count(void)
{
	return cpu_count;
}

int ukplat_lcpu_started(__lcpuidx idx)
{
	if (idx >= cpu_count)
		return 0;
	return idx == 0 || __atomic_load_n(&cpus[idx].started,
					   __ATOMIC_ACQUIRE);
}

int ukplat_lcpu_send_ipi(const __lcpuidx lcpuidx[], unsigned int count,
			 unsigned int irq)
{
	unsigned int i;

	if (irq >= UKPLAT_IRQ_COUNT)
		return -EINVAL;
	if (!lcpuidx) {
		for (i = 0; i < cpu_count; i++)
			if (i != sim_cpu()->idx && ukplat_lcpu_started(i))
				cpu_raise(&cpus[i], irq);
		return 0;
	}
	for (i = 0; i < count; i++) {
		if (lcpuidx[i] >= cpu_count)
			return -EINVAL;
		if (!ukplat_lcpu_started(lcpuidx[i]))
			return -ENODEV;
	}
	for (i = 0; i < count; i++)
		cpu_raise(&cpus[lcpuidx[i]], irq);
	return 0;
}

/* Per-thread part of a CPU's setup, on its own thread. */
static void cpu_setup(struct sim_cpu *c)
{
	char name[16];

	c->irqs_off = 1;	/* the kernel enters with interrupts masked */
	sim_cpu_attach(c);
	c->tid = (pid_t)syscall(SYS_gettid);
	/* Timed halts and timers wake when asked, not 50 us later. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	sim_timer_init(c->tid);
	sim_sud_apply(c);
	if (cpu_count > 1) {
		snprintf(name, sizeof(name), "cpu%u", c->idx);
		pthread_setname_np(pthread_self(), name);
	}
}

static void __attribute__((noreturn)) entry_returned(void)
{
	char msg[80];
	int len;

	sim_host_enter();
	len = snprintf(msg, sizeof(msg), "amphi: the entry of CPU %u "
		       "returned\n", sim_cpu()->idx);
	sim_console_write(msg, (size_t)len);
	_exit(1);
}

/* Switches to the guest stack sp and calls fn(arg) there; never returns. */
static void __attribute__((noreturn)) enter_guest(void *sp,
						  ukplat_lcpu_entry_t fn,
						  void *arg)
{
	/* rbx is callee-saved: it still holds entry_returned after fn. */
	__asm__ __volatile__("movq %0, %%rsp\n\t"
			     "andq $-16, %%rsp\n\t"
			     "xorl %%ebp, %%ebp\n\t"
			     "callq *%1\n\t"
			     "callq *%%rbx\n\t"
			     "ud2"
			     : : "r" (sp), "r" (fn), "D" (arg),
			       "b" (entry_returned)
			     : "memory");
	__builtin_unreachable();
}

static void *cpu_thread(void *p)
{
	struct sim_cpu *c = p;

	cpu_setup(c);
	sim_altstack_init();
	ukplat_lcpu_disable_irq();
	__atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
	if (c->entry)
		enter_guest(c->sp, c->entry, c->arg);
	for (;;)
		ukplat_lcpu_halt_irq();
	return NULL;
}

static int cpu_start(struct sim_cpu *c)
{
	pthread_attr_t attr;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, CPU_HOST_STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&c->thread, &attr, cpu_thread, c);
	pthread_attr_destroy(&attr);
	if (rc)
		return -ENOMEM;
	/* IPIs need its tid and handler state: wait until it is set up. */
	while (!__atomic_load_n(&c->started, __ATOMIC_ACQUIRE))
		sched_yield();
	return 0;
}

int ukplat_lcpu_start(const __lcpuidx lcpuidx[], unsigned int count,
		      void *sp[], ukplat_lcpu_entry_t entry[], void *arg)
{
	static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
	__lcpuidx todo[UKPLAT_LCPU_MAXCOUNT];
	unsigned long flags;
	struct sim_cpu *c;
	int n, i, rc = 0;

	/* pthread_create is not async-signal-safe: no handlers meanwhile. */
	flags = ukplat_lcpu_save_irqf();
	pthread_mutex_lock(&start_lock);
	n = ukplat_lcpu_start_list(lcpuidx, count, sp, entry, todo,
				   cpu_count, ukplat_lcpu_started);
	for (i = 0; i < n && !rc; i++) {
		c = &cpus[todo[i]];
		c->entry = entry ? entry[i] : NULL;
		c->sp = c->entry ? sp[i] : NULL;
		c->arg = arg;
		rc = cpu_start(c);
	}
	pthread_mutex_unlock(&start_lock);
	ukplat_lcpu_restore_irqf(flags);
	return n < 0 ? n : rc;
}

int sim_lcpu_sud_apply_all(void)
{
	struct sim_cpu *self = sim_cpu(), *c;
	unsigned int i;
	int spins;

	for (i = 0; i < cpu_count; i++) {
		c = &cpus[i];
		if (c == self || !ukplat_lcpu_started(i) ||
		    __atomic_load_n(&c->sud_on, __ATOMIC_ACQUIRE))
			continue;
		cpu_kick(c);
		for (spins = 0; !__atomic_load_n(&c->sud_on, __ATOMIC_ACQUIRE);
		     spins++) {
			if (spins > 100000)
				return -ETIMEDOUT;
			sched_yield();
		}
	}
	for (i = 0; i < cpu_count; i++)
		if (ukplat_lcpu_started(i) && cpus[i].sud_on < 0)
			return cpus[i].sud_on;
	return 0;
}

void sim_lcpu_terminating(void)
{
	ukplat_lcpu_disable_irq();
	if (__atomic_exchange_n(&terminating, 1, __ATOMIC_SEQ_CST)) {
		/* Another CPU is ending the process: wait for it. */
		for (;;)
			pause();
	}
}

void sim_lcpu_init(unsigned int ncpus)
{
	struct sigaction sa;
	unsigned int i;

	sim_pid = getpid();
	sim_sig_irq = SIM_SIG_IRQ;
	cpu_count = ncpus;
	if (ukarch_valgrind_request(0, UK_VG_RUNNING_ON_VALGRIND,
				    0, 0, 0, 0, 0))
		halt_spin_ns = 0;
	for (i = 0; i < ncpus; i++)
		cpus[i].idx = i;
	cpus[0].started = 1;
	cpu_setup(&cpus[0]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = irq_signal;
	/* RESTART: host calls the guest made go on after an interrupt. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sim_sig_irq, &sa, NULL) < 0) {
		perror("amphi: sigaction");
		exit(2);
	}
}

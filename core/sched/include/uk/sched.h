/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Schedulers: one cooperative scheduler per CPU. Threads (uk/thread.h)
 * are added to one and run there until they yield, block, sleep or exit.
 * uk_thread_start() places a thread on the least loaded CPU; an idle CPU
 * takes runnable, unpinned threads from busy ones. Threads added to a
 * chosen scheduler with uk_sched_thread_add() stay on that CPU.
 *
 * Time slices (10 ms by default; the meson option -Dsched_timeslice_us=N
 * or the kernel parameter sched.timeslice_us=N, 0 for cooperative
 * scheduling): while other threads wait for a CPU, the thread running
 * there is preempted by the CPU's timer interrupt once it has run a whole
 * slice without a switch, if it runs kernel or app code with interrupts
 * enabled (so it holds no spinlock: those are taken with interrupts
 * off). With nobody waiting, no timer runs (tickless). A preempted thread
 * that was about to block only sees a spurious wake-up.
 */
#ifndef __UK_SCHED_H__
#define __UK_SCHED_H__

#include <uk/list.h>
#include <uk/plat/lcpu.h>
#include <uk/spinlock.h>
#include <uk/thread.h>

struct uk_sched {
	struct uk_spinlock lock;	/* irqsave: the timer takes it */
	__lcpuidx cpu;
	int started;
	int idling;			/* halted, wants an IPI to wake */
	struct uk_thread *current;
	struct uk_thread *idle;
	struct uk_thread *prev;		/* switched out, to be finished */
	struct uk_list runq;
	unsigned int nr_queued;		/* on runq */
	unsigned int nr_threads;	/* assigned, incl. blocked */
	struct uk_thread *sleepq;	/* pairing heap root */
	unsigned long nr_preempted;
	unsigned long nr_switches;
	__nsec timer_armed;		/* deadline set on the CPU, or 0 */
	__nsec slice_deadline;		/* next slice tick, or 0: none */
	unsigned long slice_switches;	/* nr_switches when it was armed */
	int preempting;			/* a preemption is on its way */
	/* CPU time (ukplat_cpu_ticks): the scheduler's start, time in the
	 * idle thread, and since when it runs there; the last switch, and
	 * whether threads' time is counted on this CPU (cputime.c). */
	__u64 start_ticks, idle_ticks, idle_since;
	__u64 switch_ticks;
	int thread_acct;
};

/* This CPU's scheduler. */
struct uk_sched *uk_sched_current(void);
/* CPU idx's scheduler, or NULL if idx is not a started CPU. */
struct uk_sched *uk_sched_get(__lcpuidx idx);
/* Number of CPUs running a scheduler. */
unsigned int uk_sched_count(void);

/* Adds t to s (NULL: the least loaded CPU, and t may move later). Returns
 * 0 or -EINVAL (t is on a scheduler or exited, s not started). */
int uk_sched_thread_add(struct uk_sched *s, struct uk_thread *t);
/* Pins t to CPU cpu (-1: lets it run anywhere again). A thread running
 * or blocked moves at its next switch; the caller itself before this
 * returns. Returns 0, -EINVAL (no such CPU) or -ESRCH (t exited). */
int uk_thread_set_cpu(struct uk_thread *t, int cpu);

/* Takes a thread that is not running off its scheduler, so it can be
 * added to another one. Returns 0, -EBUSY (running) or -EINVAL. */
int uk_sched_thread_remove(struct uk_thread *t);

/* Lets the other runnable threads of this CPU run. */
/* Set for good when a thread other than main and the idle threads joins
 * a scheduler; read through uk_sched_multithreaded(). */
extern int uk_sched_threads_added;

/* Nonzero once a second thread may run app code. Single-threaded code
 * paths (stdio) skip their locks until then, as glibc's do. */
static inline int uk_sched_multithreaded(void)
{
	return __atomic_load_n(&uk_sched_threads_added, __ATOMIC_RELAXED);
}

void uk_sched_yield(void);
/* Sleeps at least ns nanoseconds. */
void uk_sched_thread_sleep(__nsec ns);
/* Sleeps until the monotonic clock reaches deadline. */
void uk_sched_thread_sleep_until(__nsec deadline);

/* The preemption time slice in µs; 0 when scheduling is cooperative. */
unsigned int uk_sched_timeslice_us(void);

/* For exit_group: kills every thread but the caller and the idle threads
 * and waits (up to 2 s) until they are gone. A thread running app code
 * on another CPU is stopped there by an IPI; one in the kernel stops
 * when it next blocks or yields. Returns how many are left (0), or
 * -ENOMEM. */
int uk_sched_stop_others(void);

/* Nonzero if ip is app code (the image's text but not the kernel's, or
 * a loaded binary's: uk_sched_loaded_code). */
int uk_sched_ip_is_app(__uptr ip);
/* Code loaded at run time ([start, end): core/elf's binary) is app code:
 * time slices preempt it, kills and signals interrupt it, as the image's
 * own app code (0, 0: none). */
void uk_sched_loaded_code(__uptr start, __uptr end);
/*
 * CPU time (ns). The process's (every thread but the CPUs' idle threads,
 * on all CPUs: clock(), CLOCK_PROCESS_CPUTIME_ID) is always exact. A
 * thread's (CLOCK_THREAD_CPUTIME_ID) is counted at every switch from the
 * first time any thread's is asked for (counting costs a cycle-counter
 * read per switch, which yield-heavy code would otherwise pay for
 * nothing); until then, a single-threaded app's thread time is the
 * process's, and other threads start from 0 then.
 */
__nsec uk_sched_cputime(void);
__nsec uk_thread_cputime(struct uk_thread *t);


/* Prints every thread (id, name, state, CPU, stack) to the console;
 * used by crash reports, so it takes no lock that may be held. */
void uk_sched_dump(void);

#endif /* __UK_SCHED_H__ */

/* Time-slice preemption. The case turns it on itself (the kernel parameter
 * sched.timeslice_us) and restores the boot value; test/meson.build also
 * runs the scheduler's suite with slices from boot on. */
#include <uk/arch/preempt.h>
#include <uk/errptr.h>
#include <uk/param.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/sched.h>
#include <uk/test.h>
#include <uk/thread.h>

static volatile int stop;
static volatile double spin_result;

/* Never yields; keeps FPU/SIMD state live across preemptions. */
static void spinner(void *arg)
{
	double x = 0.0;
	unsigned long i = 0;

	while (!stop) {
		x += 0.5;
		i++;
	}
	spin_result = x - 0.5 * (double)i;	/* 0 if nothing was lost */
}

UK_TESTCASE(preempt, spinning_thread_gives_way)
{
	unsigned int boot_slice = uk_sched_timeslice_us();
	unsigned long preempted = uk_sched_get(0)->nr_preempted;
	struct uk_thread *t;
	double mine = 0.0;
	int i;

	/* On CPU 0 with the spinner (the main thread may have moved after
	 * an earlier test blocked it). */
	uk_thread_set_cpu(uk_thread_current(), 0);
	if (!boot_slice)
		UK_TEST_ASSERT(uk_param_set("sched.timeslice_us=1000") == 0);
	UK_TEST_ASSERT(uk_sched_timeslice_us() > 0);
	stop = 0;
	spin_result = -1.0;
	t = uk_thread_create("spinner", spinner, NULL, 0, 0);
	UK_TEST_ASSERT(!PTRISERR(t));
	UK_TEST_ASSERT(uk_sched_thread_add(uk_sched_get(0), t) == 0);
	/* Both on CPU 0: the spinner runs, and we only get the CPU back if
	 * the timer takes it away from it. */
	for (i = 0; i < 20; i++) {
		uk_sched_yield();
		mine += 0.25;
	}
	stop = 1;
	UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t, NULL), 0);
	UK_TEST_EXPECT(spin_result == 0.0);
	UK_TEST_EXPECT(mine == 5.0);
	UK_TEST_EXPECT(uk_sched_get(0)->nr_preempted >= preempted + 20);
	UK_TEST_EXPECT_SNUM_EQ(uk_param_set_int("sched.timeslice_us",
						(int)boot_slice), 0);
	uk_thread_set_cpu(uk_thread_current(), -1);
}

/*
 * A CPU waiting for a spinlock may stop running while it waits: here a
 * time slice ends while a thread spins with interrupts on; on any virtual
 * machine the host deschedules the vCPU (what made posix-pthreads -smp 4
 * crawl). A free lock must then go to a CPU that runs. A fair (ticket)
 * lock hands it to the waiter off its CPU instead, and a second waiter
 * spinning with interrupts off on that very CPU never lets it run again.
 */
static struct uk_spinlock off_cpu_lock;
static volatile int irqs_on_waiting, irqs_off_waiting, irqs_off_done;

/* Waits (interrupts on, so it can be preempted) and takes the lock. */
static void wait_irqs_on(void *arg)
{
	irqs_on_waiting = 1;
	uk_spin_lock(&off_cpu_lock);
	uk_spin_unlock(&off_cpu_lock);
}

/* Runs on the same CPU only once wait_irqs_on was preempted. */
static void wait_irqs_off(void *arg)
{
	unsigned long flags;

	irqs_off_waiting = 1;
	uk_spin_lock_irqsave(&off_cpu_lock, flags);
	uk_spin_unlock_irqrestore(&off_cpu_lock, flags);
	irqs_off_done = 1;
}

/* Busy-waits (without yielding: a spinlock is held) until *flag is set
 * or ms passed; returns the flag. */
static int spin_for(volatile int *flag, unsigned int ms)
{
	__nsec end = ukplat_monotonic_clock() + ms * 1000000ULL;

	while (!*flag && ukplat_monotonic_clock() < end)
		ukarch_spinwait();
	return *flag;
}

UK_TESTCASE(preempt, spinlock_goes_to_a_running_waiter)
{
	unsigned int boot_slice = uk_sched_timeslice_us();
	struct uk_sched *other;
	struct uk_thread *on, *off;
	int never = 0;

	/* The holder and the waiters need a CPU each. */
	if (uk_sched_count() < 2)
		return;
	uk_thread_set_cpu(uk_thread_current(), 0);
	other = uk_sched_get(1);
	/* Short slices: in sim a spinner is only preempted in guest code,
	 * not in the host's sched_yield, where it spends most of its time
	 * on a loaded host. */
	UK_TEST_ASSERT(uk_param_set("sched.timeslice_us=50") == 0);
	irqs_on_waiting = irqs_off_waiting = irqs_off_done = 0;
	uk_spin_init(&off_cpu_lock);
	on = uk_thread_create("irqs-on", wait_irqs_on, NULL, 0, 0);
	off = uk_thread_create("irqs-off", wait_irqs_off, NULL, 0, 0);
	UK_TEST_ASSERT(!PTRISERR(on) && !PTRISERR(off));

	uk_spin_lock(&off_cpu_lock);
	UK_TEST_ASSERT(uk_sched_thread_add(other, on) == 0);
	UK_TEST_ASSERT(spin_for(&irqs_on_waiting, 10000));
	spin_for(&never, 2);			/* it spins by now */
	/* Queued behind it: it runs when the slice takes the CPU away. */
	UK_TEST_ASSERT(uk_sched_thread_add(other, off) == 0);
	UK_TEST_ASSERT(spin_for(&irqs_off_waiting, 10000));
	spin_for(&never, 2);			/* it spins by now */
	uk_spin_unlock(&off_cpu_lock);
	/* Failing, CPU 1 spins for good: the case cannot clean up. */
	UK_TEST_ASSERT(spin_for(&irqs_off_done, 2000));

	UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(off, NULL), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(on, NULL), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_param_set_int("sched.timeslice_us",
						(int)boot_slice), 0);
	uk_thread_set_cpu(uk_thread_current(), -1);
}

/*
 * A thread that holds a spinlock (interrupts on) is not preempted: the
 * others would spin on the lock while its holder waits for a CPU (for
 * good if one spins on the holder's CPU with interrupts off). Once the
 * lock is released, the next tick preempts again.
 */
static struct uk_spinlock held_lock;
static volatile int bystander_ran;

static void bystander(void *arg)
{
	bystander_ran = 1;
}

UK_TESTCASE(preempt, no_preemption_while_a_spinlock_is_held)
{
	unsigned int boot_slice = uk_sched_timeslice_us();
	unsigned long preempted;
	struct uk_thread *t;
	int ran;

	uk_thread_set_cpu(uk_thread_current(), 0);
	UK_TEST_ASSERT(uk_param_set("sched.timeslice_us=50") == 0);
	bystander_ran = 0;
	uk_spin_init(&held_lock);
	t = uk_thread_create("bystander", bystander, NULL, 0, 0);
	UK_TEST_ASSERT(!PTRISERR(t));

	uk_spin_lock(&held_lock);
	UK_TEST_EXPECT(uk_preempt_count() > 0);
	preempted = uk_sched_get(0)->nr_preempted;
	UK_TEST_ASSERT(uk_sched_thread_add(uk_sched_get(0), t) == 0);
	/* Hundreds of slices: the bystander waits on our CPU. */
	ran = spin_for(&bystander_ran, 30);
	UK_TEST_EXPECT_UNUM_EQ(uk_sched_get(0)->nr_preempted, preempted);
	uk_spin_unlock(&held_lock);
	UK_TEST_EXPECT_SNUM_EQ(ran, 0);
	/* Unlocked: a tick takes the CPU away again. */
	UK_TEST_EXPECT(spin_for(&bystander_ran, 5000));
	UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t, NULL), 0);
	UK_TEST_EXPECT_SNUM_EQ(uk_param_set_int("sched.timeslice_us",
						(int)boot_slice), 0);
	uk_thread_set_cpu(uk_thread_current(), -1);
}

/*
 * Slices shorter than a switch (50 us is, under nested virtualization):
 * a thread resumed from a preemption finds its next slice over before it
 * left the injected call. Preempting it there again would nest call
 * frames on its stack until the guard page. Two spinners share CPU 0 for
 * 200 ms and both get on.
 */
static volatile unsigned long spins[2];

static void count_spins(void *arg)
{
	volatile unsigned long *n = arg;

	while (!stop)
		(*n)++;
}

UK_TESTCASE(preempt, slices_shorter_than_a_switch_do_not_nest)
{
	unsigned int boot_slice = uk_sched_timeslice_us();
	struct uk_thread *t[2];
	int i;

	uk_thread_set_cpu(uk_thread_current(), 0);
	stop = 0;
	for (i = 0; i < 2; i++) {
		spins[i] = 0;
		t[i] = uk_thread_create("tiny-slices", count_spins,
					(void *)&spins[i], 0, 0);
		UK_TEST_ASSERT(!PTRISERR(t[i]));
	}
	UK_TEST_ASSERT(uk_param_set("sched.timeslice_us=50") == 0);
	for (i = 0; i < 2; i++)
		UK_TEST_ASSERT(uk_sched_thread_add(uk_sched_get(0), t[i]) == 0);
	uk_sched_thread_sleep(ukarch_time_msec_to_nsec(200));
	stop = 1;
	UK_TEST_EXPECT_SNUM_EQ(uk_param_set_int("sched.timeslice_us",
						(int)boot_slice), 0);
	for (i = 0; i < 2; i++) {
		UK_TEST_EXPECT_SNUM_EQ(uk_thread_join(t[i], NULL), 0);
		UK_TEST_EXPECT(spins[i] > 0);
	}
	uk_thread_set_cpu(uk_thread_current(), -1);
}

/* Time-slice preemption. The case turns it on itself (the kernel parameter
 * sched.timeslice_us) and restores the boot value; test/meson.build also
 * runs the scheduler's suite with slices from boot on. */
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

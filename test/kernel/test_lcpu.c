/*
 * Logical CPUs, interrupts and the one-shot timer, through the HAL
 * contract only (uk/plat/lcpu.h, irq.h, time.h). Meaningful with several
 * CPUs (the test suite also runs this image with -smp 4); with one CPU
 * the cross-CPU cases say so and check what one CPU can.
 *
 * The cases work whether or not something (the scheduler) started the
 * secondary CPUs at boot: ensure_started() starts the ones still idle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uk/arch/atomic.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>
#include <uk/param.h>
#include <uk/test.h>

#define NCPU		UKPLAT_LCPU_MAXCOUNT
#define ENTRY_STACK	(64 * 1024)
/* Vectors of the test's own (ukplat_irq_alloc), taken at first use. */
#define VEC_TEST	test_vec(0)
#define VEC_TEST2	test_vec(1)
/* A bound on waits that must end; never reached when things work. */
#define LONG_NS		ukarch_time_sec_to_nsec(10)

static unsigned long entry_stack[ENTRY_STACK / sizeof(unsigned long)];
static volatile int entry_ran = -1;
static volatile int entry_irqs_off = -1;
static volatile int entry_on_stack = -1;
static int started_with_entry;
static int test_vecs[2];

static unsigned int test_vec(int i)
{
	if (test_vecs[i] <= 0)
		test_vecs[i] = ukplat_irq_alloc();
	/* -ENOSPC becomes a vector every call rejects (-EINVAL). */
	return (unsigned int)test_vecs[i];
}

/* What the test starts CPU 1 with: check its context, then idle. */
static void test_entry(void *arg)
{
	unsigned long here = (unsigned long)&arg;
	unsigned long lo = (unsigned long)entry_stack;

	entry_irqs_off = ukplat_lcpu_irqs_disabled();
	entry_on_stack = here >= lo && here < lo + sizeof(entry_stack);
	ukarch_store_n(&entry_ran, (int)ukplat_lcpu_idx());
	ukplat_lcpu_enable_irq();
	for (;;)
		ukplat_lcpu_halt_irq();
}

static int all_started(void)
{
	unsigned int i;

	for (i = 0; i < ukplat_lcpu_count(); i++)
		if (!ukplat_lcpu_started(i))
			return 0;
	return 1;
}

/* Starts the CPUs nobody started yet: CPU 1 on test_entry, others idle
 * (the scheduler, once it starts them at boot, leaves nothing to do). */
static void ensure_started(void)
{
	ukplat_lcpu_entry_t entry[NCPU] = { NULL };
	void *sp[NCPU] = { NULL };

	if (all_started())
		return;
	if (!ukplat_lcpu_started(1)) {
		/* CPU 1 is the first one not started. */
		entry[0] = test_entry;
		sp[0] = (char *)entry_stack + sizeof(entry_stack);
		started_with_entry = 1;
	}
	UK_TEST_ASSERT(ukplat_lcpu_start(NULL, NCPU, sp, entry, NULL) == 0);
}

UK_TESTCASE(lcpu, count_and_index)
{
	unsigned int n = ukplat_lcpu_count();

	UK_TEST_EXPECT(n >= 1 && n <= UKPLAT_LCPU_MAXCOUNT);
	UK_TEST_EXPECT_UNUM_EQ(ukplat_lcpu_idx(), 0);
	UK_TEST_EXPECT_UNUM_EQ(ukplat_lcpu_id(), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_started(0), 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_started(n), 0);
	printf("  %u CPUs\n", n);
}

UK_TESTCASE(lcpu, start_once)
{
	__lcpuidx boot = 0, bad = ukplat_lcpu_count(), dup[2] = { 1, 1 };
	int i;

	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_start(&boot, 1, NULL, NULL, NULL),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_start(&bad, 1, NULL, NULL, NULL),
			       -EINVAL);
	if (ukplat_lcpu_count() > 2 && !ukplat_lcpu_started(1))
		UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_start(dup, 2, NULL, NULL,
							 NULL), -EINVAL);
	ensure_started();
	if (started_with_entry) {
		for (i = 0; i < 100000000 && entry_ran < 0; i++)
			ukarch_spinwait();
		UK_TEST_EXPECT_SNUM_EQ(entry_ran, 1);
		UK_TEST_EXPECT_SNUM_EQ(entry_irqs_off, 1);
		UK_TEST_EXPECT_SNUM_EQ(entry_on_stack, 1);
	}
	UK_TEST_EXPECT(all_started());
	/* The second time: nothing left to start. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_start(NULL, NCPU, NULL, NULL, NULL),
			       -EALREADY);
	if (ukplat_lcpu_count() > 1) {
		boot = 1;
		UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_start(&boot, 1, NULL, NULL,
							 NULL), -EALREADY);
	}
}

static volatile long slots[NCPU];
static volatile int ran_irqs_off;

static void record_idx(void *arg)
{
	volatile long *s = arg;

	if (!ukplat_lcpu_irqs_disabled())
		ran_irqs_off = 0;
	s[ukplat_lcpu_idx()] = ukplat_lcpu_idx();
}

static void clear_slots(void)
{
	unsigned int i;

	for (i = 0; i < NCPU; i++)
		slots[i] = -1;
}

UK_TESTCASE(lcpu, run_on_all_others)
{
	unsigned int i, n = ukplat_lcpu_count();
	int round;

	ensure_started();
	ran_irqs_off = 1;
	for (round = 0; round < 2; round++) {
		clear_slots();
		UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_run(NULL, 0, record_idx,
						       (void *)slots), 0);
		UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_wait(NULL, 0, 0), 0);
		UK_TEST_EXPECT_SNUM_EQ(slots[0], -1);
		for (i = 1; i < n; i++)
			UK_TEST_EXPECT_SNUM_EQ(slots[i], i);
	}
	UK_TEST_EXPECT_SNUM_EQ(ran_irqs_off, 1);
}

UK_TESTCASE(lcpu, run_on_a_list_and_on_self)
{
	__lcpuidx list[2] = { 0, 0 };
	unsigned int n = ukplat_lcpu_count();

	ensure_started();
	list[1] = n - 1;	/* self twice when there is one CPU */
	clear_slots();
	/* Interrupts are enabled: the self part runs within the call. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_run(list, 2, record_idx,
					       (void *)slots), 0);
	UK_TEST_EXPECT_SNUM_EQ(slots[0], 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_wait(list, 2, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(slots[n - 1], n - 1);
}

UK_TESTCASE(lcpu, run_bad_input)
{
	__lcpuidx bad = ukplat_lcpu_count(), self = 0;

	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_run(&bad, 1, record_idx,
					       (void *)slots), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_wait(&bad, 1, 0), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_send_ipi(&bad, 1, VEC_TEST),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_run(&self, 1, NULL, NULL), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_send_ipi(&self, 1,
						    UKPLAT_IRQ_COUNT),
			       -EINVAL);
}

static volatile int slow_done, slow_release;

/* Takes until the test releases it (bounded, should the test fail). */
static void slow_fn(void *arg)
{
	__nsec end = ukplat_monotonic_clock() + LONG_NS;

	while (!ukarch_load_n(&slow_release) &&
	       ukplat_monotonic_clock() < end)
		ukarch_spinwait();
	slow_done = 1;
}

UK_TESTCASE(lcpu, wait_times_out)
{
	__lcpuidx cpu = 1;

	if (ukplat_lcpu_count() < 2) {
		printf("  skipped: needs 2 CPUs (-smp 2)\n");
		return;
	}
	ensure_started();
	slow_done = 0;
	slow_release = 0;
	UK_TEST_ASSERT(ukplat_lcpu_run(&cpu, 1, slow_fn, NULL) == 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_wait(&cpu, 1,
					ukarch_time_msec_to_nsec(1)),
			       -ETIMEDOUT);
	UK_TEST_EXPECT_SNUM_EQ(slow_done, 0);
	ukarch_store_n(&slow_release, 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_wait(&cpu, 1, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(slow_done, 1);
}

UK_TESTCASE(lcpu, run_queue_full_is_ebusy)
{
	__lcpuidx cpu = 0;
	unsigned long flags;
	int i, rc = 0;

	/* With interrupts masked nothing of ours is served: fill our ring. */
	clear_slots();
	flags = ukplat_lcpu_save_irqf();
	for (i = 0; i <= UKPLAT_LCPU_RUNQ_LEN && !rc; i++)
		rc = ukplat_lcpu_run(&cpu, 1, record_idx, (void *)slots);
	UK_TEST_EXPECT_SNUM_EQ(slots[0], -1);
	ukplat_lcpu_restore_irqf(flags);
	UK_TEST_EXPECT_SNUM_EQ(rc, -EBUSY);
	UK_TEST_EXPECT_SNUM_EQ(i, UKPLAT_LCPU_RUNQ_LEN + 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_wait(&cpu, 1, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(slots[0], 0);
}

/* Interrupt handlers and IPIs. */
struct counter {
	volatile int calls;
	volatile int irqs_off;		/* every call had them masked */
	volatile int last_cpu;
	int claim;			/* what the handler returns */
};

static int count_handler(void *arg, struct __regs *regs)
{
	struct counter *c = arg;

	if (!ukplat_lcpu_irqs_disabled() || !regs)
		c->irqs_off = 0;
	c->last_cpu = (int)ukplat_lcpu_idx();
	ukarch_inc(&c->calls);
	return c->claim;
}

UK_TESTCASE(irq, register_bad_input_and_full)
{
	struct counter c[UKPLAT_IRQ_HANDLERS_MAX + 1];
	int i;

	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_register(UKPLAT_IRQ_COUNT,
						   count_handler, &c[0]),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_register(VEC_TEST, NULL, NULL),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(VEC_TEST, count_handler,
						     &c[0]), -ENOENT);
	for (i = 0; i < UKPLAT_IRQ_HANDLERS_MAX; i++)
		UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_register(VEC_TEST,
							   count_handler,
							   &c[i]), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_register(VEC_TEST, count_handler,
						   &c[i]), -ENOMEM);
	for (i = 0; i < UKPLAT_IRQ_HANDLERS_MAX; i++)
		UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(VEC_TEST,
							     count_handler,
							     &c[i]), 0);
}

UK_TESTCASE(irq, alloc_gives_distinct_device_vectors)
{
	int got[UKPLAT_IRQ_COUNT], n = 0, i, j, irq;

	UK_TEST_ASSERT(VEC_TEST >= UKPLAT_IRQ_DEVICE_BASE &&
		       VEC_TEST < UKPLAT_IRQ_COUNT);
	UK_TEST_ASSERT(VEC_TEST2 != VEC_TEST);
	/* Take every vector left: each a device vector, none twice, none
	 * held by a device of this image or by the vectors above. */
	while ((irq = ukplat_irq_alloc()) >= 0 && n < UKPLAT_IRQ_COUNT)
		got[n++] = irq;
	UK_TEST_EXPECT_SNUM_EQ(irq, -ENOSPC);
	UK_TEST_EXPECT(n > 0);
	for (i = 0; i < n; i++) {
		UK_TEST_EXPECT(got[i] >= UKPLAT_IRQ_DEVICE_BASE &&
			       got[i] < UKPLAT_IRQ_COUNT);
		UK_TEST_EXPECT(got[i] != (int)VEC_TEST &&
			       got[i] != (int)VEC_TEST2);
		for (j = 0; j < i; j++)
			UK_TEST_EXPECT(got[i] != got[j]);
	}
	/* Given back, a vector is handed out again; twice is an error. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_free((unsigned long)got[0]), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_free((unsigned long)got[0]),
			       -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_alloc(), got[0]);
	for (i = 0; i < n; i++)
		UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_free((unsigned long)got[i]),
				       0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_free(UKPLAT_IRQ_TIMER), -EINVAL);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_free(UKPLAT_IRQ_COUNT), -EINVAL);
}

UK_TESTCASE(irq, masked_self_ipi_waits_and_coalesces)
{
	struct counter c = { .calls = 0, .irqs_off = 1, .claim = 1 };
	__lcpuidx self = 0;

	UK_TEST_ASSERT(ukplat_irq_register(VEC_TEST, count_handler, &c) == 0);
	ukplat_lcpu_disable_irq();
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_send_ipi(&self, 1, VEC_TEST), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_send_ipi(&self, 1, VEC_TEST), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_send_ipi(&self, 1, VEC_TEST), 0);
	UK_TEST_EXPECT_SNUM_EQ(c.calls, 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_irqs_disabled(), 1);
	ukplat_lcpu_enable_irq();
	UK_TEST_EXPECT_SNUM_EQ(c.calls, 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_irqs_disabled(), 0);
	/* Unmasked: delivered before send_ipi returns. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_send_ipi(&self, 1, VEC_TEST), 0);
	UK_TEST_EXPECT_SNUM_EQ(c.calls, 2);
	UK_TEST_EXPECT_SNUM_EQ(c.irqs_off, 1);
	UK_TEST_EXPECT_SNUM_EQ(c.last_cpu, 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(VEC_TEST, count_handler,
						     &c), 0);
}

UK_TESTCASE(irq, save_restore_nest)
{
	struct counter c = { .calls = 0, .irqs_off = 1, .claim = 1 };
	unsigned long outer, inner;
	__lcpuidx self = 0;

	UK_TEST_ASSERT(ukplat_irq_register(VEC_TEST, count_handler, &c) == 0);
	outer = ukplat_lcpu_save_irqf();
	inner = ukplat_lcpu_save_irqf();
	ukplat_lcpu_send_ipi(&self, 1, VEC_TEST);
	ukplat_lcpu_restore_irqf(inner);	/* still masked */
	UK_TEST_EXPECT_SNUM_EQ(c.calls, 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_irqs_disabled(), 1);
	ukplat_lcpu_restore_irqf(outer);
	UK_TEST_EXPECT_SNUM_EQ(c.calls, 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(VEC_TEST, count_handler,
						     &c), 0);
}

UK_TESTCASE(irq, shared_vector_chain_and_spurious)
{
	struct counter a = { .calls = 0, .irqs_off = 1, .claim = 0 };
	struct counter b = { .calls = 0, .irqs_off = 1, .claim = 1 };
	unsigned long spurious;
	__lcpuidx self = 0;

	UK_TEST_ASSERT(ukplat_irq_register(VEC_TEST2, count_handler, &a) == 0);
	UK_TEST_ASSERT(ukplat_irq_register(VEC_TEST2, count_handler, &b) == 0);
	ukplat_lcpu_send_ipi(&self, 1, VEC_TEST2);
	UK_TEST_EXPECT_SNUM_EQ(a.calls, 1);	/* declined: next one */
	UK_TEST_EXPECT_SNUM_EQ(b.calls, 1);
	a.claim = 1;
	ukplat_lcpu_send_ipi(&self, 1, VEC_TEST2);
	UK_TEST_EXPECT_SNUM_EQ(a.calls, 2);	/* took it: chain stops */
	UK_TEST_EXPECT_SNUM_EQ(b.calls, 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(VEC_TEST2, count_handler,
						     &a), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(VEC_TEST2, count_handler,
						     &b), 0);
	spurious = ukplat_irq_spurious();
	ukplat_lcpu_send_ipi(&self, 1, VEC_TEST2);
	UK_TEST_EXPECT_UNUM_EQ(ukplat_irq_spurious(), spurious + 1);
	UK_TEST_EXPECT_SNUM_EQ(a.calls + b.calls, 3);
}

UK_TESTCASE(irq, ipi_to_other_cpus)
{
	struct counter c = { .calls = 0, .irqs_off = 1, .claim = 1 };
	unsigned int n = ukplat_lcpu_count();
	__nsec end;

	if (n < 2) {
		printf("  skipped: needs 2 CPUs (-smp 2)\n");
		return;
	}
	ensure_started();
	UK_TEST_ASSERT(ukplat_irq_register(VEC_TEST, count_handler, &c) == 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_send_ipi(NULL, 0, VEC_TEST), 0);
	end = ukplat_monotonic_clock() + LONG_NS;
	while (ukarch_load_n(&c.calls) < (int)n - 1 &&
	       ukplat_monotonic_clock() < end)
		ukarch_spinwait();
	UK_TEST_EXPECT_SNUM_EQ(c.calls, n - 1);
	UK_TEST_EXPECT_SNUM_EQ(c.irqs_off, 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(VEC_TEST, count_handler,
						     &c), 0);
}

/* The one-shot timer. Handlers observe (return 0) so that a timer user
 * registered before them (the scheduler) still gets its interrupt. The
 * scheduler's own use of the timer (time slices, sleepers' deadlines
 * while a thread runs) is switched off meanwhile, as it would re-arm
 * the one deadline the cases watch. */
static int quiet_slice;

static void sched_quiet(void)
{
	uk_param_get("sched.timeslice_us", &quiet_slice);
	uk_param_set_int("sched.timeslice_us", 0);
}

static void sched_unquiet(void)
{
	uk_param_set_int("sched.timeslice_us", quiet_slice);
}

static volatile int timer_calls;
static volatile __nsec timer_at;

static int timer_handler(void *arg, struct __regs *regs)
{
	timer_at = ukplat_monotonic_clock();
	ukarch_inc(&timer_calls);
	return 0;
}

/* Halts with interrupts masked until the timer fired or until passed. */
static void halt_for_timer(int calls, __nsec until)
{
	while (ukarch_load_n(&timer_calls) == calls &&
	       ukplat_monotonic_clock() < until)
		ukplat_lcpu_halt_irq_until(until);
}

UK_TESTCASE(time, oneshot_deadline_fires_once)
{
	__nsec deadline;
	int calls;

	sched_quiet();
	UK_TEST_ASSERT(ukplat_irq_register(UKPLAT_IRQ_TIMER, timer_handler,
					   NULL) == 0);
	ukplat_lcpu_disable_irq();
	calls = timer_calls;
	deadline = ukplat_monotonic_clock() + ukarch_time_msec_to_nsec(2);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_time_set_deadline(deadline), 0);
	halt_for_timer(calls, deadline + LONG_NS);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_irqs_disabled(), 1);
	UK_TEST_EXPECT_SNUM_EQ(timer_calls, calls + 1);
	UK_TEST_EXPECT(timer_at >= deadline);
	UK_TEST_EXPECT(ukplat_monotonic_clock() >= deadline);
	/* One shot: nothing more comes. */
	halt_for_timer(calls + 1, ukplat_monotonic_clock() +
		       ukarch_time_msec_to_nsec(5));
	UK_TEST_EXPECT_SNUM_EQ(timer_calls, calls + 1);
	ukplat_lcpu_enable_irq();
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(UKPLAT_IRQ_TIMER,
						     timer_handler, NULL), 0);
	sched_unquiet();
}

UK_TESTCASE(time, rearm_replaces_and_disarm_stops)
{
	__nsec now, second;
	int calls;

	sched_quiet();
	UK_TEST_ASSERT(ukplat_irq_register(UKPLAT_IRQ_TIMER, timer_handler,
					   NULL) == 0);
	ukplat_lcpu_disable_irq();
	calls = timer_calls;
	now = ukplat_monotonic_clock();
	second = now + ukarch_time_msec_to_nsec(4);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_time_set_deadline(now + 1000), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_time_set_deadline(second), 0);
	halt_for_timer(calls, second + LONG_NS);
	UK_TEST_EXPECT_SNUM_EQ(timer_calls, calls + 1);
	UK_TEST_EXPECT(timer_at >= second);

	now = ukplat_monotonic_clock();
	UK_TEST_EXPECT_SNUM_EQ(ukplat_time_set_deadline(now + 2000000), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_time_set_deadline(0), 0);
	halt_for_timer(calls + 1, now + ukarch_time_msec_to_nsec(10));
	UK_TEST_EXPECT_SNUM_EQ(timer_calls, calls + 1);
	UK_TEST_EXPECT(ukplat_monotonic_clock() >=
		       now + ukarch_time_msec_to_nsec(10));

	/* A deadline already passed fires at once. */
	UK_TEST_EXPECT_SNUM_EQ(ukplat_time_set_deadline(1), 0);
	halt_for_timer(calls + 1, ukplat_monotonic_clock() + LONG_NS);
	UK_TEST_EXPECT_SNUM_EQ(timer_calls, calls + 2);
	ukplat_lcpu_enable_irq();
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(UKPLAT_IRQ_TIMER,
						     timer_handler, NULL), 0);
	sched_unquiet();
}

UK_TESTCASE(time, timer_while_masked_waits_for_enable)
{
	__nsec deadline;
	int calls;

	sched_quiet();
	UK_TEST_ASSERT(ukplat_irq_register(UKPLAT_IRQ_TIMER, timer_handler,
					   NULL) == 0);
	ukplat_lcpu_disable_irq();
	calls = timer_calls;
	deadline = ukplat_monotonic_clock() + ukarch_time_msec_to_nsec(1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_time_set_deadline(deadline), 0);
	/* Busy, masked, past the deadline: the interrupt must wait. */
	while (ukplat_monotonic_clock() < deadline + 2000000)
		ukarch_spinwait();
	UK_TEST_EXPECT_SNUM_EQ(timer_calls, calls);
	/* Unmasked it comes (when the host delivered the signal: under
	 * valgrind maybe later than the spin above). */
	halt_for_timer(calls, ukplat_monotonic_clock() + LONG_NS);
	ukplat_lcpu_enable_irq();
	UK_TEST_EXPECT_SNUM_EQ(timer_calls, calls + 1);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(UKPLAT_IRQ_TIMER,
						     timer_handler, NULL), 0);
	sched_unquiet();
}

/* halt_irq wakes up for an interrupt another CPU sends. */
static void send_back(void *arg)
{
	__lcpuidx boot = 0;

	ukplat_lcpu_send_ipi(&boot, 1, VEC_TEST);
}

UK_TESTCASE(lcpu, halt_wakes_on_ipi)
{
	struct counter c = { .calls = 0, .irqs_off = 1, .claim = 1 };
	__lcpuidx cpu = 1;
	__nsec end;

	if (ukplat_lcpu_count() < 2) {
		printf("  skipped: needs 2 CPUs (-smp 2)\n");
		return;
	}
	ensure_started();
	UK_TEST_ASSERT(ukplat_irq_register(VEC_TEST, count_handler, &c) == 0);
	end = ukplat_monotonic_clock() + LONG_NS;
	ukplat_lcpu_disable_irq();
	UK_TEST_ASSERT(ukplat_lcpu_run(&cpu, 1, send_back, NULL) == 0);
	while (!c.calls && ukplat_monotonic_clock() < end)
		ukplat_lcpu_halt_irq_until(end);
	ukplat_lcpu_enable_irq();
	UK_TEST_EXPECT_SNUM_EQ(c.calls, 1);
	UK_TEST_EXPECT_SNUM_EQ(c.last_cpu, 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_lcpu_wait(&cpu, 1, 0), 0);
	UK_TEST_EXPECT_SNUM_EQ(ukplat_irq_unregister(VEC_TEST, count_handler,
						     &c), 0);
}

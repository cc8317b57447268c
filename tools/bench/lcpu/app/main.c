/*
 * lcpu benchmark: what interrupts and IPIs cost, through the HAL contract.
 * Prints the median of many samples, in nanoseconds, for:
 *   self-ipi         send_ipi to this CPU, interrupts enabled: the
 *                    handler has run when the call returns
 *   masked-replay    send_ipi to self while masked, then enable_irq
 *   cross-ipi        CPU 0 -> CPU 1 IPI, whose handler IPIs CPU 0 back;
 *                    CPU 0 spins with interrupts enabled
 *   run-wait         ukplat_lcpu_run on CPU 1 + ukplat_lcpu_wait
 *   halt-wake-spin   CPU 1 IPIs CPU 0 halted for ~2 us (still spinning):
 *                    from before the send to after halt returned
 *   halt-wake-sleep  the same after ~2 ms (CPU 0 sleeps in the host)
 *
 *   ./amphi run tools/bench/lcpu/app -smp 2 [-- SAMPLES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <uk/arch/atomic.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>

#include "../../common/workload.h"

#define MAX_SAMPLES	20000

/* The benchmark's own vectors (ukplat_irq_alloc). */
static unsigned int vec_ping, vec_pong;

static __nsec samples[MAX_SAMPLES];
static volatile unsigned long pongs, pings;
static volatile __nsec sent_at;

static int ping_handler(void *arg, struct __regs *regs)
{
	__lcpuidx boot = 0;

	pings++;
	if (ukplat_lcpu_idx() != 0)
		ukplat_lcpu_send_ipi(&boot, 1, vec_pong);
	return 1;
}

static int pong_handler(void *arg, struct __regs *regs)
{
	ukarch_inc(&pongs);
	return 1;
}

static int cmp_nsec(const void *a, const void *b)
{
	__nsec x = *(const __nsec *)a, y = *(const __nsec *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, int n)
{
	qsort(samples, (size_t)n, sizeof(samples[0]), cmp_nsec);
	printf("%-16s median %7llu ns  (p10 %llu, p90 %llu, n %d)\n", what,
	       (unsigned long long)samples[n / 2],
	       (unsigned long long)samples[n / 10],
	       (unsigned long long)samples[n * 9 / 10], n);
}

/* Self-IPIs; masked: sent with interrupts off, replayed by enable_irq. */
static void bench_self(const char *what, int masked, int n)
{
	__lcpuidx self = 0;
	__nsec t0;
	int i;

	for (i = 0; i < n; i++) {
		t0 = bench_now_ns();
		if (masked)
			ukplat_lcpu_disable_irq();
		ukplat_lcpu_send_ipi(&self, 1, vec_ping);
		if (masked)
			ukplat_lcpu_enable_irq();
		samples[i] = bench_now_ns() - t0;
	}
	report(what, n);
}

static void bench_cross(int n)
{
	__lcpuidx cpu1 = 1;
	unsigned long seen;
	__nsec t0;
	int i;

	for (i = 0; i < n; i++) {
		seen = pongs;
		t0 = bench_now_ns();
		ukplat_lcpu_send_ipi(&cpu1, 1, vec_ping);
		while (ukarch_load_n(&pongs) == seen)
			ukarch_spinwait();
		samples[i] = bench_now_ns() - t0;
	}
	report("cross-ipi", n);
}

static void nop(void *arg)
{
}

static void bench_run_wait(int n)
{
	__lcpuidx cpu1 = 1;
	__nsec t0;
	int i;

	for (i = 0; i < n; i++) {
		t0 = bench_now_ns();
		ukplat_lcpu_run(&cpu1, 1, nop, NULL);
		ukplat_lcpu_wait(&cpu1, 1, 0);
		samples[i] = bench_now_ns() - t0;
	}
	report("run-wait", n);
}

/* On CPU 1: waits *arg ns, then wakes CPU 0 up. */
static void delayed_pong(void *arg)
{
	__nsec end = bench_now_ns() + *(__nsec *)arg;
	__lcpuidx boot = 0;

	while (bench_now_ns() < end)
		ukarch_spinwait();
	sent_at = bench_now_ns();
	ukplat_lcpu_send_ipi(&boot, 1, vec_pong);
}

static void bench_halt(const char *what, __nsec delay, int n)
{
	__lcpuidx cpu1 = 1;
	unsigned long seen;
	int i;

	for (i = 0; i < n; i++) {
		seen = pongs;
		ukplat_lcpu_disable_irq();
		ukplat_lcpu_run(&cpu1, 1, delayed_pong, &delay);
		while (ukarch_load_n(&pongs) == seen) {
			ukplat_lcpu_halt_irq();
			ukplat_lcpu_disable_irq();
		}
		samples[i] = bench_now_ns() - sent_at;
		ukplat_lcpu_enable_irq();
		ukplat_lcpu_wait(&cpu1, 1, 0);
	}
	report(what, n);
}

int main(int argc, char *argv[])
{
	int n = argc > 1 ? atoi(argv[1]) : 5000;
	__lcpuidx rest[UKPLAT_LCPU_MAXCOUNT];
	unsigned int i, k = 0;
	int irq_ping, irq_pong;

	if (n < 10 || n > MAX_SAMPLES)
		n = 5000;
	for (i = 1; i < ukplat_lcpu_count(); i++)
		if (!ukplat_lcpu_started(i))
			rest[k++] = i;
	if (k && ukplat_lcpu_start(rest, k, NULL, NULL, NULL) < 0) {
		printf("cannot start the CPUs\n");
		return 1;
	}
	irq_ping = ukplat_irq_alloc();
	irq_pong = ukplat_irq_alloc();
	if (irq_ping < 0 || irq_pong < 0 ||
	    ukplat_irq_register((unsigned int)irq_ping, ping_handler, NULL) ||
	    ukplat_irq_register((unsigned int)irq_pong, pong_handler, NULL)) {
		printf("no interrupt vectors\n");
		return 1;
	}
	vec_ping = (unsigned int)irq_ping;
	vec_pong = (unsigned int)irq_pong;
	printf("lcpu benchmark, %u CPUs, %d samples each\n",
	       ukplat_lcpu_count(), n);
	bench_self("self-ipi", 0, n);
	bench_self("masked-replay", 1, n);
	if (ukplat_lcpu_count() < 2) {
		printf("(cross-CPU figures need -smp 2)\n");
		return 0;
	}
	bench_cross(n);
	bench_run_wait(n);
	bench_halt("halt-wake-spin", 2000, n);
	bench_halt("halt-wake-sleep", 2000000, n / 20 + 10);
	return 0;
}

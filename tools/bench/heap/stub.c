/* HAL imports of the prefixed guest heap, for the host benchmark: one CPU,
 * no interrupts to mask; a crash prints and aborts. */
#include <stdio.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The guest's spinlocks count themselves in the CPU structure %gs points
 * at (uk/arch/preempt.h), as in the unit tests' HAL stub. */
static char bench_cpu[64] __attribute__((aligned(64)));

__attribute__((constructor)) static void bench_cpu_attach(void)
{
	syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)bench_cpu);
}
#endif

int amphi_ukplat_coutk(const char *buf, unsigned int len)
{
	return (int)fwrite(buf, 1, len, stderr);
}

unsigned long amphi_ukplat_lcpu_save_irqf(void)
{
	return 0;
}

unsigned int amphi_ukplat_lcpu_idx(void)
{
	return 0;
}

/* One CPU: the heap gives it a cache. */
unsigned int amphi_ukplat_lcpu_count(void)
{
	return 1;
}

unsigned long long amphi_ukplat_monotonic_clock(void)
{
	return 0;
}

/* No other CPU is started, none runs work. */
int amphi_ukplat_lcpu_started(unsigned int idx)
{
	return idx == 0;
}

int amphi_ukplat_lcpu_run(const unsigned int lcpuidx[], unsigned int count,
			  void (*fn)(void *), void *arg)
{
	return -19;		/* -ENODEV */
}

void amphi_ukplat_lcpu_restore_irqf(unsigned long flags)
{
	(void)flags;
}

void amphi_ukplat_lcpu_disable_irq(void)
{
}

void amphi_ukplat_backtrace(void)
{
}

void amphi_ukplat_terminate(int request, int status)
{
	fprintf(stderr, "guest terminated (request %d, status %d)\n",
		request, status);
	abort();
}

/* No scheduler here: the guest libc keeps its boot-time errno. */
void *amphi_uk_thread_current(void)
{
	return NULL;
}

void amphi_ukplat_lcpu_spin_yield(void)
{
}

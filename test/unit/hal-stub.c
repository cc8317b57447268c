/*
 * Host stand-ins for the HAL imports of guest objects under unit test.
 * Guest symbols carry the amphi_ prefix (see meson.build).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "hal-stub.h"

static char console[1 << 16];
static size_t console_len;
int unit_terminate_calls;

#if defined(__x86_64__)
/* The guest's spinlocks count themselves in the CPU structure %gs points
 * at (uk/arch/preempt.h): one CPU for the test program (Check's forked
 * children inherit it). */
static char unit_cpu[64] __attribute__((aligned(64)));

__attribute__((constructor)) static void unit_cpu_attach(void)
{
	syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)unit_cpu);
}
#endif

int amphi_ukplat_coutk(const char *buf, unsigned int len)
{
	size_t room = sizeof(console) - console_len;
	size_t n = len < room ? len : room;

	memcpy(console + console_len, buf, n);
	console_len += n;
	return (int)len;
}

int amphi_ukplat_cink(char *buf, unsigned int maxlen)
{
	return 0;
}

const char *unit_console_text(size_t *len)
{
	*len = console_len;
	return console;
}

void unit_console_reset(void)
{
	console_len = 0;
}

unsigned long amphi_ukplat_lcpu_save_irqf(void)
{
	return 0;
}

void amphi_ukplat_lcpu_restore_irqf(unsigned long flags)
{
}

void amphi_ukplat_lcpu_disable_irq(void)
{
}

void amphi_ukplat_lcpu_enable_irq(void)
{
}

int amphi_ukplat_lcpu_irqs_disabled(void)
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

/* What unit_clock_advance added to the host's monotonic clock. */
static unsigned long long monotonic_offset;

unsigned long long amphi_ukplat_monotonic_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec + monotonic_offset;
}

void unit_clock_advance(unsigned long long ns)
{
	monotonic_offset += ns;
}

/* What the objects' clock_settime added to the host's wall clock. */
static unsigned long long wall_offset;

unsigned long long amphi_ukplat_wall_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec + wall_offset;
}

void amphi_ukplat_wall_clock_set(unsigned long long ns)
{
	wall_offset = 0;
	wall_offset = ns - amphi_ukplat_wall_clock();
}

void amphi_ukplat_terminate(int request, int status)
{
	size_t len;
	const char *txt = unit_console_text(&len);

	unit_terminate_calls++;
	fprintf(stderr, "guest terminated (request %d, status %d):\n%.*s\n",
		request, status, (int)len, txt);
	abort();
}

void amphi_ukplat_backtrace(const void *regs, unsigned int skip)
{
	fprintf(stderr, "(guest backtrace requested)\n");
}

/* No scheduler here: the guest libc keeps its boot-time errno. */
void *amphi_uk_thread_current(void)
{
	return NULL;
}

void amphi_ukplat_lcpu_spin_yield(void)
{
}

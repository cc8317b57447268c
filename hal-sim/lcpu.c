/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logical CPUs. CPU 0 is the process's main thread and the only CPU
 * until the scheduling work adds host threads for the others.
 * Interrupt masking is a per-thread flag, not a system call.
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <uk/plat/lcpu.h>
#include <uk/plat/time.h>

static __thread int irqs_off = 1;	/* the kernel enters with them off */

void ukplat_lcpu_disable_irq(void)
{
	irqs_off = 1;
}

void ukplat_lcpu_enable_irq(void)
{
	irqs_off = 0;
}

unsigned long ukplat_lcpu_save_irqf(void)
{
	unsigned long flags = (unsigned long)irqs_off;

	irqs_off = 1;
	return flags;
}

void ukplat_lcpu_restore_irqf(unsigned long flags)
{
	irqs_off = (int)flags;
}

int ukplat_lcpu_irqs_disabled(void)
{
	return irqs_off;
}

void ukplat_lcpu_halt_irq(void)
{
	irqs_off = 0;
	pause();
}

void ukplat_lcpu_halt_irq_until(__nsec until_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(until_ns / 1000000000ULL),
		.tv_nsec = (long)(until_ns % 1000000000ULL),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
		;
}

__lcpuid ukplat_lcpu_id(void)
{
	return 0;
}

__lcpuidx ukplat_lcpu_idx(void)
{
	return 0;
}

unsigned int ukplat_lcpu_count(void)
{
	return 1;
}

/* Only CPU 0 exists: any other index is invalid. */
static int check_indices(const __lcpuidx idx[], unsigned int count)
{
	unsigned int i;

	if (!idx)
		return 0;
	for (i = 0; i < count; i++)
		if (idx[i] >= ukplat_lcpu_count())
			return -EINVAL;
	return 0;
}

int ukplat_lcpu_start(const __lcpuidx lcpuidx[], unsigned int count,
		      void *sp[], ukplat_lcpu_entry_t entry[], void *arg)
{
	return check_indices(lcpuidx, count);
}

int ukplat_lcpu_run(const __lcpuidx lcpuidx[], unsigned int count,
		    ukplat_lcpu_entry_t fn, void *arg)
{
	int rc = check_indices(lcpuidx, count);

	/* The only CPU is the caller: none is idle to take the work. */
	return rc ? rc : -EBUSY;
}

int ukplat_lcpu_wait(const __lcpuidx lcpuidx[], unsigned int count,
		     __nsec timeout_ns)
{
	return check_indices(lcpuidx, count);
}

int ukplat_lcpu_send_ipi(const __lcpuidx lcpuidx[], unsigned int count,
			 unsigned int irq)
{
	int rc = check_indices(lcpuidx, count);

	return rc ? rc : -ENOTSUP;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* A ps-like listing of every thread, for crash reports and debugging. */
#include <stdio.h>
#include <uk/assert.h>
#include <uk/event.h>
#include <uk/print.h>
#include "sched_impl.h"

static const char *state_name(const struct uk_thread *t)
{
	if (t->sched && t->sched->current == t)
		return "running";
	switch (t->state) {
	case UK_THREAD_NEW:
		return "new";
	case UK_THREAD_RUNNABLE:
		return "ready";
	case UK_THREAD_BLOCKED:
		return t->wakeup_time ? "sleeping" : "blocked";
	case UK_THREAD_EXITED:
		return "exited";
	}
	return "?";
}

static void dump_one(struct uk_thread *t, void *arg)
{
	char cpu[8] = "-";

	if (t->sched)
		snprintf(cpu, sizeof(cpu), "%u", t->sched->cpu);
	uk_printk_raw("  %4lu %-*s %-8s %3s  %016lx-%016lx%s\n", t->id,
		      UK_THREAD_NAME_MAX - 1, t->name, state_name(t), cpu,
		      (unsigned long)t->stack,
		      (unsigned long)t->stack + t->stack_size,
		      t == uk_thread_current() ? "  <- this CPU" : "");
}

void uk_sched_dump(void)
{
	if (!uk_sched_nr_started)
		return;
	uk_printk_raw("Threads:\n    ID %-*s STATE    CPU  STACK\n",
		      UK_THREAD_NAME_MAX - 1, "NAME");
	thread_for_each_unlocked(dump_one, NULL);
}

static int crash_dump(void *regs)
{
	uk_sched_dump();
	return UK_EVENT_HANDLED_CONT;
}

UK_EVENT_HANDLER(UK_CRASH_EVENT_DUMP, crash_dump);

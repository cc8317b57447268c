/*
 * Guest side of the event unit test (compiled freestanding, linked with
 * core/event and prefixed amphi_). Handlers and init entries are spread
 * over two files so ordering across objects is tested too.
 */
#include <uk/event.h>
#include <uk/init.h>

char unit_trace[64];
int unit_trace_len;
int unit_fail_init;	/* make init "c" fail */

void unit_trace_add(char c)
{
	if (unit_trace_len < (int)sizeof(unit_trace) - 1)
		unit_trace[unit_trace_len++] = c;
	unit_trace[unit_trace_len] = '\0';
}

UK_EVENT(unit_order);
UK_EVENT(unit_empty);
UK_EVENT(unit_error);

static int h5(void *data)
{
	unit_trace_add('5');
	return UK_EVENT_NOT_HANDLED;
}

static int h0(void *data)
{
	unit_trace_add('0');
	return UK_EVENT_HANDLED_CONT;
}

static int h9(void *data)
{
	unit_trace_add('9');
	return *(int *)data == 9 ? UK_EVENT_HANDLED : UK_EVENT_NOT_HANDLED;
}

UK_EVENT_HANDLER_PRIO(unit_order, h9, UK_PRIO_LATEST);
UK_EVENT_HANDLER_PRIO(unit_order, h5, 5);
UK_EVENT_HANDLER_PRIO(unit_order, h0, UK_PRIO_EARLIEST);

static int herr(void *data)
{
	unit_trace_add('e');
	return -22;
}

static int hafter(void *data)
{
	unit_trace_add('x');
	return UK_EVENT_HANDLED;
}

UK_EVENT_HANDLER_PRIO(unit_error, herr, 1);
UK_EVENT_HANDLER_PRIO(unit_error, hafter, 2);

static int init_a(struct uk_init_ctx *ctx)
{
	unit_trace_add('a');
	return 0;
}

static void term_a(void)
{
	unit_trace_add('A');
}

static int init_c(struct uk_init_ctx *ctx)
{
	unit_trace_add('c');
	return unit_fail_init ? -12 : 0;
}

static void term_c(void)
{
	unit_trace_add('C');
}

uk_lib_initcall_prio(init_c, term_c, 7);
uk_early_initcall(init_a, term_a);

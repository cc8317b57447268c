/* More handlers and init entries, in a second object. */
#include <uk/event.h>
#include <uk/init.h>

void unit_trace_add(char c);

static int h3(void *data)
{
	unit_trace_add('3');
	return *(int *)data == 3 ? UK_EVENT_HANDLED : UK_EVENT_NOT_HANDLED;
}

UK_EVENT_HANDLER_PRIO(unit_order, h3, 3);

static int init_b(struct uk_init_ctx *ctx)
{
	unit_trace_add('b');
	return 0;
}

static void term_b(void)
{
	unit_trace_add('B');
}

static int init_d(struct uk_init_ctx *ctx)
{
	unit_trace_add('d');
	return 0;
}

static void term_e(void)
{
	unit_trace_add('E');
}

uk_lib_initcall_prio(init_b, term_b, 2);
uk_late_initcall(init_d, NULL);
/* A term with no init: skipped at boot, torn down in its place. */
uk_termcall_class_prio(term_e, UK_INIT_CLASS_LIB, 5);

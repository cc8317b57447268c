/* Events and init tables, as linked into a real kernel image. */
#include <uk/event.h>
#include <uk/init.h>
#include <uk/test.h>

static char trace[16];
static int trace_len;

static void trace_add(char c)
{
	if (trace_len < (int)sizeof(trace) - 1)
		trace[trace_len++] = c;
	trace[trace_len] = '\0';
}

UK_EVENT(ktest_order);

static int h_late(void *data)
{
	trace_add('c');
	return UK_EVENT_NOT_HANDLED;
}

static int h_early(void *data)
{
	trace_add('a');
	return UK_EVENT_HANDLED_CONT;
}

static int h_mid(void *data)
{
	trace_add('b');
	return *(int *)data ? UK_EVENT_HANDLED : UK_EVENT_NOT_HANDLED;
}

/* Registered out of order on purpose: priority decides, not position. */
UK_EVENT_HANDLER_PRIO(ktest_order, h_late, 7);
UK_EVENT_HANDLER_PRIO(ktest_order, h_early, UK_PRIO_EARLIEST);
UK_EVENT_HANDLER_PRIO(ktest_order, h_mid, 4);

UK_TESTCASE(event, priority_order)
{
	int stop = 0;

	trace_len = 0;
	UK_TEST_EXPECT_SNUM_EQ(uk_raise_event(ktest_order, &stop),
			       UK_EVENT_HANDLED);
	UK_TEST_EXPECT_STR_EQ(trace, "abc");
}

UK_TESTCASE(event, handled_stops_the_chain)
{
	int stop = 1;

	trace_len = 0;
	UK_TEST_EXPECT_SNUM_EQ(uk_raise_event(ktest_order, &stop),
			       UK_EVENT_HANDLED);
	UK_TEST_EXPECT_STR_EQ(trace, "ab");
}

UK_EVENT(ktest_empty);

UK_TESTCASE(event, no_handler)
{
	UK_TEST_EXPECT_SNUM_EQ(uk_raise_event(ktest_empty, NULL),
			       UK_EVENT_NOT_HANDLED);
}

/* Init functions of this image, recorded in the order they ran. */
static char init_trace[8];
static int init_len;

static int init_lib(struct uk_init_ctx *ctx)
{
	init_trace[init_len++] = 'L';
	return 0;
}

static int init_early(struct uk_init_ctx *ctx)
{
	init_trace[init_len++] = 'E';
	return 0;
}

static int init_late(struct uk_init_ctx *ctx)
{
	init_trace[init_len++] = 'Z';
	return 0;
}

uk_late_initcall(init_late, NULL);
uk_lib_initcall_prio(init_lib, NULL, 2);
uk_early_initcall(init_early, NULL);

UK_TESTCASE(init, ran_by_class_before_main)
{
	UK_TEST_EXPECT_STR_EQ(init_trace, "ELZ");
}

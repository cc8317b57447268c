/*
 * Host unit tests of core/event: handler priority order across objects,
 * HANDLED stops the chain, errors propagate, init tables run by class and
 * priority and terms run in reverse, a failing init unwinds.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

struct uk_event;
struct uk_init_ctx;

extern char amphi_unit_trace[];
extern int amphi_unit_trace_len;
extern int amphi_unit_fail_init;
extern const struct uk_event amphi___uk_event_unit_order;
extern const struct uk_event amphi___uk_event_unit_empty;
extern const struct uk_event amphi___uk_event_unit_error;
int amphi_uk_raise_event_ptr(const struct uk_event *e, void *data);
int amphi_uk_inittab_run(struct uk_init_ctx *ctx);
void amphi_uk_inittab_term(void);

#define NOT_HANDLED	0
#define HANDLED		1

static void reset(void)
{
	amphi_unit_trace_len = 0;
	amphi_unit_trace[0] = '\0';
	amphi_unit_fail_init = 0;
}

START_TEST(order_by_priority_across_objects)
{
	int data = 0;

	reset();
	ck_assert_int_eq(amphi_uk_raise_event_ptr(
		&amphi___uk_event_unit_order, &data), HANDLED);
	ck_assert_str_eq(amphi_unit_trace, "0359");
}
END_TEST

START_TEST(handled_stops_chain)
{
	int data = 3;

	reset();
	ck_assert_int_eq(amphi_uk_raise_event_ptr(
		&amphi___uk_event_unit_order, &data), HANDLED);
	ck_assert_str_eq(amphi_unit_trace, "03");
}
END_TEST

START_TEST(handled_by_last)
{
	int data = 9;

	reset();
	ck_assert_int_eq(amphi_uk_raise_event_ptr(
		&amphi___uk_event_unit_order, &data), HANDLED);
	ck_assert_str_eq(amphi_unit_trace, "0359");
}
END_TEST

START_TEST(empty_event)
{
	reset();
	ck_assert_int_eq(amphi_uk_raise_event_ptr(
		&amphi___uk_event_unit_empty, NULL), NOT_HANDLED);
	ck_assert_str_eq(amphi_unit_trace, "");
}
END_TEST

START_TEST(error_stops_and_returns)
{
	reset();
	ck_assert_int_eq(amphi_uk_raise_event_ptr(
		&amphi___uk_event_unit_error, NULL), -22);
	ck_assert_str_eq(amphi_unit_trace, "e");
}
END_TEST

START_TEST(inittab_order_and_reverse_terms)
{
	reset();
	ck_assert_int_eq(amphi_uk_inittab_run(NULL), 0);
	/* early a; lib b (prio 2) then c (prio 7); late d */
	ck_assert_str_eq(amphi_unit_trace, "abcd");
	amphi_uk_inittab_term();
	/* d has no term; e (lib prio 5) has only a term */
	ck_assert_str_eq(amphi_unit_trace, "abcdCEBA");
	/* terms run once */
	amphi_uk_inittab_term();
	ck_assert_str_eq(amphi_unit_trace, "abcdCEBA");
}
END_TEST

START_TEST(inittab_failure_unwinds)
{
	reset();
	amphi_unit_fail_init = 1;
	ck_assert_int_eq(amphi_uk_inittab_run(NULL), -12);
	/* c failed: only e, b and a are torn down, d never ran */
	ck_assert_str_eq(amphi_unit_trace, "abcEBA");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("event");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, order_by_priority_across_objects);
	tcase_add_test(tc, handled_stops_chain);
	tcase_add_test(tc, handled_by_last);
	tcase_add_test(tc, empty_event);
	tcase_add_test(tc, error_stops_and_returns);
	tcase_add_test(tc, inittab_order_and_reverse_terms);
	tcase_add_test(tc, inittab_failure_unwinds);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

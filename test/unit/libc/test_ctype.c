/* <ctype.h> against glibc's C locale, over EOF and 0..255. */
#include <ctype.h>
#include <stdio.h>

#include "amphi_libc.h"

START_TEST(test_classes)
{
	int c;

	for (c = EOF; c < 256; c++) {
#define CMP(fn)	ck_assert_msg(!amphi_##fn(c) == !fn(c), #fn "(%d)", c)
		CMP(isalnum);
		CMP(isalpha);
		CMP(isblank);
		CMP(iscntrl);
		CMP(isdigit);
		CMP(isgraph);
		CMP(islower);
		CMP(isprint);
		CMP(ispunct);
		CMP(isspace);
		CMP(isupper);
		CMP(isxdigit);
		CMP(isascii);
#undef CMP
		ck_assert_int_eq(amphi_tolower(c), tolower(c));
		ck_assert_int_eq(amphi_toupper(c), toupper(c));
		ck_assert_int_eq(amphi_toascii(c), toascii(c));
		libc_checks += 16;
	}
}
END_TEST

Suite *ctype_suite(void)
{
	Suite *s = suite_create("ctype");
	TCase *tc = tcase_create("ctype");

	tcase_add_test(tc, test_classes);
	suite_add_tcase(s, tc);
	return s;
}

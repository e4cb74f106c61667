/* check_i18n.c: the locale set-up: y and the reader's own yes (j in German). */
#include "config.h"
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include "i18n.h"

START_TEST(test_i18n_yes_in_english)
{
	ck_assert(hoist_i18n_is_yes("y\n"));
	ck_assert(hoist_i18n_is_yes("Yes"));
	ck_assert(!hoist_i18n_is_yes("n\n"));
	ck_assert(!hoist_i18n_is_yes(""));
	ck_assert(!hoist_i18n_is_yes(NULL));
}
END_TEST

START_TEST(test_i18n_yes_in_german)
{
	if (!setlocale(LC_ALL, "de_DE.UTF-8"))
		return; /* no German locale on this machine: nothing to say */
	ck_assert(hoist_i18n_is_yes("j\n"));
	ck_assert(hoist_i18n_is_yes("ja"));
	ck_assert(hoist_i18n_is_yes("y"));
	ck_assert(!hoist_i18n_is_yes("n"));
	setlocale(LC_ALL, "C");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("i18n");
	TCase *core = tcase_create("core");
	SRunner *sr;
	int failed;
	tcase_add_test(core, test_i18n_yes_in_english);
	tcase_add_test(core, test_i18n_yes_in_german);
	suite_add_tcase(s, core);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

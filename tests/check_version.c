/* check_version.c: parsing, ordering and kinds of versions (DESIGN §2). */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdlib.h>
#include <string.h>
#include "version.h"

static int cmp(const char *a, const char *b)
{
	struct hoist_version x = tests_version(a), y = tests_version(b);
	return hoist_version_cmp(&x, &y);
}

START_TEST(test_version_parse_fields)
{
	struct hoist_version v = tests_version("2024.2.13");
	ck_assert_uint_eq(v.major, 2024);
	ck_assert_uint_eq(v.minor, 2);
	ck_assert_uint_eq(v.patch, 13);
	ck_assert_str_eq(v.pre, "");
	ck_assert_str_eq(v.text, "2024.2.13");
	v = tests_version("2020.5.0-rc.4");
	ck_assert_str_eq(v.pre, "rc.4");
	ck_assert(hoist_version_is_prerelease(&v));
}
END_TEST

START_TEST(test_version_order_numeric)
{
	ck_assert_int_lt(cmp("2019.13.7", "2020.1.0"), 0);
	ck_assert_int_lt(cmp("3.17.1", "2018.1.0"), 0);
	ck_assert_int_lt(cmp("2020.4.9", "2020.4.10"), 0);
	ck_assert_int_eq(cmp("2024.1.1", "2024.1.1"), 0);
	ck_assert_int_gt(cmp("2024.10.0", "2024.9.99"), 0);
}
END_TEST

START_TEST(test_version_prerelease_before_release)
{
	ck_assert_int_lt(cmp("2020.5.0-rc.4", "2020.5.0"), 0);
	ck_assert_int_lt(cmp("2020.5.0-rc.4", "2020.5.0-rc.10"), 0);
	ck_assert_int_lt(cmp("2020.5.0-alpha", "2020.5.0-beta"), 0);
	ck_assert_int_lt(cmp("2020.5.0-1", "2020.5.0-alpha"), 0);
	ck_assert_int_lt(cmp("2020.5.0-rc", "2020.5.0-rc.1"), 0);
	ck_assert_int_gt(cmp("2020.5.0-rc.1", "2020.4.9"), 0);
}
END_TEST

START_TEST(test_version_kind)
{
	struct hoist_version a = tests_version("2020.3.4"), b = tests_version("2020.3.6"), c = tests_version("2020.4.2"),
			     d = tests_version("2021.1.0");
	ck_assert_int_eq(hoist_version_kind(&a, &b), HOIST_KIND_PATCH);
	ck_assert_int_eq(hoist_version_kind(&a, &c), HOIST_KIND_MINOR);
	ck_assert_int_eq(hoist_version_kind(&a, &d), HOIST_KIND_MAJOR);
	ck_assert_int_eq(hoist_version_kind(&a, &a), HOIST_KIND_NONE);
	ck_assert_int_eq(hoist_version_kind(&c, &a), HOIST_KIND_DOWNGRADE);
	ck_assert_str_eq(hoist_kind_name(HOIST_KIND_MINOR), "minor");
}
END_TEST

START_TEST(test_version_pattern)
{
	struct hoist_version_pattern p;
	struct hoist_version v = tests_version("2024.1.7");
	ck_assert_int_eq(hoist_version_pattern_parse("2024.1.x", &p, NULL), HOIST_OK);
	ck_assert(hoist_version_pattern_match(&p, &v));
	v = tests_version("2024.2.0");
	ck_assert(!hoist_version_pattern_match(&p, &v));
	ck_assert_int_eq(hoist_version_pattern_parse("2024.x", &p, NULL), HOIST_OK);
	ck_assert(hoist_version_pattern_match(&p, &v));
	ck_assert_int_eq(hoist_version_pattern_parse("2024.2.0", &p, NULL), HOIST_OK);
	ck_assert(hoist_version_pattern_match(&p, &v));
}
END_TEST

START_TEST(test_version_garbage_rejected)
{
	static const char *bad[] = { "", "2024", "2024.1", "2024.1.x", "v2024.1.1", "2024.01.1",
				     "2024.1.1.1", "2024.1.1-", "2024.1.1-rc..1", "2024.1.1+build",
				     "-1.2.3", "2024.1.1 ", " 2024.1.1", "1234567890.1.1",
				     "2024.1.1-rc_1", "2024..1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct hoist_version v;
		struct hoist_error err;
		hoist_error_init(&err);
		ck_assert_msg(hoist_version_parse(bad[i], &v, &err) == HOIST_VERSION,
			      "accepted \"%s\"", bad[i]);
		ck_assert_int_eq(err.status, HOIST_VERSION);
		if (bad[i][0])
			ck_assert_msg(strstr(hoist_error_message(&err), bad[i]) != NULL,
				      "message does not name \"%s\": %s", bad[i],
				      hoist_error_message(&err));
		hoist_error_done(&err);
	}
}
END_TEST

START_TEST(test_version_too_long_rejected)
{
	char s[200];
	struct hoist_version v;
	memset(s, '1', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	s[1] = '.';
	s[3] = '.';
	ck_assert_int_eq(hoist_version_parse(s, &v, NULL), HOIST_VERSION);
	ck_assert_int_eq(hoist_version_pattern_parse("x.1.1", NULL, NULL), HOIST_VERSION);
	ck_assert_int_eq(hoist_version_pattern_parse("2024.y", NULL, NULL), HOIST_VERSION);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("version");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_version_parse_fields);
	tcase_add_test(core, test_version_order_numeric);
	tcase_add_test(core, test_version_prerelease_before_release);
	tcase_add_test(core, test_version_kind);
	tcase_add_test(core, test_version_pattern);
	tcase_add_test(errors, test_version_garbage_rejected);
	tcase_add_test(errors, test_version_too_long_rejected);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

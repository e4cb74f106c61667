/*
 * check_status.c: the exit codes of hoist come from one table in the engine, and
 * man/hoist.1's EXIT STATUS section documents exactly that table.
 */
#include "config.h"
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_main.h"
#include "status.h"

#define MAN TEST_SRCDIR "/../man/hoist.1"

/* The codes listed in EXIT STATUS (".TP" then ".B N"), in order; returns how many. */
static size_t man_codes(int *codes, size_t max)
{
	FILE *f = fopen(MAN, "r");
	char line[512];
	bool in = false, after_tp = false;
	size_t n = 0;
	ck_assert_msg(f != NULL, "cannot open %s", MAN);
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, ".SH", 3)) {
			in = strstr(line, "EXIT STATUS") != NULL;
			continue;
		}
		if (!in)
			continue;
		if (!strncmp(line, ".TP", 3)) {
			after_tp = true;
			continue;
		}
		if (after_tp && !strncmp(line, ".B ", 3) && n < max)
			codes[n++] = atoi(line + 3);
		after_tp = false;
	}
	fclose(f);
	return n;
}

START_TEST(test_status_man_page_lists_the_table)
{
	int codes[32];
	size_t n_man = man_codes(codes, 32), n;
	const struct hoist_exit_info *t = hoist_exit_codes(&n);
	ck_assert_uint_eq(n_man, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(codes[i] == t[i].code, "man page lists %d where the table has %d (%s)",
			      codes[i], t[i].code, t[i].name);
}
END_TEST

START_TEST(test_status_every_status_has_a_documented_code)
{
	size_t n;
	const struct hoist_exit_info *t = hoist_exit_codes(&n);
	for (int st = 0; st < HOIST_STATUS_COUNT; st++) {
		int code = hoist_status_exit_code((enum hoist_status)st);
		bool found = false;
		for (size_t i = 0; i < n; i++)
			found = found || t[i].code == code;
		ck_assert_msg(found, "%s exits %d, which the table lacks",
			      hoist_status_name((enum hoist_status)st), code);
	}
	/* What the man page says in words, for the statuses it names. */
	ck_assert_int_eq(hoist_status_exit_code(HOIST_OK), 0);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_CONFIG), 2);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_VERSION), 2);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_NETWORK), 3);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_AUTH), 3);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_HTTP), 1); /* during a run */
	ck_assert_int_eq(hoist_status_exit_code(HOIST_FEED), 3);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_FAILED_PNR), 4);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_LOCKED), 5);
	ck_assert_int_eq(HOIST_EXIT_UPDATE, 10);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("status");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_status_man_page_lists_the_table);
	tcase_add_test(errors, test_status_every_status_has_a_documented_code);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

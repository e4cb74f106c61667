/*
 * check_error.c: the exit codes of hoist come from one table in the engine, and
 * man/hoist.1's EXIT STATUS section documents exactly that table; an error keeps what it
 * says, so that a reader says it again in its own language.
 */
#include "config.h"
#include <check.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_main.h"
#include "i18n.h"
#include "error.h"

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

/* German from the build tree's catalogue; false without a de_DE.UTF-8 locale. */
static bool german(void)
{
	unsetenv("LANGUAGE");
	if (!setlocale(LC_ALL, "de_DE.UTF-8"))
		return false;
	bindtextdomain(PACKAGE, TEST_BUILDDIR "/po/locale");
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	return true;
}

START_TEST(test_error_keeps_what_it_says)
{
	struct hoist_error e;
	char *said;
	setlocale(LC_ALL, "C");
	hoist_error_init(&e);
	hoist_error_say(&e, HOIST_NOTFOUND, N_("%s: %s was not found (HTTP 404)"), "GET",
			"https://octo/api");
	hoist_error_prefix_say(&e, N_("on node %s"), "octo1");
	hoist_error_prefix(&e, "%s", "plain words");
	ck_assert_int_eq(e.status, HOIST_NOTFOUND);
	ck_assert_str_eq(hoist_error_message(&e), "plain words: on node octo1: GET: "
			 "https://octo/api was not found (HTTP 404)");
	ck_assert_uint_eq(e.n_parts, 3);
	ck_assert_ptr_null(e.parts[0].msgid);
	ck_assert_str_eq(e.parts[0].text, "plain words");
	ck_assert_str_eq(e.parts[1].msgid, "on node %s");
	ck_assert_uint_eq(e.parts[1].n_args, 1);
	ck_assert_str_eq(e.parts[1].args[0], "octo1");
	ck_assert_str_eq(e.parts[2].msgid, "%s: %s was not found (HTTP 404)");
	ck_assert_uint_eq(e.parts[2].n_args, 2);
	/* In the writer's own language, the rendering is the message. */
	said = hoist_error_render(&e);
	ck_assert_str_eq(said, hoist_error_message(&e));
	free(said);
	if (german()) {
		/* Read in German: each kept part in German, the plain one as it was written. */
		said = hoist_error_render(&e);
		ck_assert_str_eq(said, "plain words: auf Knoten octo1: GET: https://octo/api "
			         "wurde nicht gefunden (HTTP 404)");
		free(said);
		/* The writer's message does not change with the reader. */
		ck_assert_str_eq(hoist_error_message(&e), "plain words: on node octo1: GET: "
				 "https://octo/api was not found (HTTP 404)");
		setlocale(LC_ALL, "C");
	}
	hoist_error_done(&e);
	ck_assert_ptr_null(e.message);
	ck_assert_ptr_null(e.parts);
	ck_assert_uint_eq(e.n_parts, 0);
}
END_TEST

START_TEST(test_error_cleared_and_set_again)
{
	struct hoist_error e, f;
	char *said;
	setlocale(LC_ALL, "C");
	hoist_error_init(&e);
	hoist_error_init(&f);
	/* A prefix before any message: the status's meaning is the cause, itself kept. */
	e.status = HOIST_TIMEOUT;
	hoist_error_prefix_say(&e, N_("downloading %s"), "pkg.msi");
	ck_assert_str_eq(hoist_error_message(&e), "downloading pkg.msi: timed out");
	ck_assert_uint_eq(e.n_parts, 2);
	ck_assert_str_eq(e.parts[1].msgid, "timed out");
	/* Set twice: the second replaces the first, parts and all. */
	hoist_error_say(&e, HOIST_CONFIG, N_("no URL given"));
	hoist_error_set(&e, HOIST_CONFIG, "%s", "said once");
	ck_assert_str_eq(hoist_error_message(&e), "said once");
	ck_assert_uint_eq(e.n_parts, 1);
	ck_assert_ptr_null(e.parts[0].msgid);
	hoist_error_say(&e, HOIST_CONFIG, N_("\"%s\" is not a valid URL"), "x:y");
	hoist_error_copy(&f, &e);
	hoist_error_clear(&e);
	ck_assert_ptr_null(e.message);
	ck_assert_uint_eq(e.n_parts, 0);
	ck_assert_str_eq(hoist_error_message(&e), "success");
	said = hoist_error_render(&e);
	ck_assert_str_eq(said, "success");
	free(said);
	/* A copy, then a move: the moved-from error is as new. */
	hoist_error_say(&e, HOIST_IO, N_("no URL given"));
	hoist_error_move(&e, &f);
	ck_assert_ptr_null(f.message);
	ck_assert_uint_eq(f.n_parts, 0);
	ck_assert_int_eq(e.status, HOIST_CONFIG);
	ck_assert_str_eq(hoist_error_message(&e), "\"x:y\" is not a valid URL");
	if (german()) {
		said = hoist_error_render(&e);
		ck_assert_str_eq(said, "„x:y“ ist keine gültige URL");
		free(said);
		setlocale(LC_ALL, "C");
	}
	hoist_error_prefix_say(NULL, N_("on node %s"), "octo1");
	ck_assert_int_eq(hoist_error_say(NULL, HOIST_IO, N_("no URL given")), HOIST_IO);
	hoist_error_done(&e);
	hoist_error_done(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("status");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_status_man_page_lists_the_table);
	tcase_add_test(errors, test_status_every_status_has_a_documented_code);
	tcase_add_test(errors, test_error_keeps_what_it_says);
	tcase_add_test(errors, test_error_cleared_and_set_again);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

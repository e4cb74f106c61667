/* check_policy.c: seed 000's upgrade rules (DESIGN §2), its own examples first. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdlib.h>
#include <string.h>
#include "policy.h"

#define FIX TEST_SRCDIR "/fixtures/"
#define SAMPLE TEST_SRCDIR "/../data/sample-feed.json"

static struct hoist_feed *feed;
static struct hoist_policy pol;
static struct hoist_selection sel;

static void setup(void)
{
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_msg(hoist_feed_load(FIX "policy-seed.json", NULL, &feed, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	hoist_policy_init(&pol);
	memset(&sel, 0, sizeof sel);
}

static void teardown(void)
{
	hoist_selection_done(&sel);
	hoist_policy_done(&pol);
	hoist_feed_free(feed);
	feed = NULL;
}

static void evaluate(const char *current)
{
	struct hoist_version cur = tests_version(current);
	struct hoist_error err;
	hoist_selection_done(&sel);
	hoist_error_init(&err);
	ck_assert_msg(hoist_policy_evaluate(&pol, feed, &cur, &sel, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	hoist_error_done(&err);
}

static const struct hoist_verdict *verdict(const char *version)
{
	for (size_t i = 0; i < sel.n; i++)
		if (!strcmp(sel.verdicts[i].release->version.text, version))
			return &sel.verdicts[i];
	ck_abort_msg("no verdict for %s", version);
	return NULL;
}

/* Asserts a release's verdict: eligible, or held with that code and reason. */
static void expect(const char *version, enum hoist_hold hold, const char *reason)
{
	const struct hoist_verdict *v = verdict(version);
	ck_assert_msg(v->hold == hold, "%s: hold %s, expected %s (%s)", version,
		      hoist_hold_name(v->hold), hoist_hold_name(hold), v->reason);
	ck_assert_int_eq(v->eligible, hold == HOIST_HOLD_NONE);
	ck_assert_msg(!strcmp(v->reason, reason), "%s: reason \"%s\", expected \"%s\"", version,
		      v->reason, reason);
}

static const char *recommended(void)
{
	return sel.recommended ? sel.recommended->version.text : "(none)";
}

START_TEST(test_policy_defaults)
{
	ck_assert_int_eq(pol.allow, HOIST_ALLOW_MINOR);
	ck_assert_int_eq(pol.minor_after, -1);
	ck_assert_int_eq(pol.major_after, -1);
	ck_assert(!pol.has_pin);
	ck_assert(!pol.prerelease);
	ck_assert_uint_eq(pol.n_exclude, 0);
	evaluate("2020.3.4");
	ck_assert_str_eq(recommended(), "2020.4.3");
	expect("2020.4.0", HOIST_HOLD_NONE, "");
	expect("2020.5.0-rc.1", HOIST_HOLD_PRERELEASE, "prerelease");
	expect("2021.1.0", HOIST_HOLD_KIND, "major upgrades off");
}
END_TEST

/* Seed 000: "currently on 2020.3.4, wait until 2020.4.2 or higher". */
START_TEST(test_policy_seed_minor_after)
{
	ck_assert_int_eq(hoist_policy_set_after(&pol.minor_after, "2", NULL), HOIST_OK);
	evaluate("2020.3.4");
	ck_assert_uint_eq(sel.n, 7);
	ck_assert_str_eq(sel.verdicts[0].release->version.text, "2020.3.6");
	expect("2020.3.6", HOIST_HOLD_NONE, ""); /* a patch of the current line */
	expect("2020.4.0", HOIST_HOLD_WAITING, "waiting for 2020.4.2");
	expect("2020.4.1", HOIST_HOLD_WAITING, "waiting for 2020.4.2");
	expect("2020.4.2", HOIST_HOLD_NONE, "");
	expect("2020.4.3", HOIST_HOLD_NONE, "");
	ck_assert_str_eq(recommended(), "2020.4.3");
	ck_assert_int_eq(verdict("2020.4.2")->kind, HOIST_KIND_MINOR);
	ck_assert_int_eq(verdict("2020.3.6")->kind, HOIST_KIND_PATCH);
}
END_TEST

/* The same rule before 2020.4.2 is out: the line has not reached .2 yet. */
START_TEST(test_policy_minor_after_line_not_reached)
{
	const char *text = "[{\"Version\":\"2020.3.4\"},{\"Version\":\"2020.3.5\"},"
			   "{\"Version\":\"2020.4.0\"},{\"Version\":\"2020.4.1\"}]";
	hoist_feed_free(feed);
	ck_assert_int_eq(hoist_feed_parse(text, strlen(text), "t", NULL, &feed, NULL), HOIST_OK);
	pol.minor_after = 2;
	evaluate("2020.3.4");
	expect("2020.3.5", HOIST_HOLD_NONE, "");
	expect("2020.4.0", HOIST_HOLD_WAITING, "waiting for 2020.4.2");
	expect("2020.4.1", HOIST_HOLD_WAITING, "waiting for 2020.4.2");
	ck_assert_str_eq(recommended(), "2020.3.5");
}
END_TEST

/* Seed 000: "currently on 2019.13.7, wait until 2020.3.1 is released". */
START_TEST(test_policy_seed_major_after)
{
	ck_assert_int_eq(hoist_policy_set_allow(&pol, "major", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_policy_set_after(&pol.major_after, "3", NULL), HOIST_OK);
	evaluate("2019.13.7");
	expect("2019.13.8", HOIST_HOLD_NONE, "");
	expect("2020.1.0", HOIST_HOLD_WAITING, "waiting for 2020.3.1");
	expect("2020.1.1", HOIST_HOLD_WAITING, "waiting for 2020.3.1");
	expect("2020.2.0", HOIST_HOLD_WAITING, "waiting for 2020.3.1");
	expect("2020.2.3", HOIST_HOLD_WAITING, "waiting for 2020.3.1");
	expect("2020.3.1", HOIST_HOLD_NONE, "");
	expect("2020.4.3", HOIST_HOLD_NONE, "");
	/* 2021 has not reached minor 3: the first that could qualify is named. */
	expect("2021.1.0", HOIST_HOLD_WAITING, "waiting for 2021.3.0");
	ck_assert_int_eq(verdict("2020.3.1")->kind, HOIST_KIND_MAJOR);
	ck_assert_str_eq(recommended(), "2020.4.3");
}
END_TEST

/* Both rules at once: a new major's line must also have reached patch N. */
START_TEST(test_policy_major_and_minor_after)
{
	pol.allow = HOIST_ALLOW_MAJOR;
	pol.major_after = 3;
	pol.minor_after = 2;
	evaluate("2019.13.7");
	expect("2020.2.3", HOIST_HOLD_WAITING, "waiting for 2020.3.4");
	expect("2020.3.1", HOIST_HOLD_WAITING, "waiting for 2020.3.4");
	expect("2020.3.4", HOIST_HOLD_NONE, "");
	expect("2020.4.1", HOIST_HOLD_WAITING, "waiting for 2020.4.2");
	expect("2021.1.0", HOIST_HOLD_WAITING, "waiting for 2021.3.2");
	ck_assert_str_eq(recommended(), "2020.4.3");
}
END_TEST

START_TEST(test_policy_allow_kinds)
{
	ck_assert_int_eq(hoist_policy_set_allow(&pol, "patch", NULL), HOIST_OK);
	evaluate("2020.3.4");
	expect("2020.3.6", HOIST_HOLD_NONE, "");
	expect("2020.4.0", HOIST_HOLD_KIND, "minor upgrades off");
	expect("2021.1.0", HOIST_HOLD_KIND, "major upgrades off");
	ck_assert_str_eq(recommended(), "2020.3.6");
	ck_assert_int_eq(hoist_policy_set_allow(&pol, " Major ", NULL), HOIST_OK);
	evaluate("2020.3.4");
	expect("2021.1.0", HOIST_HOLD_NONE, "");
	ck_assert_int_eq(verdict("2021.1.0")->kind, HOIST_KIND_MAJOR);
	ck_assert_str_eq(recommended(), "2021.1.0");
}
END_TEST

/* The seed's script indexes empty lists; here no newer release is simply none. */
START_TEST(test_policy_nothing_newer)
{
	pol.allow = HOIST_ALLOW_MAJOR;
	evaluate("2021.1.0");
	ck_assert_uint_eq(sel.n, 0);
	ck_assert_ptr_null(sel.recommended);
	evaluate("2030.1.0"); /* newer than the whole feed */
	ck_assert_uint_eq(sel.n, 0);
	ck_assert_ptr_null(sel.recommended);
	pol.allow = HOIST_ALLOW_PATCH;
	evaluate("2020.3.6"); /* newer ones exist, none eligible */
	ck_assert_uint_gt(sel.n, 0);
	ck_assert_ptr_null(sel.recommended);
}
END_TEST

/* The seed's last `if` exits exactly when an update was found; here it is reported. */
START_TEST(test_policy_update_found_is_reported)
{
	evaluate("2019.13.7");
	ck_assert_ptr_nonnull(sel.recommended);
	ck_assert_str_eq(recommended(), "2019.13.8");
	ck_assert_str_eq(sel.current.text, "2019.13.7");
	/* The current version need not be in the feed. */
	evaluate("2020.3.5");
	ck_assert_str_eq(sel.verdicts[0].release->version.text, "2020.3.6");
}
END_TEST

START_TEST(test_policy_pin)
{
	ck_assert_int_eq(hoist_policy_set_pin(&pol, "2020.3.x", NULL), HOIST_OK);
	evaluate("2020.3.4");
	expect("2020.3.6", HOIST_HOLD_NONE, "");
	expect("2020.4.2", HOIST_HOLD_PIN, "outside the pin 2020.3.x");
	ck_assert_str_eq(recommended(), "2020.3.6");

	ck_assert_int_eq(hoist_policy_set_pin(&pol, "2020.4.1", NULL), HOIST_OK);
	evaluate("2020.3.4");
	expect("2020.4.1", HOIST_HOLD_NONE, "");
	expect("2020.4.3", HOIST_HOLD_PIN, "outside the pin 2020.4.1");
	ck_assert_str_eq(recommended(), "2020.4.1");

	pol.allow = HOIST_ALLOW_MAJOR;
	ck_assert_int_eq(hoist_policy_set_pin(&pol, "2020.x", NULL), HOIST_OK);
	evaluate("2019.13.7");
	expect("2021.1.0", HOIST_HOLD_PIN, "outside the pin 2020.x");
	ck_assert_str_eq(recommended(), "2020.4.3");

	ck_assert_int_eq(hoist_policy_set_pin(&pol, "", NULL), HOIST_OK);
	ck_assert(!pol.has_pin);
}
END_TEST

START_TEST(test_policy_exclude)
{
	ck_assert_int_eq(hoist_policy_add_exclude(&pol, "2020.4.3, 2020.4.2", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_policy_add_exclude(&pol, "2020.3.6", NULL), HOIST_OK);
	ck_assert_uint_eq(pol.n_exclude, 3);
	evaluate("2020.3.4");
	expect("2020.4.3", HOIST_HOLD_EXCLUDED, "excluded by the policy");
	expect("2020.3.6", HOIST_HOLD_EXCLUDED, "excluded by the policy");
	ck_assert_str_eq(recommended(), "2020.4.1");
	/* A known-bad release is not what one waits for. */
	pol.minor_after = 2;
	hoist_policy_done(&pol);
	ck_assert_int_eq(hoist_policy_add_exclude(&pol, "2020.4.2", NULL), HOIST_OK);
	evaluate("2020.3.4");
	expect("2020.4.1", HOIST_HOLD_WAITING, "waiting for 2020.4.3");
	ck_assert_str_eq(recommended(), "2020.4.3");
}
END_TEST

START_TEST(test_policy_prerelease)
{
	evaluate("2020.4.3");
	expect("2020.5.0-rc.1", HOIST_HOLD_PRERELEASE, "prerelease");
	ck_assert_ptr_null(sel.recommended);
	pol.prerelease = true;
	evaluate("2020.4.3");
	expect("2020.5.0-rc.1", HOIST_HOLD_NONE, "");
	ck_assert_str_eq(recommended(), "2020.5.0-rc.1");
	/* Pinning one prerelease exactly asks for it. */
	pol.prerelease = false;
	ck_assert_int_eq(hoist_policy_set_pin(&pol, "2020.5.0-rc.1", NULL), HOIST_OK);
	evaluate("2020.4.3");
	ck_assert_str_eq(recommended(), "2020.5.0-rc.1");
}
END_TEST

START_TEST(test_policy_required_stop_stays_eligible)
{
	struct hoist_error err;
	hoist_feed_free(feed);
	hoist_error_init(&err);
	ck_assert_msg(hoist_feed_load(SAMPLE, NULL, &feed, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	evaluate("2024.1.2");
	ck_assert_str_eq(recommended(), "2024.3.2");
	expect("2024.3.0-rc.1", HOIST_HOLD_PRERELEASE, "prerelease");
	expect("2024.3.2", HOIST_HOLD_NONE, "");
	ck_assert(verdict("2024.3.2")->needs_stop);
	ck_assert(!verdict("2024.2.1")->needs_stop);
	ck_assert(!verdict("2024.1.3")->needs_stop);
	for (size_t i = 0; i < sel.n; i++)
		ck_assert_int_ne(sel.verdicts[i].hold, HOIST_HOLD_STOP);
}
END_TEST

START_TEST(test_policy_hold_names)
{
	ck_assert_str_eq(hoist_hold_name(HOIST_HOLD_NONE), "none");
	ck_assert_str_eq(hoist_hold_name(HOIST_HOLD_KIND), "kind");
	ck_assert_str_eq(hoist_hold_name(HOIST_HOLD_WAITING), "waiting");
	ck_assert_str_eq(hoist_hold_name(HOIST_HOLD_PIN), "pin");
	ck_assert_str_eq(hoist_hold_name(HOIST_HOLD_EXCLUDED), "excluded");
	ck_assert_str_eq(hoist_hold_name(HOIST_HOLD_PRERELEASE), "prerelease");
	ck_assert_str_eq(hoist_hold_name(HOIST_HOLD_STOP), "stop");
}
END_TEST

/* ---- errors ---- */

START_TEST(test_policy_bad_allow)
{
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_policy_set_allow(&pol, "majr", &err), HOIST_CONFIG);
	ck_assert_msg(strstr(err.message, "\"majr\" is not an upgrade kind") != NULL, "%s",
		      err.message);
	ck_assert_int_eq(pol.allow, HOIST_ALLOW_MINOR);
	ck_assert_int_eq(hoist_policy_set_allow(&pol, "", &err), HOIST_CONFIG);
	ck_assert_int_eq(hoist_policy_set_allow(&pol, NULL, NULL), HOIST_CONFIG);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_policy_bad_pin)
{
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_policy_set_pin(&pol, "2024.1.x", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_policy_set_pin(&pol, "2024.y", &err), HOIST_VERSION);
	ck_assert_msg(strstr(err.message, "pin: \"2024.y\"") != NULL, "%s", err.message);
	ck_assert(pol.has_pin);
	ck_assert_str_eq(pol.pin.text, "2024.1.x"); /* unchanged */
	ck_assert_int_eq(hoist_policy_set_pin(&pol, "x", &err), HOIST_VERSION);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_policy_bad_exclude)
{
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_policy_add_exclude(&pol, "2024.1.3", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_policy_add_exclude(&pol, "2024.1.4, 2024.1 ,2024.1.5", &err),
			 HOIST_VERSION);
	ck_assert_msg(strstr(err.message, "exclude: \"2024.1\" is not a version") != NULL, "%s",
		      err.message);
	ck_assert_uint_eq(pol.n_exclude, 1); /* all or nothing */
	ck_assert_int_eq(hoist_policy_add_exclude(&pol, " , ", NULL), HOIST_OK);
	ck_assert_uint_eq(pol.n_exclude, 1);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_policy_bad_after)
{
	static const char *const bad[] = { "two", "-3", "1.5", "2x", "999999999", "+2" };
	struct hoist_error err;
	int field = 5;
	hoist_error_init(&err);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(hoist_policy_set_after(&field, bad[i], &err), HOIST_CONFIG);
		ck_assert_msg(strstr(err.message, bad[i]) != NULL, "%s", err.message);
		ck_assert_int_eq(field, 5);
	}
	ck_assert_int_eq(hoist_policy_set_after(&field, " 0 ", NULL), HOIST_OK);
	ck_assert_int_eq(field, 0);
	ck_assert_int_eq(hoist_policy_set_after(&field, "off", NULL), HOIST_OK);
	ck_assert_int_eq(field, -1);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_policy_bad_arguments)
{
	struct hoist_version cur = tests_version("2020.3.4");
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_policy_evaluate(&pol, NULL, &cur, &sel, &err), HOIST_USAGE);
	pol.allow = (enum hoist_allow)7;
	ck_assert_int_eq(hoist_policy_evaluate(&pol, feed, &cur, &sel, &err), HOIST_CONFIG);
	ck_assert_uint_eq(sel.n, 0);
	hoist_policy_done(NULL);
	hoist_selection_done(NULL);
	hoist_error_done(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(core, test_policy_defaults);
	tcase_add_test(core, test_policy_seed_minor_after);
	tcase_add_test(core, test_policy_minor_after_line_not_reached);
	tcase_add_test(core, test_policy_seed_major_after);
	tcase_add_test(core, test_policy_major_and_minor_after);
	tcase_add_test(core, test_policy_allow_kinds);
	tcase_add_test(core, test_policy_nothing_newer);
	tcase_add_test(core, test_policy_update_found_is_reported);
	tcase_add_test(core, test_policy_pin);
	tcase_add_test(core, test_policy_exclude);
	tcase_add_test(core, test_policy_prerelease);
	tcase_add_test(core, test_policy_required_stop_stays_eligible);
	tcase_add_test(core, test_policy_hold_names);
	tcase_add_test(errors, test_policy_bad_allow);
	tcase_add_test(errors, test_policy_bad_pin);
	tcase_add_test(errors, test_policy_bad_exclude);
	tcase_add_test(errors, test_policy_bad_after);
	tcase_add_test(errors, test_policy_bad_arguments);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_NOFORK);
}

/*
 * check_json.c: text from outside made safe (UTF-8 repair, visible controls, secrets),
 * cJSON's one set-up for the process, and checked numbers from JSON.
 */
#include "config.h"
#include <check.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_main.h"
#include "feed.h"
#include "journal.h"
#include "json.h"
#include "lock.h"
#include "plan.h"
#include "policy.h"
#include "report_json.h"
#include "text.h"
#include "xalloc.h"

START_TEST(test_json_utf8_repair)
{
	char *s;
	const char *good = "plain \xc3\xa4 \xe2\x82\xac \xf0\x9f\x98\x80";
	ck_assert(hoist_utf8_valid(good, strlen(good)));
	ck_assert(!hoist_utf8_valid("\xff", 1));
	ck_assert(!hoist_utf8_valid("\xc0\xaf", 2));         /* overlong "/" */
	ck_assert(!hoist_utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
	ck_assert(!hoist_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	ck_assert(!hoist_utf8_valid("\xe2\x82", 2));         /* cut short */
	s = hoist_utf8_repair("a\xff" "b\xe2\x82", 5);
	ck_assert_str_eq(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
}
END_TEST

START_TEST(test_json_print_always_valid_utf8)
{
	cJSON *o = cJSON_CreateObject();
	char *text;
	cJSON_AddStringToObject(o, "text", "bad \xff\xfe end \x1b[2J");
	text = hoist_json_print(o, false);
	ck_assert(hoist_utf8_valid(text, strlen(text)));
	ck_assert_str_eq(text, "{\"text\":\"bad \xef\xbf\xbd\xef\xbf\xbd end \\u001b[2J\"}");
	free(text);
	cJSON_Delete(o);
}
END_TEST

/* What hoist_json_print gave before it shared jsonout.c's escaper: cJSON's text, repaired. */
static char *print_by_cjson(const cJSON *j, bool formatted)
{
	char *text = formatted ? cJSON_Print(j) : cJSON_PrintUnformatted(j), *fixed;
	size_t len = strlen(text);
	if (hoist_utf8_valid(text, len))
		return text;
	fixed = hoist_utf8_repair(text, len);
	free(text);
	return fixed;
}

static void same_as_cjson(const cJSON *j)
{
	for (int fmt = 0; fmt < 2; fmt++) {
		char *want = print_by_cjson(j, fmt), *got = hoist_json_print(j, fmt);
		ck_assert_str_eq(got, want);
		free(want);
		free(got);
	}
}

START_TEST(test_json_print_same_as_cjson)
{
	static const char *const files[] = {
		"fixtures/chain.json", "fixtures/feed-vendor.json", "fixtures/policy-seed.json",
		"fixtures/hostile-strings.json", "fixtures/hostile-huge-number.json",
		"fixtures/hostile-nulls.json", "fixtures/hostile-deep.json", "fixtures/plan-huge-numbers.json",
	};
	static const double numbers[] = { 0, -0.0, 1, -1, 0.1, 1e300, -1e-300, 2147483647.0,
					  2147483648.0, -2147483649.0, 9007199254740993.0,
					  1.0 / 3, 123456789.125 };
	cJSON *o = cJSON_CreateObject(), *a, *inner;
	hoist_json_init();
	cJSON_AddStringToObject(o, "text", "bad \xff\xfe end \x1b[2J \"q\" \\ \b\f\n\r\t\x01\x7f "
					   "caf\xc3\xa9 \xe2\x82 \xed\xa0\x80 \xf0\x9f\x98\x80 \xc0\xaf");
	cJSON_AddStringToObject(o, "k\xff\n", "");
	cJSON_AddNullToObject(o, "null");
	cJSON_AddTrueToObject(o, "yes");
	cJSON_AddFalseToObject(o, "no");
	cJSON_AddObjectToObject(o, "empty object");
	cJSON_AddArrayToObject(o, "empty array");
	a = cJSON_AddArrayToObject(o, "numbers");
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(numbers[i]));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(NAN));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(INFINITY));
	a = cJSON_AddArrayToObject(o, "nested");
	inner = cJSON_CreateObject();
	cJSON_AddItemToObject(inner, "deeper", cJSON_CreateObject());
	cJSON_AddItemToObject(cJSON_GetObjectItem(inner, "deeper"), "list",
			      cJSON_CreateStringArray((const char *[]){ "a", "b\xff" }, 2));
	cJSON_AddItemToArray(a, inner);
	cJSON_AddItemToArray(a, cJSON_CreateArray());
	cJSON_AddItemToArray(a, cJSON_CreateString("x"));
	same_as_cjson(o);
	same_as_cjson(cJSON_GetObjectItem(o, "numbers"));
	same_as_cjson(cJSON_GetObjectItem(o, "text"));
	cJSON_Delete(o);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[512], *text;
		FILE *f;
		long n;
		snprintf(path, sizeof path, "%s/%s", TEST_SRCDIR, files[i]);
		f = fopen(path, "rb");
		ck_assert_msg(f != NULL, "%s", path);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		text = hoist_xmalloc((size_t)n + 1);
		ck_assert_int_eq(fread(text, 1, (size_t)n, f), (size_t)n);
		text[n] = '\0';
		fclose(f);
		o = cJSON_Parse(text);
		if (o)
			same_as_cjson(o);
		cJSON_Delete(o);
		free(text);
	}
}
END_TEST

START_TEST(test_json_visible_controls)
{
	char *s = hoist_text_visible("t\x1b]0;x\x07 \x1b[2J\r\x7f\tok\n\xff \xc2\x9b \xe2\x80\xae", 0);
	ck_assert_str_eq(s, "t^[]0;x^G ^[[2J^M^?\tok^J\\xff <U+009B> <U+202E>");
	free(s);
	s = hoist_text_visible("two\nlines \xc3\xa4", HOIST_TEXT_NEWLINES);
	ck_assert_str_eq(s, "two\nlines \xc3\xa4");
	free(s);
}
END_TEST

START_TEST(test_json_secret_scrubbed)
{
	char *s;
	hoist_secret_add("short"); /* too short to be a key: words stay */
	hoist_secret_add("API-SCRUBME12345");
	s = hoist_secret_scrub("key API-SCRUBME12345 and API-SCRUBME12345, short");
	ck_assert_str_eq(s, "key [API key] and [API key], short");
	free(s);
}
END_TEST

START_TEST(test_json_skip_prefix)
{
	const char *rest = "unchanged";
	ck_assert(hoist_skip_prefix("ssh://host", "ssh://", &rest));
	ck_assert_str_eq(rest, "host");
	ck_assert(hoist_skip_prefix("ssh://", "ssh://", &rest));
	ck_assert_str_eq(rest, "");
	rest = "unchanged";
	ck_assert(!hoist_skip_prefix("ssh:/", "ssh://", &rest));
	ck_assert_str_eq(rest, "unchanged");
	ck_assert(!hoist_skip_prefix("", "x", NULL));
	ck_assert(hoist_skip_prefix("anything", "", NULL));
}
END_TEST

START_TEST(test_json_checked_numbers)
{
	long long n = 7;
	ck_assert(!hoist_double_to_int(1e300, LLONG_MIN, LLONG_MAX, &n));
	ck_assert(!hoist_double_to_int(-1e300, LLONG_MIN, LLONG_MAX, &n));
	ck_assert(!hoist_double_to_int(9223372036854775807.0, LLONG_MIN, LLONG_MAX, &n));
	ck_assert(!hoist_double_to_int(0.0 / 0.0, LLONG_MIN, LLONG_MAX, &n));
	ck_assert(!hoist_double_to_int(3e9, INT_MIN, INT_MAX, &n));
	ck_assert_int_eq(n, 7);
	ck_assert(hoist_double_to_int(-12.9, LLONG_MIN, LLONG_MAX, &n));
	ck_assert_int_eq(n, -12);
}
END_TEST

START_TEST(test_json_huge_numbers_in_files)
{
	/* Each of these was a cast of 1e300 to an integer: undefined behaviour. */
	struct hoist_event ev;
	struct hoist_plan *p = NULL;
	const char *line = "{\"seq\":1e300,\"event\":\"log\",\"t\":1e300}";
	const char *line2 = "{\"seq\":3,\"event\":\"log\",\"t\":-1e300,\"exit_code\":1e300,"
			    "\"bytes\":1e300}";
	ck_assert_int_eq(hoist_event_parse(line, strlen(line), &ev, NULL), HOIST_PARSE);
	ck_assert_int_eq(hoist_event_parse(line2, strlen(line2), &ev, NULL), HOIST_OK);
	ck_assert_int_eq(ev.t_ms, 0);
	ck_assert_int_eq(ev.exit_code, -1);
	ck_assert_int_eq(ev.bytes, -1);
	hoist_event_done(&ev);
	{
		FILE *f = fopen(TEST_SRCDIR "/fixtures/plan-huge-numbers.json", "r");
		char buf[8192];
		size_t n;
		ck_assert_ptr_nonnull(f);
		n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		if (hoist_plan_from_json(buf, n, &p, NULL) == HOIST_OK) {
			ck_assert_int_eq(p->window_estimate_ms, -1);
			hoist_plan_free(p);
		}
	}
}
END_TEST

START_TEST(test_json_feed_after_report_does_not_leak)
{
	/* report_json.c re-installed cJSON's hooks on each render; a feed read after it then
	 * leaked every entry (22 KB for the sample feed). Memory must not grow per round. */
	struct hoist_selection sel;
	struct hoist_feed *feed;
	struct hoist_policy pol;
	struct hoist_version cur;
	FILE *f = fopen(TEST_SRCDIR "/../data/sample-feed.json", "r");
	static char text[1 << 16];
	size_t len;
	size_t before = 0, after;
	ck_assert_ptr_nonnull(f);
	len = fread(text, 1, sizeof text, f);
	fclose(f);
	hoist_policy_init(&pol);
	ck_assert_int_eq(hoist_version_parse("2023.4.0", &cur, NULL), HOIST_OK);
	for (int round = 0; round < 60; round++) {
		char *json;
		ck_assert_int_eq(hoist_feed_parse(text, len, "sample", NULL, &feed, NULL), HOIST_OK);
		ck_assert_int_eq(hoist_policy_evaluate(&pol, feed, &cur, &sel, NULL), HOIST_OK);
		json = hoist_report_selection_json(&sel);
		free(json);
		hoist_selection_done(&sel);
		hoist_feed_free(feed);
		if (round == 9)
			before = mallinfo2().uordblks;
	}
	after = mallinfo2().uordblks;
	ck_assert_msg(after < before + 64 * 1024, "grew by %zu bytes in 50 rounds",
		      after - before);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_json_utf8_repair);
	tcase_add_test(core, test_json_print_always_valid_utf8);
	tcase_add_test(core, test_json_print_same_as_cjson);
	tcase_add_test(core, test_json_visible_controls);
	tcase_add_test(core, test_json_secret_scrubbed);
	tcase_add_test(core, test_json_checked_numbers);
	tcase_add_test(core, test_json_skip_prefix);
	tcase_add_test(errors, test_json_huge_numbers_in_files);
	tcase_add_test(errors, test_json_feed_after_report_does_not_leak);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

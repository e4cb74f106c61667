/* check_notes.c: required stops (fewest, respecting upgrade_from) and the note diff. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "notes.h"

#define FIX TEST_SRCDIR "/fixtures/"
#define SAMPLE TEST_SRCDIR "/../data/sample-feed.json"

static struct hoist_feed *load(const char *path)
{
	struct hoist_feed *f = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_msg(hoist_feed_load(path, NULL, &f, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	return f;
}

/* The chain from -> to as "from > stop > ... > to". */
static char *chain_text(const struct hoist_feed *f, const char *from, const char *to)
{
	struct hoist_version a = tests_version(from), b = tests_version(to);
	struct hoist_chain c;
	struct hoist_error err;
	static char out[512];
	hoist_error_init(&err);
	ck_assert_msg(hoist_chain_plan(f, &a, &b, &c, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	snprintf(out, sizeof out, "%s", c.from.text);
	for (size_t i = 0; i < c.n_stops; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), " > %s", c.stops[i].text);
	snprintf(out + strlen(out), sizeof out - strlen(out), " > %s", c.to.text);
	hoist_chain_done(&c);
	return out;
}

/* The diff's note texts joined by spaces, with "|" after the read-first group. */
static char *diff_text(const struct hoist_notes *n)
{
	static char out[2048];
	out[0] = '\0';
	for (size_t i = 0; i < n->n; i++) {
		if (i == n->n_first)
			strcat(out, "| ");
		strcat(out, n->entries[i].text);
		strcat(out, " ");
	}
	if (n->n == n->n_first)
		strcat(out, "|");
	return out;
}

static void diff(const struct hoist_feed *f, const char *from, const char *to,
		 struct hoist_notes *n)
{
	struct hoist_version a = tests_version(from), b = tests_version(to);
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_msg(hoist_notes_diff(f, &a, &b, n, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
}

START_TEST(test_notes_chain_without_stops)
{
	struct hoist_feed *f = load(FIX "chain.json");
	ck_assert_str_eq(chain_text(f, "2022.1.0", "2022.2.0"), "2022.1.0 > 2022.2.0");
	ck_assert_str_eq(chain_text(f, "2022.1.0", "2023.2.0"), "2022.1.0 > 2023.2.0");
	ck_assert_str_eq(chain_text(f, "2022.2.0", "2023.1.1"), "2022.2.0 > 2023.1.1");
	/* from need not be in the feed */
	ck_assert_str_eq(chain_text(f, "2022.2.5", "2023.1.0"), "2022.2.5 > 2023.1.0");
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_notes_chain_fewest_stops)
{
	struct hoist_feed *f = load(FIX "chain.json");
	struct hoist_version a = tests_version("2022.1.0"), b = tests_version("2024.2.0");
	struct hoist_chain c;
	/* 2023.1.x needs 2022.2.0 first. */
	ck_assert_str_eq(chain_text(f, "2022.1.0", "2023.1.1"), "2022.1.0 > 2022.2.0 > 2023.1.1");
	/* 2024.1.1 needs 2023.1.0 or later; 2023.2.0 does not need a stop itself. */
	ck_assert_str_eq(chain_text(f, "2022.1.0", "2024.1.1"), "2022.1.0 > 2023.2.0 > 2024.1.1");
	/* Two stops; never the prerelease, and the newest release that serves. */
	ck_assert_str_eq(chain_text(f, "2022.1.0", "2024.2.0"),
			 "2022.1.0 > 2023.2.0 > 2024.1.1 > 2024.2.0");
	ck_assert_str_eq(chain_text(f, "2023.1.0", "2024.2.0"), "2023.1.0 > 2024.1.1 > 2024.2.0");
	ck_assert_str_eq(chain_text(f, "2024.1.0", "2024.2.0"), "2024.1.0 > 2024.2.0");
	ck_assert_int_eq(hoist_chain_plan(f, &a, &b, &c, NULL), HOIST_OK);
	ck_assert_int_eq(c.kind, HOIST_KIND_MAJOR);
	ck_assert_uint_eq(c.n_stops, 2);
	hoist_chain_done(&c);
	hoist_chain_done(&c);
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_notes_chain_same_and_downgrade)
{
	struct hoist_feed *f = load(FIX "chain.json");
	struct hoist_version a = tests_version("2023.2.0"), b = tests_version("2022.2.0");
	struct hoist_chain c;
	struct hoist_notes n;
	ck_assert_int_eq(hoist_chain_plan(f, &a, &a, &c, NULL), HOIST_OK);
	ck_assert_int_eq(c.kind, HOIST_KIND_NONE);
	ck_assert_uint_eq(c.n_stops, 0);
	hoist_chain_done(&c);
	ck_assert_int_eq(hoist_chain_plan(f, &a, &b, &c, NULL), HOIST_OK);
	ck_assert_int_eq(c.kind, HOIST_KIND_DOWNGRADE);
	ck_assert_uint_eq(c.n_stops, 0);
	hoist_chain_done(&c);
	ck_assert_int_eq(hoist_notes_diff(f, &a, &b, &n, NULL), HOIST_OK);
	ck_assert_uint_eq(n.n, 0);
	ck_assert(n.feed_has_notes);
	hoist_notes_done(&n);
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_notes_read_first_then_by_version)
{
	struct hoist_feed *f = load(FIX "chain.json");
	struct hoist_notes n;
	diff(f, "2022.1.0", "2024.2.0", &n);
	/* Not 2022.1.0's own notes, nor the prerelease's; breaking, dependency, security. */
	ck_assert_str_eq(diff_text(&n),
			 "b-2023.1.0 b-2024.1.1 dep-2022.2.0 dep-2023.2.0 sec-2022.1.1 "
			 "sec-2023.1.0 sec-2024.2.0 | fix-2022.1.1 feat-2022.2.0 fix-2022.2.0 "
			 "fix-2023.1.0 feat-2024.1.0 fix-2024.1.1 feat-2024.2.0 ");
	ck_assert_uint_eq(n.n_first, 7);
	ck_assert_uint_eq(n.n, 14);
	ck_assert_int_eq(n.entries[0].kind, HOIST_NOTE_BREAKING);
	ck_assert_str_eq(n.entries[0].release->version.text, "2023.1.0");
	ck_assert_int_eq(n.entries[13].kind, HOIST_NOTE_FEATURE);
	ck_assert_str_eq(n.entries[13].release->version.text, "2024.2.0");
	ck_assert(n.feed_has_notes);
	ck_assert_ptr_null(n.compare_url);
	ck_assert_uint_eq(n.chain.n_stops, 2);
	hoist_notes_done(&n);
	diff(f, "2023.2.0", "2024.1.0", &n);
	ck_assert_str_eq(diff_text(&n), "| feat-2024.1.0 ");
	hoist_notes_done(&n);
	diff(f, "2023.1.0", "2023.1.1", &n); /* a release without notes */
	ck_assert_uint_eq(n.n, 0);
	ck_assert(n.feed_has_notes);
	hoist_notes_done(&n);
	hoist_notes_done(NULL);
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_notes_prerelease_target)
{
	struct hoist_feed *f = load(FIX "chain.json");
	struct hoist_notes n;
	diff(f, "2024.1.0", "2024.1.1-rc.1", &n);
	ck_assert_str_eq(diff_text(&n), "b-2024.1.1-rc.1 |");
	ck_assert_int_eq(n.chain.kind, HOIST_KIND_PATCH);
	hoist_notes_done(&n);
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_notes_vendor_feed_points_to_compare_page)
{
	struct hoist_feed *f = load(FIX "feed-vendor.json");
	struct hoist_notes n;
	diff(f, "2020.1.1", "2020.4.1", &n);
	ck_assert(!n.feed_has_notes);
	ck_assert_uint_eq(n.n, 0);
	ck_assert_str_eq(n.compare_url,
			 "https://octopus.com/downloads/compare?from=2020.1.1&to=2020.4.1");
	ck_assert_int_eq(n.chain.kind, HOIST_KIND_MINOR);
	ck_assert_uint_eq(n.chain.n_stops, 0);
	hoist_notes_done(&n);
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_notes_sample_feed)
{
	struct hoist_feed *f = load(SAMPLE);
	struct hoist_notes n;
	size_t breaking = 0;
	ck_assert_str_eq(chain_text(f, "2024.1.2", "2024.3.2"), "2024.1.2 > 2024.2.4 > 2024.3.2");
	ck_assert_str_eq(chain_text(f, "2024.1.2", "2024.2.4"), "2024.1.2 > 2024.2.4");
	ck_assert_str_eq(chain_text(f, "2023.4.1", "2024.3.0"), "2023.4.1 > 2024.2.4 > 2024.3.0");
	diff(f, "2024.1.2", "2024.3.2", &n);
	for (size_t i = 0; i < n.n; i++) {
		const char *v = n.entries[i].release->version.text;
		ck_assert_str_ne(v, "2024.1.2");
		ck_assert_str_ne(v, "2024.3.0-rc.1");
		breaking += n.entries[i].kind == HOIST_NOTE_BREAKING;
		/* read-first kinds all come before the rest */
		if (i < n.n_first)
			ck_assert_int_le(n.entries[i].kind, HOIST_NOTE_SECURITY);
		else
			ck_assert_int_ge(n.entries[i].kind, HOIST_NOTE_FEATURE);
		/* within the rest, versions never go backwards */
		if (i > n.n_first)
			ck_assert_int_le(hoist_version_cmp(&n.entries[i - 1].release->version,
							   &n.entries[i].release->version),
					 0);
	}
	ck_assert_uint_eq(breaking, 4);
	ck_assert_str_eq(n.entries[0].release->version.text, "2024.2.0");
	hoist_notes_done(&n);
	hoist_feed_free(f);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_notes_unreachable_names_blocker)
{
	struct hoist_feed *f = load(FIX "unreachable.json");
	struct hoist_version a = tests_version("2022.1.0"), b = tests_version("2023.1.0"), c = tests_version("2022.3.0");
	struct hoist_chain ch;
	struct hoist_notes n;
	struct hoist_error err;
	hoist_error_init(&err);
	/* 2023.1.0 needs 2022.3.0, which itself needs 2022.2.0: that one blocks. */
	ck_assert_int_eq(hoist_chain_plan(f, &a, &b, &ch, &err), HOIST_UNSAFE);
	ck_assert_msg(strstr(err.message, "cannot upgrade from 2022.1.0 to 2023.1.0: 2022.3.0 "
					  "can only be upgraded from 2022.2.0 or later") != NULL,
		      "%s", err.message);
	ck_assert_uint_eq(ch.n_stops, 0);
	hoist_chain_done(&ch);
	ck_assert_int_eq(hoist_chain_plan(f, &a, &c, &ch, &err), HOIST_UNSAFE);
	ck_assert_msg(strstr(err.message, "2022.3.0 can only be upgraded from 2022.2.0") != NULL,
		      "%s", err.message);
	hoist_chain_done(&ch);
	/* The diff needs the chain, so it says the same. */
	ck_assert_int_eq(hoist_notes_diff(f, &a, &b, &n, &err), HOIST_UNSAFE);
	ck_assert(strstr(err.message, "2022.3.0 can only be upgraded") != NULL);
	ck_assert_uint_eq(n.n, 0);
	hoist_notes_done(&n);
	hoist_error_done(&err);
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_notes_target_not_in_feed)
{
	struct hoist_feed *f = load(FIX "chain.json");
	struct hoist_version a = tests_version("2022.1.0"), b = tests_version("2024.9.9");
	struct hoist_chain ch;
	struct hoist_notes n;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_chain_plan(f, &a, &b, &ch, &err), HOIST_VERSION);
	ck_assert_msg(strstr(err.message, "2024.9.9 is not in the release feed") != NULL, "%s",
		      err.message);
	ck_assert(strstr(err.message, "chain.json") != NULL);
	ck_assert_int_eq(hoist_notes_diff(f, &a, &b, &n, &err), HOIST_VERSION);
	hoist_notes_done(&n);
	hoist_error_done(&err);
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_notes_bad_arguments)
{
	struct hoist_version a = tests_version("2022.1.0");
	struct hoist_chain ch;
	ck_assert_int_eq(hoist_chain_plan(NULL, &a, &a, &ch, NULL), HOIST_USAGE);
	hoist_chain_done(&ch);
	hoist_chain_done(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("notes");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_notes_chain_without_stops);
	tcase_add_test(core, test_notes_chain_fewest_stops);
	tcase_add_test(core, test_notes_chain_same_and_downgrade);
	tcase_add_test(core, test_notes_read_first_then_by_version);
	tcase_add_test(core, test_notes_prerelease_target);
	tcase_add_test(core, test_notes_vendor_feed_points_to_compare_page);
	tcase_add_test(core, test_notes_sample_feed);
	tcase_add_test(errors, test_notes_unreachable_names_blocker);
	tcase_add_test(errors, test_notes_target_not_in_feed);
	tcase_add_test(errors, test_notes_bad_arguments);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_NOFORK);
}

/*
 * check_feed.c: reading release feeds (DESIGN §3) from memory, paths, file:// and HTTP
 * served by a tiny server forked inside the test, and refusing every bad one by name.
 */
#include "config.h"
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "feed.h"
#include "jsonout.h"
#include "jsonread.h"
#include "testsrv.h"

#define FIX TEST_SRCDIR "/fixtures/"
#define SAMPLE TEST_SRCDIR "/../data/sample-feed.json"

static struct hoist_version V(const char *s)
{
	struct hoist_version v;
	ck_assert_msg(hoist_version_parse(s, &v, NULL) == HOIST_OK, "parse %s", s);
	return v;
}

static struct hoist_feed *load_ok(const char *source)
{
	struct hoist_feed *f = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_msg(hoist_feed_load(source, NULL, &f, &err) == HOIST_OK, "%s: %s", source,
		      hoist_error_message(&err));
	hoist_error_done(&err);
	return f;
}

static struct hoist_feed *parse_ok(const char *text)
{
	struct hoist_feed *f = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_msg(hoist_feed_parse(text, strlen(text), "inline", NULL, &f, &err) == HOIST_OK,
		      "%s", hoist_error_message(&err));
	hoist_error_done(&err);
	return f;
}

/* Parses text expecting HOIST_FEED and a message containing want. */
static void parse_fails(const char *text, const char *want)
{
	struct hoist_feed *f = (struct hoist_feed *)1;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_feed_parse(text, strlen(text), "inline", NULL, &f, &err),
			 HOIST_FEED);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(err.status, HOIST_FEED);
	ck_assert_msg(strstr(hoist_error_message(&err), want) != NULL, "want \"%s\" in \"%s\"",
		      want, hoist_error_message(&err));
	hoist_error_done(&err);
}

static void load_fails(const char *source, const struct hoist_feed_options *o,
		       enum hoist_status want_st, const char *want)
{
	struct hoist_feed *f = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_feed_load(source, o, &f, &err), want_st);
	ck_assert_ptr_null(f);
	ck_assert_msg(strstr(hoist_error_message(&err), want) != NULL, "%s: want \"%s\" in \"%s\"",
		      source, want, hoist_error_message(&err));
	hoist_error_done(&err);
}

/* A one-shot HTTP peer on loopback that answers with a status and a body. */
static struct testsrv srv = { 0, 0, -1 };

struct reply {
	long status;
	const char *body;
	size_t len;
};

static void reply(const char *request, struct hoist_buf *answer, void *ctx)
{
	const struct reply *r = ctx;
	(void)request;
	testsrv_answer(answer, (int)r->status, "application/json", r->body, r->len);
}

static void serve(long status, const char *body, size_t len)
{
	/* The forked peer has its own copy of this, taken at the fork. */
	static struct reply r;
	r.status = status;
	r.body = body;
	r.len = len;
	testsrv_start(&srv, 1, reply, &r);
}

static void server_stop(void)
{
	testsrv_stop(&srv);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long n;
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	data = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	data[n] = '\0';
	*len = (size_t)n;
	return data;
}

START_TEST(test_feed_vendor_array)
{
	struct hoist_feed *f = load_ok(FIX "feed-vendor.json");
	struct hoist_version v = V("2020.3.0");
	const struct hoist_release *r;
	ck_assert_int_eq(f->format, HOIST_FEED_VENDOR);
	ck_assert_uint_eq(f->n_releases, 11);
	ck_assert_str_eq(f->releases[0].version.text, "2019.13.7");
	ck_assert_str_eq(f->releases[0].date, "2020-03-02T00:00:00+00:00");
	ck_assert_str_eq(f->releases[3].date, "2020-04-28"); /* "Date" is taken too */
	ck_assert_ptr_null(f->releases[4].date);
	ck_assert_ptr_null(f->releases[6].date); /* null is no date */
	ck_assert_str_eq(f->releases[10].version.text, "2020.4.1");
	r = hoist_feed_find(f, &v);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->n_notes, 0);
	ck_assert(!r->has_upgrade_from);
	ck_assert_str_eq(f->source, FIX "feed-vendor.json");
	v = V("2020.3.2");
	ck_assert_ptr_null(hoist_feed_find(f, &v));
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_feed_hoist_format_sorted_oldest_first)
{
	struct hoist_feed *f = load_ok(FIX "feed-unsorted.json");
	const struct hoist_release *r;
	const struct hoist_package *p;
	ck_assert_int_eq(f->format, HOIST_FEED_HOIST);
	ck_assert_uint_eq(f->n_releases, 5);
	ck_assert_str_eq(f->releases[0].version.text, "2023.4.0");
	ck_assert_str_eq(f->releases[1].version.text, "2024.1.0-rc.2");
	ck_assert_str_eq(f->releases[2].version.text, "2024.1.0-rc.10");
	ck_assert_str_eq(f->releases[3].version.text, "2024.1.0");
	ck_assert_str_eq(f->releases[4].version.text, "2024.2.0");
	ck_assert(f->releases[0].lts);
	ck_assert(!f->releases[1].lts);
	r = &f->releases[4];
	ck_assert_str_eq(r->date, "2024-06-18");
	ck_assert(r->has_upgrade_from);
	ck_assert_str_eq(r->upgrade_from.text, "2023.4.0");
	ck_assert_uint_eq(r->n_notes, 1);
	ck_assert_int_eq(r->notes[0].kind, HOIST_NOTE_BREAKING);
	ck_assert_str_eq(r->notes[0].text, "B 2024.2.0");
	r = &f->releases[3];
	ck_assert_uint_eq(r->n_packages, 2);
	p = hoist_release_package(r, "windows-x64");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->sha256,
			 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	ck_assert_int_eq(p->size, 452984832LL);
	p = hoist_release_package(r, "sandbox");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->size, -1);
	ck_assert_str_eq(p->url, "packages/sandbox-2024.1.0.tar.gz");
	ck_assert_ptr_null(hoist_release_package(r, "linux-docker"));
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_feed_sample_is_valid)
{
	struct hoist_feed *f = load_ok(SAMPLE);
	size_t pre = 0, stops = 0, kinds[5] = { 0 };
	ck_assert_int_eq(f->format, HOIST_FEED_HOIST);
	ck_assert_uint_ge(f->n_releases, 15);
	ck_assert_uint_le(f->n_releases, 25);
	ck_assert_str_eq(f->releases[0].version.text, "2023.4.0");
	for (size_t i = 0; i < f->n_releases; i++) {
		pre += hoist_version_is_prerelease(&f->releases[i].version);
		stops += f->releases[i].has_upgrade_from;
		for (size_t j = 0; j < f->releases[i].n_notes; j++)
			kinds[f->releases[i].notes[j].kind]++;
	}
	ck_assert_uint_eq(pre, 1);
	ck_assert_uint_gt(stops, 0);
	for (int k = 0; k < 5; k++)
		ck_assert_msg(kinds[k] > 0, "no %s note", hoist_note_kind_name(k));
	hoist_feed_free(f);
}
END_TEST

START_TEST(test_feed_file_url_and_path)
{
	char cwd[4096], url[4200];
	struct hoist_feed *a, *b, *c;
	ck_assert_ptr_nonnull(realpath(SAMPLE, cwd));
	snprintf(url, sizeof url, "file://%s", cwd);
	a = load_ok(url);
	snprintf(url, sizeof url, "file://localhost%s", cwd);
	b = load_ok(url);
	c = load_ok(cwd);
	ck_assert_uint_eq(a->n_releases, c->n_releases);
	ck_assert_uint_eq(b->n_releases, c->n_releases);
	ck_assert_str_eq(a->releases[a->n_releases - 1].version.text,
			 c->releases[c->n_releases - 1].version.text);
	ck_assert(strncmp(a->source, "file://", 7) == 0);
	hoist_feed_free(a);
	hoist_feed_free(b);
	hoist_feed_free(c);
}
END_TEST

START_TEST(test_feed_over_http)
{
	size_t len;
	char *body = slurp(SAMPLE, &len), url[128];
	struct hoist_feed *f, *file = load_ok(SAMPLE);
	serve(200, body, len);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/feed.json", srv.port);
	f = load_ok(url);
	server_stop();
	ck_assert_int_eq(f->format, HOIST_FEED_HOIST);
	ck_assert_uint_eq(f->n_releases, file->n_releases);
	ck_assert_str_eq(f->source, url);
	for (size_t i = 0; i < f->n_releases; i++)
		ck_assert_str_eq(f->releases[i].version.text, file->releases[i].version.text);
	hoist_feed_free(f);
	hoist_feed_free(file);
	free(body);
}
END_TEST

START_TEST(test_feed_compare_url)
{
	struct hoist_version a = V("2024.1.2"), b = V("2024.3.0-rc.1");
	char *u = hoist_feed_compare_url(&a, &b);
	ck_assert_str_eq(u, "https://octopus.com/downloads/compare?from=2024.1.2&to=2024.3.0-rc.1");
	free(u);
	ck_assert_str_eq(hoist_note_kind_name(HOIST_NOTE_BREAKING), "breaking");
	ck_assert_str_eq(hoist_note_kind_name(HOIST_NOTE_DEPENDENCY), "dependency");
	ck_assert_str_eq(hoist_note_kind_name(HOIST_NOTE_SECURITY), "security");
	ck_assert_str_eq(hoist_note_kind_name(HOIST_NOTE_FEATURE), "feature");
	ck_assert_str_eq(hoist_note_kind_name(HOIST_NOTE_FIX), "fix");
}
END_TEST

static void resolves(const char *source, const char *url, const char *want)
{
	struct hoist_feed f = { .source = (char *)source };
	char *got = hoist_feed_resolve_url(&f, url);
	ck_assert_msg(!strcmp(got, want), "%s + %s: %s, expected %s", source, url, got, want);
	free(got);
}

START_TEST(test_feed_package_urls)
{
	resolves("https://mirror.example.com/octopus/feed.json?x=1", "pkg/a.msi",
		 "https://mirror.example.com/octopus/pkg/a.msi");
	resolves("https://mirror.example.com/octopus/feed.json", "/dl/a.msi",
		 "https://mirror.example.com/dl/a.msi");
	resolves("https://mirror.example.com/octopus/feed.json", "//cdn.example.com/a.msi",
		 "https://cdn.example.com/a.msi");
	resolves("http://127.0.0.1:8080", "a.tar.gz", "http://127.0.0.1:8080/a.tar.gz");
	resolves("http://127.0.0.1:8080/", "a.tar.gz", "http://127.0.0.1:8080/a.tar.gz");
	resolves("https://x.example/feed.json", "https://download.example/a.msi",
		 "https://download.example/a.msi");
	resolves("file:///srv/feeds/feed.json", "pkg/a.tar.gz", "file:///srv/feeds/pkg/a.tar.gz");
	resolves("/srv/feeds/feed.json", "pkg/a.tar.gz", "/srv/feeds/pkg/a.tar.gz");
	resolves("/srv/feeds/feed.json", "/opt/a.tar.gz", "/opt/a.tar.gz");
	resolves("feed.json", "a.tar.gz", "a.tar.gz");
	ck_assert_ptr_null(hoist_feed_resolve_url(NULL, NULL));
}
END_TEST

START_TEST(test_feed_empty_list_is_a_feed)
{
	struct hoist_feed *f = parse_ok("  [ ]\n");
	ck_assert_uint_eq(f->n_releases, 0);
	hoist_feed_free(f);
	f = parse_ok("{\"format\": \"hoist-feed/1\", \"releases\": []}");
	ck_assert_int_eq(f->format, HOIST_FEED_HOIST);
	ck_assert_uint_eq(f->n_releases, 0);
	hoist_feed_free(f);
	hoist_feed_free(NULL);
}
END_TEST

START_TEST(test_feed_member_order_and_bom)
{
	/* "format" after "releases": the releases are read once the format is known. */
	struct hoist_feed *f = parse_ok("{\"releases\": [{\"version\": \"2024.1.1\", "
					"\"notes\": [{\"kind\": \"fix\", \"text\": \"a ] } \\\" [\"}]}], "
					"\"extra\": {\"releases\": 1}, \"format\": \"hoist-feed/1\"}");
	ck_assert_int_eq(f->format, HOIST_FEED_HOIST);
	ck_assert_uint_eq(f->n_releases, 1);
	ck_assert_str_eq(f->releases[0].notes[0].text, "a ] } \" [");
	hoist_feed_free(f);
	/* A UTF-8 byte-order mark, as Windows tools write it, is not an error. */
	f = parse_ok("\xEF\xBB\xBF[{\"Version\": \"2020.4.1\"}]");
	ck_assert_int_eq(f->format, HOIST_FEED_VENDOR);
	ck_assert_uint_eq(f->n_releases, 1);
	hoist_feed_free(f);
}
END_TEST

/* An entry larger than the reader's scratch block reads the same. */
START_TEST(test_feed_large_entry)
{
	size_t n = 200000, len;
	char *note = malloc(n + 1), *text = malloc(n + 400);
	struct hoist_feed *f;
	for (size_t i = 0; i < n; i++)
		note[i] = (char)('a' + i % 26);
	note[n] = '\0';
	len = (size_t)sprintf(text, "{\"format\": \"hoist-feed/1\", \"releases\": ["
			      "{\"version\": \"2024.1.0\", \"notes\": [{\"kind\": \"fix\", "
			      "\"text\": \"%s\"}]}, {\"version\": \"2024.1.1\", \"date\": \"d\"}]}",
			      note);
	ck_assert_int_eq(hoist_feed_parse(text, len, "big", NULL, &f, NULL), HOIST_OK);
	ck_assert_uint_eq(f->n_releases, 2);
	ck_assert_str_eq(f->releases[0].notes[0].text, note);
	ck_assert_str_eq(f->releases[1].date, "d");
	hoist_feed_free(f);
	free(note);
	free(text);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_feed_bad_version_names_entry)
{
	load_fails(FIX "bad-version.json", NULL, HOIST_FEED,
		   "entry 17: \"2024.x.1\" is not a version");
	load_fails(FIX "bad-version.json", NULL, HOIST_FEED, FIX "bad-version.json");
}
END_TEST

START_TEST(test_feed_duplicate_names_both_entries)
{
	load_fails(FIX "duplicate.json", NULL, HOIST_FEED,
		   "2024.1.3 appears twice: entries 4 and 9");
	parse_fails("[{\"Version\":\"1.0.0\"},{\"Version\":\"1.0.0\"}]",
		    "1.0.0 appears twice: entries 1 and 2");
}
END_TEST

START_TEST(test_feed_malformed_json_says_where)
{
	parse_fails("[\n  {\"Version\": \"2024.1.1\"},\n  {\"Version\" \"2024.1.2\"}\n]",
		    "line 3");
	parse_fails("[{\"Version\": \"2024.1.1\"},]", "not valid JSON");
	parse_fails("[{\"Version\": \"2024.1.1\"}] x", "unexpected data after its end");
	parse_fails("nul", "not valid JSON");
}
END_TEST

START_TEST(test_feed_truncated)
{
	size_t len;
	char *text = slurp(SAMPLE, &len);
	struct hoist_feed *f = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	/* Cut it anywhere inside: always a clear "truncated", never a crash or a feed. */
	for (size_t cut = 1; cut < len - 2; cut += 97) {
		ck_assert_int_eq(hoist_feed_parse(text, cut, "cut", NULL, &f, &err), HOIST_FEED);
		ck_assert_ptr_null(f);
		ck_assert_msg(strstr(hoist_error_message(&err), "truncated") != NULL, "cut %zu: %s",
			      cut, hoist_error_message(&err));
	}
	hoist_error_done(&err);
	free(text);
}
END_TEST

START_TEST(test_feed_missing_and_wrong_fields)
{
	parse_fails("[{\"Version\": \"2024.1.1\"}, {\"version\": \"2024.1.2\"}]",
		    "entry 2 has no \"Version\"");
	parse_fails("[{\"Version\": 2024}]", "entry 1: \"Version\" must be a string, not a number");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"date\":\"2024-01-01\"}]}",
		    "entry 1 has no \"version\"");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\","
		    "\"lts\":\"yes\"}]}",
		    "entry 1 (2024.1.1): \"lts\" must be true or false, not a string");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\","
		    "\"date\":20240101}]}",
		    "\"date\" must be a string, not a number");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\","
		    "\"notes\":{\"kind\":\"fix\"}}]}",
		    "\"notes\" must be an array, not an object");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\","
		    "\"notes\":[{\"kind\":\"fix\",\"text\":null}]}]}",
		    "note 1: \"text\" must be a string, not null");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\","
		    "\"packages\":[{\"platform\":\"sandbox\",\"sha256\":\"00\"}]}]}",
		    "package 1 needs a \"url\" string");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\","
		    "\"upgrade_from\":\"2024.1\"}]}",
		    "upgrade_from \"2024.1\" is not a version");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\","
		    "\"upgrade_from\":\"2024.2.0\"}]}",
		    "upgrade_from 2024.2.0 is not older than the release itself");
}
END_TEST

START_TEST(test_feed_unknown_note_kind)
{
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\"},"
		    "{\"version\":\"2024.1.2\",\"notes\":[{\"kind\":\"fix\",\"text\":\"a\"},"
		    "{\"kind\":\"bugfix\",\"text\":\"b\"}]}]}",
		    "entry 2 (2024.1.2): note 2 has an unknown kind \"bugfix\"");
}
END_TEST

START_TEST(test_feed_bad_sha256)
{
#define tmpl "{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\"," \
	     "\"packages\":[{\"platform\":\"sandbox\",\"url\":\"u\",\"sha256\":\"%s\"}]}]}"
	char text[512];
	snprintf(text, sizeof text, tmpl, "abc");
	parse_fails(text, "\"abc\" is not a SHA-256 checksum");
	/* 64 characters, one not hexadecimal */
	snprintf(text, sizeof text, tmpl,
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g");
	parse_fails(text, "is not a SHA-256 checksum");
	/* 65 hexadecimal digits */
	snprintf(text, sizeof text, tmpl,
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550");
	parse_fails(text, "is not a SHA-256 checksum");
	parse_fails("{\"format\":\"hoist-feed/1\",\"releases\":[{\"version\":\"2024.1.1\","
		    "\"packages\":[{\"platform\":\"sandbox\",\"url\":\"u\",\"sha256\":"
		    "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
		    "\"size\":-4}]}]}",
		    "\"size\" must be a whole number of bytes");
#undef tmpl
}
END_TEST

START_TEST(test_feed_unknown_format)
{
	parse_fails("{\"format\":\"hoist-feed/2\",\"releases\":[]}",
		    "unknown feed format \"hoist-feed/2\"");
	parse_fails("{\"format\":1}", "\"format\" must be a string, not a number");
	parse_fails("{\"releases\":[]}", "without \"format\"");
	parse_fails("{\"format\":\"hoist-feed/1\"}", "no \"releases\" array");
	/* The format is checked before any release is read, wherever it stands. */
	parse_fails("{\"releases\":[{\"version\":\"bad\"}],\"format\":\"other/1\"}",
		    "unknown feed format \"other/1\"");
	parse_fails("{\"releases\":[{\"version\":\"2024.1.1\"},{\"version\":\"bad\"}],"
		    "\"format\":\"hoist-feed/1\"}",
		    "entry 2: \"bad\" is not a version");
	parse_fails("{\"format\":\"hoist-feed/1\" \"releases\":[]}", "line 1, column 26");
	parse_fails("true", "expected a JSON array of releases");
}
END_TEST

/* Each hostile file: a HOIST_FEED error with the given words, never a crash. */
static const struct {
	const char *file, *want;
} hostile[] = {
	{ "hostile-empty.json", "the feed is empty" },
	{ "hostile-bracket.json", "truncated" },
	{ "hostile-object.json", "without \"format\"" },
	{ "hostile-deep.json", "nested more than" },
	{ "hostile-huge-number.json", "entry 2: \"Version\" must be a string, not a number" },
	{ "hostile-nulls.json", "entry 1: expected an object with \"version\", not null" },
	{ "hostile-strings.json", "entry 1: expected an object with \"version\", not a string" },
	{ "hostile-releases-string.json", "\"releases\" must be an array, not a string" },
	{ "hostile-scalar.json", "the feed is a string" },
	{ "hostile-trailing.json", "unexpected data after its end at line 1, column 27" },
	{ "hostile-truncated.json", "truncated" },
	{ "hostile-comma.json", "not valid JSON" },
	{ "hostile-huge-size.json", "\"size\" must be a whole number of bytes" },
};

START_TEST(test_feed_hostile_inputs)
{
	char path[512];
	snprintf(path, sizeof path, FIX "%s", hostile[_i].file);
	load_fails(path, NULL, HOIST_FEED, hostile[_i].want);
	load_fails(path, NULL, HOIST_FEED, hostile[_i].file); /* the message names the file */
}
END_TEST

START_TEST(test_feed_oversized_refused_before_reading)
{
	struct hoist_feed_options o;
	hoist_feed_options_init(&o);
	ck_assert_uint_eq(o.max_bytes, 64u << 20);
	o.max_bytes = 1000;
	load_fails(SAMPLE, &o, HOIST_FEED, "more than the 1000 allowed");
	o.max_bytes = 10;
	ck_assert_int_eq(hoist_feed_parse("[              ]", 16, "mem", &o,
					  &(struct hoist_feed *){ NULL }, NULL),
			 HOIST_FEED);
}
END_TEST

START_TEST(test_feed_too_many_releases)
{
	struct hoist_feed_options o;
	struct hoist_feed *f = NULL;
	struct hoist_error err;
	const char *t = "[{\"Version\":\"1.0.0\"},{\"Version\":\"1.0.1\"},{\"Version\":\"1.0.2\"}]";
	hoist_feed_options_init(&o);
	o.max_releases = 2;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_feed_parse(t, strlen(t), "mem", &o, &f, &err), HOIST_FEED);
	ck_assert(strstr(hoist_error_message(&err), "lists more than the 2 releases allowed") != NULL);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_feed_unreadable_sources)
{
	char dir[] = "/tmp/hoist-feed-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	load_fails(FIX "no-such-feed.json", NULL, HOIST_FEED, "no-such-feed.json");
	load_fails(dir, NULL, HOIST_FEED, "is a directory");
	load_fails("file://example.com/feed.json", NULL, HOIST_CONFIG, "local absolute path");
	load_fails("ftp://example.com/feed.json", NULL, HOIST_CONFIG, "https://, http://");
	load_fails("", NULL, HOIST_CONFIG, "no release feed given");
	rmdir(dir);
}
END_TEST

START_TEST(test_feed_http_errors)
{
	struct hoist_feed_options o;
	char url[128];
	const char *big = "[{\"Version\":\"1.0.0\"},{\"Version\":\"1.0.1\"},{\"Version\":\"1.0.2\"}]";
	serve(404, "not here", 8);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/feed.json", srv.port);
	load_fails(url, NULL, HOIST_FEED, "answered HTTP 404");
	server_stop();

	hoist_feed_options_init(&o);
	o.max_bytes = 20;
	serve(200, big, strlen(big));
	snprintf(url, sizeof url, "http://127.0.0.1:%d/feed.json", srv.port);
	load_fails(url, &o, HOIST_FEED, "larger than the 20 bytes allowed");
	server_stop();

	serve(200, "[{\"Version\":", 12);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/feed.json", srv.port);
	load_fails(url, NULL, HOIST_FEED, "truncated");
	server_stop();

	/* Plain http:// beyond loopback is refused before anything is sent. */
	load_fails("http://feeds.example.com/v3", NULL, HOIST_CONFIG, "plain http://");
}
END_TEST

/* A feed of 40 MB (over the old 32 MiB cap, as the generator's 100,000 releases are) is
 * read from a path, through the mapping that gives pages back as it goes. */
START_TEST(test_feed_large_file_under_the_cap)
{
	char path[] = "/tmp/check_feed.XXXXXX";
	const size_t text = 40u << 20;
	char *note = malloc(text + 1);
	struct hoist_feed *f;
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	memset(note, 'n', text);
	note[text] = '\0';
	fprintf(fp, "{\"format\": \"hoist-feed/1\", \"releases\": [");
	for (int i = 0; i < 3000; i++)
		fprintf(fp, "{\"version\": \"1.%d.0\", \"upgrade_from\": \"0.9.0\"},", i);
	fprintf(fp, "{\"version\": \"2.0.0\", \"notes\": [{\"kind\": \"fix\", \"text\": \"%s\"}]}]}",
		note);
	fclose(fp);
	f = load_ok(path);
	unlink(path);
	ck_assert_uint_eq(f->n_releases, 3001);
	ck_assert_uint_eq(strlen(f->releases[3000].notes[0].text), text);
	ck_assert_str_eq(f->releases[1].upgrade_from.text, "0.9.0");
	hoist_feed_free(f);
	free(note);
}
END_TEST

/* The entry reader takes and refuses what cJSON does, and reads the same values. */
static void same_as_cjson(const char *text)
{
	struct hoist_json_arena *a = hoist_json_arena_new();
	const char *stop = NULL, *cstop = NULL;
	cJSON *mine = hoist_json_read(a, text, text + strlen(text), &stop);
	cJSON *ref = cJSON_ParseWithLengthOpts(text, strlen(text), &cstop, false);
	char *m, *r;
	ck_assert_msg(!mine == !ref, "%s: read %s, cJSON %s", text, mine ? "ok" : "fails",
		      ref ? "ok" : "fails");
	if (ref) {
		m = cJSON_PrintUnformatted(mine);
		r = cJSON_PrintUnformatted(ref);
		ck_assert_msg(!strcmp(m, r), "%s: read %s, cJSON %s", text, m, r);
		ck_assert_int_eq(stop - text, cstop - text);
		free(m);
		free(r);
		cJSON_Delete(ref);
	}
	hoist_json_arena_free(a);
}

START_TEST(test_feed_entry_reader_matches_cjson)
{
	static const char *const cases[] = {
		"{\"a\": [1, 2.5, -3e2, true, false, null, \"x\"]}", "  [ ]  ", "{}",
		"\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\"\\u00e9\\u20ac\\ud83d\\ude00\"",
		"\"\\ud83d\"", "\"\\ude00\"", "\"\\u12\"", "\"\\x\"", "[1,]", "[1 2]", "{\"a\" 1}",
		"{\"a\":}", "{1: 2}", "nul", "tru", "-", "1e999", "[\"a\\\\\"]",
		"\"two\\\\\\\"quotes\"", "{\"k\": \"v\", \"k\": \"w\"}", "[[[[]]]]", "\"open",
		"01", "\"raw\ttab\"", "{\"a\":1}x",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		same_as_cjson(cases[i]);
}
END_TEST

/* A number with a fraction reads the same under a locale whose decimal point is a comma. */
START_TEST(test_feed_entry_reader_numbers_under_german_locale)
{
	struct hoist_json_arena *a = hoist_json_arena_new();
	const char *t = "[2.5, -0.125, 1e3]", *stop;
	cJSON *j;
	if (!setlocale(LC_NUMERIC, "de_DE.UTF-8")) {
		hoist_json_arena_free(a);
		return; /* no German locale on this machine */
	}
	j = hoist_json_read(a, t, t + strlen(t), &stop);
	setlocale(LC_NUMERIC, "C");
	ck_assert_ptr_nonnull(j);
	ck_assert(cJSON_GetArrayItem(j, 0)->valuedouble == 2.5);
	ck_assert(cJSON_GetArrayItem(j, 1)->valuedouble == -0.125);
	ck_assert(cJSON_GetArrayItem(j, 2)->valuedouble == 1000);
	ck_assert_int_eq(stop - t, (long)strlen(t));
	hoist_json_arena_free(a);
}
END_TEST

/* Strings out are always valid UTF-8: a stray byte becomes U+FFFD, good text stays. */
START_TEST(test_feed_json_out_strings_valid_utf8)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	hoist_json_put_string(&b, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	ck_assert_str_eq(hoist_buf_cstr(&b), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	hoist_buf_reset(&b);
	hoist_json_put_string(&b, "a\xff" "b\xc3(\xed\xa0\x80\xc0\xaf\"\\\n\x01");
	ck_assert_str_eq(hoist_buf_cstr(&b), "\"a\xef\xbf\xbd" "b\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf"
			 "\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\\\"\\\\\\n\\u0001\"");
	hoist_buf_reset(&b);
	hoist_json_put_string(&b, NULL);
	ck_assert_str_eq(hoist_buf_cstr(&b), "null");
	hoist_buf_done(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("feed");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	SRunner *sr;
	int failed;
	tcase_add_test(core, test_feed_vendor_array);
	tcase_add_test(core, test_feed_hoist_format_sorted_oldest_first);
	tcase_add_test(core, test_feed_sample_is_valid);
	tcase_add_test(core, test_feed_file_url_and_path);
	tcase_add_test(core, test_feed_over_http);
	tcase_add_test(core, test_feed_compare_url);
	tcase_add_test(core, test_feed_empty_list_is_a_feed);
	tcase_add_test(core, test_feed_member_order_and_bom);
	tcase_add_test(core, test_feed_large_entry);
	tcase_add_test(core, test_feed_package_urls);
	tcase_add_test(core, test_feed_large_file_under_the_cap);
	tcase_add_test(core, test_feed_entry_reader_matches_cjson);
	tcase_add_test(core, test_feed_entry_reader_numbers_under_german_locale);
	tcase_add_test(core, test_feed_json_out_strings_valid_utf8);
	tcase_add_test(errors, test_feed_bad_version_names_entry);
	tcase_add_test(errors, test_feed_duplicate_names_both_entries);
	tcase_add_test(errors, test_feed_malformed_json_says_where);
	tcase_add_test(errors, test_feed_truncated);
	tcase_add_test(errors, test_feed_missing_and_wrong_fields);
	tcase_add_test(errors, test_feed_unknown_note_kind);
	tcase_add_test(errors, test_feed_bad_sha256);
	tcase_add_test(errors, test_feed_unknown_format);
	tcase_add_loop_test(errors, test_feed_hostile_inputs, 0,
			    (int)(sizeof hostile / sizeof hostile[0]));
	tcase_add_test(errors, test_feed_oversized_refused_before_reading);
	tcase_add_test(errors, test_feed_too_many_releases);
	tcase_add_test(errors, test_feed_unreadable_sources);
	tcase_add_test(errors, test_feed_http_errors);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

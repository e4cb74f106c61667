/*
 * check_stage.c: staging installers: verified downloads, resume with Range, cache hits,
 * checksum mismatches. The HTTP peer is a small server forked inside the test.
 */
#include "config.h"
#include <check.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stage.h"
#include "testsrv.h"

#define BODY_LEN 200000
static unsigned char body[BODY_LEN];
static char body_sha[65];
static struct testsrv srv = { 0, 0, -1 };
static int port;
static char dir[64];

/* Answers with body, from "Range: bytes=N-" on unless ctx says to ignore Range. */
static void ranged(const char *request, struct hoist_buf *answer, void *ctx)
{
	const char *r = strstr(request, "Range: bytes=");
	long from = r && !*(const bool *)ctx ? atol(r + 13) : 0;
	if (from)
		hoist_buf_printf(answer,
				 "HTTP/1.1 206 Partial Content\r\nContent-Length: %ld\r\n"
				 "Content-Range: bytes %ld-%d/%d\r\nConnection: close\r\n\r\n",
				 BODY_LEN - from, from, BODY_LEN - 1, BODY_LEN);
	else
		hoist_buf_printf(answer,
				 "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
				 BODY_LEN);
	hoist_buf_append(answer, body + from, (size_t)(BODY_LEN - from));
}

/* Serves body `times` times; honours Range unless ignore_range. */
static void serve(bool ignore_range, int times)
{
	static bool ignore; /* the forked peer keeps its own copy */
	ignore = ignore_range;
	testsrv_start(&srv, times, ranged, &ignore);
	port = srv.port;
}

static void stop_server(void)
{
	testsrv_stop(&srv);
}

static void setup(void)
{
	unsigned char d[32];
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < BODY_LEN; i++)
		body[i] = (unsigned char)(i * 31 + (i >> 8));
	SHA256(body, BODY_LEN, d);
	for (int i = 0; i < 32; i++) {
		body_sha[2 * i] = digits[d[i] >> 4];
		body_sha[2 * i + 1] = digits[d[i] & 15];
	}
	body_sha[64] = '\0';
	strcpy(dir, "/tmp/check_stage.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	stop_server();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return;
}

static long long last_now, last_total;
static void progress(void *ctx, long long now, long long total)
{
	(void)ctx;
	last_now = now;
	last_total = total;
}

static enum hoist_status fetch(const char *sha, long long size, struct hoist_stage_result *res,
			       struct hoist_error *err)
{
	char url[64], dest[128];
	struct hoist_http *h = hoist_http_new(NULL);
	struct hoist_stage_item it = { url, sha, size, dest };
	enum hoist_status st;
	snprintf(url, sizeof url, "http://127.0.0.1:%d/pkg", port);
	snprintf(dest, sizeof dest, "%s/pkg", dir);
	st = hoist_stage_fetch(h, &it, progress, NULL, res, err);
	hoist_http_free(h);
	return st;
}

static void write_part(size_t n)
{
	char path[128];
	int fd;
	snprintf(path, sizeof path, "%s/pkg.part", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(write(fd, body, n), (ssize_t)n);
	close(fd);
}

static bool exists(const char *name)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

START_TEST(test_stage_download_verified)
{
	struct hoist_stage_result res;
	struct stat sb;
	char path[128];
	serve(false, 1);
	ck_assert_int_eq(fetch(body_sha, BODY_LEN, &res, NULL), HOIST_OK);
	ck_assert_str_eq(res.sha256, body_sha);
	ck_assert_int_eq(res.size, BODY_LEN);
	ck_assert(!res.cached && !res.resumed);
	ck_assert_int_eq(last_now, BODY_LEN);
	ck_assert(exists("pkg") && !exists("pkg.part"));
	snprintf(path, sizeof path, "%s/pkg", dir);
	stat(path, &sb);
	ck_assert_int_eq(sb.st_size, BODY_LEN);
}
END_TEST

START_TEST(test_stage_resumes_partial)
{
	struct hoist_stage_result res;
	serve(false, 1);
	write_part(BODY_LEN / 3);
	ck_assert_int_eq(fetch(body_sha, BODY_LEN, &res, NULL), HOIST_OK);
	ck_assert(res.resumed);
	ck_assert_str_eq(res.sha256, body_sha);
	ck_assert(exists("pkg") && !exists("pkg.part"));
}
END_TEST

START_TEST(test_stage_server_ignoring_range_restarts)
{
	struct hoist_stage_result res;
	serve(true, 1);
	write_part(BODY_LEN / 2);
	ck_assert_int_eq(fetch(body_sha, BODY_LEN, &res, NULL), HOIST_OK);
	ck_assert_str_eq(res.sha256, body_sha);
	ck_assert_int_eq(res.size, BODY_LEN);
}
END_TEST

START_TEST(test_stage_cache_hit_needs_no_server)
{
	struct hoist_stage_result res;
	serve(false, 1);
	ck_assert_int_eq(fetch(body_sha, BODY_LEN, &res, NULL), HOIST_OK);
	stop_server();
	port = 1; /* nothing listens: a request would fail */
	ck_assert_int_eq(fetch(body_sha, BODY_LEN, &res, NULL), HOIST_OK);
	ck_assert(res.cached);
}
END_TEST

START_TEST(test_stage_local_copy)
{
	char src[128], dest[128];
	struct hoist_stage_result res;
	struct hoist_stage_item it = { src, body_sha, BODY_LEN, dest };
	int fd;
	snprintf(src, sizeof src, "%s/source.bin", dir);
	snprintf(dest, sizeof dest, "%s/copy.bin", dir);
	fd = open(src, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, body, BODY_LEN), BODY_LEN);
	close(fd);
	ck_assert_int_eq(hoist_stage_fetch(NULL, &it, NULL, NULL, &res, NULL), HOIST_OK);
	ck_assert_str_eq(res.sha256, body_sha);
	ck_assert(exists("copy.bin"));
}
END_TEST

START_TEST(test_stage_checksum_mismatch_keeps_nothing)
{
	struct hoist_stage_result res;
	struct hoist_error err;
	char wrong[65];
	memset(wrong, 'a', 64);
	wrong[64] = '\0';
	hoist_error_init(&err);
	serve(false, 1);
	ck_assert_int_eq(fetch(wrong, BODY_LEN, &res, &err), HOIST_CHECKSUM);
	ck_assert(strstr(hoist_error_message(&err), body_sha) != NULL);
	ck_assert(strstr(hoist_error_message(&err), wrong) != NULL);
	ck_assert(!exists("pkg") && !exists("pkg.part"));
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_stage_unreachable_keeps_partial)
{
	struct hoist_stage_result res;
	struct hoist_error err;
	hoist_error_init(&err);
	write_part(1000);
	port = 1;
	ck_assert_int_eq(fetch(body_sha, BODY_LEN, &res, &err), HOIST_NETWORK);
	ck_assert(exists("pkg.part") && !exists("pkg"));
	ck_assert(strstr(hoist_error_message(&err), "127.0.0.1") != NULL);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_stage_unwritable_destination)
{
	struct hoist_stage_result res;
	struct hoist_error err;
	struct hoist_stage_item it = { "/etc/hostname", NULL, -1, "/nonexistent/dir/pkg" };
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_stage_fetch(NULL, &it, NULL, NULL, &res, &err), HOIST_IO);
	ck_assert(strstr(hoist_error_message(&err), "/nonexistent/dir/pkg") != NULL);
	hoist_error_done(&err);
}
END_TEST

/* hoist_stage_fetch_all: item i is http:// on the peer when url_i is NULL. */
static long long all_last[3];
static void all_progress(void *ctx, size_t index, long long now, long long total)
{
	(void)ctx;
	(void)total;
	if (index < 3)
		all_last[index] = now;
}

static bool never(void *ctx)
{
	(void)ctx;
	return false;
}

static bool always(void *ctx)
{
	(void)ctx;
	return true;
}

static enum hoist_status fetch_all(const char *sha0, const char *sha1, hoist_stage_cancel_fn c,
				   struct hoist_stage_result res[3], struct hoist_error *err)
{
	static char url[64], src[128], dest[3][128];
	struct hoist_stage_item it[3] = { { url, sha0, BODY_LEN, dest[0] },
					  { url, sha1, BODY_LEN, dest[1] },
					  { src, body_sha, BODY_LEN, dest[2] } };
	int fd;
	snprintf(url, sizeof url, "http://127.0.0.1:%d/pkg", port);
	snprintf(src, sizeof src, "%s/source.bin", dir);
	for (int i = 0; i < 3; i++)
		snprintf(dest[i], sizeof dest[i], "%s/pkg%d", dir, i);
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(write(fd, body, BODY_LEN), BODY_LEN);
	close(fd);
	memset(all_last, 0, sizeof all_last);
	return hoist_stage_fetch_all(NULL, it, 3, 2, all_progress, c, NULL, res, err);
}

START_TEST(test_stage_fetch_all_keeps_every_package_verified)
{
	struct hoist_stage_result res[3];
	serve(false, 2);
	ck_assert_int_eq(fetch_all(body_sha, body_sha, never, res, NULL), HOIST_OK);
	for (int i = 0; i < 3; i++) {
		char name[8];
		snprintf(name, sizeof name, "pkg%d", i);
		ck_assert(exists(name));
		ck_assert_str_eq(res[i].sha256, body_sha);
		ck_assert_int_eq(all_last[i], BODY_LEN);
	}
	ck_assert(!exists("pkg0.part") && !exists("pkg1.part"));
}
END_TEST

START_TEST(test_stage_fetch_all_first_failure_in_order)
{
	struct hoist_stage_result res[3];
	struct hoist_error err;
	char wrong[65];
	memset(wrong, 'b', 64);
	wrong[64] = '\0';
	hoist_error_init(&err);
	serve(false, 2);
	ck_assert_int_eq(fetch_all(body_sha, wrong, never, res, &err), HOIST_CHECKSUM);
	ck_assert(strstr(hoist_error_message(&err), wrong) != NULL);
	/* The one that failed is gone; the ones that verified are kept for the next try. */
	ck_assert(!exists("pkg1") && !exists("pkg1.part"));
	ck_assert(exists("pkg0") && exists("pkg2"));
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_stage_fetch_all_cancelled_starts_nothing)
{
	struct hoist_stage_result res[3];
	struct hoist_error err;
	hoist_error_init(&err);
	port = 1; /* nothing listens: a request would fail with another status */
	ck_assert_int_eq(fetch_all(body_sha, body_sha, always, res, &err), HOIST_CANCELLED);
	ck_assert(!exists("pkg0") && !exists("pkg1") && !exists("pkg2"));
	hoist_error_done(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stage");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	SRunner *sr;
	int failed;
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(core, test_stage_download_verified);
	tcase_add_test(core, test_stage_resumes_partial);
	tcase_add_test(core, test_stage_server_ignoring_range_restarts);
	tcase_add_test(core, test_stage_cache_hit_needs_no_server);
	tcase_add_test(core, test_stage_local_copy);
	tcase_add_test(core, test_stage_fetch_all_keeps_every_package_verified);
	tcase_add_test(errors, test_stage_checksum_mismatch_keeps_nothing);
	tcase_add_test(errors, test_stage_unreachable_keeps_partial);
	tcase_add_test(errors, test_stage_unwritable_destination);
	tcase_add_test(errors, test_stage_fetch_all_first_failure_in_order);
	tcase_add_test(errors, test_stage_fetch_all_cancelled_starts_nothing);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

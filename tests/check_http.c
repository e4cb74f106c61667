/*
 * check_http.c: the HTTP layer against a tiny canned server forked inside the test
 * (a fake is fine for one module's unit test; the real server is hoist-sandbox).
 */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http.h"
#include "testsrv.h"

static struct testsrv srv = { 0, 0, -1 };
static char received[8192]; /* what the server saw */

static void canned(const char *request, struct hoist_buf *answer, void *ctx)
{
	(void)request;
	hoist_buf_puts(answer, ctx);
}

/* Serves one canned answer per connection, n times. */
static void serve(const char *answer, int times)
{
	testsrv_start(&srv, times, canned, (void *)answer);
}

static void collect(void)
{
	testsrv_collect(&srv, received, sizeof received);
}

static const char *url(const char *path)
{
	return testsrv_url(&srv, path);
}

START_TEST(test_http_get_sends_key_and_reads_body)
{
	struct hoist_http *h = hoist_http_new(NULL);
	struct hoist_http_response r;
	struct hoist_http_request q = { 0 };
	struct hoist_error err;
	serve("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 22\r\n"
	      "Connection: close\r\n\r\n{\"Version\":\"2024.1.1\"}",
	      1);
	hoist_error_init(&err);
	hoist_http_response_init(&r);
	q.url = url("/api");
	q.api_key = "API-SECRET123";
	q.idempotent = true;
	ck_assert_int_eq(hoist_http_perform(h, &q, &r, &err), HOIST_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(hoist_buf_cstr(&r.body), "{\"Version\":\"2024.1.1\"}");
	collect();
	ck_assert_msg(strstr(received, "X-Octopus-ApiKey: API-SECRET123") != NULL, "%s", received);
	hoist_http_response_done(&r);
	hoist_http_free(h);
}
END_TEST

START_TEST(test_http_status_messages)
{
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_http_status_error(401, "connect", "http://x/api", NULL, &err),
			 HOIST_AUTH);
	ck_assert(strstr(hoist_error_message(&err), "refused the API key") != NULL);
	ck_assert_int_eq(hoist_http_status_error(503, "connect", "http://x/api", NULL, &err),
			 HOIST_NETWORK);
	ck_assert_int_eq(hoist_http_status_error(418, "ping", "http://x/api", NULL, &err),
			 HOIST_HTTP);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_http_url_rules)
{
	ck_assert(hoist_http_is_loopback("http://127.0.0.1:8080/api"));
	ck_assert(hoist_http_is_loopback("http://localhost/"));
	ck_assert(hoist_http_is_loopback("http://[::1]:80/"));
	ck_assert(!hoist_http_is_loopback("http://example.com/"));
	ck_assert(!hoist_http_is_loopback("http://127.0.0.1.example.com/"));
	ck_assert_int_eq(hoist_http_check_url("http://example.com/", false, NULL), HOIST_CONFIG);
	ck_assert_int_eq(hoist_http_check_url("http://example.com/", true, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_http_check_url("https://example.com/", false, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_http_check_url("ftp://example.com/", true, NULL), HOIST_CONFIG);
	ck_assert_int_eq(hoist_http_check_url("", true, NULL), HOIST_CONFIG);
}
END_TEST

START_TEST(test_http_refused_connection_names_host)
{
	struct hoist_http_options o;
	struct hoist_http *h;
	struct hoist_http_response r;
	struct hoist_http_request q = { 0 };
	struct hoist_error err;
	hoist_http_options_init(&o);
	o.retries = 1;
	o.retry_delay_ms = 10;
	h = hoist_http_new(&o);
	hoist_error_init(&err);
	hoist_http_response_init(&r);
	q.url = "http://127.0.0.1:1/api"; /* nothing listens on port 1 */
	q.idempotent = true;
	ck_assert_int_eq(hoist_http_perform(h, &q, &r, &err), HOIST_NETWORK);
	ck_assert_msg(strstr(hoist_error_message(&err), "127.0.0.1") != NULL, "%s",
		      hoist_error_message(&err));
	hoist_error_done(&err);
	hoist_http_response_done(&r);
	hoist_http_free(h);
}
END_TEST

START_TEST(test_http_body_cap)
{
	struct hoist_http_options o;
	struct hoist_http *h;
	struct hoist_http_response r;
	struct hoist_http_request q = { 0 };
	struct hoist_error err;
	serve("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
	      "0123456789012345678901234567890123456789",
	      1);
	hoist_http_options_init(&o);
	o.max_body = 16;
	h = hoist_http_new(&o);
	hoist_error_init(&err);
	hoist_http_response_init(&r);
	q.url = url("/feed");
	ck_assert_int_eq(hoist_http_perform(h, &q, &r, &err), HOIST_TOOBIG);
	ck_assert(strstr(hoist_error_message(&err), "larger than allowed") != NULL);
	collect();
	hoist_error_done(&err);
	hoist_http_response_done(&r);
	hoist_http_free(h);
}
END_TEST

START_TEST(test_http_plain_http_refused_before_sending)
{
	struct hoist_http *h = hoist_http_new(NULL);
	struct hoist_http_response r;
	struct hoist_http_request q = { 0 };
	struct hoist_error err;
	hoist_error_init(&err);
	hoist_http_response_init(&r);
	q.url = "http://octopus.example.com/api";
	q.api_key = "API-SECRET";
	ck_assert_int_eq(hoist_http_perform(h, &q, &r, &err), HOIST_CONFIG);
	ck_assert(strstr(hoist_error_message(&err), "plain http://") != NULL);
	ck_assert(strstr(hoist_error_message(&err), "API-SECRET") == NULL);
	hoist_error_done(&err);
	hoist_http_response_done(&r);
	hoist_http_free(h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_http_get_sends_key_and_reads_body);
	tcase_add_test(core, test_http_url_rules);
	tcase_add_test(errors, test_http_status_messages);
	tcase_add_test(errors, test_http_refused_connection_names_host);
	tcase_add_test(errors, test_http_body_cap);
	tcase_add_test(errors, test_http_plain_http_refused_before_sending);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_NOFORK);
}

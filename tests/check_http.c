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
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "http.h"
#include "text.h"
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


/*
 * A misbehaving peer, forked: "silent" accepts and never answers, "trickle" sends the
 * head of an answer and then two bytes a second. It gives up by itself after 8 s.
 */
static pid_t bad_pid;
static int bad_port;

static void bad_peer(const char *mode)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	bad_port = ntohs(a.sin_port);
	bad_pid = fork();
	if (bad_pid == 0) {
		alarm(8);
		for (;;) {
			int c = accept(fd, NULL, NULL);
			char buf[4096];
			if (c < 0)
				_exit(0);
			if (read(c, buf, sizeof buf) < 0)
				_exit(0);
			if (!strcmp(mode, "trickle")) {
				const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
				if (write(c, head, strlen(head)) < 0)
					_exit(0);
				for (;;) {
					usleep(500000);
					if (write(c, "x", 1) < 0)
						_exit(0);
				}
			}
			/* silent: keep the connection open, say nothing */
		}
	}
	close(fd);
}

static void bad_peer_stop(void)
{
	if (bad_pid > 0) {
		kill(bad_pid, SIGKILL);
		waitpid(bad_pid, NULL, 0);
		bad_pid = 0;
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum hoist_status discard(void *ctx, const void *data, size_t n)
{
	return HOIST_OK;
}

START_TEST(test_http_trickling_peer_given_up)
{
	/* Two bytes a second is "data" to a 1 byte/s limit: such a peer was never given up. */
	struct hoist_http_options o;
	struct hoist_http *h;
	struct hoist_http_response r;
	struct hoist_http_request q = { 0 };
	struct hoist_error err;
	struct timespec t0;
	char u[64];
	double took;
	bad_peer("trickle");
	hoist_http_options_init(&o);
	o.stall_timeout_s = 2;
	o.retries = 0;
	h = hoist_http_new(&o);
	hoist_error_init(&err);
	hoist_http_response_init(&r);
	snprintf(u, sizeof u, "http://127.0.0.1:%d/pkg", bad_port);
	q.url = u;
	q.sink = discard; /* a download: no total deadline, only the low-speed limit */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(hoist_http_perform(h, &q, &r, &err), HOIST_TIMEOUT);
	took = seconds_since(&t0);
	bad_peer_stop();
	ck_assert_msg(took < 4.0, "given up after %.1f s", took);
	ck_assert_msg(strstr(hoist_error_message(&err), "less than 512 bytes a second for 2 s"),
		      "%s", hoist_error_message(&err));
	hoist_error_done(&err);
	hoist_http_response_done(&r);
	hoist_http_free(h);
}
END_TEST

START_TEST(test_http_deadline_covers_retries)
{
	/* A silent peer: three tries of a 30 s stall each was 91 s; the call's deadline is all. */
	struct hoist_http_options o;
	struct hoist_http *h;
	struct hoist_http_response r;
	struct hoist_http_request q = { 0 };
	struct hoist_error err;
	struct timespec t0;
	char u[64];
	double took;
	bad_peer("silent");
	hoist_http_options_init(&o);
	o.retries = 2;
	o.retry_delay_ms = 100;
	h = hoist_http_new(&o);
	hoist_error_init(&err);
	hoist_http_response_init(&r);
	snprintf(u, sizeof u, "http://127.0.0.1:%d/api", bad_port);
	q.url = u;
	q.idempotent = true;
	q.deadline_ms = 1500;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(hoist_http_perform(h, &q, &r, &err), HOIST_TIMEOUT);
	took = seconds_since(&t0);
	bad_peer_stop();
	ck_assert_msg(took < 2.5, "given up after %.1f s", took);
	ck_assert_msg(strstr(hoist_error_message(&err), "within the 1.5 s allowed"), "%s",
		      hoist_error_message(&err));
	ck_assert_msg(strstr(hoist_error_message(&err), "0 bytes received"), "%s",
		      hoist_error_message(&err));
	hoist_error_done(&err);
	hoist_http_response_done(&r);
	hoist_http_free(h);
}
END_TEST

START_TEST(test_http_echoed_key_scrubbed)
{
	/* A server that puts the key it got into its ErrorMessage: the message never has it. */
	struct hoist_error err;
	struct hoist_buf body;
	hoist_secret_add("API-ECHOED0123456789");
	hoist_buf_init(&body, 0);
	hoist_buf_puts(&body, "{\"ErrorMessage\":\"bad key API-ECHOED0123456789 for you\"}");
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_http_status_error(500, "connect", "http://x/api", &body, &err),
			 HOIST_HTTP);
	ck_assert_msg(!strstr(hoist_error_message(&err), "ECHOED"), "%s", hoist_error_message(&err));
	ck_assert(strstr(hoist_error_message(&err), "bad key [API key] for you") != NULL);
	hoist_error_done(&err);
	hoist_buf_done(&body);
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
	tcase_add_test(errors, test_http_trickling_peer_given_up);
	tcase_add_test(errors, test_http_deadline_covers_retries);
	tcase_add_test(errors, test_http_echoed_key_scrubbed);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_NOFORK);
}

/*
 * check_http.c: the HTTP layer against a tiny canned server forked inside the test
 * (a fake is fine for one module's unit test; the real server is hoist-sandbox).
 */
#include "config.h"
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "http.h"

static pid_t server_pid;
static int server_port;
static char received[8192]; /* what the server saw, read back through a pipe */

/* Serves one canned answer per connection, n times, and reports the requests. */
static void serve(const char *answer, int times, int report_fd)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1, pfd[2];
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(s, 8), 0);
	getsockname(s, (struct sockaddr *)&a, &len);
	server_port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe(pfd), 0);
	server_pid = fork();
	if (server_pid == 0) {
		/* Check's SIGTERM handler would signal the whole process group (make too). */
		signal(SIGTERM, SIG_DFL);
		close(pfd[0]);
		for (int i = 0; i < times; i++) {
			char req[4096];
			ssize_t n;
			int c = accept(s, NULL, NULL);
			if (c < 0)
				_exit(1);
			n = read(c, req, sizeof req - 1);
			if (n > 0 && write(pfd[1], req, (size_t)n) < 0)
				_exit(1);
			if (write(c, answer, strlen(answer)) < 0)
				_exit(1);
			close(c);
		}
		_exit(0);
	}
	close(pfd[1]);
	close(s);
	(void)report_fd;
	server_pid = server_pid;
	/* Reading happens after the request, in collect(). */
	received[0] = '\0';
	dup2(pfd[0], 100);
	close(pfd[0]);
}

static void collect(void)
{
	ssize_t n = read(100, received, sizeof received - 1);
	received[n > 0 ? n : 0] = '\0';
	close(100);
	kill(server_pid, SIGKILL);
	waitpid(server_pid, NULL, 0);
}

static char *url(const char *path)
{
	static char u[128];
	snprintf(u, sizeof u, "http://127.0.0.1:%d%s", server_port, path);
	return u;
}

START_TEST(test_http_get_sends_key_and_reads_body)
{
	struct hoist_http *h = hoist_http_new(NULL);
	struct hoist_http_response r;
	struct hoist_http_request q = { 0 };
	struct hoist_error err;
	serve("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 22\r\n"
	      "Connection: close\r\n\r\n{\"Version\":\"2024.1.1\"}",
	      1, 0);
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
	      1, 0);
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
	SRunner *sr;
	int failed;
	tcase_add_test(core, test_http_get_sends_key_and_reads_body);
	tcase_add_test(core, test_http_url_rules);
	tcase_add_test(errors, test_http_status_messages);
	tcase_add_test(errors, test_http_refused_connection_names_host);
	tcase_add_test(errors, test_http_body_cap);
	tcase_add_test(errors, test_http_plain_http_refused_before_sending);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

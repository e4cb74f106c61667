/*
 * check_transport.c: transport addresses, remote quoting, the ssh argument vector, local
 * runs and an unreachable SSH port (tests/ssh_transport.sh drives a real sshd).
 */
#include "config.h"
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "transport.h"

START_TEST(test_transport_parse_valid)
{
	struct hoist_transport_addr a;
	ck_assert_int_eq(hoist_transport_parse("local", &a, NULL), HOIST_OK);
	ck_assert_int_eq(a.kind, HOIST_TRANSPORT_LOCAL);
	hoist_transport_addr_done(&a);

	ck_assert_int_eq(hoist_transport_parse("ssh://hoist@10.0.0.5:22", &a, NULL), HOIST_OK);
	ck_assert_int_eq(a.kind, HOIST_TRANSPORT_SSH);
	ck_assert_str_eq(a.user, "hoist");
	ck_assert_str_eq(a.host, "10.0.0.5");
	ck_assert_int_eq(a.port, 22);
	hoist_transport_addr_done(&a);

	ck_assert_int_eq(hoist_transport_parse("ssh://octo-1.corp.example.com", &a, NULL), HOIST_OK);
	ck_assert_ptr_null(a.user);
	ck_assert_str_eq(a.host, "octo-1.corp.example.com");
	ck_assert_int_eq(a.port, 0);
	hoist_transport_addr_done(&a);

	ck_assert_int_eq(hoist_transport_parse("ssh://svc_octo.2@[::1]:2222", &a, NULL), HOIST_OK);
	ck_assert_str_eq(a.user, "svc_octo.2");
	ck_assert_str_eq(a.host, "::1");
	ck_assert_int_eq(a.port, 2222);
	hoist_transport_addr_done(&a);
}
END_TEST

START_TEST(test_transport_quote)
{
	char *q = hoist_transport_quote("it's a \"test\" $(id) `x` \\ ;|&");
	ck_assert_str_eq(q, "'it'\\''s a \"test\" $(id) `x` \\ ;|&'");
	free(q);
	q = hoist_transport_quote("");
	ck_assert_str_eq(q, "''");
	free(q);
	q = hoist_transport_quote("tab\there");
	ck_assert_str_eq(q, "'tab\there'");
	free(q);
}
END_TEST

START_TEST(test_transport_ssh_argv)
{
	struct hoist_transport *t;
	const char *cmd[] = { "/usr/bin/hoist-sandbox", "ctl", "/tmp/sb dir", "stop", "it's", NULL };
	const char *expect[] = { "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=15",
				 "-o", "ControlMaster=auto", "-o", "ControlPath=/run/r1/ssh-%C",
				 "-o", "ControlPersist=60", "-p", "2222", "-i", "/k/id",
				 "hoist@octo2", "--",
				 "'/usr/bin/hoist-sandbox' 'ctl' '/tmp/sb dir' 'stop' 'it'\\''s'", NULL };
	char **v;
	size_t i;
	ck_assert_int_eq(hoist_transport_new("octo2", "ssh://hoist@octo2:2222", "/run/r1", &t, NULL),
			 HOIST_OK);
	hoist_transport_add_ssh_arg(t, "-i");
	hoist_transport_add_ssh_arg(t, "/k/id");
	ck_assert_int_eq(hoist_transport_kind(t), HOIST_TRANSPORT_SSH);
	ck_assert_str_eq(hoist_transport_text(t), "ssh://hoist@octo2:2222");
	ck_assert_int_eq(hoist_transport_argv(t, cmd, &v, NULL), HOIST_OK);
	for (i = 0; expect[i]; i++)
		ck_assert_str_eq(v[i], expect[i]);
	ck_assert_ptr_null(v[i]);
	hoist_exec_argv_free(v);
	hoist_transport_free(t);
}
END_TEST

START_TEST(test_transport_long_control_dir_falls_back)
{
	struct hoist_transport *t;
	const char *cmd[] = { "true", NULL };
	char dir[200];
	char **v;
	bool sharing = false, short_name = false;
	/* 60 characters: too long for %C (40 hex) but room for a short name. */
	memset(dir, 'd', 60);
	dir[0] = '/';
	dir[60] = '\0';
	ck_assert_int_eq(hoist_transport_new("n", "ssh://u@h", dir, &t, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_transport_argv(t, cmd, &v, NULL), HOIST_OK);
	for (size_t i = 0; v[i]; i++) {
		if (strncmp(v[i], "ControlPath=", 12) == 0) {
			sharing = true;
			short_name = strstr(v[i], "%C") == NULL;
		}
	}
	ck_assert(sharing && short_name);
	hoist_exec_argv_free(v);
	hoist_transport_free(t);

	/* Far too long: no sharing at all, commands still run. */
	memset(dir, 'd', 150);
	dir[150] = '\0';
	ck_assert_int_eq(hoist_transport_new("n", "ssh://u@h", dir, &t, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_transport_argv(t, cmd, &v, NULL), HOIST_OK);
	for (size_t i = 0; v[i]; i++)
		ck_assert(strncmp(v[i], "Control", 7) != 0);
	hoist_exec_argv_free(v);
	hoist_transport_free(t);
}
END_TEST

START_TEST(test_transport_local_runs_argv)
{
	struct hoist_transport *t;
	struct hoist_exec_result r;
	const char *cmd[] = { "printf", "%s|", "a b", "it's", NULL };
	ck_assert_int_eq(hoist_transport_new("octo1", "local", "/tmp", &t, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_transport_kind(t), HOIST_TRANSPORT_LOCAL);
	hoist_exec_result_init(&r);
	ck_assert_int_eq(hoist_transport_run(t, cmd, NULL, &r, NULL), HOIST_OK);
	ck_assert_str_eq(hoist_buf_cstr(&r.out), "a b|it's|");
	hoist_exec_result_done(&r);
	ck_assert_int_eq(hoist_transport_probe(t, 5000, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_transport_close(t, NULL), HOIST_OK);
	hoist_transport_free(t);
}
END_TEST

START_TEST(test_transport_parse_rejects)
{
	static const char *bad[] = {
		"", "ssh", "ssh:/h", "ftp://h", "ssh://", "ssh://-oProxyCommand=x",
		"ssh://u@-h", "ssh://u@h:0", "ssh://u@h:65536", "ssh://u@h:22x", "ssh://u@h:022",
		"ssh://u@h/path", "ssh://u@h:", "ssh://-u@h", "ssh://u;id@h", "ssh://u@h;id",
		"ssh://u@h h", "ssh://u@[::1", "ssh://u@[nothex]:22", "ssh://u@@h",
		"ssh://u@h-.example", "ssh://u@h..x", "ssh://u@h\n", "LOCAL", "local ",
		"ssh://a_very_long_user_name_that_goes_past_32@h",
	};
	struct hoist_transport_addr a;
	struct hoist_error err;
	hoist_error_init(&err);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		enum hoist_status st = hoist_transport_parse(bad[i], &a, &err);
		if (st != HOIST_CONFIG)
			ck_abort_msg("accepted \"%s\"", bad[i]);
		ck_assert_ptr_null(a.host);
	}
	ck_assert_int_eq(hoist_transport_parse("ssh://u@h:99999", &a, &err), HOIST_CONFIG);
	ck_assert_str_eq(hoist_error_message(&err),
			 "transport \"ssh://u@h:99999\": the port must be a number from 1 to 65535");
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_transport_new_names_node)
{
	struct hoist_transport *t = (void *)1;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_transport_new("octo3", "telnet://h", NULL, &t, &err), HOIST_CONFIG);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "node octo3: transport"));
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_transport_refuses_control_chars)
{
	struct hoist_transport *t;
	struct hoist_error err;
	const char *cmd[] = { "echo", "line\nbreak", NULL };
	const char *empty[] = { NULL };
	char **v;
	ck_assert_ptr_null(hoist_transport_quote("a\nb"));
	ck_assert_ptr_null(hoist_transport_quote("bell\a"));
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_transport_new("n", "ssh://u@h", NULL, &t, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_transport_argv(t, cmd, &v, &err), HOIST_UNSAFE);
	ck_assert_ptr_null(v);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "argument 2 of `echo`"));
	ck_assert_int_eq(hoist_transport_argv(t, empty, &v, &err), HOIST_USAGE);
	hoist_transport_free(t);
	hoist_error_done(&err);
}
END_TEST

static int free_port(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0), port;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	getsockname(s, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(s);
	return port;
}

START_TEST(test_transport_unreachable_port_is_clear)
{
	struct hoist_transport *t;
	struct hoist_error err;
	char addr[64], dir[] = "/tmp/hoist-tr.XXXXXX";
	const char *cmd[] = { "true", NULL };
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(addr, sizeof addr, "ssh://hoist@127.0.0.1:%d", free_port());
	ck_assert_int_eq(hoist_transport_new("node2", addr, dir, &t, NULL), HOIST_OK);
	hoist_transport_add_ssh_arg(t, "-F");
	hoist_transport_add_ssh_arg(t, "/dev/null");
	hoist_transport_add_ssh_arg(t, "-o");
	hoist_transport_add_ssh_arg(t, "StrictHostKeyChecking=no");
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_transport_run(t, cmd, NULL, NULL, &err), HOIST_NETWORK);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "cannot reach node2 over SSH (ssh://hoist@127.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "Connection refused"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "check the host name and port"));
	ck_assert_int_eq(hoist_transport_close(t, NULL), HOIST_OK);
	hoist_transport_free(t);
	hoist_error_done(&err);
	rmdir(dir);
}
END_TEST

/* Over SSH the remote shell names its pid first: a fake ssh runs the remote command here. */
START_TEST(test_transport_records_remote_pid)
{
	char dir[] = "/tmp/check_transport.XXXXXX", fake[128], rec[160];
	const char *cmd[] = { "sh", "-c", "echo $$", NULL };
	struct hoist_transport *t;
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	long ended;
	FILE *f;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fake, sizeof fake, "%s/ssh", dir);
	f = fopen(fake, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\nfor last; do :; done\nexec sh -c \"$last\"\n", f);
	fclose(f);
	chmod(fake, 0700);
	snprintf(rec, sizeof rec, "%s/actions", dir);
	ck_assert_int_eq(hoist_transport_new("n", "ssh://u@h", NULL, &t, NULL), HOIST_OK);
	hoist_transport_set_ssh_program(t, fake);
	hoist_transport_set_record_dir(t, rec);
	hoist_exec_options_init(&o);
	o.timeout_ms = 10000;
	hoist_exec_result_init(&r);
	ck_assert_int_eq(hoist_transport_run(t, cmd, &o, &r, NULL), HOIST_OK);
	/* exec keeps the pid: the command's own $$ is the pid the shell named. */
	ck_assert_int_gt(r.remote_pid, 1);
	ck_assert_int_eq(r.remote_pid, atol(hoist_buf_cstr(&r.out)));
	ck_assert_str_eq(hoist_buf_cstr(&r.err), "");
	ended = r.remote_pid;
	hoist_exec_result_done(&r);
	{
		/* Whether a process runs "on the node": this one does, the ended shell does not. */
		bool running = false;
		ck_assert_int_eq(hoist_transport_remote_running(t, (long)getpid(), &running, NULL),
				 HOIST_OK);
		ck_assert(running);
		ck_assert_int_eq(hoist_transport_remote_running(t, ended, &running, NULL),
				 HOIST_OK);
		ck_assert(!running);
	}
	hoist_transport_free(t);
	unlink(fake);
	rmdir(rec);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("transport");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	SRunner *sr;
	int failed;
	tcase_add_test(core, test_transport_parse_valid);
	tcase_add_test(core, test_transport_quote);
	tcase_add_test(core, test_transport_ssh_argv);
	tcase_add_test(core, test_transport_long_control_dir_falls_back);
	tcase_add_test(core, test_transport_local_runs_argv);
	tcase_add_test(core, test_transport_records_remote_pid);
	tcase_add_test(errors, test_transport_parse_rejects);
	tcase_add_test(errors, test_transport_new_names_node);
	tcase_add_test(errors, test_transport_refuses_control_chars);
	tcase_add_test(errors, test_transport_unreachable_port_is_clear);
	tcase_set_timeout(errors, 30);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

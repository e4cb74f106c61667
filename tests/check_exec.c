/* check_exec.c: running real commands: output streamed by line, exit codes, timeouts. */
#include "config.h"
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "exec.h"

struct seen {
	char lines[32][256];
	int stream[32];
	bool truncated[32];
	int n;
	const char *touch;          /* created when the first line arrives */
	volatile sig_atomic_t *cancel_on_first;
};

static void record(const struct hoist_exec_line *l, void *data)
{
	struct seen *s = data;
	if (s->n < 32) {
		snprintf(s->lines[s->n], sizeof s->lines[0], "%s", l->line);
		s->stream[s->n] = l->stream;
		s->truncated[s->n] = l->truncated;
		s->n++;
	}
	if (s->touch) {
		FILE *f = fopen(s->touch, "w");
		if (f)
			fclose(f);
		s->touch = NULL;
	}
	if (s->cancel_on_first)
		*s->cancel_on_first = 1;
}

static void opts_for(struct hoist_exec_options *o, struct seen *s)
{
	hoist_exec_options_init(o);
	o->node = "n1";
	o->on_line = record;
	o->data = s;
	memset(s, 0, sizeof *s);
}

/* Whether a pid names a live, non-zombie process. */
static bool alive(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	char *p;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	p = fgets(buf, sizeof buf, f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return false;
	return p[2] != 'Z';
}

START_TEST(test_exec_captures_both_streams)
{
	const char *argv[] = { "sh", "-c", "printf 'a\\nb\\n'; echo problem >&2; printf tail", NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct seen s;
	struct hoist_error err;
	opts_for(&o, &s);
	hoist_exec_result_init(&r);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_exec_run(argv, &o, &r, &err), HOIST_OK);
	ck_assert(r.exited);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(hoist_buf_cstr(&r.out), "a\nb\ntail");
	ck_assert_str_eq(hoist_buf_cstr(&r.err), "problem\n");
	ck_assert_str_eq(r.last_stderr, "problem");
	ck_assert_int_eq(s.n, 4);
	/* Each stream keeps its own order; the unterminated last line still arrives. */
	int outs = 0;
	for (int i = 0; i < s.n; i++) {
		if (s.stream[i] == HOIST_EXEC_STDERR) {
			ck_assert_str_eq(s.lines[i], "problem");
			continue;
		}
		ck_assert_str_eq(s.lines[i], outs == 0 ? "a" : outs == 1 ? "b" : "tail");
		outs++;
	}
	ck_assert_int_eq(outs, 3);
	hoist_exec_result_done(&r);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_exec_streams_while_running)
{
	/* The command waits for a file the callback creates on the first line: it only
	 * finishes if lines are handed over while it still runs. */
	char dir[] = "/tmp/hoist-exec.XXXXXX", flag[64], script[256];
	struct hoist_exec_options o;
	struct seen s;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(flag, sizeof flag, "%s/go", dir);
	snprintf(script, sizeof script,
		 "echo first; while [ ! -e %s ]; do sleep 0.02; done; echo second", flag);
	const char *argv[] = { "sh", "-c", script, NULL };
	opts_for(&o, &s);
	s.touch = flag;
	o.timeout_ms = 10000;
	ck_assert_int_eq(hoist_exec_run(argv, &o, NULL, NULL), HOIST_OK);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.lines[0], "first");
	ck_assert_str_eq(s.lines[1], "second");
	unlink(flag);
	rmdir(dir);
}
END_TEST

START_TEST(test_exec_argv_arrives_intact)
{
	const char *argv[] = { "printf", "%s\\n", "two words", "it's \"quoted\"", "$(id); rm -rf /",
			       "", NULL };
	struct hoist_exec_options o;
	struct seen s;
	opts_for(&o, &s);
	ck_assert_int_eq(hoist_exec_run(argv, &o, NULL, NULL), HOIST_OK);
	ck_assert_int_eq(s.n, 4);
	ck_assert_str_eq(s.lines[0], "two words");
	ck_assert_str_eq(s.lines[1], "it's \"quoted\"");
	ck_assert_str_eq(s.lines[2], "$(id); rm -rf /");
	ck_assert_str_eq(s.lines[3], "");
}
END_TEST

START_TEST(test_exec_api_key_not_inherited)
{
	const char *argv[] = { "sh", "-c", "echo \"key=${HOIST_API_KEY-unset} other=$HOIST_OTHER\"", NULL };
	struct hoist_exec_result r;
	setenv("HOIST_API_KEY", "API-SECRET0123456789", 1);
	setenv("HOIST_OTHER", "kept", 1);
	hoist_exec_result_init(&r);
	ck_assert_int_eq(hoist_exec_run(argv, NULL, &r, NULL), HOIST_OK);
	ck_assert_str_eq(hoist_buf_cstr(&r.out), "key=unset other=kept\n");
	ck_assert_str_eq(getenv("HOIST_API_KEY"), "API-SECRET0123456789");
	hoist_exec_result_done(&r);
	unsetenv("HOIST_API_KEY");
	unsetenv("HOIST_OTHER");
}
END_TEST

START_TEST(test_exec_long_lines_and_cap)
{
	const char *argv[] = { "sh", "-c",
			       "printf '0123456789abcdefghij\\r\\nshort\\r\\n'; head -c 5000 /dev/zero | tr '\\0' x",
			       NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct seen s;
	opts_for(&o, &s);
	o.line_max = 10;
	o.output_cap = 100;
	hoist_exec_result_init(&r);
	ck_assert_int_eq(hoist_exec_run(argv, &o, &r, NULL), HOIST_OK);
	ck_assert_str_eq(s.lines[0], "0123456789");
	ck_assert(s.truncated[0]);
	ck_assert_str_eq(s.lines[1], "short");
	ck_assert(!s.truncated[1]);
	ck_assert_str_eq(s.lines[2], "xxxxxxxxxx");
	ck_assert_int_eq(s.n, 3);
	ck_assert_uint_eq(r.out.len, 100);
	ck_assert(r.out_truncated);
	ck_assert(!r.err_truncated);
	hoist_exec_result_done(&r);
}
END_TEST

START_TEST(test_exec_argv_helpers)
{
	const char *argv[] = { "msiexec", "/i", "C:\\pkg dir\\a.msi", "it's", NULL };
	char **copy = hoist_exec_argv_dup(argv);
	char *shown = hoist_exec_argv_display((const char *const *)copy);
	ck_assert_str_eq(copy[2], "C:\\pkg dir\\a.msi");
	ck_assert_ptr_null(copy[4]);
	ck_assert_str_eq(shown, "msiexec /i 'C:\\pkg dir\\a.msi' 'it'\\''s'");
	free(shown);
	hoist_exec_argv_free(copy);
	hoist_exec_argv_free(NULL);
}
END_TEST

START_TEST(test_exec_nonzero_exit_names_node_and_action)
{
	const char *argv[] = { "sh", "-c", "echo starting; echo 'service is locked' >&2; exit 3",
			       NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct hoist_error err;
	struct seen s;
	opts_for(&o, &s);
	o.action = "stop";
	hoist_exec_result_init(&r);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_exec_run(argv, &o, &r, &err), HOIST_COMMAND);
	ck_assert(r.exited);
	ck_assert_int_eq(r.exit_code, 3);
	ck_assert_str_eq(hoist_error_message(&err),
			 "on node n1, `stop` failed with exit code 3: service is locked");
	hoist_exec_result_done(&r);
	hoist_error_done(&err);

	const char *quiet[] = { "false", NULL };
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_exec_run(quiet, NULL, NULL, &err), HOIST_COMMAND);
	ck_assert_str_eq(hoist_error_message(&err),
			 "on node localhost, `false` failed with exit code 1 and wrote nothing on stderr");
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_exec_timeout_kills_the_group)
{
	char dir[] = "/tmp/hoist-exec.XXXXXX", pidfile[64], script[256];
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct hoist_error err;
	struct seen s;
	FILE *f;
	int child = 0;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pidfile, sizeof pidfile, "%s/pid", dir);
	/* A grandchild that would outlive its parent if only the parent were killed. */
	snprintf(script, sizeof script, "sleep 30 & echo $! > %s; echo waiting; wait", pidfile);
	const char *argv[] = { "sh", "-c", script, NULL };
	opts_for(&o, &s);
	o.action = "db-upgrade";
	o.timeout_ms = 300;
	hoist_exec_result_init(&r);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_exec_run(argv, &o, &r, &err), HOIST_TIMEOUT);
	ck_assert(r.timed_out);
	ck_assert(!r.exited);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err),
				     "on node n1, `db-upgrade` did not finish within 300 milliseconds"));
	ck_assert_str_eq(s.lines[0], "waiting");
	f = fopen(pidfile, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &child), 1);
	fclose(f);
	for (int i = 0; i < 100 && alive(child); i++)
		usleep(10000);
	ck_assert(!alive(child));
	hoist_exec_result_done(&r);
	hoist_error_done(&err);
	unlink(pidfile);
	rmdir(dir);
}
END_TEST

START_TEST(test_exec_sigkill_after_grace)
{
	const char *argv[] = { "sh", "-c", "trap '' TERM; echo stubborn; while :; do sleep 0.05; done",
			       NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct seen s;
	opts_for(&o, &s);
	o.timeout_ms = 1000;
	o.kill_grace_ms = 100;
	hoist_exec_result_init(&r);
	ck_assert_int_eq(hoist_exec_run(argv, &o, &r, NULL), HOIST_TIMEOUT);
	ck_assert(r.timed_out);
	ck_assert_str_eq(s.lines[0], "stubborn");
	hoist_exec_result_done(&r);
}
END_TEST

START_TEST(test_exec_killed_by_signal)
{
	const char *argv[] = { "sh", "-c", "kill -KILL $$", NULL };
	struct hoist_exec_result r;
	struct hoist_error err;
	hoist_exec_result_init(&r);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_exec_run(argv, NULL, &r, &err), HOIST_COMMAND);
	ck_assert(!r.exited);
	ck_assert_int_eq(r.signal, SIGKILL);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "was killed by signal 9"));
	hoist_exec_result_done(&r);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_exec_missing_program)
{
	const char *argv[] = { "/nonexistent/Octopus.Server.exe", "service", NULL };
	const char *empty[] = { NULL };
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_exec_run(argv, NULL, NULL, &err), HOIST_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err),
				     "the program /nonexistent/Octopus.Server.exe was not found"));
	ck_assert_int_eq(hoist_exec_run(empty, NULL, NULL, &err), HOIST_USAGE);
	ck_assert_int_eq(hoist_exec_run(NULL, NULL, NULL, &err), HOIST_USAGE);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_exec_cancel_flag)
{
	static volatile sig_atomic_t cancel;
	const char *argv[] = { "sh", "-c", "echo begin; sleep 30", NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct hoist_error err;
	struct seen s;
	opts_for(&o, &s);
	cancel = 0;
	s.cancel_on_first = &cancel;
	o.cancel = &cancel;
	o.action = "install";
	hoist_exec_result_init(&r);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_exec_run(argv, &o, &r, &err), HOIST_CANCELLED);
	ck_assert(r.cancelled);
	ck_assert_str_eq(hoist_error_message(&err),
			 "on node n1, `install` was stopped because the run was cancelled");
	hoist_exec_result_done(&r);
	hoist_error_done(&err);
}
END_TEST

/* ---- records: what a killed engine's actions leave behind ---- */

static char *temp_dir(void)
{
	char tmpl[] = "/tmp/check_exec.XXXXXX";
	char *d = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

static void rm_dir(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

struct rec_seen {
	const char *dir;
	size_t n;
	long pid, remote_pid;
	char step[32], node[32], action[32];
	bool running, orphaned;
	int lines;
	char last[256];
};

static void look(const struct hoist_exec_line *l, void *data)
{
	struct rec_seen *s = data;
	struct hoist_exec_record *recs;
	size_t n;
	snprintf(s->last, sizeof s->last, "%s", l->line);
	if (s->lines++)
		return;
	ck_assert_int_eq(hoist_exec_records_read(s->dir, &recs, &n, NULL), HOIST_OK);
	s->n = n;
	if (n) {
		s->pid = recs[0].pid;
		s->remote_pid = recs[0].remote_pid;
		snprintf(s->step, sizeof s->step, "%s", recs[0].step ? recs[0].step : "");
		snprintf(s->node, sizeof s->node, "%s", recs[0].node);
		snprintf(s->action, sizeof s->action, "%s", recs[0].action);
		s->running = hoist_exec_record_running(&recs[0]);
		s->orphaned = hoist_exec_record_orphaned(&recs[0]);
	}
	hoist_exec_records_free(recs, n);
}

START_TEST(test_exec_record_while_running)
{
	const char *argv[] = { "sh", "-c", "echo started; sleep 0.2", NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct rec_seen s;
	char *dir = temp_dir(), *actions;
	struct hoist_exec_record *recs;
	size_t n;
	memset(&s, 0, sizeof s);
	actions = malloc(strlen(dir) + 16);
	sprintf(actions, "%s/actions", dir);
	s.dir = actions;
	hoist_exec_options_init(&o);
	o.node = "node1";
	o.action = "db-upgrade";
	o.step = "db-upgrade";
	o.record_dir = actions;
	o.on_line = look;
	o.data = &s;
	hoist_exec_result_init(&r);
	ck_assert_int_eq(hoist_exec_run(argv, &o, &r, NULL), HOIST_OK);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.pid, r.pid);
	ck_assert_str_eq(s.step, "db-upgrade");
	ck_assert_str_eq(s.node, "node1");
	ck_assert_str_eq(s.action, "db-upgrade");
	ck_assert(s.running);
	ck_assert(!s.orphaned); /* its engine (this process) watches it */
	/* Seen to its end: the record is gone. */
	ck_assert_int_eq(hoist_exec_records_read(actions, &recs, &n, NULL), HOIST_OK);
	ck_assert_uint_eq(n, 0);
	hoist_exec_records_free(recs, n);
	hoist_exec_result_done(&r);
	free(actions);
	rm_dir(dir);
	free(dir);
}
END_TEST

START_TEST(test_exec_record_of_a_killed_engine)
{
	const char *argv[] = { "sleep", "30", NULL };
	struct hoist_exec_record *recs = NULL;
	char *dir = temp_dir();
	size_t n = 0;
	pid_t engine = fork();
	ck_assert_int_ge(engine, 0);
	if (engine == 0) {
		struct hoist_exec_options o;
		hoist_exec_options_init(&o);
		o.node = "node1";
		o.action = "install";
		o.step = "install";
		o.record_dir = dir;
		hoist_exec_run(argv, &o, NULL, NULL);
		_exit(0);
	}
	for (int i = 0; i < 200 && n == 0; i++) {
		hoist_exec_records_free(recs, n);
		usleep(10000);
		ck_assert_int_eq(hoist_exec_records_read(dir, &recs, &n, NULL), HOIST_OK);
	}
	ck_assert_uint_eq(n, 1);
	ck_assert(!hoist_exec_record_orphaned(&recs[0]));
	kill(engine, SIGKILL);
	waitpid(engine, NULL, 0);
	/* The engine is gone, its action is not: the record says so, and it can be stopped. */
	ck_assert(hoist_exec_record_orphaned(&recs[0]));
	ck_assert(hoist_exec_record_running(&recs[0]));
	ck_assert_uint_eq(hoist_exec_records_running(dir), 1);
	hoist_exec_record_stop(&recs[0], 1000);
	for (int i = 0; i < 200 && hoist_exec_record_running(&recs[0]); i++)
		usleep(10000);
	ck_assert(!hoist_exec_record_running(&recs[0]));
	ck_assert_uint_eq(hoist_exec_records_running(dir), 0);
	hoist_exec_record_forget(&recs[0]);
	hoist_exec_records_free(recs, n);
	ck_assert_int_eq(hoist_exec_records_read(dir, &recs, &n, NULL), HOIST_OK);
	ck_assert_uint_eq(n, 0);
	hoist_exec_records_free(recs, n);
	rm_dir(dir);
	free(dir);
}
END_TEST

START_TEST(test_exec_remote_pid_line)
{
	const char *argv[] = { "sh", "-c",
			       "echo 'Warning: added host' >&2; echo hoist-remote-pid:4242 >&2; "
			       "echo out; sleep 0.1", NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct rec_seen s;
	char *dir = temp_dir();
	memset(&s, 0, sizeof s);
	s.dir = dir;
	hoist_exec_options_init(&o);
	o.node = "node2";
	o.action = "start";
	o.record_dir = dir;
	o.remote_pid_line = true;
	o.on_line = look;
	o.data = &s;
	hoist_exec_result_init(&r);
	ck_assert_int_eq(hoist_exec_run(argv, &o, &r, NULL), HOIST_OK);
	ck_assert_int_eq(r.remote_pid, 4242);
	/* The line is no output: not streamed, not kept, not the last stderr line. */
	ck_assert_int_eq(s.lines, 2);
	ck_assert_str_eq(hoist_buf_cstr(&r.err), "Warning: added host\n");
	ck_assert_str_eq(r.last_stderr, "Warning: added host");
	hoist_exec_result_done(&r);
	rm_dir(dir);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exec");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	SRunner *sr;
	int failed;
	tcase_add_test(core, test_exec_captures_both_streams);
	tcase_add_test(core, test_exec_streams_while_running);
	tcase_add_test(core, test_exec_argv_arrives_intact);
	tcase_add_test(core, test_exec_long_lines_and_cap);
	tcase_add_test(core, test_exec_api_key_not_inherited);
	tcase_add_test(core, test_exec_argv_helpers);
	tcase_add_test(errors, test_exec_nonzero_exit_names_node_and_action);
	tcase_add_test(errors, test_exec_timeout_kills_the_group);
	tcase_add_test(errors, test_exec_sigkill_after_grace);
	tcase_add_test(errors, test_exec_killed_by_signal);
	tcase_add_test(errors, test_exec_missing_program);
	tcase_add_test(errors, test_exec_cancel_flag);
	tcase_add_test(core, test_exec_record_while_running);
	tcase_add_test(core, test_exec_remote_pid_line);
	tcase_add_test(errors, test_exec_record_of_a_killed_engine);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

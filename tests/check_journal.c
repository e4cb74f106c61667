/*
 * check_journal.c: the run journal: round trip, order, crash tails, waiting, secrets,
 * summary, and messages said again in the reader's language.
 */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "i18n.h"
#include "journal.h"

static char dir[64], path[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hoist-journal.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/journal.jsonl", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "r");
	char *s = calloc(1, 1 << 20);
	size_t n;
	ck_assert_ptr_nonnull(f);
	n = fread(s, 1, (1 << 20) - 1, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void append_raw(const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static struct hoist_journal *open_journal(void)
{
	struct hoist_journal *j;
	struct hoist_error err;
	hoist_error_init(&err);
	if (hoist_journal_open(path, &j, &err) != HOIST_OK)
		ck_abort_msg("open: %s", hoist_error_message(&err));
	return j;
}

static void write_run_start(struct hoist_journal *j)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_RUN_START);
	ev.run_id = strdup("20261122T014233Z-beef");
	ev.from_version = strdup("2024.1.2");
	ev.to_version = strdup("2024.2.1");
	ev.kind = strdup("minor");
	ev.strategy = strdup("all-at-once");
	ev.profile = strdup("sandbox");
	hoist_event_add_step(&ev, "backup-db", NULL, NULL);
	hoist_event_add_step(&ev, "stop", "octo1", NULL);
	hoist_event_add_step(&ev, "stop", "octo2", NULL);
	hoist_event_add_step(&ev, "db-upgrade", "octo1", NULL);
	hoist_event_add_step(&ev, "start", "octo1", NULL);
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	ck_assert_uint_eq(ev.seq, 1);
	ck_assert_int_gt(ev.t_ms, 1700000000000LL);
	hoist_event_done(&ev);
}

START_TEST(test_journal_round_trip)
{
	struct hoist_journal *j = open_journal();
	struct hoist_journal_reader *r;
	struct hoist_event ev;
	struct stat sb;
	bool got;
	int n = 0;
	write_run_start(j);
	ck_assert_int_eq(hoist_journal_step_start(j, "backup-db", NULL, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_journal_progress(j, "backup-db", NULL, 512, 2048, -1, "copying", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_journal_log(j, "backup-db", NULL, "stdout", "line with \"quotes\"\tand tab", NULL), HOIST_OK);
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.step = strdup("backup-db");
	ev.outcome = HOIST_OUTCOME_OK;
	ev.exit_code = 0;
	ev.evidence.path = strdup("/var/lib/hoist/runs/x/backups/db.bak");
	ev.evidence.size = 123456789012LL;
	ev.evidence.sha256 = strdup("ab12");
	ev.evidence.time_ms = 1795311753123LL;
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	hoist_event_init(&ev, HOIST_EVENT_PROMPT);
	ev.prompt = strdup("confirm-restore");
	ev.message = strdup("Restore the backup?");
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	hoist_event_init(&ev, HOIST_EVENT_RUN_END);
	ev.outcome = HOIST_OUTCOME_OK;
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	ck_assert_uint_eq(hoist_journal_last_seq(j), 7);
	ck_assert_int_eq(hoist_journal_close(j, NULL), HOIST_OK);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);

	ck_assert_int_eq(hoist_journal_reader_open(path, &r, NULL), HOIST_OK);
	while (hoist_journal_reader_next(r, &ev, &got, NULL) == HOIST_OK && got) {
		n++;
		ck_assert_uint_eq(ev.seq, (unsigned)n);
		switch (n) {
		case 1:
			ck_assert_int_eq(ev.type, HOIST_EVENT_RUN_START);
			ck_assert_str_eq(ev.run_id, "20261122T014233Z-beef");
			ck_assert_str_eq(ev.to_version, "2024.2.1");
			ck_assert_str_eq(ev.strategy, "all-at-once");
			ck_assert_uint_eq(ev.n_steps, 5);
			ck_assert_ptr_null(ev.steps[0].node);
			ck_assert_str_eq(ev.steps[2].node, "octo2");
			break;
		case 3:
			ck_assert_int_eq(ev.type, HOIST_EVENT_PROGRESS);
			ck_assert_int_eq(ev.bytes, 512);
			ck_assert_int_eq(ev.total, 2048);
			ck_assert_int_eq(ev.tasks_left, -1);
			break;
		case 4:
			ck_assert_int_eq(ev.type, HOIST_EVENT_LOG);
			ck_assert_str_eq(ev.stream, "stdout");
			ck_assert_str_eq(ev.message, "line with \"quotes\"\tand tab");
			break;
		case 5:
			ck_assert_int_eq(ev.type, HOIST_EVENT_STEP_END);
			ck_assert_int_eq(ev.outcome, HOIST_OUTCOME_OK);
			ck_assert_int_eq(ev.exit_code, 0);
			ck_assert_str_eq(ev.evidence.path, "/var/lib/hoist/runs/x/backups/db.bak");
			ck_assert_int_eq(ev.evidence.size, 123456789012LL);
			ck_assert_int_eq(ev.evidence.time_ms, 1795311753123LL);
			break;
		case 6:
			ck_assert_int_eq(ev.type, HOIST_EVENT_PROMPT);
			ck_assert_str_eq(ev.prompt, "confirm-restore");
			break;
		case 7:
			ck_assert_int_eq(ev.type, HOIST_EVENT_RUN_END);
			break;
		}
		hoist_event_done(&ev);
	}
	ck_assert_int_eq(n, 7);
	hoist_journal_reader_free(r);
}
END_TEST

START_TEST(test_journal_reopen_continues_seq)
{
	struct hoist_journal *j = open_journal();
	char *text;
	write_run_start(j);
	hoist_journal_log(j, NULL, NULL, "engine", "first", NULL);
	hoist_journal_close(j, NULL);
	j = open_journal();
	ck_assert_uint_eq(hoist_journal_last_seq(j), 2);
	hoist_journal_log(j, NULL, NULL, "engine", "after restart", NULL);
	hoist_journal_close(j, NULL);
	text = slurp(path);
	ck_assert_ptr_nonnull(strstr(text, "{\"seq\":3,"));
	ck_assert_ptr_nonnull(strstr(text, "\"event\":\"log\",\"stream\":\"engine\",\"message\":\"after restart\"}\n"));
	free(text);
}
END_TEST

START_TEST(test_journal_fsync_at_step_boundaries)
{
	struct hoist_journal *j = open_journal();
	write_run_start(j);
	ck_assert_uint_eq(hoist_journal_sync_count(j), 1);
	hoist_journal_step_start(j, "stop", "octo1", NULL);
	ck_assert_uint_eq(hoist_journal_sync_count(j), 2);
	for (int i = 0; i < 5; i++)
		hoist_journal_log(j, "stop", "octo1", "stdout", "stopping", NULL);
	hoist_journal_progress(j, "stop", "octo1", -1, -1, 3, NULL, NULL);
	ck_assert_uint_eq(hoist_journal_sync_count(j), 2);
	hoist_journal_step_end(j, "stop", "octo1", HOIST_OUTCOME_OK, 0, NULL, NULL);
	ck_assert_uint_eq(hoist_journal_sync_count(j), 3);
	hoist_journal_close(j, NULL);
}
END_TEST

START_TEST(test_journal_partial_last_line)
{
	struct hoist_journal *j = open_journal();
	struct hoist_journal_reader *r;
	struct hoist_event ev;
	long long before;
	bool got;
	char *text;
	write_run_start(j);
	hoist_journal_step_start(j, "stop", "octo1", NULL);
	hoist_journal_close(j, NULL);
	/* A crash in the middle of writing the third event. */
	append_raw("{\"seq\":3,\"t\":1795311753123,\"event\":\"lo");

	ck_assert_int_eq(hoist_journal_reader_open(path, &r, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, NULL), HOIST_OK);
	ck_assert(got);
	hoist_event_done(&ev);
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, NULL), HOIST_OK);
	ck_assert(got);
	ck_assert_int_eq(ev.type, HOIST_EVENT_STEP_START);
	hoist_event_done(&ev);
	before = hoist_journal_reader_offset(r);
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, NULL), HOIST_OK);
	ck_assert(!got);
	ck_assert_int_eq(hoist_journal_reader_offset(r), before);
	/* The writer finishes the line: the reader now gets it whole. */
	append_raw("g\",\"message\":\"late\"}\n");
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, NULL), HOIST_OK);
	ck_assert(got);
	ck_assert_uint_eq(ev.seq, 3);
	ck_assert_str_eq(ev.message, "late");
	hoist_event_done(&ev);
	hoist_journal_reader_free(r);

	/* A writer opening after a crash drops a cut-off tail and numbers on. */
	append_raw("{\"seq\":4,\"t\":17953117");
	j = open_journal();
	ck_assert_uint_eq(hoist_journal_last_seq(j), 3);
	hoist_journal_log(j, NULL, NULL, "engine", "resumed", NULL);
	hoist_journal_close(j, NULL);
	text = slurp(path);
	ck_assert_ptr_null(strstr(text, "17953117{"));
	ck_assert_ptr_nonnull(strstr(text, "}\n{\"seq\":4,"));
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	free(text);
}
END_TEST

START_TEST(test_journal_wait_wakes_on_growth)
{
	struct hoist_journal *j = open_journal();
	struct hoist_journal_reader *r;
	struct hoist_event ev;
	bool got;
	pid_t child;
	write_run_start(j);
	hoist_journal_close(j, NULL);
	ck_assert_int_eq(hoist_journal_reader_open(path, &r, NULL), HOIST_OK);
	ck_assert_int_ge(hoist_journal_reader_fd(r), 0);
	while (hoist_journal_reader_next(r, &ev, &got, NULL) == HOIST_OK && got)
		hoist_event_done(&ev);
	ck_assert_int_eq(hoist_journal_reader_wait(r, 50, NULL), HOIST_TIMEOUT);

	child = fork();
	if (child == 0) {
		struct hoist_journal *w;
		usleep(100000);
		if (hoist_journal_open(path, &w, NULL) != HOIST_OK)
			_exit(1);
		hoist_journal_step_start(w, "stop", "octo2", NULL);
		hoist_journal_close(w, NULL);
		_exit(0);
	}
	/* A face's own poll() on the descriptor wakes when the writer appends. */
	struct pollfd p = { .fd = hoist_journal_reader_fd(r), .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 10000), 1);
	ck_assert_int_eq(hoist_journal_reader_wait(r, 10000, NULL), HOIST_OK);
	waitpid(child, NULL, 0);
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, NULL), HOIST_OK);
	ck_assert(got);
	ck_assert_str_eq(ev.node, "octo2");
	hoist_event_done(&ev);
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, NULL), HOIST_OK);
	ck_assert(!got);
	hoist_journal_reader_free(r);
}
END_TEST

START_TEST(test_journal_fold_summary)
{
	struct hoist_journal *j = open_journal();
	struct hoist_run_summary s;
	const struct hoist_step_summary *st;
	struct hoist_event ev;
	write_run_start(j);
	hoist_journal_step_start(j, "backup-db", NULL, NULL);
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.step = strdup("backup-db");
	ev.outcome = HOIST_OUTCOME_OK;
	ev.evidence.path = strdup("/state/runs/r/backups/db.bak");
	ev.evidence.size = 4096;
	hoist_journal_append(j, &ev, NULL);
	hoist_event_done(&ev);
	hoist_journal_step_start(j, "stop", "octo1", NULL);
	hoist_journal_step_end(j, "stop", "octo1", HOIST_OUTCOME_OK, 0, NULL, NULL);
	hoist_journal_step_start(j, "stop", "octo2", NULL);
	hoist_journal_step_end(j, "stop", "octo2", HOIST_OUTCOME_SKIPPED, -1, "already stopped", NULL);
	hoist_journal_step_start(j, "db-upgrade", "octo1", NULL);
	hoist_journal_log(j, "db-upgrade", "octo1", "stderr", "migration 42 failed", NULL);
	hoist_journal_close(j, NULL);

	/* Interrupted (no step-end, no run-end): the point of no return has been passed. */
	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_journal_fold(path, &s, NULL), HOIST_OK);
	ck_assert_int_eq(s.state, HOIST_RUN_RUNNING);
	ck_assert_str_eq(s.run_id, "20261122T014233Z-beef");
	ck_assert_str_eq(s.kind, "minor");
	ck_assert(s.pnr_started);
	ck_assert(!s.pnr_ended);
	ck_assert_uint_eq(s.n_steps, 5);
	st = hoist_run_summary_find(&s, "db-upgrade", "octo1");
	ck_assert_int_eq(st->state, HOIST_STEP_RUNNING);
	ck_assert_str_eq(st->message, "migration 42 failed");
	ck_assert_ptr_eq(hoist_run_summary_resume_point(&s), st);
	st = hoist_run_summary_find(&s, "backup-db", NULL);
	ck_assert_int_eq(st->state, HOIST_STEP_OK);
	ck_assert_str_eq(st->evidence.path, "/state/runs/r/backups/db.bak");
	ck_assert_int_eq(st->evidence.size, 4096);
	ck_assert_int_eq(hoist_run_summary_find(&s, "stop", "octo2")->state, HOIST_STEP_SKIPPED);
	ck_assert_int_eq(hoist_run_summary_find(&s, "start", "octo1")->state, HOIST_STEP_PENDING);
	ck_assert_str_eq(hoist_step_state_name(HOIST_STEP_SKIPPED), "skipped");
	hoist_run_summary_done(&s);

	j = open_journal();
	hoist_journal_step_end(j, "db-upgrade", "octo1", HOIST_OUTCOME_FAILED, 3, "exit 3", NULL);
	hoist_event_init(&ev, HOIST_EVENT_RUN_END);
	ev.outcome = HOIST_OUTCOME_FAILED;
	ev.message = strdup("failed after the point of no return");
	hoist_journal_append(j, &ev, NULL);
	hoist_event_done(&ev);
	hoist_journal_close(j, NULL);
	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_journal_fold(path, &s, NULL), HOIST_OK);
	ck_assert_int_eq(s.state, HOIST_RUN_FAILED);
	ck_assert_str_eq(hoist_run_state_name(s.state), "failed");
	ck_assert(s.pnr_started && s.pnr_ended && !s.pnr_ok);
	st = hoist_run_summary_find(&s, "db-upgrade", "octo1");
	ck_assert_int_eq(st->state, HOIST_STEP_FAILED);
	ck_assert_int_eq(st->exit_code, 3);
	ck_assert_int_ge(st->ended_ms, st->started_ms);
	ck_assert_uint_eq(s.last_seq, 11);
	hoist_run_summary_done(&s);
}
END_TEST

/* A step is (step, node, hop); the revert phase is apart; run-end says how the run ended. */
START_TEST(test_journal_hops_revert_and_end_states)
{
	struct hoist_journal *j = open_journal();
	struct hoist_run_summary s;
	const struct hoist_step_summary *a, *b, *rv;
	struct hoist_event ev, back;
	char *line;
	hoist_event_init(&ev, HOIST_EVENT_RUN_START);
	ev.run_id = strdup("20261122T014233Z-beef");
	ev.dry_run = true;
	hoist_event_add_step(&ev, "install", "octo1", "2024.0.3");
	hoist_event_add_step(&ev, "install", "octo1", "2024.1.3");
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	line = hoist_event_to_json(&ev);
	ck_assert_ptr_nonnull(strstr(line, "\"mode\":\"dry-run\""));
	ck_assert_ptr_nonnull(strstr(line, "\"hop\":\"2024.0.3\""));
	free(line);
	hoist_event_done(&ev);
	/* The first hop's install ends well; the second's is under way. */
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.step = strdup("install");
	ev.node = strdup("octo1");
	ev.hop = strdup("2024.0.3");
	ev.outcome = HOIST_OUTCOME_OK;
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	hoist_event_init(&ev, HOIST_EVENT_STEP_START);
	ev.step = strdup("install");
	ev.node = strdup("octo1");
	ev.hop = strdup("2024.1.3");
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	/* A log line names no hop: it goes to the step running now. */
	hoist_journal_log(j, "install", "octo1", "stdout", "copying", NULL);
	/* The revert phase: the same step id and node, apart from the plan's. */
	hoist_journal_set_revert(j, true);
	hoist_journal_step_start(j, "install", "octo1", NULL);
	hoist_journal_step_end(j, "install", "octo1", HOIST_OUTCOME_OK, 0, NULL, NULL);
	hoist_journal_set_revert(j, false);
	hoist_journal_close(j, NULL);

	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_journal_fold(path, &s, NULL), HOIST_OK);
	ck_assert(s.dry_run);
	ck_assert(s.reverting);
	a = hoist_run_summary_find_hop(&s, "install", "octo1", "2024.0.3", false);
	b = hoist_run_summary_find_hop(&s, "install", "octo1", "2024.1.3", false);
	rv = hoist_run_summary_find_hop(&s, "install", "octo1", NULL, true);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(rv);
	ck_assert_int_eq(a->state, HOIST_STEP_OK);
	ck_assert_int_eq(b->state, HOIST_STEP_RUNNING);
	ck_assert_str_eq(b->message, "copying");
	ck_assert_int_eq(rv->state, HOIST_STEP_OK);
	ck_assert(rv->revert);
	/* Resume starts at the second hop's install, not at the revert's. */
	ck_assert_ptr_eq(hoist_run_summary_resume_point(&s), b);
	ck_assert_ptr_eq(hoist_run_summary_find(&s, "install", "octo1"), a);
	hoist_run_summary_done(&s);

	/* run-end: done, undone, failed, interrupted; an older journal's "ok" reads as done. */
	{
		static const char *const names[] = { "done", "undone", "failed", "interrupted", "ok" };
		static const enum hoist_run_state want[] = { HOIST_RUN_OK, HOIST_RUN_UNDONE,
							     HOIST_RUN_FAILED, HOIST_RUN_INTERRUPTED,
							     HOIST_RUN_OK };
		for (size_t i = 0; i < 5; i++) {
			char text[160];
			snprintf(text, sizeof text, "{\"seq\":9,\"event\":\"run-end\",\"status\":\"%s\"}",
				 names[i]);
			ck_assert_int_eq(hoist_event_parse(text, strlen(text), &back, NULL), HOIST_OK);
			hoist_run_summary_init(&s);
			hoist_run_summary_apply(&s, &back);
			ck_assert_int_eq(s.state, want[i]);
			if (i < 4) {
				ck_assert_str_eq(hoist_end_name(back.end), names[i]);
				line = hoist_event_to_json(&back);
				ck_assert_ptr_nonnull(strstr(line, names[i]));
				free(line);
			}
			hoist_run_summary_done(&s);
			hoist_event_done(&back);
		}
	}
	ck_assert_str_eq(hoist_run_state_name(HOIST_RUN_UNDONE), "undone");
}
END_TEST

START_TEST(test_journal_secrets_never_written)
{
	const char *key = "API-ABCDEFGHIJKLMNOPQRSTUVWX12";
	struct hoist_journal *j = open_journal();
	struct hoist_event ev;
	struct hoist_error err;
	char *text, *clean;
	hoist_error_init(&err);
	hoist_journal_add_secret(j, key);
	hoist_journal_add_secret(j, "");
	hoist_journal_log(j, "preflight", NULL, "stderr",
			  "curl -H X-Octopus-ApiKey: API-ABCDEFGHIJKLMNOPQRSTUVWX12 failed", NULL);
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.step = strdup("backup-master-key");
	ev.outcome = HOIST_OUTCOME_OK;
	ev.evidence.path = strdup("/tmp/API-ABCDEFGHIJKLMNOPQRSTUVWX12.key");
	ev.message = strdup("twiceAPI-ABCDEFGHIJKLMNOPQRSTUVWX12API-ABCDEFGHIJKLMNOPQRSTUVWX12");
	ck_assert_int_eq(hoist_journal_append(j, &ev, &err), HOIST_OK);
	hoist_event_done(&ev);
	clean = hoist_journal_scrub(j, "key=API-ABCDEFGHIJKLMNOPQRSTUVWX12;");
	ck_assert_str_eq(clean, "key=[redacted];");
	free(clean);

	/* A secret that would show up in the line's own syntax: nothing is written. */
	hoist_journal_add_secret(j, "\"seq\"");
	ck_assert_int_eq(hoist_journal_log(j, NULL, NULL, "engine", "harmless", &err), HOIST_UNSAFE);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "holding a secret"));
	ck_assert_uint_eq(hoist_journal_last_seq(j), 2);
	hoist_journal_close(j, NULL);

	text = slurp(path);
	ck_assert_ptr_null(strstr(text, key));
	ck_assert_ptr_null(strstr(text, "harmless"));
	ck_assert_ptr_nonnull(strstr(text, "X-Octopus-ApiKey: [redacted] failed"));
	ck_assert_ptr_nonnull(strstr(text, "/tmp/[redacted].key"));
	ck_assert_ptr_nonnull(strstr(text, "twice[redacted][redacted]"));
	free(text);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_journal_malformed_lines)
{
	struct hoist_journal *j = open_journal();
	struct hoist_journal_reader *r;
	struct hoist_run_summary s;
	struct hoist_event ev;
	struct hoist_error err;
	bool got;
	write_run_start(j);
	hoist_journal_close(j, NULL);
	append_raw("this is not json\n\n{\"seq\":2,\"event\":\"step-start\",\"step\":\"stop\"}\n");
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_journal_reader_open(path, &r, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, &err), HOIST_OK);
	hoist_event_done(&ev);
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, &err), HOIST_PARSE);
	ck_assert(!got);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "malformed line at offset"));
	ck_assert_int_eq(hoist_journal_reader_next(r, &ev, &got, &err), HOIST_OK);
	ck_assert(got);
	ck_assert_str_eq(ev.step, "stop");
	hoist_event_done(&ev);
	hoist_journal_reader_free(r);

	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_journal_fold(path, &s, NULL), HOIST_OK);
	ck_assert_uint_eq(s.bad_lines, 1);
	ck_assert_int_eq(hoist_run_summary_find(&s, "stop", NULL)->state, HOIST_STEP_RUNNING);
	hoist_run_summary_done(&s);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_journal_parse_and_open_errors)
{
	struct hoist_event ev;
	struct hoist_journal *j;
	struct hoist_journal_reader *r;
	struct hoist_run_summary s;
	const char *future = "{\"seq\":9,\"t\":1,\"event\":\"snapshot-taken\",\"node\":\"n\"}";
	char *back;
	ck_assert_int_eq(hoist_event_parse("{}", 2, &ev, NULL), HOIST_PARSE);
	ck_assert_int_eq(hoist_event_parse("[1]", 3, &ev, NULL), HOIST_PARSE);
	ck_assert_int_eq(hoist_event_parse("{\"seq\":0,\"event\":\"log\"}", 24, &ev, NULL), HOIST_PARSE);
	ck_assert_int_eq(hoist_event_parse(future, strlen(future), &ev, NULL), HOIST_OK);
	ck_assert_int_eq(ev.type, HOIST_EVENT_UNKNOWN);
	ck_assert_str_eq(ev.type_name, "snapshot-taken");
	back = hoist_event_to_json(&ev);
	ck_assert_ptr_nonnull(strstr(back, "\"event\":\"snapshot-taken\""));
	free(back);
	hoist_event_done(&ev);
	ck_assert_int_eq(hoist_event_type_parse("step-end"), HOIST_EVENT_STEP_END);
	ck_assert_str_eq(hoist_outcome_name(HOIST_OUTCOME_CANCELLED), "cancelled");

	ck_assert_int_eq(hoist_journal_reader_open("/nonexistent/journal.jsonl", &r, NULL), HOIST_NOTFOUND);
	ck_assert_int_eq(hoist_journal_open("/nonexistent/dir/journal.jsonl", &j, NULL), HOIST_IO);
	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_journal_fold("/nonexistent/journal.jsonl", &s, NULL), HOIST_NOTFOUND);
	ck_assert_ptr_null(hoist_run_summary_resume_point(&s));
	hoist_run_summary_done(&s);
	ck_assert_int_eq(hoist_journal_close(NULL, NULL), HOIST_OK);
}
END_TEST

START_TEST(test_journal_streams_command_output)
{
	const char *argv[] = { "sh", "-c",
			       "echo 'stopping service'; echo 'key API-ABCDEFGHIJKLMNOPQRSTUVWX12 rejected' >&2; exit 3",
			       NULL };
	struct hoist_journal *j = open_journal();
	struct hoist_journal_sink sink = { j, "stop", HOIST_OK };
	struct hoist_exec_options o;
	struct hoist_run_summary s;
	char *text;
	hoist_journal_add_secret(j, "API-ABCDEFGHIJKLMNOPQRSTUVWX12");
	hoist_exec_options_init(&o);
	o.node = "octo1";
	o.on_line = hoist_journal_exec_line;
	o.data = &sink;
	hoist_journal_step_start(j, "stop", "octo1", NULL);
	ck_assert_int_eq(hoist_exec_run(argv, &o, NULL, NULL), HOIST_COMMAND);
	ck_assert_int_eq(sink.status, HOIST_OK);
	hoist_journal_close(j, NULL);
	text = slurp(path);
	ck_assert_ptr_nonnull(strstr(text, "\"event\":\"log\",\"step\":\"stop\",\"node\":\"octo1\",\"stream\":\"stdout\",\"message\":\"stopping service\""));
	ck_assert_ptr_nonnull(strstr(text, "\"stream\":\"stderr\",\"message\":\"key [redacted] rejected\""));
	ck_assert_ptr_null(strstr(text, "API-ABCDEFGHIJKLMNOPQRSTUVWX12"));
	free(text);
	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_journal_fold(path, &s, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_run_summary_find(&s, "stop", "octo1")->state, HOIST_STEP_RUNNING);
	hoist_run_summary_done(&s);
}
END_TEST

/* German from the build tree's catalogue; false without a de_DE.UTF-8 locale. */
static bool german(void)
{
	unsetenv("LANGUAGE");
	if (!setlocale(LC_ALL, "de_DE.UTF-8"))
		return false;
	bindtextdomain(PACKAGE, TEST_BUILDDIR "/po/locale");
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	return true;
}

#define SLOW "%s sent less than %ld bytes a second for %ld s (%lld bytes received, %d tries, " \
	"%.1f s in all)"

START_TEST(test_journal_message_said_again)
{
	struct hoist_event ev, back;
	struct hoist_journal *j;
	struct hoist_run_summary s;
	char *line, *again;
	setlocale(LC_ALL, "C");
	hoist_event_init(&ev, HOIST_EVENT_LOG);
	ev.seq = 1;
	hoist_event_say(&ev, SLOW, "octo1", 100L, 30L, 2048LL, 3, 12.5);
	ck_assert_str_eq(ev.message, "octo1 sent less than 100 bytes a second for 30 s (2048 bytes "
				     "received, 3 tries, 12.5 s in all)");
	ck_assert_str_eq(ev.msgid, SLOW);
	ck_assert_uint_eq(ev.n_args, 6);
	line = hoist_event_to_json(&ev);
	ck_assert_ptr_nonnull(strstr(line, "\"args\":[\"octo1\",\"100\",\"30\",\"2048\",\"3\",\"12.5\"]"));
	hoist_event_done(&ev);
	if (!german()) {
		free(line);
		return; /* no German locale on this machine: nothing more to say */
	}
	/* Read in German: the translation orders the arguments by position ("%3$ld"). */
	ck_assert_int_eq(hoist_event_parse(line, strlen(line), &back, NULL), HOIST_OK);
	ck_assert_str_eq(hoist_event_text(&back), "octo1 hat 30 s lang weniger als 100 Bytes pro "
						  "Sekunde gesendet (2048 Bytes empfangen, 3 "
						  "Versuche, insgesamt 12.5 s)");
	ck_assert_str_eq(back.message, "octo1 sent less than 100 bytes a second for 30 s (2048 "
				       "bytes received, 3 tries, 12.5 s in all)");
	again = hoist_event_to_json(&back);
	ck_assert_str_eq(again, line); /* the writer's line, unchanged */
	free(again);
	free(line);
	hoist_event_done(&back);

	/* Written in English, folded in German: the summary has both. */
	setlocale(LC_ALL, "C");
	j = open_journal();
	write_run_start(j);
	hoist_journal_step_start(j, "backup-db", NULL, NULL);
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.step = strdup("backup-db");
	ev.outcome = HOIST_OUTCOME_OK;
	hoist_event_say(&ev, "database backed up to %s", "/b/db.bak");
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	hoist_event_init(&ev, HOIST_EVENT_RUN_END);
	ev.end = HOIST_END_DONE;
	hoist_event_say_n(&ev, "the health check %s over %zu target ended well",
			  "the health check %s over %zu targets ended well", 1, "T-1", (size_t)1);
	ck_assert_str_eq(ev.message, "the health check T-1 over 1 target ended well");
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	hoist_journal_close(j, NULL);
	german();
	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_journal_fold(path, &s, NULL), HOIST_OK);
	ck_assert_str_eq(hoist_run_summary_find(&s, "backup-db", NULL)->text,
			 "Datenbank gesichert in /b/db.bak");
	ck_assert_str_eq(hoist_run_summary_find(&s, "backup-db", NULL)->message,
			 "database backed up to /b/db.bak");
	ck_assert_str_eq(s.text, "der Health-Check T-1 über 1 Ziel endete gut");
	hoist_run_summary_done(&s);
	setlocale(LC_ALL, "C");
}
END_TEST

/* The reader's text of one journal line. */
static char *text_of(const char *line)
{
	struct hoist_event ev;
	char *t;
	ck_assert_int_eq(hoist_event_parse(line, strlen(line), &ev, NULL), HOIST_OK);
	t = hoist_event_text(&ev) ? strdup(hoist_event_text(&ev)) : NULL;
	hoist_event_done(&ev);
	return t;
}

START_TEST(test_journal_message_falls_back)
{
	char *args[] = { "50", "x" }, *t;
	struct hoist_event ev;
	setlocale(LC_ALL, "C");
	/* "%%" stays a percent sign; a msgid without translation is its own English. */
	t = hoist_i18n_render("%d%% done, %s", NULL, 0, args, 2);
	ck_assert_str_eq(t, "50% done, x");
	free(t);
	/* Arguments that do not fit the format: the writer's message. */
	ck_assert_ptr_null(hoist_i18n_render("database backed up to %s", NULL, 0, args, 2));
	ck_assert_ptr_null(hoist_i18n_render("%s and %s", NULL, 0, args, 1));
	t = text_of("{\"seq\":1,\"event\":\"log\",\"message\":\"M\",\"msgid\":\"database backed "
		    "up to %s\",\"args\":[\"a\",\"b\"]}");
	ck_assert_str_eq(t, "M");
	free(t);
	t = text_of("{\"seq\":1,\"event\":\"log\",\"message\":\"M\",\"msgid\":\"saved to %s\","
		    "\"args\":[7]}");
	ck_assert_str_eq(t, "M");
	free(t);
	t = text_of("{\"seq\":1,\"event\":\"log\",\"message\":\"M\",\"msgid\":\"%n%s\","
		    "\"args\":[\"a\"]}");
	ck_assert_str_eq(t, "M");
	free(t);
	/* An old journal's line: its message. */
	t = text_of("{\"seq\":1,\"event\":\"log\",\"message\":\"Datenbank gesichert in /b\"}");
	ck_assert_str_eq(t, "Datenbank gesichert in /b");
	free(t);
	/* A format that cannot be kept: the message alone. */
	hoist_event_init(&ev, HOIST_EVENT_LOG);
	hoist_event_say(&ev, "%*d", 3, 5);
	ck_assert_str_eq(ev.message, "  5");
	ck_assert_ptr_null(ev.msgid);
	hoist_event_done(&ev);
	hoist_event_init(&ev, HOIST_EVENT_LOG);
	hoist_event_say(&ev, "%s", "plain");
	ck_assert_str_eq(ev.message, "plain");
	ck_assert_ptr_null(ev.msgid);
	hoist_event_done(&ev);
	if (!german())
		return;
	/* A msgid the German catalogue does not know: the writer's message, not English. */
	t = text_of("{\"seq\":1,\"event\":\"log\",\"message\":\"des Schreibers Worte\","
		    "\"msgid\":\"words no catalogue knows: %s\",\"args\":[\"x\"]}");
	ck_assert_str_eq(t, "des Schreibers Worte");
	free(t);
	setlocale(LC_ALL, "C");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(core, test_journal_round_trip);
	tcase_add_test(core, test_journal_reopen_continues_seq);
	tcase_add_test(core, test_journal_fsync_at_step_boundaries);
	tcase_add_test(core, test_journal_partial_last_line);
	tcase_add_test(core, test_journal_wait_wakes_on_growth);
	tcase_add_test(core, test_journal_fold_summary);
	tcase_add_test(core, test_journal_hops_revert_and_end_states);
	tcase_add_test(core, test_journal_streams_command_output);
	tcase_add_test(core, test_journal_message_said_again);
	tcase_add_test(errors, test_journal_message_falls_back);
	tcase_add_test(errors, test_journal_secrets_never_written);
	tcase_add_test(errors, test_journal_malformed_lines);
	tcase_add_test(errors, test_journal_parse_and_open_errors);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

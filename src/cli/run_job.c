/* run_job.c: the engine run as a job of its own, and its journal followed to the end. */
#include "config.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "cli_guide.h"
#include "i18n.h"
#include "journal.h"
#include "run.h"

static volatile sig_atomic_t stop_asked;

static void on_stop(int sig)
{
	(void)sig;
	stop_asked = 1;
}

/*
 * The engine runs in a session of its own; this command only follows it. SIGINT and
 * SIGTERM ask it to stop at the next safe point (a second one changes nothing); a closed
 * standard output is a lost face, never a reason to stop: SIGPIPE is ignored and the run
 * is followed to its end, for its exit code. SIGHUP ends only this command.
 */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct job {
	struct hoist_run_handle *h;
	bool stop_sent;
};

/* The follower's question "is the writer still there?": also where a stop is passed on. */
static bool job_running(void *ctx)
{
	struct job *j = ctx;
	if (stop_asked && !j->stop_sent) {
		struct hoist_error err;
		j->stop_sent = true;
		hoist_error_init(&err);
		if (hoist_run_handle_stop(j->h, &err) != HOIST_OK)
			fprintf(stderr, _("hoist: %s\n"), hoist_error_message(&err));
		else
			fprintf(stderr, _("hoist: asked run %s to stop at the next safe point; it "
					  "undoes what it changed where it can (this command ends "
					  "with the run)\n"),
				hoist_run_handle_id(j->h));
		hoist_error_done(&err);
	}
	return hoist_run_handle_running(j->h, 0);
}

int cli_run_job(struct cli *cli, enum hoist_run_job kind, const struct hoist_plan *plan,
		const char *resume_id, bool dry_run, bool detach, bool json)
{
	struct hoist_run_options o = { 0 };
	struct hoist_error err;
	struct job j;
	enum hoist_status st;
	int rc;
	memset(&j, 0, sizeof j);
	hoist_error_init(&err);
	if (!detach)
		catch_signals();
	o.dry_run = dry_run;
	o.retarget = cli->retarget;
	o.ignore_validation = cli->ignore_validation;
	st = hoist_run_spawn(&cli->conf, kind, plan, resume_id, &o, &j.h, &err);
	if (st != HOIST_OK) {
		rc = cli_fail(&err);
		hoist_error_done(&err);
		return rc;
	}
	if (detach) {
		if (json)
			printf("{\"run_id\": \"%s\"}\n", hoist_run_handle_id(j.h));
		else
			printf(_("The run %s goes on in the background.\nFollow it with: hoist "
				 "status --follow\n"),
			       hoist_run_handle_id(j.h));
		hoist_run_handle_free(j.h);
		hoist_error_done(&err);
		return 0;
	}
	/* The one follower of `hoist status --follow`, until the engine has ended. */
	cli_follow(cli, hoist_run_handle_id(j.h), json, true, job_running, &j);
	st = hoist_run_handle_result(j.h, &err);
	if (st == HOIST_OK) {
		rc = 0;
		/* Failures it went past are in the guide too (guide.txt). */
		if (cli->ignore_validation && !dry_run)
			cli_guide_save_ignored(cli, hoist_run_handle_id(j.h), json);
	} else {
		rc = cli_fail(&err);
		/* A killed engine's run is interrupted: resume, not the guide, comes next. */
		if (!dry_run && !hoist_run_handle_interrupted(j.h))
			cli_guide_after_failure(cli, hoist_run_handle_id(j.h),
						st == HOIST_FAILED_PNR, json);
	}
	hoist_run_handle_free(j.h);
	hoist_error_done(&err);
	return rc;
}

/* One of --detach, --json, --yes into the struct cli_job_args of the parse. */
static int job_option(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	struct cli_job_args *j = p->ctx;
	(void)arg;
	if (!strcmp(o->name, "detach"))
		j->detach = true;
	else if (!strcmp(o->name, "json"))
		j->json = true;
	else
		j->yes = true;
	return -1;
}

const struct cli_option cli_job_options[] = {
	CLI_CALL("detach", 0, NULL, N_("run in the background; follow with hoist status --follow"),
		 job_option, NULL),
	CLI_CALL("json", 0, NULL, N_("print the journal's events as JSON lines"), job_option,
		 NULL),
	CLI_CALL("yes", 0, NULL, N_("start without asking (needed without a terminal)"),
		 job_option, NULL),
	CLI_END,
};

int cli_run_exit_code(const struct hoist_run_summary *s)
{
	switch (s->state) {
	case HOIST_RUN_OK:
		return 0;
	case HOIST_RUN_FAILED:
		return s->pnr_started ? 4 : 1;
	default:
		return 1;
	}
}

int cli_follow(struct cli *cli, const char *run_id, bool json, bool stay,
	       bool (*running)(void *), void *ctx)
{
	char *path = hoist_run_journal_path(&cli->conf, run_id);
	struct hoist_journal_reader *rd = NULL;
	struct hoist_run_summary sum;
	struct hoist_error err;
	struct cli_live live;
	bool ended = false;
	int idle = 0, rc;
	hoist_error_init(&err);
	hoist_run_summary_init(&sum);
	/* On a terminal, one live line per running step; elsewhere one line per event. */
	cli_live_init(&live, !json && stay && isatty(STDOUT_FILENO) && getenv("TERM") &&
				     strcmp(getenv("TERM"), "dumb"));
	if (hoist_journal_reader_open(path, &rd, &err) != HOIST_OK) {
		rc = cli_fail(&err);
		goto out;
	}
	while (!ended) {
		struct hoist_event ev;
		bool got = false;
		/* Asked before reading: a writer that has ended has written everything. */
		bool writing = running ? running(ctx) : true;
		hoist_event_init(&ev, HOIST_EVENT_UNKNOWN);
		if (hoist_journal_reader_next(rd, &ev, &got, NULL) == HOIST_OK && got) {
			if (cli_live_event(&live, &ev)) {
				cli_live_clear(&live);
				cli_print_event(&ev, json);
			}
			cli_live_draw(&live);
			hoist_run_summary_apply(&sum, &ev);
			ended = ev.type == HOIST_EVENT_RUN_END;
			idle = 0;
			hoist_event_done(&ev);
			continue;
		}
		hoist_event_done(&ev);
		if (!stay || !writing)
			break;
		if (!running && ++idle % 10 == 0 && !hoist_run_alive(&cli->conf, run_id))
			break;
		hoist_journal_reader_wait(rd, 200, NULL);
		/* The elapsed times go on while nothing is written. */
		if (live.n)
			cli_live_draw(&live);
	}
	cli_live_done(&live);
	if (!ended && stay && !running && !json)
		fprintf(stderr, _("hoist: the run %s is not running and has not ended; 'hoist "
				  "resume' continues it; the system log may say why it stopped "
				  "(journalctl -t hoist)\n"), run_id);
	rc = ended ? cli_run_exit_code(&sum) : stay ? 1 : 0;
out:
	hoist_journal_reader_free(rd);
	hoist_run_summary_done(&sum);
	hoist_error_done(&err);
	free(path);
	return rc;
}

/* cmd_status.c: hoist status, the current or last run rendered from its journal. */
#include "config.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "i18n.h"
#include "text.h"
#include "journal.h"
#include "lock.h"
#include "run.h"
#include "rundir.h"
#include "xalloc.h"

static void clock_text(long long t_ms, char out[16])
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 16, "%H:%M:%S", &tm);
}

/* The journal's state and outcome names, in the reader's language (the English stays the same). */
static const char *state_text(enum hoist_run_state st)
{
	switch (st) {
	case HOIST_RUN_RUNNING: return _("running");
	case HOIST_RUN_OK: return _("done");
	case HOIST_RUN_FAILED: return _("failed: the rollback guide is needed");
	case HOIST_RUN_UNDONE: return _("undone: stopped, everything undone");
	case HOIST_RUN_INTERRUPTED: return _("interrupted; 'hoist resume' continues it");
	default: return _("none");
	}
}

static const char *step_text(enum hoist_step_state st)
{
	switch (st) {
	case HOIST_STEP_RUNNING: return _("running");
	case HOIST_STEP_OK: return _("ok");
	case HOIST_STEP_FAILED: return _("failed");
	case HOIST_STEP_SKIPPED: return _("skipped");
	default: return _("pending");
	}
}

static const char *end_text(enum hoist_end e)
{
	switch (e) {
	case HOIST_END_DONE: return _("done");
	case HOIST_END_UNDONE: return _("stopped, everything undone");
	case HOIST_END_INTERRUPTED: return _("interrupted");
	default: return _("failed");
	}
}

/* A journal's kind (a hoist_kind_name()), translated as on the plan; "" stays "". */
static const char *kind_text(const char *kind)
{
	return kind && *kind ? _(kind) : "";
}

/* "install node1", with the hop of a chain ("@2024.0.3") and the revert phase marked. */
static const char *step_name(const char *step, const char *node, const char *hop, bool revert,
			     char *buf, size_t n)
{
	char plain[200];
	snprintf(plain, sizeof plain, "%s%s%s%s%s", step ? step : "", node ? " " : "",
		 node ? node : "", hop ? " @" : "", hop ? hop : "");
	if (revert)
		snprintf(buf, n, _("revert: %s"), plain);
	else
		snprintf(buf, n, "%s", plain);
	return buf;
}

static const char *where(const struct hoist_event *ev, char *buf, size_t n)
{
	return step_name(ev->step, ev->node, ev->hop, ev->revert, buf, n);
}

void cli_print_event(const struct hoist_event *ev, bool json)
{
	char t[16], w[160];
	struct hoist_event shown;
	char *msg, *node;
	if (json) {
		char *line = hoist_event_to_json(ev);
		puts(line);
		free(line);
		fflush(stdout);
		return;
	}
	/* Node output and server messages: controls made visible before a terminal sees them. */
	shown = *ev;
	/* The message in the reader's language (the writer's when it cannot be said again). */
	shown.message = msg = hoist_event_text(ev) ? hoist_text_visible(hoist_event_text(ev), 0)
						    : NULL;
	shown.node = node = ev->node ? hoist_text_visible(ev->node, 0) : NULL;
	ev = &shown;
	clock_text(ev->t_ms, t);
	switch (ev->type) {
	case HOIST_EVENT_RUN_START:
		printf(_("%s run %s: %s to %s (%s, %s), profile %s\n"), t,
		       ev->run_id ? ev->run_id : "", ev->from_version ? ev->from_version : "",
		       ev->to_version ? ev->to_version : "", kind_text(ev->kind),
		       ev->strategy ? ev->strategy : "", ev->profile ? ev->profile : "");
		break;
	case HOIST_EVENT_STEP_START:
		printf(_("%s   %s ...\n"), t, where(ev, w, sizeof w));
		break;
	case HOIST_EVENT_STEP_END:
		if (ev->outcome == HOIST_OUTCOME_OK)
			printf(_("%s   %s: ok%s%s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ": " : "", ev->message ? ev->message : "");
		else if (ev->outcome == HOIST_OUTCOME_SKIPPED)
			printf(_("%s   %s: skipped%s%s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ": " : "", ev->message ? ev->message : "");
		else
			printf(_("%s   %s: FAILED: %s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_PROGRESS:
		/* Downloads report often and end with a log line: people see the tasks. */
		if (ev->tasks_left >= 0)
			printf(_("%s   %s: %s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_LOG:
		if (ev->stream && !strcmp(ev->stream, "engine"))
			printf(_("%s   %s\n"), t, ev->message ? ev->message : "");
		else if (ev->stream && !strcmp(ev->stream, "validation"))
			printf(_("%s   ERROR: %s: %s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ev->message : "");
		else
			printf("%s     %s| %s\n", t, ev->node ? ev->node : "",
			       ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_PROMPT:
		/* A step done by hand: what to do, and how to check it off. */
		printf(_("%s   %s: BY HAND: %s\n"), t, where(ev, w, sizeof w),
		       ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_RUN_END:
		if (ev->end == HOIST_END_DONE ||
		    (ev->end == HOIST_END_NONE && ev->outcome == HOIST_OUTCOME_OK))
			printf(_("%s done: %s\n"), t, ev->message ? ev->message : "");
		else
			printf(_("%s the run ended (%s): %s\n"), t, end_text(ev->end),
			       ev->message ? ev->message : "");
		break;
	default:
		break;
	}
	free(msg);
	free(node);
	fflush(stdout);
}

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

/* Whether the run's engine holds the server's lock and is alive. */
static bool run_alive(struct cli *cli, const char *run_id)
{
	return hoist_run_alive(&cli->conf, run_id);
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
		if (!running && ++idle % 10 == 0 && !run_alive(cli, run_id))
			break;
		hoist_journal_reader_wait(rd, 200, NULL);
		/* The elapsed times go on while nothing is written. */
		if (live.n)
			cli_live_draw(&live);
	}
	cli_live_done(&live);
	if (!ended && stay && !running && !json)
		fprintf(stderr, _("hoist: the run %s is not running and has not ended; 'hoist "
				  "resume' continues it\n"), run_id);
	rc = ended ? cli_run_exit_code(&sum) : stay ? 1 : 0;
out:
	hoist_journal_reader_free(rd);
	hoist_run_summary_done(&sum);
	hoist_error_done(&err);
	free(path);
	return rc;
}

static void print_summary(const struct hoist_run_summary *s, bool alive, const char *orphans)
{
	char t[16];
	int sw = 9; /* the state column: as wide as its longest word in this language */
	for (int k = HOIST_STEP_PENDING; k <= HOIST_STEP_SKIPPED; k++)
		if (cli_width(step_text((enum hoist_step_state)k)) + 1 > sw)
			sw = cli_width(step_text((enum hoist_step_state)k)) + 1;
	printf(_("Run %s: %s to %s (%s, %s)\n"), s->run_id ? s->run_id : "",
	       s->from_version ? s->from_version : "", s->to_version ? s->to_version : "",
	       kind_text(s->kind), s->strategy ? s->strategy : "");
	if (s->state == HOIST_RUN_RUNNING && !alive && orphans)
		printf(_("State: interrupted, but an action its engine started still runs: %s; "
			 "'hoist resume' waits for it, then continues the run\n"), orphans);
	else if (s->state == HOIST_RUN_RUNNING && !alive)
		printf(_("State: interrupted; 'hoist resume' continues it\n"));
	else
		printf(_("State: %s\n"), state_text(s->state));
	if (s->text)
		printf(_("Outcome: %s\n"), s->text);
	/* The plan's steps, then the revert phase's under a heading of its own. */
	for (int phase = 0; phase < 2; phase++) {
		bool head = false;
		for (size_t i = 0; i < s->n_steps; i++) {
			const struct hoist_step_summary *st = &s->steps[i];
			char name[200];
			if (st->revert != (phase == 1))
				continue;
			if (!head) {
				putchar('\n');
				if (phase == 1)
					printf("%s\n", _("Revert (undoing what the run changed):"));
				head = true;
			}
			step_name(st->step, st->node, st->hop, false, name, sizeof name);
			if (st->started_ms)
				clock_text(st->started_ms, t);
			else
				strcpy(t, "--:--:--");
			printf("  %s  ", t);
			cli_pad(name, 34);
			cli_pad(step_text(st->state), sw);
			printf("%s\n", st->text ? st->text : "");
		}
	}
}

static int help(void)
{
	return cli_help(_("usage: hoist [--config FILE] status [--run ID] [--follow] [--json]\n\n"
			  "Shows the current or the last run, rendered from its journal.\n\n"
			  "Options:\n"
			  "  --run ID     this run instead of the newest (also --run-id ID)\n"
			  "  --follow     stay and show each event until the run ends; the exit\n"
			  "               code is then the run's (0 done, 1 failed, 4 failed after\n"
			  "               the point of no return)\n"
			  "  --json       print the journal's events, one JSON object per line\n"
			  "  --help       show this help\n"));
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "run-id", required_argument, NULL, 'r' },
		{ "follow", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *run = NULL;
	bool follow = false, json = false;
	char *id = NULL, *path;
	struct hoist_error err;
	int opt, rc = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': run = optarg; break;
		case 'f': follow = true; break;
		case 'j': json = true; break;
		case 'h': return help();
		default: return cli_bad_option("status", opt, optopt, argv, optind);
		}
	}
	if (optind < argc)
		return cli_usage("status", _("unexpected argument '%s'"), argv[optind]);
	hoist_error_init(&err);
	if (run && !hoist_rundir_id_valid(run)) {
		hoist_error_done(&err);
		return cli_usage("status", _("\"%s\" is not a run id"), run);
	}
	if (run) {
		id = hoist_xstrdup(run);
	} else {
		char *state = hoist_config_state_dir(&cli->conf);
		enum hoist_status st = hoist_rundir_latest(state, &id, &err);
		free(state);
		if (st == HOIST_NOTFOUND) {
			printf(_("No run yet.\n"));
			hoist_error_done(&err);
			return 0;
		}
		if (st != HOIST_OK) {
			rc = cli_fail(&err);
			hoist_error_done(&err);
			return rc;
		}
	}
	if (follow || json) {
		rc = cli_follow(cli, id, json, follow, NULL, NULL);
		if (!follow)
			rc = 0;
	} else {
		struct hoist_run_summary s;
		path = hoist_run_journal_path(&cli->conf, id);
		hoist_run_summary_init(&s);
		if (hoist_journal_fold(path, &s, &err) != HOIST_OK)
			rc = cli_fail(&err);
		else {
			char *orphans = hoist_run_orphans_text(&cli->conf, id);
			print_summary(&s, run_alive(cli, id), orphans);
			free(orphans);
		}
		hoist_run_summary_done(&s);
		free(path);
	}
	free(id);
	hoist_error_done(&err);
	return rc;
}

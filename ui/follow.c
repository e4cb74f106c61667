/* follow.c: a run's journal read as it grows: the summary and the newest log lines. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "i18n.h"
#include "bundle.h"
#include "run.h"
#include "ui.h"
#include "xalloc.h"

static void keep_log(struct ui_follow *f, const struct hoist_event *ev)
{
	time_t t = (time_t)(ev->t_ms / 1000);
	struct tm tm;
	char hms[16];
	const char *msg = hoist_event_text(ev); /* in the reader's language */
	char *line;
	localtime_r(&t, &tm);
	strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	if (ev->type == HOIST_EVENT_LOG)
		line = hoist_xasprintf("%s %s%s%s", hms, ev->node ? ev->node : "",
				       ev->node ? ": " : "", msg ? msg : "");
	else if (ev->type == HOIST_EVENT_STEP_END && msg)
		line = hoist_xasprintf("%s %s%s%s: %s", hms, ev->step ? ev->step : "",
				       ev->node ? " " : "", ev->node ? ev->node : "", msg);
	else if (ev->type == HOIST_EVENT_RUN_END && msg)
		line = hoist_xasprintf("%s %s", hms, msg);
	else if (ev->type == HOIST_EVENT_PROMPT && msg) {
		/* A step done by hand: its whole instruction is shown until it is checked off. */
		free(f->prompt);
		f->prompt = hoist_xstrdup(msg);
		line = hoist_xasprintf(_("%s by hand: %s"), hms, msg);
	} else
		return;
	free(f->log[f->log_next]);
	f->log[f->log_next] = line;
	f->log_next = (f->log_next + 1) % UI_LOG_KEEP;
	if (f->n_log < UI_LOG_KEEP)
		f->n_log++;
}

const char *ui_follow_log(const struct ui_follow *f, size_t i)
{
	size_t first = (f->log_next + UI_LOG_KEEP - f->n_log) % UI_LOG_KEEP;
	return i < f->n_log ? f->log[(first + i) % UI_LOG_KEEP] : "";
}

bool ui_follow_read(struct ui_follow *f)
{
	bool any = false;
	if (!f->reader)
		return false;
	for (;;) {
		struct hoist_event ev;
		bool got = false;
		enum hoist_status st;
		hoist_event_init(&ev, HOIST_EVENT_UNKNOWN);
		st = hoist_journal_reader_next(f->reader, &ev, &got, NULL);
		if (st == HOIST_PARSE) {
			hoist_event_done(&ev);
			continue;
		}
		if (st != HOIST_OK || !got) {
			hoist_event_done(&ev);
			break;
		}
		hoist_run_summary_apply(&f->sum, &ev);
		keep_log(f, &ev);
		if (ev.type == HOIST_EVENT_RUN_END)
			f->ended = true;
		hoist_event_done(&ev);
		any = true;
	}
	return any;
}

enum hoist_status ui_follow_open(struct ui_state *s, struct ui_follow *f, const char *run_id,
				 int (*ready)(struct ui_state *s, int fd), struct hoist_error *err)
{
	char *path = hoist_run_journal_path(&s->cfg, run_id);
	enum hoist_status st;
	ui_follow_close(s, f);
	hoist_run_summary_init(&f->sum);
	st = hoist_journal_reader_open(path, &f->reader, err);
	free(path);
	if (st != HOIST_OK)
		return st;
	f->run_id = hoist_xstrdup(run_id);
	ui_follow_read(f);
	if (ready && hoist_journal_reader_fd(f->reader) >= 0)
		ui_watch_add(s, hoist_journal_reader_fd(f->reader), ready);
	return HOIST_OK;
}

void ui_follow_close(struct ui_state *s, struct ui_follow *f)
{
	if (f->reader) {
		ui_watch_remove(s, hoist_journal_reader_fd(f->reader));
		hoist_journal_reader_free(f->reader);
		hoist_run_summary_done(&f->sum);
	}
	for (size_t i = 0; i < UI_LOG_KEEP; i++)
		free(f->log[i]);
	free(f->run_id);
	free(f->prompt);
	memset(f, 0, sizeof *f);
}

char *ui_duration(long long ms)
{
	long long t = ms < 0 ? 0 : ms / 1000;
	if (t >= 3600)
		return hoist_xasprintf("%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
	return hoist_xasprintf("%lld:%02lld", t / 60, t % 60);
}

const char *ui_step_state(enum hoist_step_state st)
{
	switch (st) {
	case HOIST_STEP_RUNNING: return _("running");
	case HOIST_STEP_OK: return _("done");
	case HOIST_STEP_FAILED: return _("FAILED");
	case HOIST_STEP_SKIPPED: return _("skipped");
	default: return _("waiting");
	}
}

void ui_save_bundle(struct ui_state *s, const char *run_id)
{
	struct hoist_error err;
	char *path = NULL;
	hoist_error_init(&err);
	if (hoist_bundle_write(&s->cfg, run_id, NULL, &path, &err) != HOIST_OK)
		ui_set_message(s, _("No support bundle: %s"), hoist_error_message(&err));
	else
		ui_set_message(s, _("Support bundle saved (no keys, no backups): %s"), path);
	free(path);
	hoist_error_done(&err);
}

int ui_start_run(struct ui_state *s, const struct hoist_plan *plan, struct hoist_error *err)
{
	char *id = NULL;
	if (hoist_run_start_detached(&s->cfg, plan, &id, err) != HOIST_OK)
		return UI_REDRAW;
	free(s->run_id);
	s->run_id = id;
	s->go_to = &ui_screen_progress;
	return UI_REDRAW | UI_GOTO;
}

/* screen_progress.c: step 6, a run followed live from its journal: steps per node, bars, log. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "i18n.h"
#include "legacy.h"
#include "ui.h"
#include "xalloc.h"

#define STEP_COL 22

/* The screen's state: the run followed, and whether its engine is still there. */
static struct progress_screen {
	struct ui_follow follow;
	bool engine_gone;  /* the run has not ended and its engine holds no live lock */
	int gone_ticks;    /* ticks in a row without a live engine */
} scr;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool active(void)
{
	return scr.follow.run_id && !scr.follow.ended;
}

static int ready(struct ui_state *s, int fd);

static int tick(struct ui_state *s)
{
	int r = ready(s, -1) | UI_REDRAW;
	if (active() && !hoist_run_alive(&s->cfg, scr.follow.run_id)) {
		/* A run is alive from before its folder exists: two misses are not a race. */
		scr.engine_gone = ++scr.gone_ticks >= 2;
	} else {
		scr.gone_ticks = 0;
		scr.engine_gone = false;
	}
	return r;
}

/* The clock ticks only while a run is active; an ended run leaves the loop asleep. */
static void set_clock(struct ui_state *s)
{
	s->busy = active();
	s->on_timeout = active() ? tick : NULL;
	s->timeout_ms = active() ? 1000 : -1;
}

static int ready(struct ui_state *s, int fd)
{
	(void)fd;
	if (!ui_follow_read(&scr.follow))
		return UI_STAY;
	set_clock(s);
	if (scr.follow.ended) {
		scr.engine_gone = false;
		return UI_NEXT | UI_REDRAW;
	}
	return UI_REDRAW;
}

static void enter(struct ui_state *s)
{
	struct hoist_error err;
	hoist_error_init(&err);
	scr.engine_gone = false;
	scr.gone_ticks = 0;
	if (!s->run_id) {
		ui_follow_close(s, &scr.follow);
	} else if (!scr.follow.run_id || strcmp(scr.follow.run_id, s->run_id)) {
		if (ui_follow_open(s, &scr.follow, s->run_id, ready, &err) != HOIST_OK)
			ui_set_message(s, "%s", hoist_error_message(&err));
	}
	set_clock(s);
	hoist_error_done(&err);
}

static void leave(struct ui_state *s)
{
	s->on_timeout = NULL;
	s->timeout_ms = -1;
	s->busy = false;
}

/* The nodes in the order their steps come, then "cluster" for cluster-wide steps. */
static size_t columns(const char **cols, size_t max)
{
	size_t n = 0;
	bool cluster = false;
	for (size_t i = 0; i < scr.follow.sum.n_steps; i++) {
		const char *node = scr.follow.sum.steps[i].node;
		size_t k;
		if (!node) {
			cluster = true;
			continue;
		}
		for (k = 0; k < n && strcmp(cols[k], node); k++)
			;
		if (k == n && n < max)
			cols[n++] = node;
	}
	if (cluster && n < max)
		cols[n++] = NULL;
	return n;
}

/* A row of the grid: a step id, of one hop of a chain, or of the revert phase. */
struct row {
	const char *step, *hop; /* borrowed from the summary */
	bool revert;
};

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The rows in order of first appearance: a row per hop where a chain has stops. */
static size_t rows(struct row *rw, size_t max, size_t *focus)
{
	size_t n = 0;
	*focus = 0;
	for (size_t i = 0; i < scr.follow.sum.n_steps; i++) {
		const struct hoist_step_summary *st = &scr.follow.sum.steps[i];
		size_t k;
		for (k = 0; k < n && !(!strcmp(rw[k].step, st->step) && same(rw[k].hop, st->hop) &&
				       rw[k].revert == st->revert);
		     k++)
			;
		if (k == n && n < max) {
			rw[n].step = st->step;
			rw[n].hop = st->hop;
			rw[n++].revert = st->revert;
		}
		if (st->state != HOIST_STEP_PENDING && k < n)
			*focus = k;
	}
	return n;
}

static enum ui_color state_color(enum hoist_step_state st)
{
	switch (st) {
	case HOIST_STEP_OK: return UI_C_GOOD;
	case HOIST_STEP_FAILED: return UI_C_BAD;
	case HOIST_STEP_RUNNING: return UI_C_WARN;
	default: return UI_C_DIM;
	}
}

static int draw_matrix(struct ui_state *s, int y, int height)
{
	const char *cols[16];
	struct row ids[96];
	size_t nc = columns(cols, 16), focus, nr = rows(ids, 96, &focus), first = 0;
	int cw = 10, x = STEP_COL + 3;
	attron(A_BOLD);
	ui_put(y, 2, STEP_COL, _("Step"));
	for (size_t c = 0; c < nc && x + cw <= COLS; c++, x += cw)
		ui_put(y, x, cw - 1, cols[c] ? cols[c] : _("cluster"));
	attroff(A_BOLD);
	y++;
	height--;
	if (height < 1)
		return y;
	if (focus >= first + (size_t)height)
		first = focus - (size_t)height + 1;
	for (size_t r = first; r < nr && (int)(r - first) < height; r++, y++) {
		if (ids[r].revert) /* the revert's steps are not the plan's: say so */
			ui_putf(y, 2, STEP_COL, _("undo: %s"), ids[r].step);
		else if (ids[r].hop)
			ui_putf(y, 2, STEP_COL, "%s @%s", ids[r].step, ids[r].hop);
		else
			ui_put(y, 2, STEP_COL, ids[r].step);
		x = STEP_COL + 3;
		for (size_t c = 0; c < nc && x + cw <= COLS; c++, x += cw) {
			const struct hoist_step_summary *st = hoist_run_summary_find_hop(
				&scr.follow.sum, ids[r].step, cols[c], ids[r].hop, ids[r].revert);
			if (!st)
				continue;
			attron(ui_attr(s, state_color(st->state)));
			ui_put(y, x, cw - 1, ui_step_state(st->state));
			attroff(ui_attr(s, state_color(st->state)));
		}
	}
	return y;
}

/* A bar for a running download and a count for tasks still draining. */
static int draw_bars(int y)
{
	for (size_t i = 0; i < scr.follow.sum.n_steps; i++) {
		const struct hoist_step_summary *st = &scr.follow.sum.steps[i];
		if (st->state != HOIST_STEP_RUNNING)
			continue;
		if (st->total > 0 && st->bytes >= 0 && !strcmp(st->step, "tentacles")) {
			/* The Tentacles' batches count targets, not bytes. */
			int w = COLS / 3, fill = (int)(st->bytes * w / st->total);
			char *bar = hoist_xcalloc((size_t)w + 1, 1);
			memset(bar, '-', (size_t)w);
			memset(bar, '#', (size_t)(fill > w ? w : fill));
			ui_putf(y++, 2, COLS - 4, _("Tentacles upgraded [%s] %lld of %lld"), bar,
				st->bytes, st->total);
			free(bar);
		} else if (st->total > 0 && st->bytes >= 0) {
			int w = COLS / 3, fill = (int)(st->bytes * w / st->total);
			char *bar = hoist_xcalloc((size_t)w + 1, 1);
			memset(bar, '-', (size_t)w);
			memset(bar, '#', (size_t)(fill > w ? w : fill));
			ui_putf(y++, 2, COLS - 4, _("Download on %s [%s] %lld of %lld kB"),
				st->node ? st->node : _("the cluster"), bar, st->bytes / 1024,
				st->total / 1024);
			free(bar);
		} else if (st->tasks_left >= 0) {
			ui_putf(y++, 2, COLS - 4, _("Tasks left to drain on %s: %ld"),
				st->node ? st->node : _("the cluster"), st->tasks_left);
		}
	}
	return y;
}

static void draw_status(struct ui_state *s, int y)
{
	const struct hoist_run_summary *sum = &scr.follow.sum;
	long long end = scr.follow.ended ? sum->ended_ms : now_ms();
	char *el = ui_duration(sum->started_ms ? end - sum->started_ms : 0);
	const char *what;
	enum ui_color c = UI_C_WARN;
	switch (sum->state) {
	case HOIST_RUN_OK: what = _("ended well"); c = UI_C_GOOD; break;
	case HOIST_RUN_FAILED: what = _("failed"); c = UI_C_BAD; break;
	case HOIST_RUN_UNDONE: what = _("stopped, everything undone"); c = UI_C_WARN; break;
	case HOIST_RUN_INTERRUPTED: what = _("interrupted"); c = UI_C_BAD; break;
	default:
		what = scr.engine_gone ? _("interrupted: its engine is gone")
		       : sum->reverting ? _("undoing what the run changed")
					: _("running");
		break;
	}
	attron(ui_attr(s, c));
	ui_putf(y, 2, COLS - 20, _("Run %s: %s"), sum->run_id ? sum->run_id : "?", what);
	attroff(ui_attr(s, c));
	ui_putf(y, COLS - 17, 15, _("Elapsed %s"), el);
	free(el);
}

static void put_prompt(void *ctx, const char *p, size_t n)
{
	int *y = ctx;
	if (*y <= ui_body_bottom())
		ui_putf(*y, 2, COLS - 4, "%.*s", (int)n, p);
	(*y)++;
}

/* The point of no return, marked before it comes and while it runs (one line). */
static void draw_pnr(struct ui_state *s, int y)
{
	const struct hoist_run_summary *sum = &scr.follow.sum;
	const struct hoist_step_summary *pnr = NULL;
	for (size_t i = 0; i < sum->n_steps && !pnr; i++)
		if (!strcmp(sum->steps[i].step, "db-upgrade"))
			pnr = &sum->steps[i];
	if (!pnr)
		return;
	attron(ui_attr(s, pnr->state == HOIST_STEP_PENDING ? UI_C_WARN : UI_C_BAD));
	if (pnr->state == HOIST_STEP_PENDING)
		ui_putf(y, 2, COLS - 4, _("Point of no return ahead: db-upgrade on %s. Before it, a "
					  "failure is undone."),
			pnr->node ? pnr->node : _("the cluster"));
	else if (pnr->state == HOIST_STEP_RUNNING)
		ui_putf(y, 2, COLS - 4, _("POINT OF NO RETURN: db-upgrade on %s is running and "
					  "cannot be undone."),
			pnr->node ? pnr->node : _("the cluster"));
	else
		ui_putf(y, 2, COLS - 4, _("Past the point of no return: after a failure, use the "
					  "rollback guide."));
	attroff(ui_attr(s, pnr->state == HOIST_STEP_PENDING ? UI_C_WARN : UI_C_BAD));
}

static void draw(struct ui_state *s)
{
	const struct hoist_run_summary *sum = &scr.follow.sum;
	int y = ui_draw_frame(s, _(ui_screen_progress.name)), bottom = ui_body_bottom();
	int log_rows, avail;
	if (!scr.follow.run_id) {
		ui_put(y + 1, 2, COLS - 4, _("No run to scr.follow."));
		return;
	}
	if (sum->kind && !strcmp(sum->kind, "downgrade"))
		ui_putf(y++, 2, COLS - 4, _("Rollback %s to %s"), sum->from_version ? sum->from_version : "?",
			sum->to_version ? sum->to_version : "?");
	else /* the kind is a hoist_kind_name(), translated as on the plan screen */
		ui_putf(y++, 2, COLS - 4, _("Upgrade %s to %s (%s, %s)"),
			sum->from_version ? sum->from_version : "?",
			sum->to_version ? sum->to_version : "?", sum->kind && *sum->kind ? _(sum->kind) : "-",
			sum->strategy ? sum->strategy : "-");
	draw_status(s, y++);
	draw_pnr(s, y++);
	avail = bottom - y + 1;
	log_rows = avail / 3 < 3 ? 3 : avail / 3;
	y = draw_matrix(s, y, avail - log_rows - 3);
	y = draw_bars(y);
	ui_hline(y++);
	if (active() && sum->open_prompt && scr.follow.prompt) {
		/* A step done by hand waits: its instruction in full, then the log. */
		attron(ui_attr(s, UI_C_WARN));
		ui_wrap(scr.follow.prompt, COLS - 4, put_prompt, &y);
		attroff(ui_attr(s, UI_C_WARN));
	}
	/* The log pane: the newest lines that fit. */
	{
		int fit = y <= bottom ? bottom - y + 1 : 0, used = 0;
		size_t from = scr.follow.n_log;
		/* A path in a log line is shortened in the middle, not cut at the end; or, whole
		 * (p), the line takes the lines it needs. */
		while (from > 0) {
			char *l = ui_fit_paths(ui_follow_log(&scr.follow, from - 1), COLS - 4,
					       s->whole_paths);
			int n = s->whole_paths ? ui_say(LINES, 2, COLS - 4, -1, l) : 1;
			free(l);
			if (used + n > fit)
				break;
			used += n;
			from--;
		}
		for (size_t i = from; i < scr.follow.n_log; i++) {
			char *l = ui_fit_paths(ui_follow_log(&scr.follow, i), COLS - 4,
					       s->whole_paths);
			if (s->whole_paths)
				y += ui_say(y, 2, COLS - 4, bottom, l);
			else
				ui_put(y++, 2, COLS - 4, l);
			free(l);
		}
	}
	if (scr.engine_gone)
		ui_put(bottom + 1, 2, COLS - 4,
		       _("The run's engine is gone. Press c to continue the run where it stopped."));
	else if (active() && sum->open_prompt)
		ui_put(bottom + 1, 2, COLS - 4,
		       _("y: the step by hand is done (checked off)  d: detach  s: stop"));
	else if (active())
		ui_put(bottom + 1, 2, COLS - 4,
		       _("d: detach (the run goes on)  s: stop at the next safe point"));
	else
		ui_put(bottom + 1, 2, COLS - 4, _("The run has ended. Press Enter for the result."));
}

/* Checks off the step by hand the run waits on; the license key names its file. */
static int check_off(struct ui_state *s, const char *path)
{
	struct hoist_error err;
	const char *step = scr.follow.sum.open_prompt;
	hoist_error_init(&err);
	if (!step || hoist_legacy_confirm(&s->cfg, scr.follow.run_id, step, path, &err) != HOIST_OK)
		ui_set_message(s, "%s", hoist_error_message(&err));
	else
		ui_set_message(s, _("Checked off: %s."), step);
	hoist_error_done(&err);
	return UI_REDRAW;
}

static int license_done(struct ui_state *s, const char *text)
{
	if (!text || !*text)
		return UI_REDRAW;
	return check_off(s, text);
}

static int stop_done(struct ui_state *s, const char *text)
{
	struct hoist_error err;
	if (!text || strcmp(text, "y") || !active())
		return UI_REDRAW;
	hoist_error_init(&err);
	if (hoist_run_request_stop(&s->cfg, scr.follow.run_id, &err) != HOIST_OK)
		ui_set_message(s, "%s", hoist_error_message(&err));
	else
		ui_set_message(s, _("Asked the run to stop at the next safe point."));
	hoist_error_done(&err);
	return UI_REDRAW;
}

static int resume(struct ui_state *s)
{
	struct hoist_error err;
	char *id = NULL;
	hoist_error_init(&err);
	if (hoist_run_resume_detached(&s->cfg, scr.follow.run_id, &id, &err) != HOIST_OK)
		ui_set_message(s, "%s", hoist_error_message(&err));
	else
		scr.engine_gone = false;
	scr.gone_ticks = 0;
	free(id);
	hoist_error_done(&err);
	return UI_REDRAW;
}

static int key(struct ui_state *s, int k)
{
	switch (ui_key_action(ui_screen_progress.actions, k)) {
	case UI_ACT_CHECK_OFF:
		if (!active() || !scr.follow.sum.open_prompt)
			return UI_STAY;
		if (!strcmp(scr.follow.sum.open_prompt, "backup-license-key")) {
			ui_input_open(s, _("The file that holds the license key:"), false, NULL,
				      license_done);
			return UI_REDRAW;
		}
		return check_off(s, NULL);
	case UI_ACT_DETACH:
		if (!active())
			return UI_QUIT;
		free(s->exit_note);
		s->exit_note = hoist_xasprintf(_("The run %s goes on. Start hoist-wizard again to "
						 "follow it, or: hoist status --follow"),
					       scr.follow.run_id);
		return UI_QUIT;
	case UI_ACT_STOP:
		if (active())
			ui_input_open(s, _("Stop the run at the next safe point and undo what it "
					   "changed?"),
				      true, NULL, stop_done);
		return UI_REDRAW;
	case UI_ACT_RESUME:
		return scr.engine_gone ? resume(s) : UI_STAY;
	case UI_ACT_ENTER:
		return scr.follow.ended ? UI_NEXT : UI_STAY;
	case UI_ACT_BACK:
		ui_set_message(s, active() ? _("The run goes on: d detaches, q quits.")
					   : _("The run has ended: Enter shows the result."));
		return UI_REDRAW;
	default:
		return UI_PASS;
	}
}

static const enum ui_action actions[] = { UI_ACT_DETACH, UI_ACT_STOP, UI_ACT_RESUME,
					  UI_ACT_ENTER, UI_ACT_CHECK_OFF, UI_ACT_PATHS,
					  UI_ACT_NONE };

const struct ui_screen ui_screen_progress = {
	.name = N_("Progress"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.actions = actions,
};

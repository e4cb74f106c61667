/* screen_result.c: step 7, how the run ended: a summary, or the rollback guide and its offer. */
#include "config.h"
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "guide.h"
#include "i18n.h"
#include "run.h"
#include "ui.h"
#include "xalloc.h"

static void set_actions(bool scrolls);
/* The screen's state, from enter to leave (which frees what it owns). */
static struct result_screen {
	struct hoist_run_summary sum;
	bool have_sum;
	struct hoist_plan *plan;    /* owned: the run's plan (the guide's, after a failure) */
	struct hoist_guide *guide;  /* owned; NULL after a success */
	char *guide_text;           /* owned */
	char *run_dir;              /* owned */
	char *load_error;           /* owned: why the result could not be read */
	struct ui_pager view;       /* the guide's page */
} scr;

static bool is_rollback(void)
{
	return scr.sum.kind && !strcmp(scr.sum.kind, "downgrade");
}

static void forget(void)
{
	if (scr.have_sum)
		hoist_run_summary_done(&scr.sum);
	scr.have_sum = false;
	hoist_plan_free(scr.plan);
	hoist_guide_free(scr.guide);
	free(scr.guide_text);
	free(scr.run_dir);
	free(scr.load_error);
	scr.plan = NULL;
	scr.guide = NULL;
	scr.guide_text = scr.run_dir = scr.load_error = NULL;
	scr.view.top = 0;
}

/* The guide of the newest upgrade run (a failed rollback's guide would go forward again). */
static void load_guide(struct ui_state *s)
{
	struct hoist_error err;
	hoist_error_init(&err);
	if (hoist_guide_load(&s->cfg, is_rollback() ? NULL : s->run_id, &scr.plan, &scr.run_dir,
			     &scr.guide, &err) != HOIST_OK)
		scr.load_error = hoist_xstrdup(hoist_error_message(&err));
	else
		scr.guide_text = hoist_guide_to_text(scr.guide);
	hoist_error_done(&err);
}

static void enter(struct ui_state *s)
{
	struct hoist_error err;
	char *path;
	forget();
	s->busy = false;
	if (!s->run_id)
		return;
	hoist_error_init(&err);
	hoist_run_summary_init(&scr.sum);
	scr.have_sum = true;
	path = hoist_run_journal_path(&s->cfg, s->run_id);
	if (hoist_journal_fold(path, &scr.sum, &err) != HOIST_OK)
		scr.load_error = hoist_xstrdup(hoist_error_message(&err));
	free(path);
	hoist_error_done(&err);
	if (!scr.load_error && scr.sum.state != HOIST_RUN_OK && scr.sum.state != HOIST_RUN_UNDONE &&
	    scr.sum.state != HOIST_RUN_INTERRUPTED)
		load_guide(s);
	set_actions(false);
	/* The nodes' versions now, from the server itself. */
	ui_connect(s);
}

static void leave(struct ui_state *s)
{
	(void)s;
	forget();
}

static const struct hoist_step_summary *find(const char *step)
{
	for (size_t i = 0; i < scr.sum.n_steps; i++)
		if (!strcmp(scr.sum.steps[i].step, step))
			return &scr.sum.steps[i];
	return NULL;
}

/*
 * What a run that ended (well, undone, interrupted) left, as lines of a page: counted
 * first, then drawn from the page's top, so nothing past the screen's bottom is lost.
 */
struct sheet {
	int y, skip, bottom; /* where the next drawn line goes; lines still above the page */
	int n;               /* lines in all so far */
	int x;               /* the indent of what comes next */
};

static void sheet_line(void *ctx, const char *p, size_t n)
{
	struct sheet *sh = ctx;
	sh->n++;
	if (sh->skip > 0) {
		sh->skip--;
		return;
	}
	if (sh->y <= sh->bottom)
		ui_putf(sh->y, sh->x, COLS - 2 - sh->x, "%.*s", (int)n, p);
	sh->y++;
}

/* A sentence at indent x, wrapped at word boundaries; "" is an empty line. */
static void say(struct sheet *sh, int x, const char *text)
{
	sh->x = x;
	if (!ui_wrap(text, COLS - 2 - x, sheet_line, sh))
		sheet_line(sh, "", 0);
}

static void sayf(struct sheet *sh, int x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sayf(struct sheet *sh, int x, const char *fmt, ...)
{
	va_list ap;
	char *t;
	va_start(ap, fmt);
	t = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	say(sh, x, t);
	free(t);
}

static void say_nodes(struct ui_state *s, struct sheet *sh)
{
	if (s->connected)
		for (size_t i = 0; i < s->topo.n_nodes; i++)
			sayf(sh, 4, _("%-16s runs %s"), s->topo.nodes[i].name,
			     s->topo.nodes[i].has_version ? s->topo.nodes[i].version.text : "?");
}

static void draw_success(struct ui_state *s, struct sheet *sh)
{
	const struct hoist_step_summary *on = find("maintenance-on"), *off = find("maintenance-off");
	bool journey = scr.sum.kind && (!strcmp(scr.sum.kind, "tentacles") ||
					!strcmp(scr.sum.kind, "os-patch") ||
					!strcmp(scr.sum.kind, "legacy"));
	char *d;
	attron(ui_attr(s, UI_C_GOOD));
	if (is_rollback())
		sayf(sh, 2, _("The rollback ended well: every node runs %s again."),
		     scr.sum.to_version ? scr.sum.to_version : "?");
	else if (journey)
		/* The other journeys (Tentacles, OS patching): the kind is the journey's name. */
		sayf(sh, 2, _("The run (%s) ended well; the server runs %s."), _(scr.sum.kind),
		     scr.sum.to_version ? scr.sum.to_version : "?");
	else
		sayf(sh, 2, _("The upgrade ended well: %s to %s."),
		     scr.sum.from_version ? scr.sum.from_version : "?",
		     scr.sum.to_version ? scr.sum.to_version : "?");
	attroff(ui_attr(s, UI_C_GOOD));
	say(sh, 2, "");
	say_nodes(s, sh);
	d = ui_duration(scr.sum.ended_ms - scr.sum.started_ms);
	sayf(sh, 2, _("Whole run: %s"), d);
	free(d);
	if (on && off && on->started_ms && off->ended_ms >= on->started_ms) {
		d = ui_duration(off->ended_ms - on->started_ms);
		sayf(sh, 2, _("Maintenance window: %s (users could not make changes)"), d);
		free(d);
	}
	say(sh, 2, "");
	say(sh, 2, _("Backups kept:"));
	for (size_t i = 0; i < scr.sum.n_steps; i++) {
		const struct hoist_step_summary *st = &scr.sum.steps[i];
		char *p;
		if (!st->evidence.path)
			continue;
		sayf(sh, 4, "%s:", st->step);
		p = ui_path_fit(st->evidence.path, COLS - 8, s->whole_paths);
		sh->x = 6;
		ui_wrap(p, COLS - 8, sheet_line, sh);
		free(p);
	}
	say(sh, 2, "");
	if (!is_rollback() && !journey)
		say(sh, 2, _("Next: upgrade the Tentacles in batches (Infrastructure, Upgrade "
			     "Tentacles), and keep these backups until the new version has proved "
			     "itself."));
}

/* A run that stopped: what became of it in colour, then why it stopped. */
static void draw_stopped(struct ui_state *s, struct sheet *sh, enum ui_color color,
			 const char *what)
{
	char *why = hoist_xasprintf(_("Why it stopped: %s"),
				    scr.sum.text ? scr.sum.text : _("no message was recorded"));
	attron(ui_attr(s, color));
	say(sh, 2, what);
	attroff(ui_attr(s, color));
	say(sh, 2, "");
	say(sh, 2, why);
	free(why);
	say(sh, 2, "");
}

/* Stopped before the point of no return, and the engine checked that all is back. */
static void draw_undone(struct ui_state *s, struct sheet *sh)
{
	draw_stopped(s, sh, UI_C_WARN,
		     is_rollback() ? _("The rollback stopped, everything undone.")
				   : _("Stopped, everything undone: the server is as it was "
				       "before the run."));
	say_nodes(s, sh);
	say(sh, 2, "");
	say(sh, 2, _("Nothing is left to do: no rollback is needed. Fix the cause and start the "
		     "upgrade again when you are ready."));
}

/* Stopped where it stood (it could not record, or lost its lock): a resume goes on. */
static void draw_interrupted(struct ui_state *s, struct sheet *sh)
{
	draw_stopped(s, sh, UI_C_BAD,
		     _("The run was interrupted: it stopped where it stood and undid nothing."));
	say(sh, 2, _("Once the cause is fixed, continue it: start hoist-wizard again and press c, "
		     "or run hoist resume."));
}

/* An ended run's page: counted, then drawn from its top; scrolls when it does not fit. */
static void draw_ended(struct ui_state *s, int y, void (*sheet)(struct ui_state *, struct sheet *))
{
	struct sheet count = { 0, 1 << 30, -1, 0, 2 }, sh;
	sheet(s, &count);
	ui_pager_fit(&scr.view, count.n, ui_body_bottom() - y + 1);
	set_actions(count.n > scr.view.rows);
	sh = (struct sheet){ y, scr.view.top, ui_body_bottom(), 0, 2 };
	sheet(s, &sh);
	if (count.n > scr.view.rows)
		ui_putf(ui_body_bottom() + 1, 2, COLS - 4, _("Lines %d-%d of %d"), scr.view.top + 1,
			ui_pager_last(&scr.view), count.n);
}

/* The guide pager: wraps and draws the lines from top on. */
struct pager {
	int y, skip, bottom;
};

static void pager_line(void *ctx, const char *p, size_t n)
{
	struct pager *pg = ctx;
	if (pg->skip > 0) {
		pg->skip--;
		return;
	}
	if (pg->y <= pg->bottom)
		ui_putf(pg->y, 2, COLS - 4, "%.*s", (int)n, p);
	pg->y++;
}

static void draw_failure(struct ui_state *s, int y)
{
	struct pager pg;
	int total;
	char *why = hoist_xasprintf(is_rollback() ? _("The rollback did not end well: %s")
						  : _("The upgrade did not end well: %s"),
				    scr.sum.text ? scr.sum.text : _("no message was recorded"));
	/* The whole reason (up to six lines): the guide below says the rest. */
	attron(ui_attr(s, UI_C_BAD));
	pg = (struct pager){ y, 0, y + 5 };
	ui_wrap(why, COLS - 4, pager_line, &pg);
	y = pg.y < y + 6 ? pg.y : y + 6;
	attroff(ui_attr(s, UI_C_BAD));
	free(why);
	if (scr.load_error) {
		ui_putf(y++, 2, COLS - 4, _("No rollback guide: %s"), scr.load_error);
		return;
	}
	y += ui_sayf(y, 2, COLS - 4, ui_body_bottom(),
		     _("The rollback guide of run %s (r runs it, w saves it):"),
		     scr.guide->run_id ? scr.guide->run_id : "?");
	ui_hline(y++);
	total = ui_wrap_text(scr.guide_text, COLS - 4, s->whole_paths, pager_line,
			     &(struct pager){ 0, 1 << 30, -1 });
	ui_pager_fit(&scr.view, total, ui_body_bottom() - y + 1);
	pg = (struct pager){ y, scr.view.top, ui_body_bottom() };
	ui_wrap_text(scr.guide_text, COLS - 4, s->whole_paths, pager_line, &pg);
	if (total > scr.view.rows)
		ui_putf(ui_body_bottom() + 1, 2, COLS - 4, _("Lines %d-%d of %d"), scr.view.top + 1,
			ui_pager_last(&scr.view), total);
}

static void draw(struct ui_state *s)
{
	int y = ui_draw_frame(s, _(ui_screen_result.name)) + 1;
	if (!scr.have_sum || (scr.load_error && !scr.guide && scr.sum.state == HOIST_RUN_NONE)) {
		ui_putf(y, 2, COLS - 4, _("No result: %s"), scr.load_error ? scr.load_error : _("no run"));
		return;
	}
	if (scr.sum.state == HOIST_RUN_OK)
		draw_ended(s, y, draw_success);
	else if (scr.sum.state == HOIST_RUN_UNDONE)
		draw_ended(s, y, draw_undone);
	else if (scr.sum.state == HOIST_RUN_INTERRUPTED)
		draw_ended(s, y, draw_interrupted);
	else
		draw_failure(s, y);
}

static int rollback_done(struct ui_state *s, const char *text)
{
	struct hoist_error err;
	struct hoist_plan *rb;
	int r;
	if (!text || strcmp(text, "y") || !scr.guide)
		return UI_REDRAW;
	hoist_error_init(&err);
	rb = hoist_guide_to_plan(scr.guide, scr.plan);
	r = ui_start_run(s, rb, &err);
	if (!(r & UI_GOTO))
		ui_set_message(s, _("The rollback did not start: %s"), hoist_error_message(&err));
	hoist_plan_free(rb);
	hoist_error_done(&err);
	return r;
}

static int key(struct ui_state *s, int k)
{
	struct hoist_error err;
	enum ui_action a = ui_key_action(ui_screen_result.actions, k);
	if (ui_pager_key(&scr.view, a))
		return UI_REDRAW;
	switch (a) {
	case UI_ACT_ROLLBACK:
		if (!scr.guide || scr.sum.state == HOIST_RUN_OK || scr.sum.state == HOIST_RUN_UNDONE)
			return UI_STAY;
		if (scr.guide->n_steps == hoist_guide_manual_steps(scr.guide)) {
			ui_set_message(s, _("Every step of this guide is done by hand."));
			return UI_REDRAW;
		}
		ui_input_open(s, hoist_guide_manual_steps(scr.guide)
				 ? _("Are the steps marked \"by hand\" done, and shall hoist run the others?")
				 : _("Run the rollback now?"),
			      true, NULL, rollback_done);
		return UI_REDRAW;
	case UI_ACT_JOURNEYS:
		s->go_to = &ui_screen_journeys;
		return UI_GOTO | UI_REDRAW;
	case UI_ACT_SAVE:
		if (!scr.guide)
			return UI_STAY;
		hoist_error_init(&err);
		if (hoist_guide_save(scr.guide, scr.run_dir, &err) != HOIST_OK)
			ui_set_message(s, "%s", hoist_error_message(&err));
		else {
			/* The path whole: the notice line shortens it in the middle, keeping the
			 * file name, or shows it whole over lines (p). */
			ui_set_message(s, _("Saved: %s/guide.txt"), scr.run_dir);
		}
		hoist_error_done(&err);
		return UI_REDRAW;
	case UI_ACT_BUNDLE:
		ui_save_bundle(s, s->run_id);
		return UI_REDRAW;
	case UI_ACT_BACK:
		/* Esc goes back to the start: the server as it is now, and its last run. */
		s->go_to = &ui_screen_connect;
		return UI_GOTO;
	default:
		return UI_PASS;
	}
}

/* Only the keys that do something: r and w only when there is a guide (set by enter). */
static enum ui_action actions[8] = { UI_ACT_ROLLBACK, UI_ACT_SAVE, UI_ACT_BUNDLE, UI_ACT_JOURNEYS,
				    UI_ACT_PATHS, UI_ACT_DOWN, UI_ACT_PGDN, UI_ACT_NONE };

/* Scrolling keys only when the page does not fit (a guide's always may not). */
static void set_actions(bool scrolls)
{
	static const enum ui_action with_guide[] = { UI_ACT_ROLLBACK, UI_ACT_SAVE, UI_ACT_BUNDLE,
						     UI_ACT_JOURNEYS, UI_ACT_PATHS, UI_ACT_DOWN,
						     UI_ACT_PGDN, UI_ACT_NONE };
	static const enum ui_action without[] = { UI_ACT_BUNDLE, UI_ACT_JOURNEYS, UI_ACT_PATHS,
						  UI_ACT_NONE };
	static const enum ui_action scrolling[] = { UI_ACT_BUNDLE, UI_ACT_JOURNEYS, UI_ACT_PATHS,
						    UI_ACT_DOWN, UI_ACT_PGDN, UI_ACT_NONE };
	const enum ui_action *a = scr.guide && scr.sum.state != HOIST_RUN_OK ? with_guide
				  : scrolls					 ? scrolling
										 : without;
	size_t i = 0;
	do
		actions[i] = a[i];
	while (a[i++] != UI_ACT_NONE);
}

const struct ui_screen ui_screen_result = {
	.name = N_("Result"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.actions = actions,
};

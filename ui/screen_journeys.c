/* screen_journeys.c: the other journeys of the seeds: Tentacles in batches, OS patching. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "ospatch.h"
#include "tentacles.h"
#include "ui.h"
#include "xalloc.h"

static struct hoist_tentacles *targets; /* owned; NULL: not read (see why) */
static char *why;                       /* owned: why the targets could not be read */
static int batch = HOIST_TENTACLES_BATCH;
static struct ui_pager rows;            /* the target table's rows shown */
static enum ui_action asked;            /* the journey the y/n question starts */

static void load(struct ui_state *s)
{
	struct hoist_error err;
	hoist_tentacles_free(targets);
	targets = NULL;
	free(why);
	why = NULL;
	hoist_error_init(&err);
	if (hoist_tentacles_read_config(&s->cfg, NULL, 0, batch, &targets, &err) != HOIST_OK)
		why = hoist_xstrdup(hoist_error_message(&err));
	hoist_error_done(&err);
}

static void enter(struct ui_state *s)
{
	rows.top = 0;
	load(s);
}

static void leave(struct ui_state *s)
{
	(void)s;
	hoist_tentacles_free(targets);
	targets = NULL;
	free(why);
	why = NULL;
}

static const char *state_label(const struct hoist_tentacle_target *g)
{
	return g->required ? _("upgrade required") : g->outdated ? _("outdated") : _("current");
}

static void draw_target(void *ctx, size_t i, int y)
{
	struct ui_state *s = ctx;
	const struct hoist_tentacle_target *g = &targets->v[i];
	enum ui_color c = g->required ? UI_C_BAD : g->outdated ? UI_C_WARN : UI_C_GOOD;
	ui_put(y, 4, 16, g->name);
	ui_put(y, 21, 14, g->environment);
	ui_put(y, 36, 12, g->version ? g->version : "?");
	attron(ui_attr(s, c));
	ui_put(y, 49, 18, state_label(g));
	attroff(ui_attr(s, c));
	if (g->batch)
		ui_putf(y, 68, COLS - 70, "%d", g->batch);
	else
		ui_put(y, 68, COLS - 70, "-");
}

static int draw_targets(struct ui_state *s, int y, int n_rows)
{
	attron(A_BOLD);
	/* TRANSLATORS: column heads of the target table; keep the widths. */
	ui_putf(y++, 4, COLS - 6, "%-16s %-14s %-12s %-18s %s", _("Target"), _("Environment"),
		_("Tentacle"), _("State"), _("Batch"));
	attroff(A_BOLD);
	return ui_pager_list(&rows, targets->n, y, n_rows, 4, _("(more targets below: Down/j)"),
			     draw_target, s);
}

static void draw(struct ui_state *s)
{
	int y = ui_draw_frame(s, _("Other journeys")) + 1;
	int bottom = ui_body_bottom();
	size_t n_nodes = s->connected ? s->topo.n_nodes : 0;
	attron(A_BOLD);
	ui_put(y++, 2, COLS - 4, _("Tentacles and Calamari"));
	attroff(A_BOLD);
	if (!targets) {
		attron(ui_attr(s, UI_C_BAD));
		y += ui_sayf(y, 4, COLS - 6, bottom, _("The targets cannot be read: %s"),
			     why ? why : "?");
		attroff(ui_attr(s, UI_C_BAD));
	} else {
		size_t out = hoist_tentacles_outdated(targets);
		ui_putf(y++, 4, COLS - 6, P_("%zu deployment target, %zu outdated; batches of %d",
					     "%zu deployment targets, %zu outdated; batches of %d",
					     targets->n),
			targets->n, out, batch);
		y = draw_targets(s, y, bottom - y - 6);
		y += ui_say(y, 4, COLS - 6, bottom,
			    out ? _("t: upgrade them in batches, then a health check; "
				    "+ and -: batch size")
				: _("t: a health check, which brings Calamari up to date"));
	}
	y++;
	attron(A_BOLD);
	ui_put(y++, 2, COLS - 4, _("Operating-system patching"));
	attroff(A_BOLD);
	/* Sentences wrap, never cut (German ones run longer). */
	if (n_nodes > 1)
		y += ui_sayf(y, 4, COLS - 6, bottom, _("%zu nodes, one at a time (drain, patch, "
						       "reboot, undrain): no downtime"), n_nodes);
	else
		y += ui_say(y, 4, COLS - 6, bottom, _("One server, in a maintenance window; the "
						      "database is never touched"));
	ui_say(y, 4, COLS - 6, bottom, _("Press P to patch the operating system now."));
}

static int start(struct ui_state *s, struct hoist_plan *plan, struct hoist_error *err)
{
	int r = ui_start_run(s, plan, err);
	if (!(r & UI_GOTO))
		ui_set_message(s, "%s", hoist_error_message(err));
	hoist_plan_free(plan);
	return r;
}

/* The answer to "start now?": the journey asked about is prepared and started. */
static int start_done(struct ui_state *s, const char *text)
{
	struct hoist_plan *plan = NULL;
	struct hoist_error err;
	enum hoist_status st;
	int r = UI_REDRAW;
	if (!text || strcmp(text, "y"))
		return UI_REDRAW;
	hoist_error_init(&err);
	st = asked == UI_ACT_TENTACLES
		     ? hoist_plan_prepare_tentacles(&s->cfg, NULL, 0, batch, &plan, &err)
		     : hoist_plan_prepare_os_patch(&s->cfg, NULL, &plan, &err);
	if (st != HOIST_OK)
		ui_set_message(s, "%s", hoist_error_message(&err));
	else
		r = start(s, plan, &err);
	hoist_error_done(&err);
	return r;
}

static const enum ui_action actions[] = { UI_ACT_TENTACLES, UI_ACT_OS_PATCH, UI_ACT_MORE,
					  UI_ACT_LESS, UI_ACT_RETRY, UI_ACT_DOWN, UI_ACT_NONE };

static int key(struct ui_state *s, int k)
{
	enum ui_action a = ui_key_action(actions, k);
	switch (a) {
	case UI_ACT_TENTACLES:
		if (!targets)
			return UI_STAY;
		asked = a;
		ui_input_open(s, _("Upgrade the outdated Tentacles now? (y/n)"), true, NULL,
			      start_done);
		return UI_REDRAW;
	case UI_ACT_OS_PATCH:
		asked = a;
		ui_input_open(s, _("Patch the operating system of the nodes now? (y/n)"), true,
			      NULL, start_done);
		return UI_REDRAW;
	case UI_ACT_MORE:
		batch = batch < 1000 ? batch + 1 : batch;
		load(s);
		return UI_REDRAW;
	case UI_ACT_LESS:
		batch = batch > 1 ? batch - 1 : 1;
		load(s);
		return UI_REDRAW;
	case UI_ACT_RETRY:
		load(s);
		return UI_REDRAW;
	case UI_ACT_UP:
	case UI_ACT_DOWN:
		ui_pager_row_key(&rows, targets ? targets->n : 0, a);
		return UI_REDRAW;
	default:
		return UI_PASS;
	}
}

const struct ui_screen ui_screen_journeys = {
	.name = N_("Other journeys"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.actions = actions,
	.aside = true,
};

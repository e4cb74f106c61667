/* screen_plan.c: step 5, the plan the engine built: nodes in order, steps, point of no return. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "estimate.h"
#include "prepare.h"
#include "tentacles.h"
#include "ui.h"
#include "xalloc.h"

/* The screen's state, from enter to leave (which frees what it owns). */
static struct plan_screen {
	struct hoist_plan *plan; /* owned; NULL when it could not be built */
	struct hoist_error plan_err; /* owned */
	struct ui_pager steps;   /* the steps' page */
} scr;
/* Targets whose Tentacle the notes say stops working (seed 001); set by enter. */
static size_t old_tentacles;

static void say_preparing(struct ui_state *s)
{
	erase();
	ui_draw_frame(s, _(ui_screen_plan.name));
	ui_putf(3, 2, COLS - 4, _("Preparing the plan from the server's state and the feed ..."));
	refresh();
}

/* The engine builds the plan the run will follow, from the server's real state. */
static void enter(struct ui_state *s)
{
	struct hoist_prepare_options o = { 0 };
	const char *ov = s->override;
	hoist_plan_free(scr.plan);
	scr.plan = NULL;
	hoist_error_done(&scr.plan_err);
	hoist_error_init(&scr.plan_err);
	scr.steps.top = 0;
	if (!s->has_target || !s->connected) {
		hoist_error_set(&scr.plan_err, HOIST_STATE, _("Choose a version first (Esc goes back)."));
		return;
	}
	say_preparing(s);
	o.strategy = HOIST_STRATEGY_AUTO;
	o.role_order = s->cfg.role_order;
	o.overrides = ov ? &ov : NULL;
	o.n_overrides = ov ? 1 : 0;
	hoist_plan_prepare(&s->cfg, s->target.text, &o, &scr.plan, &scr.plan_err);
	old_tentacles = 0;
	if (scr.plan) {
		/* Seed 001: the Tentacle upgrade comes first when the notes say old ones stop. */
		struct hoist_tentacles_advice a;
		if (hoist_tentacles_advise(&s->cfg, &scr.plan->from, &scr.plan->to, &a, NULL) ==
		    HOIST_OK) {
			old_tentacles = a.warned ? a.n_affected : 0;
			hoist_tentacles_advice_done(&a);
		}
	}
}

static void leave(struct ui_state *s)
{
	hoist_plan_free(scr.plan);
	scr.plan = NULL;
	hoist_error_done(&scr.plan_err);
}

static void put_line(void *ctx, const char *p, size_t n)
{
	int *y = ctx;
	ui_putf((*y)++, 2, COLS - 4, "%.*s", (int)n, p);
}

/* A line of the step list: its step, and the part of the step's summary it shows. */
struct step_line {
	size_t step;
	const char *p;
	size_t n;
	bool first;
};

struct step_lines {
	struct step_line *v;
	size_t n, alloc, step;
};

static void add_step_line(void *ctx, const char *p, size_t n)
{
	struct step_lines *l = ctx;
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 64;
		l->v = hoist_xrealloc(l->v, l->alloc * sizeof *l->v);
	}
	l->v[l->n] = (struct step_line){ l->step, p, n,
					 !l->n || l->v[l->n - 1].step != l->step };
	l->n++;
}

/* The steps, each summary wrapped in its column over the lines it needs, never cut. */
static void draw_steps(struct ui_state *s, int y)
{
	long pnr = hoist_plan_pnr_index(scr.plan);
	struct step_lines l = { 0 };
	int top;
	for (size_t i = 0; i < scr.plan->n_steps; i++) {
		const struct hoist_step_info *info = hoist_step_info(scr.plan->steps[i].id);
		const char *text = (long)i == pnr ? _("POINT OF NO RETURN")
				   : info	  ? _(info->summary)
						  : "";
		l.step = i;
		if (!*text || !ui_wrap(text, COLS - 39, add_step_line, &l))
			add_step_line(&l, text, 0);
	}
	ui_pager_fit(&scr.steps, (int)l.n, ui_body_bottom() - y + 1);
	top = scr.steps.top;
	for (int r = 0; r < scr.steps.rows && (size_t)(top + r) < l.n; r++) {
		const struct step_line *ln = &l.v[top + r];
		const struct hoist_plan_step *st = &scr.plan->steps[ln->step];
		bool is_pnr = (long)ln->step == pnr;
		if (is_pnr)
			attron(ui_attr(s, UI_C_BAD));
		if (ln->first)
			ui_putf(y + r, 2, 34, "%3zu. %-17s %s", ln->step + 1, st->id,
				st->node ? st->node : _("cluster"));
		ui_putf(y + r, 37, COLS - 39, "%.*s", (int)ln->n, ln->p);
		if (is_pnr)
			attroff(ui_attr(s, UI_C_BAD));
	}
	free(l.v);
}

static void draw(struct ui_state *s)
{
	int y = ui_draw_frame(s, _(ui_screen_plan.name)) + 1;
	struct hoist_buf order;
	if (!scr.plan) {
		attron(ui_attr(s, UI_C_BAD));
		ui_put(y++, 2, COLS - 4, _("No plan could be built."));
		attroff(ui_attr(s, UI_C_BAD));
		ui_wrap(hoist_error_message(&scr.plan_err), COLS - 4, put_line, &y);
		return;
	}
	attron(A_BOLD);
	ui_putf(y++, 2, COLS - 4, _("%s upgrade %s to %s, %s, %zu steps"),
		_(hoist_kind_name(scr.plan->kind)), scr.plan->from.text, scr.plan->to.text,
		hoist_strategy_name(scr.plan->strategy), scr.plan->n_steps);
	attroff(A_BOLD);
	hoist_buf_init(&order, 0);
	for (size_t i = 0; i < scr.plan->n_nodes; i++)
		hoist_buf_printf(&order, "%s%s (%s)", i ? ", " : "", scr.plan->nodes[i].name,
				 scr.plan->nodes[i].role ? scr.plan->nodes[i].role : "-");
	y += ui_sayf(y, 2, COLS - 4, ui_body_bottom(), _("Node order: %s"), hoist_buf_cstr(&order));
	hoist_buf_done(&order);
	{
		long pnr = hoist_plan_pnr_index(scr.plan);
		if (pnr >= 0) {
			attron(ui_attr(s, UI_C_BAD));
			y += ui_sayf(y, 2, COLS - 4, ui_body_bottom(),
				_("Point of no return: step %ld, %s on %s; from there on, the way "
				  "back is a restore."),
				pnr + 1, scr.plan->steps[pnr].id,
				scr.plan->steps[pnr].node ? scr.plan->steps[pnr].node : _("the cluster"));
			attroff(ui_attr(s, UI_C_BAD));
		} else {
			ui_put(y++, 2, COLS - 4,
			       _("No point of no return: every step can be undone."));
		}
	}
	{
		/* The engine's words, as hoist plan says them: comparable runs only. */
		char *est = hoist_estimate_text(scr.plan), *t = hoist_xasprintf(_("Window: %s."), est);
		y += ui_say(y, 2, COLS - 4, ui_body_bottom(), t);
		free(t);
		free(est);
	}
	if (s->override) {
		attron(ui_attr(s, UI_C_WARN));
		y += ui_sayf(y, 2, COLS - 4, ui_body_bottom(), _("Override: %s"), s->override);
		attroff(ui_attr(s, UI_C_WARN));
	}
	if (old_tentacles) {
		attron(ui_attr(s, UI_C_WARN));
		ui_putf(y++, 2, COLS - 4, P_("%zu target runs a Tentacle the notes say stops "
					     "working: o upgrades the Tentacles first.",
					     "%zu targets run a Tentacle the notes say stops "
					     "working: o upgrades the Tentacles first.", old_tentacles),
			old_tentacles);
		attroff(ui_attr(s, UI_C_WARN));
	}
	ui_put(y++, 2, COLS - 4, _("The same plan from the command line:"));
	{
		/* The whole command, with the wizard's override and waiver, one line per part. */
		int fs = hoist_checklist_find("file-storage");
		const char *waiver = fs >= 0 ? s->checklist.entries[fs].waiver : NULL;
		struct hoist_buf q;
		char *cmd;
		hoist_buf_init(&q, 0);
		for (const char *c = waiver ? waiver : ""; *c; c++)
			hoist_buf_puts(&q, *c == '\'' ? "'\\''" : (char[]){ *c, 0 });
		cmd = hoist_xasprintf("hoist%s%s upgrade --to %s%s%s%s%s",
				      s->cfg.loaded_from ? " --config " : "",
				      s->cfg.loaded_from ? s->cfg.loaded_from : "", scr.plan->to.text,
				      s->override ? " --override 'confirmed in the wizard'" : "",
				      waiver ? " --waive 'file-storage=" : "",
				      waiver ? hoist_buf_cstr(&q) : "", waiver ? "'" : "");
		hoist_buf_done(&q);
		y += ui_say_command(y, 4, COLS - 6, ui_body_bottom(), cmd);
		free(cmd);
	}
	ui_hline(y++);
	draw_steps(s, y);
	ui_put(ui_body_bottom() + 1, 2, COLS - 4,
	       _("Press Enter and type the target version to start."));
}

/* The checklist's evidence goes into the plan; the engine runs it detached. */
static int start_run(struct ui_state *s)
{
	struct hoist_error err;
	int r;
	hoist_error_init(&err);
	hoist_checklist_record(&s->checklist, scr.plan);
	r = ui_start_run(s, scr.plan, &err);
	if (!(r & UI_GOTO))
		ui_set_message(s, _("Nothing was started: %s"), hoist_error_message(&err));
	hoist_error_done(&err);
	return r;
}

static int start_done(struct ui_state *s, const char *text)
{
	if (!text)
		return UI_REDRAW;
	if (strcmp(text, scr.plan->to.text)) {
		ui_set_message(s, _("That is not %s: nothing was started."), scr.plan->to.text);
		return UI_REDRAW;
	}
	return start_run(s);
}

static int key(struct ui_state *s, int k)
{
	enum ui_action a = ui_key_action(ui_screen_plan.actions, k);
	if (ui_pager_key(&scr.steps, a))
		return UI_REDRAW;
	switch (a) {
	case UI_ACT_JOURNEYS:
		if (!old_tentacles)
			return UI_STAY;
		s->go_to = &ui_screen_journeys;
		return UI_GOTO | UI_REDRAW;
	case UI_ACT_ENTER:
		if (scr.plan) {
			char *q = hoist_xasprintf(_("Type %s to start:"), scr.plan->to.text);
			ui_input_open(s, q, false, NULL, start_done);
			free(q);
		}
		break;
	default:
		return UI_PASS;
	}
	return UI_REDRAW;
}

static const enum ui_action actions[] = { UI_ACT_ENTER, UI_ACT_DOWN, UI_ACT_PGDN,
					  UI_ACT_NONE };

const struct ui_screen ui_screen_plan = {
	.name = N_("Review the plan"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.actions = actions,
};

/* screen_legacy.c: the legacy upgrade of a 2.6 server to 3.x (seed 002): maxage, plan, start. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "guide.h"
#include "i18n.h"
#include "legacy.h"
#include "ui.h"
#include "xalloc.h"

static struct hoist_plan *plan; /* owned; NULL: see why */
static char *why;               /* owned */
static int maxage = 90;         /* days of history the migrator keeps; -1: all */
static char *migrator;          /* owned: the exact command */

static void load(struct ui_state *s)
{
	struct hoist_version server, target;
	struct hoist_legacy_options o;
	struct hoist_profile *prof = NULL;
	struct hoist_error err;
	hoist_plan_free(plan);
	plan = NULL;
	free(why);
	free(migrator);
	why = migrator = NULL;
	hoist_error_init(&err);
	if (hoist_legacy_detect(&s->cfg, &server, &target, &err) == HOIST_OK) {
		o.target = target.text;
		o.maxage_days = maxage;
		o.clean_up = false;
		hoist_plan_prepare_legacy(&s->cfg, &o, &plan, &err);
	}
	if (!plan)
		why = hoist_xstrdup(hoist_error_message(&err));
	if (plan && hoist_profile_from_config(&s->cfg, plan->profile, &prof, NULL) == HOIST_OK) {
		migrator = hoist_legacy_migrator_command(plan, prof);
		hoist_profile_free(prof);
	}
	hoist_error_done(&err);
}

static void enter(struct ui_state *s)
{
	load(s);
}

static void leave(struct ui_state *s)
{
	(void)s;
	hoist_plan_free(plan);
	plan = NULL;
	free(why);
	free(migrator);
	why = migrator = NULL;
}

/* Lines of the body, from y and not past last. */
struct lines {
	int y, last;
};

static void put_line(void *ctx, const char *p, size_t n)
{
	struct lines *l = ctx;
	if (l->y <= l->last)
		ui_putf(l->y, 4, COLS - 6, "%.*s", (int)n, p);
	l->y++;
}

static void draw(struct ui_state *s)
{
	int y = ui_draw_frame(s, _("Legacy upgrade")) + 1;
	const char *way_back = _("Press Enter to start; the way back is the 2.6 server and this "
				 "run's backups.");
	/* The last sentence wraps upwards from the line above the message line. */
	int n_way = ui_say(LINES, 2, COLS - 4, -1, way_back);
	struct lines l = { 0, ui_body_bottom() };
	if (!plan) {
		attron(ui_attr(s, UI_C_BAD));
		ui_put(y++, 2, COLS - 4, _("No legacy upgrade can be planned."));
		attroff(ui_attr(s, UI_C_BAD));
		l.y = y;
		ui_wrap(why ? why : "?", COLS - 6, put_line, &l);
		return;
	}
	attron(A_BOLD);
	ui_putf(y++, 2, COLS - 4, _("Octopus %s to %s, in the vendor's order"), plan->from.text,
		plan->to.text);
	attroff(A_BOLD);
	if (maxage >= 0)
		ui_putf(y++, 2, COLS - 4, _("History the migrator keeps: %d days (m changes it)"),
			maxage);
	else
		ui_put(y++, 2, COLS - 4, _("History the migrator keeps: all of it (m changes it)"));
	for (size_t i = 0; i < plan->n_steps && y < ui_body_bottom() - 3; i++) {
		bool by_hand = hoist_legacy_manual(plan->steps[i].id);
		ui_putf(y++, 4, COLS - 6, "%2zu. %s%s", i + 1, plan->steps[i].id,
			by_hand ? _(" (by hand: you check it off)") : "");
	}
	ui_put(y++, 2, COLS - 4, _("The migrator:"));
	l = (struct lines){ y, ui_body_bottom() - n_way };
	/* A command to paste: wrapped at spaces, " \\" ending each line but the last. */
	ui_command_wrap(migrator ? migrator : "?", COLS - 6, s->whole_paths, put_line, &l);
	ui_say(ui_body_bottom() + 2 - n_way, 2, COLS - 4, ui_body_bottom() + 1, way_back);
}

static int maxage_done(struct ui_state *s, const char *text)
{
	char *end;
	long v;
	if (!text || !*text)
		return UI_REDRAW;
	if (!strcmp(text, "all")) {
		maxage = -1;
	} else {
		v = strtol(text, &end, 10);
		if (*end || v < 0 || v > 36500) {
			ui_set_message(s, _("Give a number of days (0 to 36500) or all."));
			return UI_REDRAW;
		}
		maxage = (int)v;
	}
	load(s);
	return UI_REDRAW;
}

static int start_done(struct ui_state *s, const char *text)
{
	struct hoist_error err;
	int r;
	if (!text || strcmp(text, "y") || !plan)
		return UI_REDRAW;
	hoist_error_init(&err);
	r = ui_start_run(s, plan, &err);
	if (!(r & UI_GOTO))
		ui_set_message(s, "%s", hoist_error_message(&err));
	hoist_error_done(&err);
	return r;
}

static const enum ui_action actions[] = { UI_ACT_ENTER, UI_ACT_MAXAGE, UI_ACT_RETRY,
					  UI_ACT_NONE };

static int key(struct ui_state *s, int k)
{
	switch (ui_key_action(actions, k)) {
	case UI_ACT_MAXAGE:
		ui_input_open(s, _("Days of history the migrator keeps (a number, or all):"), false,
			      NULL, maxage_done);
		return UI_REDRAW;
	case UI_ACT_RETRY:
		load(s);
		return UI_REDRAW;
	case UI_ACT_ENTER:
		if (!plan)
			return UI_STAY;
		ui_input_open(s, _("Start the legacy upgrade now? (y/n)"), true, NULL, start_done);
		return UI_REDRAW;
	default:
		return UI_PASS;
	}
}

const struct ui_screen ui_screen_legacy = {
	.name = N_("Legacy upgrade"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.actions = actions,
	.aside = true,
};

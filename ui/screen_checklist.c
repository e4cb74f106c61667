/* screen_checklist.c: step 4, the backups and confirmations an upgrade needs before it starts. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "ui.h"
#include "xalloc.h"

/*
 * The screen's state. The backup run is followed on while it runs, also from other screens;
 * leave lets it go once it has ended.
 */
static struct checklist_screen {
	size_t cursor;          /* the selected item */
	struct ui_follow backup; /* the backup run, while it runs and after */
	char *backup_error;     /* owned: why the backup run failed; NULL: it did not */
} scr;

static void put_line(void *ctx, const char *p, size_t n)
{
	int *y = ctx;
	if (*y <= ui_body_bottom())
		ui_putf(*y, 2, COLS - 4, "%.*s", (int)n, p);
	(*y)++;
}

/* One line of what proves an item, or why it is open: the engine's words, as in the CLI. */
static char *state_text(const struct ui_state *s, size_t i)
{
	return hoist_checklist_state_text(&s->checklist, i);
}

struct state_lines {
	int y, n;
};

static void state_line(void *ctx, const char *p, size_t n)
{
	struct state_lines *sl = ctx;
	if (sl->y + sl->n <= ui_body_bottom())
		ui_putf(sl->y + sl->n, 29, COLS - 31, "%.*s", (int)n, p);
	sl->n++;
}

static void draw_backup(struct ui_state *s, int y)
{
	const struct hoist_run_summary *sum = &scr.backup.sum;
	if (!scr.backup.run_id)
		return;
	ui_putf(y++, 2, COLS - 4, _("Backup run %s:"), scr.backup.run_id);
	for (size_t i = 0; i < sum->n_steps && y <= ui_body_bottom(); i++) {
		const struct hoist_step_summary *st = &sum->steps[i];
		enum ui_color c = st->state == HOIST_STEP_OK	   ? UI_C_GOOD
				  : st->state == HOIST_STEP_FAILED ? UI_C_BAD
				  : st->state == HOIST_STEP_RUNNING ? UI_C_WARN
								    : UI_C_NORMAL;
		ui_putf(y, 4, 30, "%-18s %s", st->step, st->node ? st->node : "");
		attron(ui_attr(s, c));
		ui_put(y++, 35, COLS - 37, ui_step_state(st->state));
		attroff(ui_attr(s, c));
	}
	if (scr.backup_error) {
		attron(ui_attr(s, UI_C_BAD));
		ui_wrap(scr.backup_error, COLS - 6, put_line, &y);
		attroff(ui_attr(s, UI_C_BAD));
	} else if (!scr.backup.ended && scr.backup.n_log && y <= ui_body_bottom()) {
		ui_put(y, 4, COLS - 6, ui_follow_log(&scr.backup, scr.backup.n_log - 1));
	}
}

/* The keys that give an item on this screen, by how it is given. */
static const char *how_here(enum hoist_checklist_how how)
{
	if (how == HOIST_CHECKLIST_AUTO_OR_FILE)
		return _("b: hoist takes it now; e: name a file.");
	if (how == HOIST_CHECKLIST_FILE)
		return _("e: name the file.");
	return _("e, then y: confirm it.");
}

static void draw(struct ui_state *s)
{
	int y = ui_draw_frame(s, _(ui_screen_checklist.name)) + 1;
	int missing = hoist_checklist_missing(&s->checklist);
	ui_wrap(_("What you need to go back if the upgrade fails. Required items must be done "
		  "before the plan can start."),
		COLS - 4, put_line, &y);
	y++;
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++, y++) {
		const struct hoist_checklist_info *info = hoist_checklist_info(i);
		bool done = hoist_checklist_satisfied(&s->checklist, i);
		bool required = hoist_checklist_required(&s->checklist, i);
		char *st = state_text(s, i);
		if (i == scr.cursor)
			attron(A_REVERSE);
		ui_putf(y, 2, 26, "%s %s", i == scr.cursor ? ">" : " ", _(info->label));
		if (i == scr.cursor)
			attroff(A_REVERSE);
		attron(ui_attr(s, done ? UI_C_GOOD : required ? UI_C_BAD : UI_C_DIM));
		/* The whole state, wrapped under itself: "given by the operator, not checked". */
		{
			struct state_lines sl = { y, 0 };
			ui_wrap(st, COLS - 31, state_line, &sl);
			if (sl.n > 1)
				y += sl.n - 1;
		}
		attroff(ui_attr(s, done ? UI_C_GOOD : required ? UI_C_BAD : UI_C_DIM));
		free(st);
	}
	y++;
	{
		/* What the item asks for (the engine's), then this screen's keys for it. */
		const struct hoist_checklist_info *info = hoist_checklist_info(scr.cursor);
		char *t = hoist_xasprintf("%s %s", _(info->help), how_here(info->how));
		ui_wrap(t, COLS - 4, put_line, &y);
		free(t);
	}
	if (s->checklist.entries[scr.cursor].done && s->checklist.entries[scr.cursor].evidence.path) {
		const struct hoist_evidence *e = &s->checklist.entries[scr.cursor].evidence;
		char *t = hoist_xasprintf(_("File: %s, SHA-256 %.12s..., %s"), e->path,
					  e->sha256 ? e->sha256 : "?", e->time ? e->time : "?");
		/* The path whole when it fits (or p asks), else shortened in the middle. */
		ui_wrap_text(t, COLS - 4, s->whole_paths, put_line, &y);
		free(t);
	}
	y++;
	if (scr.backup.run_id)
		draw_backup(s, y);
	else if (missing >= 0)
		ui_wrap(_("Press b to let hoist take the database backup and the master key now."),
			COLS - 4, put_line, &y);
	if (missing >= 0)
		ui_putf(ui_body_bottom() + 1, 2, COLS - 4,
			_("Required before the plan: %s."), _(hoist_checklist_info((size_t)missing)->label));
	else
		ui_put(ui_body_bottom() + 1, 2, COLS - 4, _("Press Enter to review the plan."));
}

/* The backup run ended: take its evidence into the checklist. */
static void backup_ended(struct ui_state *s)
{
	struct hoist_error err;
	hoist_error_init(&err);
	free(scr.backup_error);
	scr.backup_error = NULL;
	s->busy = false;
	s->on_timeout = NULL;
	if (hoist_checklist_from_run(&s->checklist, &s->cfg, scr.backup.run_id, &err) != HOIST_OK)
		scr.backup_error = hoist_xstrdup(hoist_error_message(&err));
	hoist_error_done(&err);
}

static int ready(struct ui_state *s, int fd)
{
	(void)fd;
	if (!ui_follow_read(&scr.backup))
		return UI_STAY;
	if (scr.backup.ended)
		backup_ended(s);
	return UI_REDRAW;
}

/* Without inotify the journal is read on a timer, only while the backup runs. */
static int tick(struct ui_state *s)
{
	return ready(s, -1);
}

static void start_backup(struct ui_state *s)
{
	struct hoist_error err;
	char *id = NULL;
	hoist_error_init(&err);
	free(scr.backup_error);
	scr.backup_error = NULL;
	ui_follow_close(s, &scr.backup);
	if (hoist_run_start_detached(&s->cfg, NULL, &id, &err) != HOIST_OK ||
	    ui_follow_open(s, &scr.backup, id, ready, &err) != HOIST_OK) {
		ui_set_message(s, "%s", hoist_error_message(&err));
	} else {
		s->busy = true;
		if (scr.backup.ended)
			backup_ended(s);
		else if (hoist_journal_reader_fd(scr.backup.reader) < 0) {
			s->on_timeout = tick;
			s->timeout_ms = 250;
		}
	}
	free(id);
	hoist_error_done(&err);
}

static int file_done(struct ui_state *s, const char *text)
{
	struct hoist_error err;
	if (!text || !*text)
		return UI_REDRAW;
	hoist_error_init(&err);
	if (hoist_checklist_give_file(&s->checklist, scr.cursor, text, &err) != HOIST_OK)
		ui_set_message(s, "%s", hoist_error_message(&err));
	hoist_error_done(&err);
	return UI_REDRAW;
}

static int yes_done(struct ui_state *s, const char *text)
{
	if (text)
		hoist_checklist_confirm(&s->checklist, scr.cursor, !strcmp(text, "y"));
	return UI_REDRAW;
}

static void ask_evidence(struct ui_state *s)
{
	const struct hoist_checklist_info *info = hoist_checklist_info(scr.cursor);
	char *q;
	if (info->how == HOIST_CHECKLIST_YES) {
		q = hoist_xasprintf(_("%s: done?"), _(info->label));
		ui_input_open(s, q, true, NULL, yes_done);
	} else {
		q = hoist_xasprintf(_("%s: the file that proves it:"), _(info->label));
		ui_input_open(s, q, false, NULL, file_done);
	}
	free(q);
}

/* Going without an item that is not always required (file storage): a reason, recorded. */
static int waive_done(struct ui_state *s, const char *text)
{
	int missing = hoist_checklist_missing(&s->checklist);
	struct hoist_error err;
	if (!text || !*text || missing < 0)
		return UI_REDRAW;
	hoist_error_init(&err);
	if (hoist_checklist_waive(&s->checklist, (size_t)missing, text, &err) != HOIST_OK)
		ui_set_message(s, "%s", hoist_error_message(&err));
	hoist_error_done(&err);
	return UI_REDRAW;
}

static void enter(struct ui_state *s)
{
	/* A major upgrade's way back restores the file-storage folders: the engine says so. */
	s->checklist.cfg = &s->cfg;
	s->checklist.kind = s->has_target ? hoist_version_kind(&s->topo.version, &s->target)
					  : HOIST_KIND_NONE;
}

static int key(struct ui_state *s, int k)
{
	int missing;
	switch (ui_key_action(ui_screen_checklist.actions, k)) {
	case UI_ACT_UP:
		if (scr.cursor > 0)
			scr.cursor--;
		return UI_REDRAW;
	case UI_ACT_DOWN:
		if (scr.cursor + 1 < HOIST_CHECKLIST_ITEMS)
			scr.cursor++;
		return UI_REDRAW;
	case UI_ACT_BACKUP:
		if (scr.backup.run_id && !scr.backup.ended)
			ui_set_message(s, _("The backup is running."));
		else
			start_backup(s);
		return UI_REDRAW;
	case UI_ACT_EVIDENCE:
		ask_evidence(s);
		return UI_REDRAW;
	case UI_ACT_ENTER:
		if (scr.backup.run_id && !scr.backup.ended) {
			ui_set_message(s, _("Wait for the backup to end."));
			return UI_REDRAW;
		}
		missing = hoist_checklist_missing(&s->checklist);
		if (missing >= 0 && !hoist_checklist_info((size_t)missing)->required) {
			char *q = hoist_xasprintf(_("%s: a major upgrade needs a copy. Why go "
						    "without it? (Esc, then e: name the copy)"),
						  _(hoist_checklist_info((size_t)missing)->label));
			ui_input_open(s, q, false, NULL, waive_done);
			free(q);
			return UI_REDRAW;
		}
		if (missing >= 0) {
			ui_set_message(s, _("%s is required: press b, or select it and press e."),
				       _(hoist_checklist_info((size_t)missing)->label));
			return UI_REDRAW;
		}
		return UI_NEXT;
	case UI_ACT_BACK:
		if (scr.backup.run_id && !scr.backup.ended) {
			ui_set_message(s, _("Wait for the backup to end."));
			return UI_REDRAW;
		}
		return UI_PASS;
	default:
		return UI_PASS;
	}
}

static void leave(struct ui_state *s)
{
	/* A finished backup's evidence is in the checklist; the journal is no longer needed. */
	if (scr.backup.ended || !scr.backup.run_id)
		ui_follow_close(s, &scr.backup);
}

static const enum ui_action actions[] = { UI_ACT_ENTER, UI_ACT_BACKUP, UI_ACT_EVIDENCE,
					  UI_ACT_PATHS, UI_ACT_DOWN, UI_ACT_NONE };

const struct ui_screen ui_screen_checklist = {
	.name = N_("Back up"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.actions = actions,
};

/* screen_notes.c: step 3, the release notes along the chain, what to read first, with search. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "ui.h"
#include "xalloc.h"

struct line {
	char *text; /* owned */
	enum ui_color color;
	bool bold;
};

/* The pager: wrapped for one width, rebuilt when the width or the notes change. */
static struct {
	struct line *v; /* owned */
	size_t n, alloc;
	int width;
	struct ui_pager view;
	char *pattern;  /* owned; the last search */
	bool stale;
} pg;

static void clear_lines(void)
{
	for (size_t i = 0; i < pg.n; i++)
		free(pg.v[i].text);
	pg.n = 0;
}

struct add_ctx {
	enum ui_color color;
	bool bold;
	int indent;
	bool first;
};

static void add_wrapped(void *ctx, const char *p, size_t n)
{
	struct add_ctx *c = ctx;
	struct line *l;
	pg.v = hoist_xgrow(pg.v, &pg.alloc, pg.n + 1, sizeof *pg.v);
	l = &pg.v[pg.n++];
	l->text = hoist_xasprintf("%*s%.*s", c->first ? 0 : c->indent, "", (int)n, p);
	l->color = c->color;
	l->bold = c->bold;
	c->first = false;
}

static void add(const char *text, enum ui_color color, bool bold, int indent)
{
	struct add_ctx c = { color, bold, indent, true };
	ui_wrap(text, pg.width - indent, add_wrapped, &c);
}

static enum ui_color note_color(enum hoist_note_kind k)
{
	return k == HOIST_NOTE_BREAKING ? UI_C_BAD
	       : k == HOIST_NOTE_SECURITY || k == HOIST_NOTE_DEPENDENCY ? UI_C_WARN
								 : UI_C_NORMAL;
}

static void build(struct ui_state *s)
{
	const struct hoist_notes *nt = &s->notes;
	const struct hoist_release *group = NULL;
	char *t;
	clear_lines();
	pg.width = COLS - 4;
	pg.stale = false;
	if (!nt->feed_has_notes) {
		add(_("This release feed carries no notes (it is the vendor's feed). Read what "
		      "changes between the two versions on the vendor's page:"),
		    UI_C_NORMAL, false, 0);
		add(nt->compare_url ? nt->compare_url : "-", UI_C_TITLE, true, 2);
		return;
	}
	if (!nt->n) {
		add(_("The feed has no notes for these releases."), UI_C_NORMAL, false, 0);
		return;
	}
	if (nt->n_first) {
		add(_("Read first: breaking changes, dependency changes and security notes"),
		    UI_C_TITLE, true, 0);
		for (size_t i = 0; i < nt->n_first; i++) {
			const struct hoist_note_entry *e = &nt->entries[i];
			t = hoist_xasprintf(_("%s [%s] %s"), e->release->version.text,
					    _(hoist_note_kind_name(e->kind)), e->text);
			add(t, note_color(e->kind), false, 4);
			free(t);
		}
		add("", UI_C_NORMAL, false, 0);
	}
	for (size_t i = nt->n_first; i < nt->n; i++) {
		const struct hoist_note_entry *e = &nt->entries[i];
		if (e->release != group) {
			group = e->release;
			if (group->date)
				t = hoist_xasprintf(_("Release %s (%s)"), group->version.text,
						    group->date);
			else
				t = hoist_xasprintf(_("Release %s"), group->version.text);
			add(t, UI_C_TITLE, true, 0);
			free(t);
		}
		t = hoist_xasprintf("  - [%s] %s", _(hoist_note_kind_name(e->kind)), e->text);
		add(t, note_color(e->kind), false, 6);
		free(t);
	}
}

static void enter(struct ui_state *s)
{
	struct hoist_error err;
	if (s->has_notes) {
		hoist_notes_done(&s->notes);
		s->has_notes = false;
	}
	pg.view.top = 0;
	pg.stale = true;
	if (!s->has_target || !s->feed)
		return;
	hoist_error_init(&err);
	if (hoist_notes_diff(s->feed, &s->topo.version, &s->target, &s->notes, &err) == HOIST_OK)
		s->has_notes = true;
	else
		ui_set_message(s, "%s", hoist_error_message(&err));
	hoist_error_done(&err);
}

static void leave(struct ui_state *s)
{
	clear_lines();
}

static void banner_line(void *ctx, const char *p, size_t n)
{
	int *y = ctx;
	ui_putf((*y)++, 2, COLS - 4, "%.*s", (int)n, p);
}

/* The kind, what it means for rollback, and the chain's stops; returns the next line. */
static int draw_banner(struct ui_state *s, int y)
{
	const struct hoist_chain *c = &s->notes.chain;
	attron(ui_attr(s, c->kind == HOIST_KIND_PATCH ? UI_C_GOOD : UI_C_WARN) | A_BOLD);
	ui_putf(y++, 2, COLS - 4, _("%s upgrade: %s to %s"), _(hoist_kind_name(c->kind)),
		c->from.text, c->to.text);
	ui_wrap(hoist_kind_rollback(c->kind), COLS - 4, banner_line, &y);
	attroff(ui_attr(s, c->kind == HOIST_KIND_PATCH ? UI_C_GOOD : UI_C_WARN) | A_BOLD);
	if (c->n_stops) {
		struct hoist_buf b;
		hoist_buf_init(&b, 0);
		for (size_t i = 0; i < c->n_stops; i++)
			hoist_buf_printf(&b, "%s%s", i ? ", " : "", c->stops[i].text);
		ui_putf(y++, 2, COLS - 4, P_("Required stop on the way: %s", "Required stops on the way: %s",
					     c->n_stops),
			hoist_buf_cstr(&b));
		hoist_buf_done(&b);
	} else {
		ui_put(y++, 2, COLS - 4, _("No required stops: one hop."));
	}
	ui_hline(y++);
	return y;
}

static void draw_line(struct ui_state *s, int y, const struct line *l)
{
	const char *m;
	int a = ui_attr(s, l->color) | (l->bold ? A_BOLD : 0);
	attron(a);
	ui_put(y, 2, COLS - 4, l->text);
	attroff(a);
	if (!pg.pattern || !*pg.pattern)
		return;
	/* Matches are shown in reverse (or the match colour), each on its own. */
	for (m = strcasestr(l->text, pg.pattern); m; m = strcasestr(m + 1, pg.pattern)) {
		char *pre = hoist_xstrndup(l->text, (size_t)(m - l->text));
		char *hit = hoist_xstrndup(m, strlen(pg.pattern));
		int x = 2 + ui_width(pre);
		attron(ui_attr(s, UI_C_MATCH));
		if (x < COLS - 2)
			ui_put(y, x, COLS - 2 - x, hit);
		attroff(ui_attr(s, UI_C_MATCH));
		free(pre);
		free(hit);
	}
}

static void draw(struct ui_state *s)
{
	int y = ui_draw_frame(s, _(ui_screen_notes.name)) + 1, bottom = ui_body_bottom();
	if (!s->has_notes) {
		ui_put(y, 2, COLS - 4, _("No notes: choose a version first (Esc goes back)."));
		return;
	}
	y = draw_banner(s, y);
	if (pg.stale || pg.width != COLS - 4)
		build(s);
	ui_pager_fit(&pg.view, (int)pg.n, bottom - y + 1);
	for (int i = 0; i < pg.view.rows && (size_t)(pg.view.top + i) < pg.n; i++)
		draw_line(s, y + i, &pg.v[pg.view.top + i]);
	ui_putf(bottom + 1, 2, COLS - 4, _("Lines %d-%d of %zu. Enter goes on to the plan."),
		pg.n ? pg.view.top + 1 : 0, ui_pager_last(&pg.view), pg.n);
}

/* Finds the pattern from line `from` in direction dir; moves the page there. */
static bool find(struct ui_state *s, int from, int dir)
{
	for (int i = from; i >= 0 && (size_t)i < pg.n; i += dir)
		if (strcasestr(pg.v[i].text, pg.pattern)) {
			pg.view.top = i;
			return true;
		}
	ui_set_message(s, _("No more matches for \"%s\" in this direction."), pg.pattern);
	return false;
}

static int search_done(struct ui_state *s, const char *text)
{
	if (!text || !*text)
		return UI_REDRAW;
	free(pg.pattern);
	pg.pattern = hoist_xstrdup(text);
	find(s, pg.view.top, 1);
	return UI_REDRAW;
}

static int key(struct ui_state *s, int k)
{
	enum ui_action a = ui_key_action(ui_screen_notes.actions, k);
	if (ui_pager_key(&pg.view, a))
		return UI_REDRAW;
	switch (a) {
	case UI_ACT_SEARCH:
		ui_input_open(s, "/", false, NULL, search_done);
		break;
	case UI_ACT_SEARCH_NEXT:
	case UI_ACT_SEARCH_PREV:
		if (!pg.pattern)
			ui_set_message(s, _("No search yet: press / first."));
		else if (a == UI_ACT_SEARCH_NEXT)
			find(s, pg.view.top + 1, 1);
		else
			find(s, pg.view.top - 1, -1);
		break;
	case UI_ACT_ENTER:
		return s->has_notes ? UI_NEXT : UI_REDRAW;
	default:
		return UI_PASS;
	}
	return UI_REDRAW;
}

static const enum ui_action actions[] = { UI_ACT_ENTER, UI_ACT_SEARCH, UI_ACT_SEARCH_NEXT,
					  UI_ACT_SEARCH_PREV, UI_ACT_PGDN, UI_ACT_NONE };

const struct ui_screen ui_screen_notes = {
	.name = N_("What changes"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.actions = actions,
};

/* screen_version.c: step 2, every newer release with the policy's verdict; the policy can change. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "ui.h"
#include "xalloc.h"

static struct ui_pager view; /* rows in display order (newest first) */

static void evaluate(struct ui_state *s)
{
	struct hoist_error err;
	if (s->has_selection) {
		hoist_selection_done(&s->sel);
		s->has_selection = false;
	}
	if (!s->feed)
		return;
	hoist_error_init(&err);
	if (hoist_policy_evaluate(&s->cfg.policy, s->feed, &s->topo.version, &s->sel, &err) ==
	    HOIST_OK) {
		s->has_selection = true;
		s->cursor = s->sel.n ? s->sel.n - 1 : 0;
		/* Start on the recommended release, else on the newest. */
		for (size_t i = 0; i < s->sel.n; i++)
			if (s->sel.verdicts[i].release == s->sel.recommended)
				s->cursor = i;
	} else {
		hoist_error_set(&s->feed_err, err.status, "%s", hoist_error_message(&err));
	}
	hoist_error_done(&err);
}

static void enter(struct ui_state *s)
{
	struct hoist_feed_options o;
	if (!s->feed) {
		hoist_error_clear(&s->feed_err);
		if (!s->cfg.feed || !*s->cfg.feed) {
			hoist_error_set(&s->feed_err, HOIST_CONFIG,
					_("no release feed is configured; set source in the [feed] "
					  "section or HOIST_FEED"));
			return;
		}
		erase();
		ui_draw_frame(s, _(ui_screen_version.name));
		ui_putf(3, 2, COLS - 4, _("Reading the release feed %s ..."), s->cfg.feed);
		refresh();
		hoist_feed_options_init(&o);
		o.http.insecure = !s->cfg.tls_verify;
		o.http.allow_plain_http = s->cfg.allow_http;
		o.http.ca_file = s->cfg.ca_file;
		if (hoist_feed_load(s->cfg.feed, &o, &s->feed, &s->feed_err) != HOIST_OK)
			return;
	}
	if (!s->has_selection ||
	    hoist_version_cmp(&s->sel.current, &s->topo.version) != 0)
		evaluate(s);
	view.top = 0;
}

static void put_line(void *ctx, const char *p, size_t n)
{
	int *y = ctx;
	char *l = hoist_xstrndup(p, n);
	ui_put((*y)++, 2, COLS - 4, l);
	free(l);
}

/* The policy in the configuration file's own words, so it can be copied there. */
static void draw_policy(struct ui_state *s, int y)
{
	const struct hoist_policy *p = &s->cfg.policy;
	static const char *const allow[] = { "", "patch", "minor", "major" };
	char minor[16], major[16];
	snprintf(minor, sizeof minor, "%d", p->minor_after);
	snprintf(major, sizeof major, "%d", p->major_after);
	/* The values stay in the file's syntax ("off", "true"): they are not translated. */
	ui_putf(y, 2, COLS - 4, _("Policy: allow=%s minor_after=%s major_after=%s "
				  "prerelease=%s"),
		allow[p->allow], p->minor_after < 0 ? "off" : minor,
		p->major_after < 0 ? "off" : major, p->prerelease ? "true" : "false");
	if (s->policy_changed) {
		attron(ui_attr(s, UI_C_WARN));
		ui_put(y + 1, 2, COLS - 4, _("The policy was changed on this screen; the "
					     "configuration file is unchanged."));
		attroff(ui_attr(s, UI_C_WARN));
	}
}

/* Whole sentences for each case, so a translation never glues fragments. */
static const char *eligible_text(bool lts, bool via_stop)
{
	if (lts && via_stop)
		return _("eligible, long-term support, through a required stop");
	if (lts)
		return _("eligible, long-term support");
	if (via_stop)
		return _("eligible, through a required stop");
	return _("eligible");
}

/* The policy's verdict on a release as its sentence (a new string), as hoist versions says it. */
static char *verdict_text(const struct hoist_verdict *v)
{
	const struct hoist_release *rel = v->release;
	if (v->eligible && v->needs_stop)
		return hoist_xasprintf(rel->lts ? _("eligible, LTS; needs a stop first: %s")
						: _("eligible; needs a stop first: %s"),
				       rel->upgrade_from.text);
	if (v->eligible)
		return hoist_xstrdup(eligible_text(rel->lts, v->hold == HOIST_HOLD_STOP));
	return hoist_xasprintf(_("held back: %s"), v->reason);
}

static void count_line(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
}

static void draw(struct ui_state *s)
{
	int y = ui_draw_frame(s, _(ui_screen_version.name)) + 1, rows, n_full = 0;
	char *full, *cell;
	if (!s->feed || !s->has_selection) {
		attron(ui_attr(s, UI_C_BAD));
		ui_put(y++, 2, COLS - 4, _("The release feed could not be read."));
		attroff(ui_attr(s, UI_C_BAD));
		ui_wrap(hoist_error_message(&s->feed_err), COLS - 4, put_line, &y);
		return;
	}
	ui_putf(y++, 2, COLS - 4, _("Running now: %s. Releases in the feed newer than that: %zu."),
		s->topo.version.text, s->sel.n);
	draw_policy(s, y);
	y += 3;
	if (!s->sel.n) {
		ui_put(y, 2, COLS - 4, _("Nothing to do: no release is newer than the running one."));
		return;
	}
	attron(A_BOLD);
	ui_putf(y++, 2, COLS - 4, "  %-14s %-7s %-11s %s", _("Version"), _("Kind"), _("Date"),
		_("Verdict"));
	attroff(A_BOLD);
	/*
	 * A verdict longer than its column is shortened there; the highlighted release's is
	 * then said whole under the list, wrapped, so no sentence is lost at 80 columns.
	 */
	full = verdict_text(&s->sel.verdicts[s->cursor]);
	if (ui_width(full) <= COLS - 41) {
		free(full);
		full = NULL;
	} else {
		char *line = hoist_xasprintf(_("%s: %s"),
					     s->sel.verdicts[s->cursor].release->version.text, full);
		free(full);
		full = line;
		n_full = ui_wrap(full, COLS - 4, count_line, NULL);
	}
	rows = ui_body_bottom() - y + 1 - (full ? n_full : 0);
	ui_pager_follow(&view, s->sel.n - 1 - s->cursor, rows);
	for (size_t r = (size_t)view.top; r < s->sel.n && rows > 0; r++, rows--, y++) {
		size_t i = s->sel.n - 1 - r;
		const struct hoist_verdict *v = &s->sel.verdicts[i];
		const struct hoist_release *rel = v->release;
		bool rec = rel == s->sel.recommended;
		if (i == s->cursor)
			attron(A_REVERSE);
		mvhline(y, 2, ' ', COLS - 4);
		/* The engine's kind names are msgids too (the CLI's labels use the same ones). */
		ui_putf(y, 2, COLS - 4, "%s %-14s %-7s %-11s", rec ? "*" : " ", rel->version.text,
			_(hoist_kind_name(v->kind)), rel->date ? rel->date : "-");
		if (!(i == s->cursor))
			attron(ui_attr(s, v->eligible ? UI_C_GOOD : UI_C_WARN));
		cell = verdict_text(v);
		ui_put(y, 39, COLS - 41, cell);
		free(cell);
		attroff(ui_attr(s, v->eligible ? UI_C_GOOD : UI_C_WARN));
		attroff(A_REVERSE);
	}
	if (full) {
		y = ui_body_bottom() - n_full + 1;
		ui_say(y, 2, COLS - 4, ui_body_bottom(), full);
		free(full);
	}
	ui_put(ui_body_bottom() + 1, 2, COLS - 4,
	       s->sel.recommended ? _("* recommended. Enter chooses the highlighted release.")
				  : _("No release is eligible under this policy."));
}

static int override_done(struct ui_state *s, const char *text)
{
	const struct hoist_verdict *v = &s->sel.verdicts[s->cursor];
	if (!text || strcmp(text, "y"))
		return UI_REDRAW;
	free(s->override);
	s->override = hoist_xasprintf(_("%s chosen although the policy held it back (%s)"),
				      v->release->version.text, v->reason);
	s->target = v->release->version;
	s->has_target = true;
	return UI_NEXT | UI_REDRAW;
}

static int choose(struct ui_state *s)
{
	const struct hoist_verdict *v;
	char *q;
	if (!s->has_selection || !s->sel.n) {
		/* Enter never does nothing silently: say why there is nothing to choose. */
		ui_set_message(s, "%s", !s->feed ? _("The release feed could not be read: check "
						     "[feed] source, then press r to read it again.")
						 : _("There is no newer release to choose."));
		return UI_REDRAW;
	}
	v = &s->sel.verdicts[s->cursor];
	if (v->eligible) {
		free(s->override);
		s->override = NULL;
		s->target = v->release->version;
		s->has_target = true;
		return UI_NEXT;
	}
	q = hoist_xasprintf(_("Held back (%s): choose %s anyway, as an override?"), v->reason,
			    v->release->version.text);
	ui_input_open(s, q, true, NULL, override_done);
	free(q);
	return UI_REDRAW;
}

static int cycle(int v)
{
	return v >= 5 ? -1 : v + 1;
}

static int key(struct ui_state *s, int k)
{
	struct hoist_policy *p = &s->cfg.policy;
	enum ui_action a = ui_key_action(ui_screen_version.actions, k);
	size_t page = (size_t)(ui_body_bottom() - 8);
	bool list = s->has_selection && s->sel.n;
	/* The list shows the newest first: its rows count down from the last verdict. */
	size_t row = list ? s->sel.n - 1 - s->cursor : 0;
	if (ui_pager_cursor_key(&row, list ? s->sel.n : 0, page, a)) {
		if (list)
			s->cursor = s->sel.n - 1 - row;
		return UI_REDRAW;
	}
	switch (a) {
	case UI_ACT_ENTER:
		return choose(s);
	case UI_ACT_ALLOW:
		p->allow = p->allow == HOIST_ALLOW_MAJOR ? HOIST_ALLOW_PATCH : p->allow + 1;
		break;
	case UI_ACT_MINOR_AFTER:
		p->minor_after = cycle(p->minor_after);
		break;
	case UI_ACT_MAJOR_AFTER:
		p->major_after = cycle(p->major_after);
		break;
	case UI_ACT_PRERELEASE:
		p->prerelease = !p->prerelease;
		break;
	case UI_ACT_RETRY:
		hoist_feed_free(s->feed);
		s->feed = NULL;
		if (s->has_selection)
			hoist_selection_done(&s->sel);
		s->has_selection = false;
		enter(s);
		return UI_REDRAW;
	default:
		return UI_PASS;
	}
	s->policy_changed = true;
	evaluate(s);
	return UI_REDRAW;
}

static const enum ui_action actions[] = { UI_ACT_ENTER, UI_ACT_DOWN, UI_ACT_ALLOW,
					  UI_ACT_MINOR_AFTER, UI_ACT_MAJOR_AFTER,
					  UI_ACT_PRERELEASE, UI_ACT_RETRY, UI_ACT_NONE };

const struct ui_screen ui_screen_version = {
	.name = N_("Choose the version"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = NULL,
	.actions = actions,
};

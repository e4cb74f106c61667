/* keys.c: the one key table; bindings, the footer and the help overlay all come from it. */
#include "config.h"
#include <curses.h>
#include <string.h>
#include "i18n.h"
#include "ui.h"

struct ui_key_row {
	enum ui_action action;
	int keys[4];        /* 0-terminated */
	const char *label;  /* N_(): how the footer and help name the keys */
	const char *footer; /* N_(): one word for the footer */
	const char *help;   /* N_(): one sentence for the help overlay */
};

static const struct ui_key_row table[] = {
	{ UI_ACT_UP, { UI_FKEY(KEY_UP), 'k' }, N_("Up/k"), N_("up"), N_("Move up one line.") },
	{ UI_ACT_DOWN, { UI_FKEY(KEY_DOWN), 'j' }, N_("Down/j"), N_("down"),
	  N_("Move down one line.") },
	{ UI_ACT_PGUP, { UI_FKEY(KEY_PPAGE) }, N_("PgUp"), N_("page up"), N_("Scroll up one page.") },
	{ UI_ACT_PGDN, { UI_FKEY(KEY_NPAGE), ' ' }, N_("PgDn/Space"), N_("page down"),
	  N_("Scroll down one page.") },
	{ UI_ACT_HOME, { UI_FKEY(KEY_HOME), 'g' }, N_("Home/g"), N_("top"), N_("Go to the top.") },
	{ UI_ACT_END, { UI_FKEY(KEY_END), 'G' }, N_("End/G"), N_("bottom"), N_("Go to the bottom.") },
	{ UI_ACT_TAB, { '\t' }, N_("Tab"), N_("next field"), N_("Move to the next field.") },
	{ UI_ACT_RETRY, { 'r' }, N_("r"), N_("reload"),
	  N_("Read the server's state (or the release feed) again.") },
	{ UI_ACT_EDIT_URL, { 'u' }, N_("u"), N_("address"),
	  N_("Type a different server address for this session.") },
	{ UI_ACT_EDIT_KEY, { 'f' }, N_("f"), N_("key file"),
	  N_("Name a different API key file for this session (the key itself is never shown).") },
	{ UI_ACT_ALLOW, { 'a' }, N_("a"), N_("allow"),
	  N_("Policy: cycle the allowed upgrade kinds (patch, minor, major).") },
	{ UI_ACT_MINOR_AFTER, { 'm' }, N_("m"), N_("minor after"),
	  N_("Policy: cycle the patch a new minor line must reach (off, 0 to 5).") },
	{ UI_ACT_MAJOR_AFTER, { 'M' }, N_("M"), N_("major after"),
	  N_("Policy: cycle the minor a new major must reach (off, 0 to 5).") },
	{ UI_ACT_PRERELEASE, { 'p' }, N_("p"), N_("prereleases"),
	  N_("Policy: allow or refuse prereleases.") },
	{ UI_ACT_PATHS, { 'p' }, N_("p"), N_("paths"),
	  N_("Show long paths whole, over the lines they need; p again shortens them in the "
	     "middle.") },
	{ UI_ACT_SEARCH, { '/' }, N_("/"), N_("search"), N_("Search the text.") },
	{ UI_ACT_SEARCH_NEXT, { 'n' }, N_("n"), N_("next match"), N_("Go to the next match.") },
	{ UI_ACT_SEARCH_PREV, { 'N' }, N_("N"), N_("previous match"),
	  N_("Go to the previous match.") },
	{ UI_ACT_BACKUP, { 'b' }, N_("b"), N_("back up"),
	  N_("Checklist: let hoist take the database backup and the master key now.") },
	{ UI_ACT_EVIDENCE, { 'e' }, N_("e"), N_("evidence"),
	  N_("Checklist: give the evidence of the selected item (a file, or a yes).") },
	{ UI_ACT_RESUME, { 'c' }, N_("c"), N_("continue run"),
	  N_("Continue the interrupted run from where it stopped.") },
	{ UI_ACT_LAST, { 'l' }, N_("l"), N_("last run"),
	  N_("Show how the last run ended (its rollback guide, if it failed).") },
	{ UI_ACT_DETACH, { 'd' }, N_("d"), N_("detach"),
	  N_("Leave the wizard; the run goes on, and the wizard re-attaches when started again.") },
	{ UI_ACT_STOP, { 's' }, N_("s"), N_("stop"),
	  N_("Ask the run to stop at the next safe point and undo what it changed.") },
	{ UI_ACT_ROLLBACK, { 0 }, NULL, N_("roll back"),
	  N_("Run the rollback guide's steps now, through the engine.") },
	{ UI_ACT_SAVE, { 'w' }, N_("w"), N_("save guide"),
	  N_("Save the rollback guide as a text file in the run's folder.") },
	{ UI_ACT_JOURNEYS, { 'o' }, N_("o"), N_("other journeys"),
	  N_("The other journeys: Tentacles in batches, OS patching.") },
	{ UI_ACT_TENTACLES, { 't' }, N_("t"), N_("Tentacles"),
	  N_("Upgrade the outdated Tentacles in batches, then run a health check.") },
	{ UI_ACT_OS_PATCH, { 'P' }, N_("P"), N_("patch OS"),
	  N_("Patch the nodes' operating system: in a window, or node by node in a cluster.") },
	{ UI_ACT_LEGACY, { 'L' }, N_("L"), N_("legacy upgrade"),
	  N_("A 2.x server: the legacy upgrade to 3.x, with its data migration.") },
	{ UI_ACT_MAXAGE, { 'm' }, N_("m"), N_("maxage"),
	  N_("Legacy upgrade: how many days of history the migrator keeps.") },
	{ UI_ACT_CHECK_OFF, { 'y' }, N_("y"), N_("checked off"),
	  N_("The step shown is done by hand: check it off (recorded), so the run goes on.") },
	{ UI_ACT_MORE, { '+' }, N_("+"), N_("bigger batch"), N_("One more target per batch.") },
	{ UI_ACT_LESS, { '-' }, N_("-"), N_("smaller batch"), N_("One target less per batch.") },
	{ UI_ACT_BUNDLE, { 'B' }, N_("B"), N_("support bundle"),
	  N_("Save a support bundle of the run: plan, journal, topology; no keys, no backups.") },
	{ UI_ACT_ENTER, { '\n', '\r', UI_FKEY(KEY_ENTER) }, N_("Enter"), N_("next"),
	  N_("Accept and go to the next screen.") },
	{ UI_ACT_BACK, { UI_ESC, UI_FKEY(KEY_BACKSPACE), 127, 8 }, N_("Esc/Bksp"), N_("back"),
	  N_("Go back to the previous screen.") },
	{ UI_ACT_HELP, { '?', UI_FKEY(KEY_F(1)) }, N_("?/F1"), N_("help"),
	  N_("Show or hide this help.") },
	{ UI_ACT_QUIT, { 'q' }, N_("q"), N_("quit"),
	  N_("Quit the wizard (it asks first while something runs).") },
};

/*
 * Actions with no keys of their own: they take the keys (and their label) of another action,
 * on the screens that offer them instead of it. So every key is bound once in the table.
 */
static const struct {
	enum ui_action action, keys_of;
} shared[] = {
	{ UI_ACT_ROLLBACK, UI_ACT_RETRY }, /* r: the result screen has nothing to read again */
};

/* Keys every screen has; the footer always ends with them. */
static const enum ui_action global[] = { UI_ACT_BACK, UI_ACT_HELP, UI_ACT_QUIT, UI_ACT_NONE };

static const struct ui_key_row *row(enum ui_action a)
{
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (table[i].action == a)
			return &table[i];
	return NULL;
}

/* The row whose keys and label an action uses: its own, or those of the one it shares. */
static const struct ui_key_row *keys_row(const struct ui_key_row *r)
{
	for (size_t i = 0; r && i < sizeof shared / sizeof *shared; i++)
		if (shared[i].action == r->action)
			return row(shared[i].keys_of);
	return r;
}

static bool row_has_key(const struct ui_key_row *r, int key)
{
	for (int k = 0; r && k < 4 && r->keys[k]; k++)
		if (r->keys[k] == key)
			return true;
	return false;
}

enum ui_action ui_key_action(const enum ui_action *screen, int key)
{
	for (; screen && *screen != UI_ACT_NONE; screen++)
		if (row_has_key(keys_row(row(*screen)), key))
			return *screen;
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (row_has_key(&table[i], key))
			return table[i].action;
	return UI_ACT_NONE;
}

/* Puts "KEY word" pairs from a list while they fit; returns the column reached. */
static int footer_items(struct ui_state *s, const enum ui_action *list, int x)
{
	for (; list && *list != UI_ACT_NONE; list++) {
		const struct ui_key_row *r = row(*list);
		int w;
		if (!r)
			continue;
		w = ui_width(_(keys_row(r)->label)) + 1 + ui_width(_(r->footer)) + 2;
		if (x + w > COLS)
			break;
		attron(ui_attr(s, UI_C_TITLE));
		x += ui_put(LINES - 1, x, COLS - x, _(keys_row(r)->label));
		attroff(ui_attr(s, UI_C_TITLE));
		x += ui_put(LINES - 1, x + 1, COLS - x - 1, _(r->footer)) + 3;
	}
	return x;
}

void ui_draw_footer(struct ui_state *s, const enum ui_action *actions)
{
	int x;
	move(LINES - 1, 0);
	clrtoeol();
	/* The global keys first, so they never fall off the edge at 80 columns. */
	x = footer_items(s, global, 0);
	footer_items(s, actions, x);
}

static int help_items(struct ui_state *s, const enum ui_action *list, int y, int x, int w)
{
	for (; list && *list != UI_ACT_NONE && y < LINES - 2; list++) {
		const struct ui_key_row *r = row(*list);
		if (!r)
			continue;
		attron(ui_attr(s, UI_C_TITLE));
		ui_put(y, x, 12, _(keys_row(r)->label));
		attroff(ui_attr(s, UI_C_TITLE));
		/* The whole sentence, wrapped under itself. */
		y += ui_say(y, x + 13, w - 13, LINES - 3, _(r->help));
	}
	return y;
}

void ui_draw_help(struct ui_state *s, const enum ui_action *actions)
{
	int top = 2, left = 4, w = COLS - 8, y;
	/* The whole body is cleared: nothing of the screen below shows through. */
	for (int i = top; i < LINES - 1; i++) {
		move(i, 0);
		clrtoeol();
	}
	attron(A_BOLD);
	ui_put(top, left, w, _("Keys on this screen"));
	attroff(A_BOLD);
	y = help_items(s, actions, top + 2, left, w);
	y = help_items(s, global, y, left, w);
	if (y < LINES - 3)
		ui_put(y + 1, left, w, _("Press any key to close this help."));
}

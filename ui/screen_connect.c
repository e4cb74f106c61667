/* screen_connect.c: step 1, the server's address and key, and what the server runs now. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "run.h"
#include "ui.h"
#include "xalloc.h"

static struct ui_pager nodes; /* the node table's rows shown; the screen's only scroll state */
/* The newest run, when it is running or was interrupted: offered instead of a new one. */
static char *run_id;          /* owned; NULL: none to offer */
static enum hoist_run_liveness run_live;
static char *run_what;        /* owned: "from to to" of that run */
static bool run_ok;           /* an ended run ended well */

static void find_run(struct ui_state *s)
{
	struct hoist_run_summary sum;
	hoist_run_summary_init(&sum);
	free(run_id);
	free(run_what);
	run_id = run_what = NULL;
	if (hoist_run_find_current(&s->cfg, &run_id, &run_live, &sum, NULL) == HOIST_OK &&
	    run_id && sum.kind && strcmp(sum.kind, "none")) {
		/* A backup run alone is no upgrade to offer. */
		run_what = hoist_xasprintf(_("%s to %s"), sum.from_version ? sum.from_version : "?",
					   sum.to_version ? sum.to_version : "?");
		run_ok = sum.state == HOIST_RUN_OK;
	} else {
		free(run_id);
		run_id = NULL;
	}
	hoist_run_summary_done(&sum);
}

/* The whole frame first (what the configuration says, the keys), then the server's answer. */
static void say_connecting(struct ui_state *s)
{
	s->connecting = true;
	ui_draw_now(s);
}

static void connect_now(struct ui_state *s)
{
	if (s->cfg.server_url && *s->cfg.server_url)
		say_connecting(s);
	ui_connect(s);
	nodes.top = 0;
	/* A different server makes every later answer stale. */
	if (s->has_selection) {
		hoist_selection_done(&s->sel);
		s->has_selection = false;
	}
	s->has_target = false;
}

static void enter(struct ui_state *s)
{
	if (!s->connected && !s->conn_err.message)
		connect_now(s);
	find_run(s);
}

static void leave(struct ui_state *s)
{
	(void)s;
	free(run_id);
	free(run_what);
	run_id = run_what = NULL;
}

static void draw_run_offer(struct ui_state *s)
{
	int y = ui_body_bottom();
	move(y, 0);
	clrtoeol();
	attron(ui_attr(s, UI_C_WARN));
	if (run_live == HOIST_RUN_LIVE_RUNNING) {
		ui_putf(y, 2, COLS - 4, _("An upgrade is running: run %s, %s."), run_id, run_what);
		ui_put(y + 1, 2, COLS - 4, _("Press Enter to follow it."));
	} else if (run_live == HOIST_RUN_LIVE_ENDED) {
		attroff(ui_attr(s, UI_C_WARN));
		ui_putf(y, 2, COLS - 4, run_ok ? _("The last run, %s (%s), ended well.")
					       : _("The last run, %s (%s), did not end well."),
			run_id, run_what);
		ui_put(y + 1, 2, COLS - 4, _("Press l to see its result, B to save a support bundle, "
					     "Enter to go on."));
		return;
	} else {
		ui_putf(y, 2, COLS - 4, _("An upgrade was interrupted: run %s, %s."), run_id,
			run_what);
		ui_put(y + 1, 2, COLS - 4, _("Press c to continue it where it stopped."));
	}
	attroff(ui_attr(s, UI_C_WARN));
}

static void put_line(void *ctx, const char *p, size_t n)
{
	int *y = ctx;
	char *l = hoist_xstrndup(p, n);
	if (*y <= ui_body_bottom())
		ui_put(*y, 2, COLS - 4, l);
	(*y)++;
	free(l);
}

static const char *key_source(const struct ui_state *s)
{
	if (s->cfg.api_key_file)
		return s->cfg.api_key_file;
	if (s->cfg.api_key && *s->cfg.api_key)
		return _("from the environment (HOIST_API_KEY)");
	return _("none");
}

/* The node table's columns, measured once a drawing. */
struct node_cols {
	struct ui_state *s;
	int w[5], x[5];
};

static void draw_node(void *ctx, size_t i, int y)
{
	struct node_cols *nc = ctx;
	struct ui_state *s = nc->s;
	const struct hoist_topology *t = &s->topo;
	const struct hoist_topology_node *n = &t->nodes[i];
	const int *w = nc->w, *x = nc->x;
	const char *state;
	enum ui_color col = UI_C_GOOD;
	if (!n->on_server) {
		state = _("not known to the server");
		col = UI_C_BAD;
	} else if (n->offline) {
		state = _("offline");
		col = UI_C_BAD;
	} else if (n->drained) {
		state = _("drained");
		col = UI_C_WARN;
	} else {
		state = _("serving");
	}
	ui_put(y, x[0], w[0], n->name);
	ui_put(y, x[1], w[1], n->role ? n->role : "-");
	if (n->has_version) {
		bool odd = hoist_version_cmp(&n->version, &t->version) != 0;
		if (odd)
			attron(ui_attr(s, UI_C_WARN));
		ui_put(y, x[2], w[2], n->version.text);
		if (odd)
			attroff(ui_attr(s, UI_C_WARN));
	} else {
		ui_put(y, x[2], w[2], _("unknown"));
	}
	attron(ui_attr(s, col));
	ui_put(y, x[3], w[3], state);
	attroff(ui_attr(s, col));
	if (n->on_server)
		ui_putf(y, x[4], w[4], "%d", n->running_tasks);
}

static void draw_nodes(struct ui_state *s, int y)
{
	/* TRANSLATORS: column heads of the node table; a column widens for a longer head. */
	const char *head[] = { _("Node"), _("Role"), _("Version"), _("State"), _("Tasks") };
	/* Each column as wide as its widest content may be, or as its head measures. */
	struct node_cols nc = { s, { 16, 11, 12, 20, 0 }, { 2 } };
	for (int c = 0; c < 4; c++) {
		if (ui_width(head[c]) > nc.w[c])
			nc.w[c] = ui_width(head[c]);
		nc.x[c + 1] = nc.x[c] + nc.w[c] + 1;
	}
	nc.w[4] = COLS - nc.x[4] - 2;
	attron(A_BOLD);
	for (int c = 0; c < 5; c++)
		ui_put(y, nc.x[c], nc.w[c], head[c]);
	attroff(A_BOLD);
	ui_pager_list(&nodes, s->topo.n_nodes, y + 1, ui_body_bottom() - y - 1, 2,
		      _("(more nodes below: Down/j)"), draw_node, &nc);
}

/* The labels left of the server's facts; their column is as wide as the widest of them. */
enum { L_SERVER, L_KEY, L_CONFIG, L_VERSION, L_MAINTENANCE, L_TASKS, L_COUNT };
static const char *const labels[L_COUNT] = { N_("Server"), N_("API key"), N_("Configuration"),
					     N_("Version"), N_("Maintenance"), N_("Active tasks") };

static int labels_width(void)
{
	int w = 14;
	for (int i = 0; i < L_COUNT; i++)
		if (ui_width(_(labels[i])) > w)
			w = ui_width(_(labels[i]));
	return w;
}

static void draw(struct ui_state *s)
{
	int y = ui_draw_frame(s, _(ui_screen_connect.name)) + 1;
	int lw = labels_width(), vx = 2 + lw + 1; /* the facts' column */
	ui_put(y, 2, lw, _(labels[L_SERVER]));
	ui_put(y++, vx, COLS - vx - 2, s->cfg.server_url ? s->cfg.server_url : _("not configured"));
	ui_put(y, 2, lw, _(labels[L_KEY]));
	ui_putf(y++, vx, COLS - vx - 2, "%s", key_source(s));
	if (s->cfg.loaded_from) {
		ui_put(y, 2, lw, _(labels[L_CONFIG]));
		ui_put(y++, vx, COLS - vx - 2, s->cfg.loaded_from);
	}
	y++;
	if (s->connecting) {
		ui_putf(y, 2, COLS - 4, _("Connecting to %s ..."),
			s->cfg.server_url ? s->cfg.server_url : "");
		return;
	}
	if (!s->connected) {
		attron(ui_attr(s, UI_C_BAD));
		ui_put(y++, 2, COLS - 4, _("Not connected."));
		attroff(ui_attr(s, UI_C_BAD));
		ui_wrap(hoist_error_message(&s->conn_err), COLS - 4, put_line, &y);
		y++;
		ui_wrap(_("Press r to try again, u to type another address or f to name another "
			  "key file."),
			COLS - 4, put_line, &y);
		/* A 2.x server is refused by the topology with a pointer to the legacy upgrade. */
		if (s->conn_err.status == HOIST_STATE)
			ui_wrap(_("Press L for the legacy upgrade to 3.x."), COLS - 4, put_line, &y);
		/* A run stops the server's nodes: it can be followed even so. */
		if (run_id)
			draw_run_offer(s);
		return;
	}
	ui_put(y, 2, lw, _(labels[L_VERSION]));
	attron(A_BOLD);
	ui_put(y++, vx, 20, s->topo.version.text);
	attroff(A_BOLD);
	ui_put(y, 2, lw, _(labels[L_MAINTENANCE]));
	attron(ui_attr(s, s->topo.maintenance ? UI_C_WARN : UI_C_GOOD));
	ui_put(y++, vx, COLS - vx - 2, s->topo.maintenance ? _("on: users cannot make changes")
						       : _("off"));
	attroff(ui_attr(s, s->topo.maintenance ? UI_C_WARN : UI_C_GOOD));
	ui_put(y, 2, lw, _(labels[L_TASKS]));
	ui_putf(y++, vx, COLS - vx - 2, "%d", s->topo.active_tasks);
	if (!hoist_topology_uniform(&s->topo)) {
		attron(ui_attr(s, UI_C_WARN));
		ui_put(y, 2, COLS - 4, _("The nodes do not all run the same version."));
		attroff(ui_attr(s, UI_C_WARN));
	}
	y++;
	draw_nodes(s, y);
	if (run_id)
		draw_run_offer(s);
	else
		ui_put(ui_body_bottom() + 1, 2, COLS - 4, _("Press Enter to choose the version."));
}

static int url_done(struct ui_state *s, const char *text)
{
	if (!text || !*text)
		return UI_REDRAW;
	free(s->cfg.server_url);
	s->cfg.server_url = hoist_xstrdup(text);
	connect_now(s);
	return UI_REDRAW;
}

static int key_file_done(struct ui_state *s, const char *text)
{
	struct hoist_error err;
	char *key = NULL;
	if (!text || !*text)
		return UI_REDRAW;
	hoist_error_init(&err);
	if (hoist_config_read_key_file(text, &key, &err) != HOIST_OK) {
		ui_set_message(s, "%s", hoist_error_message(&err));
	} else {
		if (s->cfg.api_key) {
			memset(s->cfg.api_key, 0, strlen(s->cfg.api_key));
			free(s->cfg.api_key);
		}
		s->cfg.api_key = key;
		free(s->cfg.api_key_file);
		s->cfg.api_key_file = hoist_xstrdup(text);
		connect_now(s);
	}
	hoist_error_done(&err);
	return UI_REDRAW;
}

static int follow_run(struct ui_state *s, const char *id)
{
	free(s->run_id);
	s->run_id = hoist_xstrdup(id);
	s->go_to = &ui_screen_progress;
	return UI_GOTO | UI_REDRAW;
}

static int resume(struct ui_state *s)
{
	struct hoist_error err;
	char *id = NULL;
	int r;
	hoist_error_init(&err);
	if (hoist_run_resume_detached(&s->cfg, run_id, &id, &err) != HOIST_OK) {
		ui_set_message(s, "%s", hoist_error_message(&err));
		r = UI_REDRAW;
	} else {
		r = follow_run(s, id);
	}
	free(id);
	hoist_error_done(&err);
	return r;
}

static int key(struct ui_state *s, int k)
{
	enum ui_action a = ui_key_action(ui_screen_connect.actions, k);
	switch (a) {
	case UI_ACT_RETRY:
		connect_now(s);
		find_run(s);
		return UI_REDRAW;
	case UI_ACT_LAST:
		if (run_id && run_live == HOIST_RUN_LIVE_ENDED) {
			free(s->run_id);
			s->run_id = hoist_xstrdup(run_id);
			s->go_to = &ui_screen_result;
			return UI_GOTO | UI_REDRAW;
		}
		return UI_STAY;
	case UI_ACT_BUNDLE:
		if (!run_id || run_live == HOIST_RUN_LIVE_RUNNING)
			return UI_STAY;
		ui_save_bundle(s, run_id);
		return UI_REDRAW;
	case UI_ACT_RESUME:
		if (run_id && run_live == HOIST_RUN_LIVE_INTERRUPTED)
			return resume(s);
		return UI_STAY;
	case UI_ACT_EDIT_URL:
		ui_input_open(s, _("Server address:"), false, s->cfg.server_url, url_done);
		return UI_REDRAW;
	case UI_ACT_EDIT_KEY:
		ui_input_open(s, _("API key file:"), false, s->cfg.api_key_file, key_file_done);
		return UI_REDRAW;
	case UI_ACT_UP:
	case UI_ACT_DOWN:
		ui_pager_row_key(&nodes, s->connected ? s->topo.n_nodes : 0, a);
		return UI_REDRAW;
	case UI_ACT_LEGACY:
		if (s->connected)
			return UI_STAY;
		s->go_to = &ui_screen_legacy;
		return UI_GOTO | UI_REDRAW;
	case UI_ACT_JOURNEYS:
		if (!s->connected)
			return UI_STAY;
		s->go_to = &ui_screen_journeys;
		return UI_GOTO | UI_REDRAW;
	case UI_ACT_ENTER:
		if (run_id && run_live == HOIST_RUN_LIVE_RUNNING)
			return follow_run(s, run_id);
		if (run_id && run_live == HOIST_RUN_LIVE_INTERRUPTED) {
			ui_set_message(s, _("Run %s holds the lock: press c to continue it."), run_id);
			return UI_REDRAW;
		}
		if (!s->connected) {
			ui_set_message(s, _("Not connected: press r to try again."));
			return UI_REDRAW;
		}
		return UI_NEXT;
	default:
		return UI_PASS;
	}
}

static const enum ui_action actions[] = { UI_ACT_ENTER, UI_ACT_JOURNEYS, UI_ACT_RETRY,
					  UI_ACT_EDIT_URL, UI_ACT_EDIT_KEY, UI_ACT_RESUME, UI_ACT_LAST,
					  UI_ACT_BUNDLE,
					  UI_ACT_DOWN, UI_ACT_NONE };

const struct ui_screen ui_screen_connect = {
	.name = N_("Connect"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.leave = leave,
	.actions = actions,
};

/* wizard.c: hoist-wizard's main(): options, the terminal, and the one main loop. */
#include "config.h"
#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "i18n.h"
#include "ui.h"
#include "xalloc.h"

#define MIN_COLS 80
#define MIN_LINES 24

/* The journey, in order; Enter walks forward, Esc walks back. */
static const struct ui_screen *const journey[] = {
	&ui_screen_connect, &ui_screen_version, &ui_screen_notes, &ui_screen_checklist,
	&ui_screen_plan, &ui_screen_progress, &ui_screen_result, &ui_screen_journeys,
	&ui_screen_legacy
};

static void restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

static void usage(FILE *out)
{
	fprintf(out, _("Usage: hoist-wizard [--config FILE]\n"
		       "Walks an operator through upgrading an Octopus Deploy Server.\n"
		       "\n"
		       "  -c, --config FILE  read this configuration file after the usual ones\n"
		       "  -h, --help         show this help and exit\n"
		       "  -V, --version      show the version and exit\n"
		       "\n"
		       "The API key comes from the key file named in the configuration, or from\n"
		       "HOIST_API_KEY_FILE or HOIST_API_KEY; never from the command line.\n"
		       "See hoist-wizard(1) for the screens and keys.\n"));
}

bool ui_watch_add(struct ui_state *s, int fd, int (*ready)(struct ui_state *s, int fd))
{
	if (s->n_watch == UI_MAX_WATCH)
		return false;
	s->watch[s->n_watch].fd = fd;
	s->watch[s->n_watch].ready = ready;
	s->n_watch++;
	return true;
}

void ui_watch_remove(struct ui_state *s, int fd)
{
	for (size_t i = 0; i < s->n_watch; i++)
		if (s->watch[i].fd == fd) {
			memmove(&s->watch[i], &s->watch[i + 1],
				(s->n_watch - i - 1) * sizeof s->watch[0]);
			s->n_watch--;
			return;
		}
}

void ui_connect(struct ui_state *s)
{
	hoist_topology_done(&s->topo);
	hoist_error_clear(&s->conn_err);
	s->connected = hoist_topology_read(&s->cfg, &s->topo, &s->conn_err) == HOIST_OK;
	s->connecting = false;
}

static const struct ui_screen *screen(struct ui_state *s)
{
	return s->screens[s->current];
}

static void put_line(void *ctx, const char *p, size_t n)
{
	int *y = ctx;
	char *l = hoist_xstrndup(p, n);
	ui_put((*y)++, 0, COLS, l);
	free(l);
}

static void draw_too_small(struct ui_state *s)
{
	char *m = hoist_xasprintf(_("This terminal is %dx%d. hoist-wizard needs at least %dx%d. "
				    "Enlarge the window, or press q to quit."),
				  COLS, LINES, MIN_COLS, MIN_LINES);
	int y = 0;
	attron(ui_attr(s, UI_C_WARN));
	ui_wrap(m, COLS, put_line, &y);
	attroff(ui_attr(s, UI_C_WARN));
	free(m);
}

static void draw(struct ui_state *s)
{
	ui_draw_now(s);
}

void ui_draw_now(struct ui_state *s)
{
	erase();
	s->too_small = COLS < MIN_COLS || LINES < MIN_LINES;
	if (s->too_small) {
		curs_set(0);
		draw_too_small(s);
		refresh();
		return;
	}
	screen(s)->draw(s);
	if (s->help)
		ui_draw_help(s, screen(s)->actions);
	if (s->message) {
		/* The whole message, wrapped upwards from the line above the footer; a path in
		 * it is shortened in the middle first, so that a "saved: PATH" stays one line. */
		char *m = ui_fit_paths(s->message, COLS, s->whole_paths);
		int most = s->whole_paths ? 6 : 3;
		int n = ui_say(LINES, 0, COLS, -1, m), top = LINES - 1 - (n > most ? most : n);
		attron(ui_attr(s, UI_C_WARN));
		for (int y = top; y < LINES - 1; y++) {
			move(y, 0);
			clrtoeol();
		}
		ui_say(top, 0, COLS, LINES - 2, m);
		attroff(ui_attr(s, UI_C_WARN));
		free(m);
	}
	ui_draw_footer(s, screen(s)->actions);
	if (s->input.active) {
		curs_set(1);
		ui_input_draw(s);
	} else {
		curs_set(0);
	}
	refresh();
}

static int quit_answer(struct ui_state *s, const char *text)
{
	return text && !strcmp(text, "y") ? UI_QUIT : UI_REDRAW;
}

/* The keys every screen shares, after the screen has passed on one. */
static int global_key(struct ui_state *s, int key)
{
	switch (ui_key_action(screen(s)->actions, key)) {
	case UI_ACT_HELP:
		s->help = true;
		return UI_REDRAW;
	case UI_ACT_BACK:
		/* A screen aside from the upgrade (another journey) was reached from the first. */
		if (screen(s)->aside) {
			s->go_to = s->screens[0];
			return UI_GOTO;
		}
		return UI_BACK;
	case UI_ACT_QUIT:
		if (s->busy) {
			ui_input_open(s, _("An upgrade is running; it goes on without the wizard. "
					   "Quit?"),
				      true, NULL, quit_answer);
			return UI_REDRAW;
		}
		return UI_QUIT;
	default:
		return UI_STAY;
	}
}

static int handle_key(struct ui_state *s, int key)
{
	int r;
	if (key == UI_FKEY(KEY_RESIZE))
		return UI_REDRAW;
	if (s->too_small)
		return ui_key_action(NULL, key) == UI_ACT_QUIT ? UI_QUIT : UI_STAY;
	if (s->help) {
		s->help = false;
		return UI_REDRAW;
	}
	if (s->input.active)
		return ui_input_key(s, key);
	/* p keeps the notice: a path in it may be what is to be shown whole. */
	if (ui_key_action(screen(s)->actions, key) == UI_ACT_PATHS) {
		s->whole_paths = !s->whole_paths;
		return UI_REDRAW;
	}
	free(s->message);
	s->message = NULL;
	r = screen(s)->key(s, key);
	if (r & UI_PASS)
		r = (r & ~UI_PASS) | global_key(s, key) | UI_REDRAW;
	return r;
}

/* Moves along the journey; a screen's enter() may do slow engine work, so say so first. */
static void go(struct ui_state *s, size_t to)
{
	if (screen(s)->leave)
		screen(s)->leave(s);
	s->current = to;
	if (screen(s)->enter)
		screen(s)->enter(s);
}

static int run(struct ui_state *s)
{
	struct pollfd fds[1 + UI_MAX_WATCH];
	int r = UI_REDRAW, n;
	sigset_t winch, asleep;
	/*
	 * A resize that arrives while the wizard works (reading the server, say) waits, and
	 * is taken in ppoll below: otherwise it would be seen only with the next key.
	 */
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, &asleep);
	sigdelset(&asleep, SIGWINCH);
	if (screen(s)->enter)
		screen(s)->enter(s);
	for (;;) {
		if (r & UI_QUIT)
			break;
		if (r & UI_GOTO && s->go_to) {
			for (size_t i = 0; i < s->n_screens; i++)
				if (s->screens[i] == s->go_to) {
					go(s, i);
					break;
				}
			s->go_to = NULL;
		} else if (r & UI_NEXT && s->current + 1 < s->n_screens)
			go(s, s->current + 1);
		else if (r & UI_BACK && s->current > 0)
			go(s, s->current - 1);
		if (r)
			draw(s);
		r = UI_STAY;
		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		for (size_t i = 0; i < s->n_watch; i++) {
			fds[1 + i].fd = s->watch[i].fd;
			fds[1 + i].events = POLLIN;
		}
		/*
		 * Asleep until a key, a watched descriptor or a signal (SIGWINCH) arrives; a
		 * screen following a run may ask to be woken for its clock.
		 */
		{
			struct timespec ts = { s->timeout_ms / 1000, (s->timeout_ms % 1000) * 1000000L };
			n = ppoll(fds, 1 + s->n_watch, s->on_timeout ? &ts : NULL, &asleep);
		}
		if (n < 0 && errno != EINTR)
			return 1;
		if (n == 0 && s->on_timeout) {
			r |= s->on_timeout(s);
			continue;
		}
		if (fds[0].revents & (POLLHUP | POLLERR) && !(fds[0].revents & POLLIN))
			return 1;
		for (;;) {
			wint_t wc;
			int kind = get_wch(&wc), key;
			if (kind == ERR)
				break;
			key = kind == KEY_CODE_YES ? UI_FKEY((int)wc) : (int)wc;
			r |= handle_key(s, key);
			if (r & (UI_QUIT | UI_NEXT | UI_BACK | UI_GOTO))
				break;
		}
		for (size_t i = 0; i < s->n_watch && !(r & UI_QUIT); i++)
			if (fds[1 + i].revents)
				r |= s->watch[i].ready(s, fds[1 + i].fd);
	}
	if (screen(s)->leave)
		screen(s)->leave(s);
	return 0;
}

static void state_done(struct ui_state *s)
{
	hoist_topology_done(&s->topo);
	hoist_error_done(&s->conn_err);
	hoist_error_done(&s->feed_err);
	if (s->has_selection)
		hoist_selection_done(&s->sel);
	if (s->has_notes)
		hoist_notes_done(&s->notes);
	hoist_feed_free(s->feed);
	hoist_checklist_done(&s->checklist);
	free(s->run_id);
	free(s->exit_note);
	free(s->override);
	free(s->message);
	free(s->input.label);
	hoist_buf_done(&s->input.text);
	hoist_config_done(&s->cfg);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ui_state s;
	struct hoist_error err;
	const char *config = NULL;
	int c, rc;

	hoist_i18n_init();
	/* Translations in the terminal's own encoding, so a Latin-1 console shows umlauts. */
	bind_textdomain_codeset(PACKAGE, nl_langinfo(CODESET));
	while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("hoist-wizard %s\n", VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("hoist-wizard: unexpected argument: %s\n"), argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("hoist-wizard: needs a terminal; for scripts, use hoist\n"));
		return 2;
	}
	{
		/* A terminal that cannot move the cursor would get blank space: say so instead. */
		char *why = NULL;
		if (!ui_terminal_usable(&why)) {
			fputs(why, stderr);
			free(why);
			return 2;
		}
	}

	memset(&s, 0, sizeof s);
	hoist_config_init(&s.cfg);
	hoist_error_init(&err);
	hoist_error_init(&s.conn_err);
	hoist_error_init(&s.feed_err);
	if (hoist_config_load(&s.cfg, config, &err) != HOIST_OK) {
		fprintf(stderr, "hoist-wizard: %s\n", hoist_error_message(&err));
		hoist_error_done(&err);
		state_done(&s);
		return 2;
	}
	hoist_error_done(&err);
	hoist_checklist_init(&s.checklist);
	s.checklist.max_age_s = s.cfg.checklist_max_age_s;
	s.timeout_ms = -1;
	s.screens = journey;
	s.n_screens = sizeof journey / sizeof *journey;

	hoist_set_oom_hook(restore_terminal);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(50);
	ui_colors_init(&s);
	rc = run(&s);
	endwin();
	if (s.exit_note)
		printf("%s\n", s.exit_note);
	state_done(&s);
	return rc;
}

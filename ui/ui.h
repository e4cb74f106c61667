/* ui.h: what the wizard's main loop, its key table, its drawing helpers and its screens share. */
#ifndef HOIST_UI_H
#define HOIST_UI_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "checklist.h"
#include "conf.h"
#include "feed.h"
#include "journal.h"
#include "notes.h"
#include "plan.h"
#include "policy.h"
#include "run.h"
#include "error.h"
#include "topology.h"

/* What a screen's key handler asks of the loop; flags, combined with |. */
enum {
	UI_STAY = 0,     /* nothing changed */
	UI_REDRAW = 1,
	UI_NEXT = 2,     /* go to the next screen */
	UI_BACK = 4,     /* go to the previous screen */
	UI_QUIT = 8,
	UI_PASS = 16,    /* not the screen's key: the loop applies the global ones */
	UI_GOTO = 32     /* go to the screen s->go_to */
};

/* Actions: keys map to them in one table (keys.c), which also makes the footer and help. */
enum ui_action {
	UI_ACT_NONE,
	UI_ACT_UP,
	UI_ACT_DOWN,
	UI_ACT_PGUP,
	UI_ACT_PGDN,
	UI_ACT_HOME,
	UI_ACT_END,
	UI_ACT_TAB,
	UI_ACT_ENTER,
	UI_ACT_BACK,
	UI_ACT_HELP,
	UI_ACT_QUIT,
	UI_ACT_RETRY,
	UI_ACT_EDIT_URL,
	UI_ACT_EDIT_KEY,
	UI_ACT_ALLOW,
	UI_ACT_MINOR_AFTER,
	UI_ACT_MAJOR_AFTER,
	UI_ACT_PRERELEASE,
	UI_ACT_SEARCH,
	UI_ACT_SEARCH_NEXT,
	UI_ACT_SEARCH_PREV,
	UI_ACT_BACKUP,
	UI_ACT_EVIDENCE,
	UI_ACT_RESUME,
	UI_ACT_LAST,
	UI_ACT_DETACH,
	UI_ACT_STOP,
	UI_ACT_ROLLBACK,
	UI_ACT_SAVE,
	UI_ACT_JOURNEYS,   /* the other journeys: Tentacles, OS patching */
	UI_ACT_TENTACLES,
	UI_ACT_OS_PATCH,
	UI_ACT_MORE,
	UI_ACT_LESS,
	UI_ACT_BUNDLE,
	UI_ACT_LEGACY,     /* a 2.x server: the legacy upgrade to 3.x */
	UI_ACT_MAXAGE,
	UI_ACT_CHECK_OFF,  /* a step done by hand is done */
	UI_ACT_PATHS,      /* long paths whole, or shortened again */
	UI_ACT_COUNT
};

struct ui_state;

/* A key: a character's code point, or ncurses' function key code moved past Unicode. */
#define UI_FKEY(k) (0x110000 + (k))
#define UI_ESC 27

/* A descriptor a screen wants watched (a journal later); ready() returns UI_* flags. */
struct ui_watch {
	int fd;
	int (*ready)(struct ui_state *s, int fd);
};

/* A line of text being typed at the bottom of the screen (search, an address, a version). */
struct ui_input {
	bool active;
	bool yes_no;       /* a single y/n answer instead of a line */
	char *label;       /* owned, translated */
	struct hoist_buf text; /* owned: UTF-8 typed so far */
	/* Called with the text (or "y"/"n") when accepted, or NULL when cancelled. */
	int (*done)(struct ui_state *s, const char *text);
};

struct ui_screen {
	const char *name;       /* N_() title */
	void (*enter)(struct ui_state *s);
	void (*draw)(struct ui_state *s);
	int (*key)(struct ui_state *s, int key);
	void (*leave)(struct ui_state *s);
	const enum ui_action *actions; /* shown in the footer; UI_ACT_NONE-terminated */
	bool aside;             /* not a step of the upgrade (listed after them): no counter */
};

#define UI_MAX_WATCH 8

struct ui_state {
	const struct ui_screen *const *screens; /* borrowed: the journey, in order */
	size_t n_screens, current;
	bool color;        /* has_colors() and NO_COLOR unset */
	bool help;         /* the help overlay is up */
	bool too_small;
	bool busy;         /* something runs: q asks first */
	bool quit_asked;
	struct ui_input input;
	struct ui_watch watch[UI_MAX_WATCH];
	size_t n_watch;
	char *message;     /* owned: a one-line notice above the footer; NULL: none */
	const struct ui_screen *go_to; /* with UI_GOTO */
	/* While a run is followed: wake after this long without events (-1: never). */
	int timeout_ms;
	int (*on_timeout)(struct ui_state *s);
	char *exit_note;   /* owned: printed after the terminal is restored; NULL: none */
	bool whole_paths;  /* long paths shown whole over lines, not shortened (the p key) */

	/* The journey's data, filled by the screens through the engine. */
	struct hoist_config cfg;      /* owned */
	bool connecting;              /* the server is being read: nothing of it to show yet */
	bool connected;
	struct hoist_topology topo;   /* owned; valid when connected */
	struct hoist_error conn_err;  /* owned: why the last connect failed */
	struct hoist_feed *feed;      /* owned; NULL until loaded */
	struct hoist_error feed_err;  /* owned */
	bool has_selection;
	struct hoist_selection sel;   /* owned; valid when has_selection */
	bool policy_changed;          /* changed on screen, not in the file */
	size_t cursor;                /* the version screen's selection in sel.verdicts */
	bool has_target;
	struct hoist_version target;
	char *override;               /* owned: why a held-back release was chosen; NULL: none */
	bool has_notes;
	struct hoist_notes notes;     /* owned; for (current, target] */
	struct hoist_checklist checklist; /* owned: the backup checklist's evidence */
	char *run_id;                 /* owned: the run the progress and result screens show */
};

/* follow.c: a run's journal, read as it grows, for the progress screens. */
#define UI_LOG_KEEP 200
struct ui_follow {
	char *run_id;                 /* owned; NULL: nothing followed */
	struct hoist_journal_reader *reader; /* owned */
	struct hoist_run_summary sum; /* owned: everything read so far, folded */
	char *log[UI_LOG_KEEP];       /* owned: the newest log lines, a ring */
	size_t n_log, log_next;
	bool ended;                   /* run-end was read */
	char *prompt;                 /* owned: the last prompt's instruction (a step by hand) */
};
/* Opens run_id's journal, reads what is there, and watches it with ready (may be NULL). */
enum hoist_status ui_follow_open(struct ui_state *s, struct ui_follow *f, const char *run_id,
				 int (*ready)(struct ui_state *s, int fd), struct hoist_error *err);
/* Reads the events that arrived; true when anything did. */
bool ui_follow_read(struct ui_follow *f);
void ui_follow_close(struct ui_state *s, struct ui_follow *f);
/*
 * Starts plan as a detached run and goes to the progress screen (UI_GOTO in the flags
 * returned); when it cannot start, err says why and the screen stays.
 */
int ui_start_run(struct ui_state *s, const struct hoist_plan *plan, struct hoist_error *err);
/* Saves run_id's support bundle through the engine and says where (or why not). */
void ui_save_bundle(struct ui_state *s, const char *run_id);
/* Log line i, 0 the oldest kept. */
const char *ui_follow_log(const struct ui_follow *f, size_t i);
/* A step's state for people: "waiting", "running", "done", "FAILED", "skipped". */
const char *ui_step_state(enum hoist_step_state st);
/* "12:05" or "1:02:03" for a duration in ms. */
char *ui_duration(long long ms);

/* keys.c */
/*
 * The action a key asks for: the screen's own actions first (screen, UI_ACT_NONE-terminated,
 * may be NULL), where a key means something else than elsewhere; then the whole table.
 */
enum ui_action ui_key_action(const enum ui_action *screen, int key);
/* The footer line for a screen's actions plus the global ones, drawn on the last line. */
void ui_draw_footer(struct ui_state *s, const enum ui_action *actions);
/* The help overlay: every key of the screen's actions and the global ones. */
void ui_draw_help(struct ui_state *s, const enum ui_action *actions);

/*
 * pager.c: the one scroller of the wizard's screens: a page of rows over total lines, its
 * first line top; the movement actions move it, a screen's own keys come first.
 */
struct ui_pager {
	int top;   /* first line shown */
	int rows;  /* the page's height, as last drawn */
	int total; /* lines in all, as last drawn */
};
/* Moves the page for a movement action (up, down, page, home, end); false for any other. */
bool ui_pager_key(struct ui_pager *p, enum ui_action a);
/* Before drawing: records the page's size and keeps top where a page shows most lines. */
void ui_pager_fit(struct ui_pager *p, int total, int rows);
/* The number of the last line shown (top + 1 the first), for "Lines a-b of n". */
int ui_pager_last(const struct ui_pager *p);
/*
 * A selection list instead: moves row (0 the first of n) for a movement action, by page rows
 * a page; false for any other action.
 */
bool ui_pager_cursor_key(size_t *row, size_t n, size_t page, enum ui_action a);
/* Scrolls a page of rows so that row shows. */
void ui_pager_follow(struct ui_pager *p, size_t row, int rows);
/*
 * A table's rows (the nodes, the Tentacles): Up and Down move its first row shown by one,
 * staying on one of n rows; false for any other action.
 */
bool ui_pager_row_key(struct ui_pager *p, size_t n, enum ui_action a);
/*
 * Draws the table's rows from the first shown, at most rows of them from line y, each by
 * row(ctx, i, y); when more are left below, the line after says so (more, at column x).
 * Returns the line after what it drew.
 */
int ui_pager_list(struct ui_pager *p, size_t n, int y, int rows, int x, const char *more,
		  void (*row)(void *ctx, size_t i, int y), void *ctx);

/* draw.c */
enum ui_color { UI_C_NORMAL, UI_C_TITLE, UI_C_GOOD, UI_C_WARN, UI_C_BAD, UI_C_DIM, UI_C_MATCH };
void ui_colors_init(struct ui_state *s);
int ui_attr(const struct ui_state *s, enum ui_color c);
/* Puts UTF-8 text at y, x, at most width columns (wide characters counted as such). */
int ui_put(int y, int x, int width, const char *text);
int ui_putf(int y, int x, int width, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Display width of UTF-8 text. */
int ui_width(const char *text);
/*
 * Splits text into lines of at most width columns, at spaces where it can; calls
 * line(ctx, start, bytes) for each. Returns the number of lines.
 */
int ui_wrap(const char *text, int width, void (*line)(void *ctx, const char *p, size_t n),
	    void *ctx);
/* wrap.c: sentences are wrapped at word boundaries, never cut. */
/* Draws text wrapped to width from line y (not past line last); returns the lines it needs. */
int ui_say(int y, int x, int width, int last, const char *text);
int ui_sayf(int y, int x, int width, int last, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* text shortened in the middle with an ellipsis to width columns (a new string): paths. */
char *ui_middle(const char *text, int width);
/*
 * The one way a path longer than width columns is shown (a new string): shortened in the
 * middle with an ellipsis; or, whole (the p key: s->whole_paths), broken after a '/' into
 * lines of at most width columns, '\n' between them.
 */
char *ui_path_fit(const char *path, int width, bool whole);
/* A shell command wrapped at spaces, " \" ending each line but the last; returns lines. */
int ui_say_command(int y, int x, int width, int last, const char *cmd);
/*
 * The same lines, given to line(ctx, p, n) one by one (a pager's callback); a word longer
 * than a line by ui_path_fit (whole: over the lines it needs).
 */
int ui_command_wrap(const char *cmd, int width, bool whole,
		    void (*line)(void *ctx, const char *p, size_t n), void *ctx);
/*
 * A text of lines: command lines ("$ ...", "curl ...") by ui_command_wrap, the rest by ui_wrap;
 * a word longer than a line (a path) by ui_path_fit.
 */
int ui_wrap_text(const char *text, int width, bool whole,
		 void (*line)(void *ctx, const char *p, size_t n), void *ctx);
/*
 * text with its longest path (a word with '/') shortened in the middle so that the whole
 * text fits width columns, where that leaves the path readable (a new string); whole: that
 * path broken over lines by ui_path_fit instead, for ui_wrap to draw.
 */
char *ui_fit_paths(const char *text, int width, bool whole);
/* "…", or "~" on a terminal without UTF-8. */
const char *ui_ellipsis(void);
/* wrap.c: whether this terminal can move the cursor (TERM=dumb cannot); err says why not. */
bool ui_terminal_usable(char **why);
/* The title bar and the rule under it; returns the first free line. */
int ui_draw_frame(struct ui_state *s, const char *title);
void ui_hline(int y);
void ui_set_message(struct ui_state *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the input line; label is copied. */
void ui_input_open(struct ui_state *s, const char *label, bool yes_no, const char *initial,
		   int (*done)(struct ui_state *s, const char *text));
void ui_input_draw(struct ui_state *s);
int ui_input_key(struct ui_state *s, int key);

/* wizard.c */
bool ui_watch_add(struct ui_state *s, int fd, int (*ready)(struct ui_state *s, int fd));
void ui_watch_remove(struct ui_state *s, int fd);
/* Connects (again) with the configuration: fills topo or conn_err. */
void ui_connect(struct ui_state *s);
/* Draws the whole screen now (the frame, the screen, the footer). */
void ui_draw_now(struct ui_state *s);
/* The last line a screen may use above the message and footer lines. */
int ui_body_bottom(void);

extern const struct ui_screen ui_screen_connect;
extern const struct ui_screen ui_screen_version;
extern const struct ui_screen ui_screen_notes;
extern const struct ui_screen ui_screen_checklist;
extern const struct ui_screen ui_screen_plan;
extern const struct ui_screen ui_screen_progress;
extern const struct ui_screen ui_screen_result;
extern const struct ui_screen ui_screen_journeys;
extern const struct ui_screen ui_screen_legacy;

#endif

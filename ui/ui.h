/* ui.h: what the wizard's main loop, its key table, its drawing helpers and its screens share. */
#ifndef HOIST_UI_H
#define HOIST_UI_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "conf.h"
#include "feed.h"
#include "notes.h"
#include "plan.h"
#include "policy.h"
#include "status.h"
#include "topology.h"

/* What a screen's key handler asks of the loop; flags, combined with |. */
enum {
	UI_STAY = 0,     /* nothing changed */
	UI_REDRAW = 1,
	UI_NEXT = 2,     /* go to the next screen */
	UI_BACK = 4,     /* go to the previous screen */
	UI_QUIT = 8,
	UI_PASS = 16     /* not the screen's key: the loop applies the global ones */
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

	/* The journey's data, filled by the screens through the engine. */
	struct hoist_config cfg;      /* owned */
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
};

/* keys.c */
enum ui_action ui_key_action(int key);
/* The footer line for a screen's actions plus the global ones, drawn on the last line. */
void ui_draw_footer(struct ui_state *s, const enum ui_action *actions);
/* The help overlay: every key of the screen's actions and the global ones. */
void ui_draw_help(struct ui_state *s, const enum ui_action *actions);

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
/* The last line a screen may use above the message and footer lines. */
int ui_body_bottom(void);

extern const struct ui_screen ui_screen_connect;
extern const struct ui_screen ui_screen_version;
extern const struct ui_screen ui_screen_notes;
extern const struct ui_screen ui_screen_plan;

#endif

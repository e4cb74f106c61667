/* draw.c: text, colours, the frame and the input line, for every screen. */
#include "config.h"
#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "i18n.h"
#include "ui.h"
#include "xalloc.h"

void ui_colors_init(struct ui_state *s)
{
	const char *nc = getenv("NO_COLOR");
	s->color = has_colors() && !(nc && *nc);
	if (!s->color)
		return;
	start_color();
	use_default_colors();
	init_pair(UI_C_TITLE, COLOR_CYAN, -1);
	init_pair(UI_C_GOOD, COLOR_GREEN, -1);
	init_pair(UI_C_WARN, COLOR_YELLOW, -1);
	init_pair(UI_C_BAD, COLOR_RED, -1);
	init_pair(UI_C_DIM, COLOR_BLUE, -1);
	init_pair(UI_C_MATCH, COLOR_BLACK, COLOR_YELLOW);
}

/* Without colour, meaning is carried by bold, underline and reverse video. */
int ui_attr(const struct ui_state *s, enum ui_color c)
{
	static const int mono[] = { [UI_C_NORMAL] = A_NORMAL, [UI_C_TITLE] = A_BOLD,
				    [UI_C_GOOD] = A_NORMAL, [UI_C_WARN] = A_BOLD,
				    [UI_C_BAD] = A_BOLD | A_UNDERLINE, [UI_C_DIM] = A_NORMAL,
				    [UI_C_MATCH] = A_REVERSE };
	if (c == UI_C_NORMAL)
		return A_NORMAL;
	if (!s->color)
		return mono[c];
	return (int)COLOR_PAIR(c) | (c == UI_C_TITLE || c == UI_C_BAD ? A_BOLD : 0);
}

/* Decodes one character; invalid bytes count as one '?' column. */
static size_t next_char(const char *p, size_t n, wchar_t *wc, int *w)
{
	mbstate_t st;
	size_t len;
	memset(&st, 0, sizeof st);
	len = mbrtowc(wc, p, n, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*wc = L'?';
		len = 1;
	}
	/* Line breaks and tabs stay themselves for ui_wrap; ui_put draws them as spaces. */
	if (*wc == L'\n' || *wc == L'\t') {
		*w = 1;
		return len;
	}
	*w = wcwidth(*wc);
	if (*w < 0) {
		*wc = L'?';
		*w = 1;
	}
	return len;
}

int ui_width(const char *text)
{
	size_t n = strlen(text);
	int total = 0;
	while (n) {
		wchar_t wc;
		int w;
		size_t len = next_char(text, n, &wc, &w);
		total += w;
		text += len;
		n -= len;
	}
	return total;
}

int ui_put(int y, int x, int width, const char *text)
{
	size_t n = strlen(text);
	int used = 0, room = width;
	if (y < 0 || y >= LINES || x >= COLS || width <= 0)
		return 0;
	/* Text that does not fit is never cut silently: it ends with an ellipsis. */
	if (width > 1 && ui_width(text) > width)
		room = width - 1;
	move(y, x);
	while (n) {
		wchar_t wc[2] = { 0, 0 };
		int w;
		size_t len = next_char(text, n, &wc[0], &w);
		if (used + w > room) {
			if (room < width) {
				addstr(ui_ellipsis());
				used++;
			}
			break;
		}
		if (wc[0] == L'\t' || wc[0] == L'\n')
			wc[0] = L' ';
		addnwstr(wc, 1);
		used += w;
		text += len;
		n -= len;
	}
	return used;
}

int ui_putf(int y, int x, int width, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int w;
	va_start(ap, fmt);
	s = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	w = ui_put(y, x, width, s);
	free(s);
	return w;
}

int ui_wrap(const char *text, int width, void (*line)(void *ctx, const char *p, size_t n),
	    void *ctx)
{
	int lines = 0;
	size_t n = strlen(text);
	if (width < 1)
		width = 1;
	do {
		const char *p = text, *brk = NULL;
		size_t left = n;
		int used = 0;
		while (left) {
			wchar_t wc;
			int w;
			size_t len = next_char(p, left, &wc, &w);
			if (wc == L'\n' || used + w > width)
				break;
			if (wc == L' ')
				brk = p;
			used += w;
			p += len;
			left -= len;
		}
		if (left && *p != '\n' && *p != ' ' && brk && brk > text)
			p = brk;
		else if (left && *p != '\n' && *p != ' ')
			/* A word longer than a line is never broken: it goes whole to the line,
			 * whose drawing ends it with an ellipsis. */
			p += strcspn(p, " \n");
		line(ctx, text, (size_t)(p - text));
		lines++;
		n -= (size_t)(p - text);
		text = p;
		/* One separator (space or newline) ends a line. */
		if (n && (*text == ' ' || *text == '\n')) {
			text++;
			n--;
		}
	} while (n);
	return lines;
}

void ui_hline(int y)
{
	mvhline(y, 0, ACS_HLINE, COLS);
}

int ui_draw_frame(struct ui_state *s, const char *title)
{
	/* Screens aside from the upgrade (the other journeys) are no step of it. */
	size_t steps = 0;
	char *step;
	for (size_t i = 0; i < s->n_screens; i++)
		steps += !s->screens[i]->aside;
	step = s->screens[s->current]->aside
		       ? hoist_xstrdup("")
		       : hoist_xasprintf(_("Step %zu of %zu"), s->current + 1, steps);
	int w = ui_width(step);
	attron(ui_attr(s, UI_C_TITLE));
	ui_putf(0, 0, COLS - w - 2, "hoist-wizard: %s", title);
	attroff(ui_attr(s, UI_C_TITLE));
	ui_put(0, COLS - w, w, step);
	free(step);
	ui_hline(1);
	return 2;
}

int ui_body_bottom(void)
{
	return LINES - 4;
}

void ui_set_message(struct ui_state *s, const char *fmt, ...)
{
	va_list ap;
	free(s->message);
	va_start(ap, fmt);
	s->message = hoist_xvasprintf(fmt, ap);
	va_end(ap);
}

void ui_input_open(struct ui_state *s, const char *label, bool yes_no, const char *initial,
		   int (*done)(struct ui_state *s, const char *text))
{
	free(s->input.label);
	hoist_buf_done(&s->input.text);
	hoist_buf_init(&s->input.text, 4096);
	s->input.label = hoist_xstrdup(label);
	s->input.yes_no = yes_no;
	s->input.done = done;
	s->input.active = true;
	if (initial)
		hoist_buf_puts(&s->input.text, initial);
}

static int input_close(struct ui_state *s, const char *text)
{
	int (*done)(struct ui_state *, const char *) = s->input.done;
	int r;
	s->input.active = false;
	r = done ? done(s, text) : UI_STAY;
	if (!s->input.active) {
		free(s->input.label);
		s->input.label = NULL;
		hoist_buf_done(&s->input.text);
	}
	return r | UI_REDRAW;
}

void ui_input_draw(struct ui_state *s)
{
	int y = LINES - 2, x;
	const char *t = hoist_buf_cstr(&s->input.text);
	int tw;
	int room = COLS - (s->input.yes_no ? ui_width(_("(y/n)")) + 2 : 30);
	move(y, 0);
	clrtoeol();
	attron(A_BOLD);
	if (ui_width(s->input.label) <= room) {
		x = ui_put(y, 0, room, s->input.label);
	} else {
		/* A long question is wrapped above the line where the answer is typed. */
		int n = ui_say(LINES, 0, COLS, -1, s->input.label);
		if (n > 4)
			n = 4;
		for (int k = y - n; k < y; k++) {
			move(k, 0);
			clrtoeol();
		}
		ui_say(y - n, 0, COLS, y - 1, s->input.label);
		x = ui_put(y, 0, 2, ">");
	}
	attroff(A_BOLD);
	x += 1;
	if (s->input.yes_no) {
		ui_put(y, x, COLS - x, _("(y/n)"));
		return;
	}
	/* Long input scrolls: the end, where the cursor is, stays visible. */
	tw = ui_width(t);
	while (tw > COLS - x - 1 && *t) {
		t++;
		while ((*t & 0xC0) == 0x80)
			t++;
		tw = ui_width(t);
	}
	x += ui_put(y, x, COLS - x - 1, t);
	move(y, x);
}

int ui_input_key(struct ui_state *s, int key)
{
	struct hoist_buf *b = &s->input.text;
	if (s->input.yes_no) {
		/* y, or the reader's own yes: j in German. */
		char one[2] = { key > 0 && key < 128 ? (char)key : '\0', '\0' };
		if (key == 'y' || key == 'Y' || (one[0] && hoist_i18n_is_yes(one)))
			return input_close(s, "y");
		if (key == 'n' || key == 'N' || key == UI_ESC)
			return input_close(s, "n");
		return UI_STAY;
	}
	if (key == UI_ESC)
		return input_close(s, NULL);
	if (key == 21) {
		/* Ctrl-U, as in a shell: the whole line goes, for a new one. */
		b->len = 0;
		if (b->data)
			b->data[0] = '\0';
		return UI_REDRAW;
	}
	if (ui_key_action(NULL, key) == UI_ACT_ENTER) {
		char *t = hoist_xstrdup(hoist_buf_cstr(b));
		int r = input_close(s, t);
		free(t);
		return r;
	}
	/* Esc (the other back key) cancelled above: what is left of back is Backspace. */
	if (ui_key_action(NULL, key) == UI_ACT_BACK) {
		while (b->len && (b->data[b->len - 1] & 0xC0) == 0x80)
			b->len--;
		if (b->len)
			b->len--;
		if (b->data)
			b->data[b->len] = '\0';
		return UI_REDRAW;
	}
	if (key >= ' ' && key < 0x110000 && key != 127) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n != (size_t)-1)
			hoist_buf_append(b, mb, n);
		return UI_REDRAW;
	}
	return UI_STAY;
}

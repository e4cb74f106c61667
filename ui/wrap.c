/* wrap.c: sentences wrapped at word boundaries and paths shortened in the middle, never cut. */
#include "config.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "buf.h"
#include "text.h"
#include "ui.h"
#include "xalloc.h"

const char *ui_ellipsis(void)
{
	/* A terminal without UTF-8 gets a plain marker that still says "shortened". */
	return MB_CUR_MAX > 1 ? "\u2026" : "~";
}

struct say {
	int y, x, width, last;
	int n;
};

static void say_line(void *ctx, const char *p, size_t n)
{
	struct say *sy = ctx;
	if (sy->y + sy->n <= sy->last)
		ui_putf(sy->y + sy->n, sy->x, sy->width, "%.*s", (int)n, p);
	sy->n++;
}

int ui_say(int y, int x, int width, int last, const char *text)
{
	struct say sy = { y, x, width, last, 0 };
	ui_wrap(text, width, say_line, &sy);
	return sy.n;
}

int ui_sayf(int y, int x, int width, int last, const char *fmt, ...)
{
	va_list ap;
	char *t;
	int n;
	va_start(ap, fmt);
	t = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	n = ui_say(y, x, width, last, t);
	free(t);
	return n;
}

/* The byte length of the longest prefix of text at most width columns wide. */
static size_t prefix_fitting(const char *text, int width)
{
	size_t i = 0, n = strlen(text);
	int used = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (i < n) {
		wchar_t wc;
		size_t len = mbrtowc(&wc, text + i, n - i, &st);
		int w;
		if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
			len = 1;
			w = 1;
			memset(&st, 0, sizeof st);
		} else {
			w = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
		}
		if (used + w > width)
			break;
		used += w;
		i += len;
	}
	return i;
}

char *ui_middle(const char *text, int width)
{
	int tw = ui_width(text), keep, head_w;
	size_t head, tail;
	const char *p;
	if (tw <= width || width < 5)
		return hoist_xstrdup(text);
	keep = width - 1; /* the ellipsis takes one column */
	head_w = keep / 4; /* the end of a path (its file name) says most: keep more of it */
	head = prefix_fitting(text, head_w);
	/* The tail: the shortest suffix of at most keep - head_w columns. */
	p = text + strlen(text);
	tail = 0;
	while (p > text + head) {
		const char *q = p - 1;
		while (q > text && ((unsigned char)*q & 0xC0) == 0x80)
			q--;
		if (ui_width(q) > keep - head_w)
			break;
		p = q;
		tail = strlen(p);
	}
	return hoist_xasprintf("%.*s%s%s", (int)head, text, ui_ellipsis(), text + strlen(text) - tail);
}

char *ui_path_fit(const char *path, int width, bool whole)
{
	struct hoist_buf b;
	const char *p = path;
	char *out;
	if (!whole)
		return ui_middle(path, width);
	if (width < 5)
		return hoist_xstrdup(path);
	/* Whole: lines of at most width columns, each ending after a '/' where one is near. */
	hoist_buf_init(&b, 0);
	while (ui_width(p) > width) {
		size_t n = prefix_fitting(p, width), cut = n;
		while (cut > n / 2 && p[cut - 1] != '/')
			cut--;
		if (cut <= n / 2)
			cut = n;
		if (!cut)
			cut = 1;
		hoist_buf_printf(&b, "%.*s\n", (int)cut, p);
		p += cut;
	}
	hoist_buf_puts(&b, p);
	out = hoist_xstrdup(hoist_buf_cstr(&b));
	hoist_buf_done(&b);
	return out;
}

/* The end of a shell word: a quoted string is one word, a break inside it would change it. */
static const char *word_end(const char *q)
{
	char quote = 0;
	while (*q && (quote || *q != ' ')) {
		if (!quote && (*q == '\'' || *q == '"'))
			quote = *q;
		else if (quote && *q == quote)
			quote = 0;
		q++;
	}
	return q;
}

/*
 * A shell command over as many lines as it needs: broken at spaces, each line but the
 * last ending in " \\" (the shell's own continuation), the rest indented by four; a word
 * longer than a line is shortened in the middle only on screen (saved text keeps it whole).
 * Calls line(ctx, text, bytes) for each; returns the number of lines.
 */
int ui_command_wrap(const char *cmd, int width, bool whole,
		    void (*line)(void *ctx, const char *p, size_t n), void *ctx)
{
	const char *p = cmd;
	int n = 0;
	while (*p) {
		int indent = n ? 4 : 0, room = width - indent - 2, used = 0;
		const char *start = p, *end = p, *q = p;
		char *text, *shown, *out;
		size_t len;
		while (*q) {
			const char *w = q;
			char *word;
			int ww;
			q = word_end(q);
			/* An option and its value stay together: "--to 2024.3.1". */
			if (*w == '-' && !memchr(w, '=', (size_t)(q - w)) && q[0] == ' ' && q[1] &&
			    q[1] != '-' && q[1] != ' ')
				q = word_end(q + 1);
			word = hoist_xstrndup(w, (size_t)(q - w));
			ww = ui_width(word);
			free(word);
			if (end != start && used + 1 + ww > room)
				break;
			used += (end != start ? 1 : 0) + ww;
			end = q;
			while (*q == ' ')
				q++;
		}
		text = hoist_xstrndup(start, (size_t)(end - start));
		len = strlen(text);
		while (len && text[len - 1] == ' ')
			text[--len] = '\0';
		/* Whole, its pieces are sized for the continuation lines' indentation. */
		shown = whole && ui_width(text) > room ? ui_path_fit(text, width - 6, true)
						       : ui_middle(text, room);
		p = end;
		while (*p == ' ')
			p++;
		/* A word longer than a line, whole, goes on over the lines it needs. */
		for (const char *piece = shown; piece;) {
			const char *nl = strchr(piece, '\n');
			size_t qn = nl ? (size_t)(nl - piece) : strlen(piece);
			out = hoist_xasprintf("%*s%.*s%s", indent, "", (int)qn, piece,
					      !nl && *p ? " \\" : "");
			line(ctx, out, strlen(out));
			free(out);
			indent = 4;
			n++;
			piece = nl ? nl + 1 : NULL;
		}
		free(shown);
		free(text);
	}
	return n;
}

int ui_say_command(int y, int x, int width, int last, const char *cmd)
{
	struct say sy = { y, x, width, last, 0 };
	return ui_command_wrap(cmd, width, false, say_line, &sy);
}

/* Prefixes a wrapped command line with the guide line's own indentation. */
struct indented {
	const char *lead;
	size_t lead_n;
	void (*line)(void *ctx, const char *p, size_t n);
	void *ctx;
};

static void indented_line(void *ctx, const char *p, size_t n)
{
	struct indented *in = ctx;
	char *t = hoist_xasprintf("%.*s%.*s", (int)in->lead_n, in->lead, (int)n, p);
	in->line(in->ctx, t, strlen(t));
	free(t);
}

int ui_wrap_text(const char *text, int width, bool whole,
		 void (*line)(void *ctx, const char *p, size_t n), void *ctx)
{
	int total = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *l = hoist_xstrndup(p, len);
		size_t lead = strspn(l, " ");
		if (hoist_skip_prefix(l + lead, "$ ", NULL) ||
		    hoist_skip_prefix(l + lead, "curl ", NULL)) {
			struct indented in = { l, lead, line, ctx };
			total += ui_command_wrap(l + lead, width - (int)lead, whole, indented_line,
						 &in);
		} else if (!len) {
			line(ctx, "", 0);
			total++;
		} else {
			/* A word longer than a line (a path) is shortened in the middle, not broken;
			 * or, whole, broken over lines. */
			struct hoist_buf b;
			const char *w = l;
			hoist_buf_init(&b, 0);
			while (*w) {
				size_t sp = strspn(w, " "), wl;
				char *word, *shown;
				hoist_buf_printf(&b, "%.*s", (int)sp, w);
				w += sp;
				wl = strcspn(w, " ");
				if (!wl)
					break;
				word = hoist_xstrndup(w, wl);
				shown = ui_path_fit(word, width - (int)lead, whole);
				hoist_buf_puts(&b, shown);
				free(shown);
				free(word);
				w += wl;
			}
			total += ui_wrap(hoist_buf_cstr(&b), width, line, ctx);
			hoist_buf_done(&b);
		}
		free(l);
		p += len;
		if (*p == '\n')
			p++;
	}
	return total;
}

char *ui_fit_paths(const char *text, int width, bool whole)
{
	int over = ui_width(text) - width;
	const char *best = NULL, *p = text;
	size_t best_n = 0;
	char *word, *shown, *out;
	int ww;
	if (over <= 0)
		return hoist_xstrdup(text);
	/* The longest word that holds a '/'. */
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n > best_n && memchr(p, '/', n)) {
			best = p;
			best_n = n;
		}
		p += n;
		p += strspn(p, " ");
	}
	if (!best)
		return hoist_xstrdup(text);
	word = hoist_xstrndup(best, best_n);
	ww = ui_width(word);
	if (whole ? ww <= width : ww - over < 20) {
		free(word);
		return hoist_xstrdup(text);
	}
	shown = ui_path_fit(word, whole ? width : ww - over, whole);
	out = hoist_xasprintf("%.*s%s%s", (int)(best - text), text, shown, best + best_n);
	free(shown);
	free(word);
	return out;
}

/* pager.c: the wizard's one scroller: a page over lines, a selection list, a table's rows. */
#include "config.h"
#include <curses.h>
#include "ui.h"

/* Where a movement action takes a position at (a page is step, the last position end). */
static bool move_by(long long *at, enum ui_action a, long long step, long long end)
{
	switch (a) {
	case UI_ACT_UP:
		(*at)--;
		break;
	case UI_ACT_DOWN:
		(*at)++;
		break;
	case UI_ACT_PGUP:
		*at -= step;
		break;
	case UI_ACT_PGDN:
		*at += step;
		break;
	case UI_ACT_HOME:
		*at = 0;
		break;
	case UI_ACT_END:
		*at = end;
		break;
	default:
		return false;
	}
	return true;
}

bool ui_pager_key(struct ui_pager *p, enum ui_action a)
{
	/* A page keeps one line of the last in view; ui_pager_fit() keeps top in range. */
	long long top = p->top;
	if (!move_by(&top, a, p->rows > 1 ? p->rows - 1 : 1, p->total))
		return false;
	p->top = (int)top;
	return true;
}

void ui_pager_fit(struct ui_pager *p, int total, int rows)
{
	p->total = total;
	p->rows = rows;
	if (p->top > total - rows)
		p->top = total - rows;
	if (p->top < 0)
		p->top = 0;
}

int ui_pager_last(const struct ui_pager *p)
{
	return p->top + p->rows < p->total ? p->top + p->rows : p->total;
}

bool ui_pager_cursor_key(size_t *row, size_t n, size_t page, enum ui_action a)
{
	long long at = (long long)*row;
	if (!move_by(&at, a, (long long)(page > n ? n : page),
		  n ? (long long)n - 1 : 0))
		return false;
	/* A selection stays on the list: it stops at the first and the last row. */
	if (at >= (long long)n)
		at = n ? (long long)n - 1 : 0;
	if (at < 0)
		at = 0;
	*row = (size_t)at;
	return true;
}

void ui_pager_follow(struct ui_pager *p, size_t row, int rows)
{
	p->rows = rows;
	if (row < (size_t)p->top)
		p->top = (int)row;
	if (row >= (size_t)p->top + (size_t)rows)
		p->top = (int)(row - (size_t)rows + 1);
}

bool ui_pager_row_key(struct ui_pager *p, size_t n, enum ui_action a)
{
	if (a == UI_ACT_UP) {
		if (p->top > 0)
			p->top--;
		return true;
	}
	if (a == UI_ACT_DOWN) {
		if ((size_t)p->top + 1 < n)
			p->top++;
		return true;
	}
	return false;
}

int ui_pager_list(struct ui_pager *p, size_t n, int y, int rows, int x, const char *more,
		  void (*row)(void *ctx, size_t i, int y), void *ctx)
{
	size_t i;
	if ((size_t)p->top > n)
		p->top = 0;
	p->rows = rows;
	p->total = (int)n;
	for (i = (size_t)p->top; i < n && rows > 0; i++, rows--, y++)
		row(ctx, i, y);
	if (rows <= 0 && n > (size_t)p->top)
		ui_put(y++, x, COLS - x - 2, more);
	return y;
}

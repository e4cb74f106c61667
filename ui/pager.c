/* pager.c: the wizard's one scroller: a page over lines, moved by the table's movement actions. */
#include "config.h"
#include "ui.h"

bool ui_pager_key(struct ui_pager *p, enum ui_action a)
{
	int step = p->rows > 1 ? p->rows - 1 : 1;
	switch (a) {
	case UI_ACT_UP:
		p->top--;
		break;
	case UI_ACT_DOWN:
		p->top++;
		break;
	case UI_ACT_PGUP:
		p->top -= step;
		break;
	case UI_ACT_PGDN:
		p->top += step;
		break;
	case UI_ACT_HOME:
		p->top = 0;
		break;
	case UI_ACT_END:
		p->top = p->total;
		break;
	default:
		return false;
	}
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
	if (!n)
		return a == UI_ACT_UP || a == UI_ACT_DOWN || a == UI_ACT_PGUP ||
		       a == UI_ACT_PGDN || a == UI_ACT_HOME || a == UI_ACT_END;
	switch (a) {
	case UI_ACT_UP:
		if (*row > 0)
			(*row)--;
		break;
	case UI_ACT_DOWN:
		if (*row + 1 < n)
			(*row)++;
		break;
	case UI_ACT_PGUP:
		*row = *row < page ? 0 : *row - page;
		break;
	case UI_ACT_PGDN:
		*row = *row + page >= n ? n - 1 : *row + page;
		break;
	case UI_ACT_HOME:
		*row = 0;
		break;
	case UI_ACT_END:
		*row = n - 1;
		break;
	default:
		return false;
	}
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

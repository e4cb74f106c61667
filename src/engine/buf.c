/* buf.c: growable buffers for data from outside (bodies, feeds, command output). */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "xalloc.h"

void hoist_buf_init(struct hoist_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->limit = limit;
}

void hoist_buf_done(struct hoist_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

void hoist_buf_reset(struct hoist_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

enum hoist_status hoist_buf_append(struct hoist_buf *b, const void *data, size_t n)
{
	if (b->limit && (n > b->limit || b->len > b->limit - n))
		return HOIST_TOOBIG;
	if (b->len + n + 1 > b->alloc)
		b->data = hoist_xgrow(b->data, &b->alloc, b->len + n + 1, 1);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return HOIST_OK;
}

enum hoist_status hoist_buf_puts(struct hoist_buf *b, const char *s)
{
	return hoist_buf_append(b, s, strlen(s));
}

enum hoist_status hoist_buf_printf(struct hoist_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	enum hoist_status st;
	va_start(ap, fmt);
	s = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	st = hoist_buf_puts(b, s);
	free(s);
	return st;
}

const char *hoist_buf_cstr(const struct hoist_buf *b)
{
	return b->data ? b->data : "";
}

char *hoist_buf_detach(struct hoist_buf *b, size_t *len)
{
	char *p = b->data ? b->data : hoist_xstrdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->alloc = 0;
	return p;
}

/* buf.h: a growable byte buffer with an explicit length and a cap. */
#ifndef HOIST_BUF_H
#define HOIST_BUF_H

#include <stddef.h>
#include "error.h"

struct hoist_buf {
	char *data;   /* owned; always NUL-terminated after the first append */
	size_t len;
	size_t alloc;
	size_t limit; /* 0: no cap; otherwise appends past it fail with HOIST_TOOBIG */
};

void hoist_buf_init(struct hoist_buf *b, size_t limit);
void hoist_buf_done(struct hoist_buf *b);
void hoist_buf_reset(struct hoist_buf *b);
enum hoist_status hoist_buf_append(struct hoist_buf *b, const void *data, size_t n);
enum hoist_status hoist_buf_puts(struct hoist_buf *b, const char *s);
enum hoist_status hoist_buf_printf(struct hoist_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The contents as a C string ("" when empty); valid until the next append. */
const char *hoist_buf_cstr(const struct hoist_buf *b);
/* Hands the contents to the caller (who frees them) and empties the buffer. */
char *hoist_buf_detach(struct hoist_buf *b, size_t *len);

#endif

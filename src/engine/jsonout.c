/* jsonout.c: JSON strings for output, escaped as cJSON does and always valid UTF-8. */
#include "config.h"
#include <stdbool.h>
#include <string.h>
#include "jsonout.h"
#include "text.h"

void hoist_json_put_string(struct hoist_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run, *end;
	if (!s) {
		hoist_buf_append(b, "null", 4);
		return;
	}
	end = p + strlen(s);
	hoist_buf_append(b, "\"", 1);
	for (run = p; *p;) {
		unsigned char c = *p;
		size_t n;
		char esc[8];
		/* Plain bytes are copied in runs; only what needs care stops a run. */
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			p++;
			continue;
		}
		if (c >= 0x80 && (n = hoist_utf8_char_len((const char *)p, (size_t)(end - p))) > 0) {
			p += n;
			continue;
		}
		hoist_buf_append(b, run, (size_t)(p - run));
		switch (c) {
		case '"': hoist_buf_append(b, "\\\"", 2); break;
		case '\\': hoist_buf_append(b, "\\\\", 2); break;
		case '\b': hoist_buf_append(b, "\\b", 2); break;
		case '\f': hoist_buf_append(b, "\\f", 2); break;
		case '\n': hoist_buf_append(b, "\\n", 2); break;
		case '\r': hoist_buf_append(b, "\\r", 2); break;
		case '\t': hoist_buf_append(b, "\\t", 2); break;
		default:
			if (c < 0x20) {
				static const char digits[] = "0123456789abcdef";
				memcpy(esc, "\\u00", 4);
				esc[4] = digits[c >> 4];
				esc[5] = digits[c & 15];
				hoist_buf_append(b, esc, 6);
			} else {
				hoist_buf_append(b, "\xEF\xBF\xBD", 3); /* U+FFFD */
			}
			break;
		}
		run = ++p;
	}
	hoist_buf_append(b, run, (size_t)(p - run));
	hoist_buf_append(b, "\"", 1);
}

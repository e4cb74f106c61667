/*
 * text.h: text from outside (feed notes, server messages, node output) made safe to
 * show: valid UTF-8 always, control characters visible, secrets removed; and the one
 * way a string's prefix is tested and skipped.
 */
#ifndef HOIST_TEXT_H
#define HOIST_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when s starts with prefix; then *rest (rest may be NULL) points just past it,
 * else it is left alone. The prefix's length is counted here, never by hand.
 */
bool hoist_skip_prefix(const char *s, const char *prefix, const char **rest);

/*
 * The length of the well-formed UTF-8 character at s (at most len bytes; no overlongs,
 * surrogates or > U+10FFFF), or 0 when the bytes there are ill-formed or a NUL: the one
 * rule for what is valid, used by every check and repair.
 */
size_t hoist_utf8_char_len(const char *s, size_t len);
/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool hoist_utf8_valid(const char *s, size_t len);
/* A copy of s[0..len) with every ill-formed byte and NUL replaced by U+FFFD; caller frees. */
char *hoist_utf8_repair(const char *s, size_t len);

enum hoist_text_flags {
	HOIST_TEXT_NEWLINES = 1 << 0, /* keep line breaks (\n) as they are */
};
/*
 * A copy of s fit for a terminal: C0 controls and DEL in caret notation (ESC is "^["),
 * C1 controls and bidirectional overrides as "<U+202E>", ill-formed bytes as "\xff";
 * tabs stay. Caller frees.
 */
char *hoist_text_visible(const char *s, unsigned flags);

/*
 * Secrets (the API key) never appear in a message: every error message set through
 * hoist_error_set() has the registered secrets replaced by "[API key]". A secret shorter
 * than 8 characters is not registered (it would blank ordinary words).
 */
void hoist_secret_add(const char *secret);
/* A copy of s with every registered secret replaced; caller frees. */
char *hoist_secret_scrub(const char *s);

#endif

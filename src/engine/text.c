/* text.c: UTF-8 checked and repaired, control characters made visible, secrets removed. */
#include "config.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "text.h"
#include "xalloc.h"

/* Length of the well-formed sequence at s (at most len bytes) and its code point; 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t len, unsigned long *cp)
{
	unsigned char c = s[0];
	size_t n;
	unsigned long v, lo;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, v = c & 0x1f, lo = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, v = c & 0x0f, lo = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, v = c & 0x07, lo = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < lo || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

bool hoist_skip_prefix(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	if (strncmp(s, prefix, n))
		return false;
	if (rest)
		*rest = s + n;
	return true;
}

size_t hoist_utf8_char_len(const char *s, size_t len)
{
	unsigned long cp;
	size_t n = len ? utf8_seq((const unsigned char *)s, len, &cp) : 0;
	return n && cp ? n : 0;
}

bool hoist_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned long cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		if (!n || cp == 0)
			return false;
		i += n;
	}
	return true;
}

char *hoist_utf8_repair(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct hoist_buf b;
	size_t i = 0;
	hoist_buf_init(&b, 0);
	while (i < len) {
		unsigned long cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		if (!n || cp == 0) {
			hoist_buf_append(&b, "\xef\xbf\xbd", 3);
			i++;
		} else {
			hoist_buf_append(&b, s + i, n);
			i += n;
		}
	}
	return b.data ? hoist_buf_detach(&b, NULL) : hoist_xstrdup("");
}

/* Code points a terminal would act on, or that reorder what is shown (Trojan Source). */
static bool cp_invisible(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

char *hoist_text_visible(const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), i = 0;
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	while (i < len) {
		unsigned long cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		if (!n) {
			hoist_buf_printf(&b, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if ((cp == '\n' && (flags & HOIST_TEXT_NEWLINES)) || cp == '\t')
			hoist_buf_append(&b, (const char *)p + i, 1);
		else if (cp < 0x20)
			hoist_buf_printf(&b, "^%c", (char)(cp + 0x40));
		else if (cp == 0x7f)
			hoist_buf_puts(&b, "^?");
		else if (cp_invisible(cp))
			hoist_buf_printf(&b, "<U+%04lX>", cp);
		else
			hoist_buf_append(&b, (const char *)p + i, n);
		i += n;
	}
	return b.data ? hoist_buf_detach(&b, NULL) : hoist_xstrdup("");
}

/* The registered secrets: few (the API key of this process), copied, never freed. */
#define MAX_SECRETS 8
#define MIN_SECRET 8
static char *secrets[MAX_SECRETS];
static size_t n_secrets;
static pthread_mutex_t secrets_lock = PTHREAD_MUTEX_INITIALIZER;

void hoist_secret_add(const char *secret)
{
	if (!secret || strlen(secret) < MIN_SECRET)
		return;
	pthread_mutex_lock(&secrets_lock);
	for (size_t i = 0; i < n_secrets; i++)
		if (!strcmp(secrets[i], secret))
			goto out;
	if (n_secrets < MAX_SECRETS)
		secrets[n_secrets++] = hoist_xstrdup(secret);
out:
	pthread_mutex_unlock(&secrets_lock);
}

char *hoist_secret_scrub(const char *s)
{
	char *out = hoist_xstrdup(s ? s : "");
	pthread_mutex_lock(&secrets_lock);
	for (size_t i = 0; i < n_secrets; i++) {
		size_t klen = strlen(secrets[i]);
		char *hit;
		while ((hit = strstr(out, secrets[i]))) {
			char *next = hoist_xasprintf("%.*s[API key]%s", (int)(hit - out), out,
						     hit + klen);
			memset(out, 0, strlen(out));
			free(out);
			out = next;
		}
	}
	pthread_mutex_unlock(&secrets_lock);
	return out;
}

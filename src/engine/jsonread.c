/* jsonread.c: one JSON value into cJSON-shaped nodes in an arena, by cJSON's own rules. */
#include "config.h"
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "jsonread.h"
#include "xalloc.h"

#define BLOCK_SIZE (64u << 10)
#define NESTING_LIMIT 1000 /* CJSON_NESTING_LIMIT */

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(16) char data[];
};

struct hoist_json_arena {
	struct block *head; /* owned: the block being filled, then the others */
	struct block *keep; /* the first block made, which a reset keeps */
};

struct hoist_json_arena *hoist_json_arena_new(void)
{
	return hoist_xcalloc(1, sizeof(struct hoist_json_arena));
}

void hoist_json_arena_reset(struct hoist_json_arena *a)
{
	if (!a || !a->head)
		return;
	while (a->head) {
		struct block *b = a->head;
		a->head = b->next;
		if (b != a->keep)
			free(b);
	}
	a->head = a->keep;
	a->keep->next = NULL;
	a->keep->used = 0;
}

void hoist_json_arena_free(struct hoist_json_arena *a)
{
	if (!a)
		return;
	while (a->head) {
		struct block *b = a->head;
		a->head = b->next;
		free(b);
	}
	free(a);
}

/* n bytes; aligned for any type unless bytes_only (text needs no alignment). */
static void *arena_alloc_as(struct hoist_json_arena *a, size_t n, bool bytes_only)
{
	struct block *b = a->head;
	if (!bytes_only) {
		n = (n + 15) & ~(size_t)15;
		if (b)
			b->used = (b->used + 15) & ~(size_t)15;
		if (b && b->used > b->size)
			b->used = b->size;
	}
	if (b && b->size - b->used >= n) {
		b->used += n;
		return b->data + b->used - n;
	}
	b = hoist_xmalloc(sizeof *b + (n > BLOCK_SIZE ? n : BLOCK_SIZE));
	b->size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
	b->used = n;
	if (!a->head) {
		b->next = NULL;
		a->head = a->keep = b;
	} else if (n > BLOCK_SIZE) {
		/* A large string gets a block of its own; the current one goes on filling. */
		b->next = a->head->next;
		a->head->next = b;
	} else {
		b->next = a->head;
		a->head = b;
	}
	return b->data;
}

static void *arena_alloc(struct hoist_json_arena *a, size_t n)
{
	return arena_alloc_as(a, n, false);
}

void *hoist_json_arena_alloc(struct hoist_json_arena *a, size_t n)
{
	void *p = arena_alloc(a, n ? n : 1);
	memset(p, 0, n);
	return p;
}

char *hoist_json_arena_strdup(struct hoist_json_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(arena_alloc_as(a, n, true), s, n);
}

struct reader {
	struct hoist_json_arena *a;
	const char *p, *end;
	int depth;
};

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (unsigned char)*r->p <= ' ')
		r->p++;
}

static cJSON *node(struct reader *r, int type)
{
	cJSON *n = arena_alloc(r->a, sizeof *n);
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * A \u escape with its four hex digits (and its low surrogate) at p into out; the bytes
 * read, 0 when invalid.
 */
static size_t utf16_escape(const char *p, const char *end, char **out)
{
	unsigned long cp;
	int first, second;
	size_t used = 6;
	unsigned char *o = (unsigned char *)*out;
	if (end - p < 6 || (first = hex4(p + 2)) < 0 || (first >= 0xDC00 && first <= 0xDFFF))
		return 0;
	cp = (unsigned long)first;
	if (first >= 0xD800 && first <= 0xDBFF) {
		if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || (second = hex4(p + 8)) < 0 ||
		    second < 0xDC00 || second > 0xDFFF)
			return 0;
		cp = 0x10000 + ((((unsigned long)first & 0x3FF) << 10) | ((unsigned long)second & 0x3FF));
		used = 12;
	}
	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xC0 | (cp >> 6));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xE0 | (cp >> 12));
		*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (unsigned char)(0xF0 | (cp >> 18));
		*o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	*out = (char *)o;
	return used;
}

/* The string at r->p (its '"'), decoded into the arena; NULL when invalid. */
static char *string(struct reader *r)
{
	const char *p = r->p + 1, *q = p, *stop;
	char *out, *w;
	bool plain;
	if (r->p >= r->end || *r->p != '"')
		return NULL;
	/* The end first: a quote after an even run of backslashes (cJSON skips the byte
	 * after each backslash). Then one allocation of at most the text's length. */
	for (;;) {
		size_t k = 0;
		stop = memchr(q, '"', (size_t)(r->end - q));
		if (!stop)
			return NULL;
		while (stop - k > p && stop[-1 - (long)k] == '\\')
			k++;
		if (k % 2 == 0)
			break;
		q = stop + 1;
	}
	plain = !memchr(p, '\\', (size_t)(stop - p));
	if (stop < p)
		return NULL;
	out = arena_alloc_as(r->a, (size_t)(stop - p) + 1, true);
	if (plain) {
		memcpy(out, p, (size_t)(stop - p));
		out[stop - p] = '\0';
		r->p = stop + 1;
		return out;
	}
	for (w = out; p < stop;) {
		if (*p != '\\') {
			*w++ = *p++;
			continue;
		}
		switch (p[1]) {
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case '"':
		case '\\':
		case '/': *w++ = p[1]; break;
		case 'u': {
			size_t used = utf16_escape(p, stop, &w);
			if (!used) {
				r->p = p;
				return NULL;
			}
			p += used;
			continue;
		}
		default:
			r->p = p;
			return NULL;
		}
		p += 2;
	}
	*w = '\0';
	r->p = stop + 1;
	return out;
}

static cJSON *value(struct reader *r);

static cJSON *number(struct reader *r)
{
	char buf[64];
	size_t n = 0;
	char *after;
	double d;
	cJSON *j;
	/* strtod reads the locale's decimal point (a comma under de_DE): give it that one. */
	char point = localeconv()->decimal_point[0];
	while (n < sizeof buf - 1 && r->p + n < r->end && strchr("0123456789+-eE.", r->p[n]) &&
	       r->p[n]) {
		buf[n] = r->p[n] == '.' ? point : r->p[n];
		n++;
	}
	buf[n] = '\0';
	d = strtod(buf, &after);
	if (after == buf)
		return NULL;
	j = node(r, cJSON_Number);
	j->valuedouble = d;
	j->valueint = d >= 2147483647.0 ? 2147483647 : d <= -2147483648.0 ? -2147483647 - 1 : (int)d;
	r->p += after - buf;
	return j;
}

/* Appends item to a parent's children; the first child's prev is the last (as in cJSON). */
static void add(cJSON *parent, cJSON **last, cJSON *item)
{
	if (!*last) {
		parent->child = item;
	} else {
		(*last)->next = item;
		item->prev = *last;
	}
	*last = item;
	parent->child->prev = item;
}

static cJSON *array(struct reader *r)
{
	cJSON *a, *last = NULL, *item;
	if (r->depth >= NESTING_LIMIT)
		return NULL;
	r->depth++;
	a = node(r, cJSON_Array);
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		r->depth--;
		return a;
	}
	for (;;) {
		skip_ws(r);
		if (!(item = value(r)))
			return NULL;
		add(a, &last, item);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']')
			break;
		return NULL;
	}
	r->p++;
	r->depth--;
	return a;
}

static cJSON *object(struct reader *r)
{
	cJSON *o, *last = NULL, *item;
	char *key;
	if (r->depth >= NESTING_LIMIT)
		return NULL;
	r->depth++;
	o = node(r, cJSON_Object);
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		r->depth--;
		return o;
	}
	for (;;) {
		skip_ws(r);
		if (!(key = string(r)))
			return NULL;
		skip_ws(r);
		if (r->p >= r->end || *r->p != ':')
			return NULL;
		r->p++;
		skip_ws(r);
		if (!(item = value(r)))
			return NULL;
		item->string = key;
		add(o, &last, item);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}')
			break;
		return NULL;
	}
	r->p++;
	r->depth--;
	return o;
}

static bool literal(struct reader *r, const char *word, size_t n)
{
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return false;
	r->p += n;
	return true;
}

static cJSON *value(struct reader *r)
{
	cJSON *j;
	char *s;
	if (r->p >= r->end)
		return NULL;
	switch (*r->p) {
	case '"':
		if (!(s = string(r)))
			return NULL;
		j = node(r, cJSON_String);
		j->valuestring = s;
		return j;
	case '{':
		return object(r);
	case '[':
		return array(r);
	case 'n':
		return literal(r, "null", 4) ? node(r, cJSON_NULL) : NULL;
	case 't':
		if (!literal(r, "true", 4))
			return NULL;
		j = node(r, cJSON_True);
		j->valueint = 1;
		return j;
	case 'f':
		return literal(r, "false", 5) ? node(r, cJSON_False) : NULL;
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
			return number(r);
		return NULL;
	}
}

cJSON *hoist_json_read(struct hoist_json_arena *a, const char *p, const char *end,
		       const char **stop)
{
	struct reader r = { a, p, end, 0 };
	cJSON *j;
	skip_ws(&r);
	j = value(&r);
	*stop = r.p;
	return j;
}

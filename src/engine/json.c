/* json.c: cJSON's one set-up for the process, its trees printed as valid UTF-8, checked numbers in. */
#include "config.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "json.h"
#include "jsonout.h"
#include "text.h"
#include "xalloc.h"

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
/* Set by a module that wants this thread's cJSON allocations (the feed's scratch block). */
static _Thread_local void *(*thread_alloc)(size_t);
static _Thread_local void (*thread_release)(void *);

static void *json_malloc(size_t n)
{
	if (thread_alloc)
		return thread_alloc(n);
	return hoist_xmalloc(n);
}

static void json_free(void *p)
{
	if (thread_release)
		thread_release(p);
	else
		free(p);
}

static void hooks_install(void)
{
	cJSON_Hooks h = { json_malloc, json_free };
	cJSON_InitHooks(&h);
}

void hoist_json_init(void)
{
	pthread_once(&hooks_once, hooks_install);
}

void hoist_json_thread_alloc(void *(*alloc)(size_t), void (*release)(void *))
{
	hoist_json_init();
	thread_alloc = alloc;
	thread_release = release;
}

/*
 * One value of a tree, laid out as cJSON lays it out (tabs and newlines in objects, ", "
 * in arrays when formatted), its strings and keys through jsonout.c's escaper: the one
 * place a string is escaped and repaired to valid UTF-8. False for an invalid item.
 */
static bool put_value(struct hoist_buf *b, const cJSON *j, bool fmt, size_t depth)
{
	char num[64];
	const cJSON *c;
	switch (j->type & 0xff) {
	case cJSON_NULL:
		hoist_buf_append(b, "null", 4);
		return true;
	case cJSON_False:
		hoist_buf_append(b, "false", 5);
		return true;
	case cJSON_True:
		hoist_buf_append(b, "true", 4);
		return true;
	case cJSON_Number:
		/* cJSON's own number format, digit for digit. */
		if (!cJSON_PrintPreallocated((cJSON *)j, num, (int)sizeof num, false))
			return false;
		hoist_buf_puts(b, num);
		return true;
	case cJSON_Raw: {
		size_t len;
		char *fixed;
		if (!j->valuestring)
			return false;
		len = strlen(j->valuestring);
		if (hoist_utf8_valid(j->valuestring, len)) {
			hoist_buf_append(b, j->valuestring, len);
			return true;
		}
		fixed = hoist_utf8_repair(j->valuestring, len);
		hoist_buf_puts(b, fixed);
		free(fixed);
		return true;
	}
	case cJSON_String:
		hoist_json_put_string(b, j->valuestring ? j->valuestring : "");
		return true;
	case cJSON_Array:
		hoist_buf_append(b, "[", 1);
		for (c = j->child; c; c = c->next) {
			if (!put_value(b, c, fmt, depth + 1))
				return false;
			if (c->next)
				hoist_buf_append(b, ", ", fmt ? 2 : 1);
		}
		hoist_buf_append(b, "]", 1);
		return true;
	case cJSON_Object:
		hoist_buf_append(b, "{\n", fmt ? 2 : 1);
		for (c = j->child; c; c = c->next) {
			for (size_t i = 0; fmt && i <= depth; i++)
				hoist_buf_append(b, "\t", 1);
			hoist_json_put_string(b, c->string ? c->string : "");
			hoist_buf_append(b, ":\t", fmt ? 2 : 1);
			if (!put_value(b, c, fmt, depth + 1))
				return false;
			if (c->next)
				hoist_buf_append(b, ",", 1);
			if (fmt)
				hoist_buf_append(b, "\n", 1);
		}
		for (size_t i = 0; fmt && i < depth; i++)
			hoist_buf_append(b, "\t", 1);
		hoist_buf_append(b, "}", 1);
		return true;
	default:
		return false;
	}
}

char *hoist_json_print(const cJSON *j, bool formatted)
{
	struct hoist_buf b;
	hoist_json_init();
	hoist_buf_init(&b, 0);
	if (!j || !put_value(&b, j, formatted, 0)) {
		/* What cJSON_Print did with an item it cannot print: fail as out of memory. */
		hoist_buf_done(&b);
		hoist_xmalloc((size_t)-1);
		return NULL;
	}
	return hoist_buf_detach(&b, NULL);
}

bool hoist_double_to_int(double d, long long min, long long max, long long *out)
{
	long long n;
	/* Range-checked as a double first: casting a value that does not fit is undefined.
	 * (double)LLONG_MAX rounds up to 2^63, so the bounds are strict. */
	if (!isfinite(d) || !(d > -9223372036854775808.0 && d < 9223372036854775808.0))
		return false;
	n = (long long)d;
	if (n < min || n > max)
		return false;
	*out = n;
	return true;
}

long long hoist_json_int(const cJSON *v, long long min, long long max, long long fallback)
{
	long long n;
	if (!cJSON_IsNumber(v) || !hoist_double_to_int(v->valuedouble, min, max, &n))
		return fallback;
	return n;
}

const char *hoist_json_get_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *hoist_json_get_strdup(const cJSON *o, const char *key)
{
	const char *s = hoist_json_get_str(o, key);
	return s ? hoist_xstrdup(s) : NULL;
}

long long hoist_json_get_int(const cJSON *o, const char *key, long long min, long long max,
			     long long fallback)
{
	return hoist_json_int(cJSON_GetObjectItemCaseSensitive(o, key), min, max, fallback);
}

bool hoist_json_get_bool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* json.c: cJSON's one set-up for the process, valid UTF-8 out, checked numbers in. */
#include "config.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
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

char *hoist_json_print(const cJSON *j, bool formatted)
{
	char *text, *fixed;
	size_t len;
	hoist_json_init();
	text = formatted ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
	if (!text) {
		hoist_xmalloc((size_t)-1); /* cJSON only fails for lack of memory */
		return NULL;
	}
	len = strlen(text);
	/* cJSON copies string bytes as they are: repair what a peer sent ill-formed. */
	if (hoist_utf8_valid(text, len))
		return text;
	fixed = hoist_utf8_repair(text, len);
	free(text);
	return fixed;
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

/* xalloc.c: allocation that never returns NULL. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xalloc.h"

/* Set once by a face at start-up; called before aborting. */
static void (*oom_hook)(void);

void hoist_set_oom_hook(void (*hook)(void))
{
	oom_hook = hook;
}

void hoist_xalloc_fatal(const char *msg)
{
	if (oom_hook)
		oom_hook();
	/* The only place the engine writes to a stream: nothing else can be trusted now. */
	if (fwrite(msg, 1, strlen(msg), stderr) == 0)
		abort();
	abort();
}

static void oom(void)
{
	hoist_xalloc_fatal("hoist: out of memory\n");
}

void *hoist_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *hoist_xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *hoist_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *hoist_xgrow(void *p, size_t *count, size_t need, size_t n)
{
	size_t c = *count;
	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > ((size_t)-1) / 2 / (n ? n : 1))
			oom();
		c *= 2;
	}
	p = hoist_xrealloc(p, c * n);
	*count = c;
	return p;
}

char *hoist_xstrdup(const char *s)
{
	return hoist_xstrndup(s, strlen(s));
}

char *hoist_xstrndup(const char *s, size_t n)
{
	char *p = hoist_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *hoist_xvasprintf(const char *fmt, va_list ap)
{
	char *p;
	va_list copy;
	int n;
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		n = 0;
	p = hoist_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *hoist_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	p = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

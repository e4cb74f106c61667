/* xalloc.h: the one allocation family; out of memory calls a hook, then aborts. */
#ifndef HOIST_XALLOC_H
#define HOIST_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* A face sets this to restore the terminal before an out-of-memory abort. */
void hoist_set_oom_hook(void (*hook)(void));

/* The hook, msg on stderr, abort: for out of memory, and a libcurl that will not load. */
void hoist_xalloc_fatal(const char *msg) __attribute__((noreturn));

void *hoist_xmalloc(size_t n);
void *hoist_xcalloc(size_t count, size_t n);
void *hoist_xrealloc(void *p, size_t n);
/* Grows an array of count elements of size n to at least need elements. */
void *hoist_xgrow(void *p, size_t *count, size_t need, size_t n);
char *hoist_xstrdup(const char *s);
char *hoist_xstrndup(const char *s, size_t n);
char *hoist_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *hoist_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif

/* status.c: messages for enum hoist_status and the error object. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "status.h"
#include "text.h"
#include "xalloc.h"

static const char *const messages[] = {
#define HOIST_STATUS_MSG(name, exit, msg) msg,
	HOIST_STATUS_INFO(HOIST_STATUS_MSG)
#undef HOIST_STATUS_MSG
};

static const char *const names[] = {
#define HOIST_STATUS_NAME(name, exit, msg) #name,
	HOIST_STATUS_INFO(HOIST_STATUS_NAME)
#undef HOIST_STATUS_NAME
};

const char *hoist_strerror(enum hoist_status st)
{
	if ((unsigned)st >= HOIST_STATUS_COUNT)
		return _("unknown error");
	return _(messages[st]);
}

const char *hoist_status_name(enum hoist_status st)
{
	/* Lower-case copies, made once; the table is small and never freed. */
	static char lower[HOIST_STATUS_COUNT][16];
	if ((unsigned)st >= HOIST_STATUS_COUNT)
		return "unknown";
	if (!lower[st][0]) {
		size_t i;
		for (i = 0; names[st][i] && i < sizeof lower[st] - 1; i++)
			lower[st][i] = (char)(names[st][i] | 0x20);
		for (char *p = lower[st]; *p; p++)
			if (*p == ('_' | 0x20))
				*p = '-';
	}
	return lower[st];
}

static const unsigned char exit_codes[] = {
#define HOIST_STATUS_EXIT(name, exit, msg) HOIST_EXIT_##exit,
	HOIST_STATUS_INFO(HOIST_STATUS_EXIT)
#undef HOIST_STATUS_EXIT
};

static const struct hoist_exit_info exit_info[] = {
#define HOIST_EXIT_ROW(name, code, msg) { #name, code, msg },
	HOIST_EXIT_INFO(HOIST_EXIT_ROW)
#undef HOIST_EXIT_ROW
};

int hoist_status_exit_code(enum hoist_status st)
{
	if ((unsigned)st >= HOIST_STATUS_COUNT)
		return HOIST_EXIT_FAILED;
	return exit_codes[st];
}

const struct hoist_exit_info *hoist_exit_codes(size_t *n)
{
	*n = sizeof exit_info / sizeof *exit_info;
	return exit_info;
}

void hoist_error_init(struct hoist_error *err)
{
	err->status = HOIST_OK;
	err->message = NULL;
}

void hoist_error_done(struct hoist_error *err)
{
	if (!err)
		return;
	free(err->message);
	err->message = NULL;
	err->status = HOIST_OK;
}

void hoist_error_clear(struct hoist_error *err)
{
	hoist_error_done(err);
}

enum hoist_status hoist_error_vset(struct hoist_error *err, enum hoist_status st,
				   const char *fmt, va_list ap)
{
	if (!err)
		return st;
	free(err->message);
	err->message = NULL;
	if (fmt) {
		/* A server may echo the key in its answer: no message ever carries it. */
		char *raw = hoist_xvasprintf(fmt, ap);
		err->message = hoist_secret_scrub(raw);
		free(raw);
	}
	err->status = st;
	return st;
}

enum hoist_status hoist_error_set(struct hoist_error *err, enum hoist_status st,
				  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hoist_error_vset(err, st, fmt, ap);
	va_end(ap);
	return st;
}

void hoist_error_prefix(struct hoist_error *err, const char *fmt, ...)
{
	va_list ap;
	char *pre, *joined;
	if (!err)
		return;
	va_start(ap, fmt);
	pre = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	joined = hoist_xasprintf("%s: %s", pre, hoist_error_message(err));
	free(pre);
	free(err->message);
	err->message = hoist_secret_scrub(joined);
	free(joined);
}

const char *hoist_error_message(const struct hoist_error *err)
{
	if (!err)
		return "";
	if (err->message)
		return err->message;
	return hoist_strerror(err->status);
}

/* error.c: messages for enum hoist_status and the error object. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "i18n.h"
#include "error.h"
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
	err->parts = NULL;
	err->n_parts = 0;
}

void hoist_error_parts_free(struct hoist_error_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(parts[i].text);
		free(parts[i].msgid);
		hoist_i18n_args_free(parts[i].args, parts[i].n_args);
	}
	free(parts);
}

struct hoist_error_part *hoist_error_parts_copy(const struct hoist_error_part *parts, size_t n)
{
	struct hoist_error_part *c;
	if (!n)
		return NULL;
	c = hoist_xcalloc(n, sizeof *c);
	for (size_t i = 0; i < n; i++) {
		c[i].text = hoist_xstrdup(parts[i].text ? parts[i].text : "");
		c[i].msgid = parts[i].msgid ? hoist_xstrdup(parts[i].msgid) : NULL;
		c[i].args = parts[i].n_args ? hoist_xcalloc(parts[i].n_args, sizeof *c[i].args)
					    : NULL;
		for (size_t k = 0; k < parts[i].n_args; k++)
			c[i].args[k] = hoist_xstrdup(parts[i].args[k] ? parts[i].args[k] : "");
		c[i].n_args = parts[i].n_args;
	}
	return c;
}

void hoist_error_done(struct hoist_error *err)
{
	if (!err)
		return;
	free(err->message);
	hoist_error_parts_free(err->parts, err->n_parts);
	hoist_error_init(err);
}

void hoist_error_clear(struct hoist_error *err)
{
	hoist_error_done(err);
}

void hoist_error_move(struct hoist_error *dst, struct hoist_error *src)
{
	if (!dst || dst == src)
		return;
	hoist_error_done(dst);
	if (!src)
		return;
	*dst = *src;
	hoist_error_init(src);
}

void hoist_error_copy(struct hoist_error *dst, const struct hoist_error *src)
{
	if (!dst || dst == src)
		return;
	hoist_error_done(dst);
	if (!src)
		return;
	dst->status = src->status;
	dst->message = src->message ? hoist_xstrdup(src->message) : NULL;
	dst->parts = hoist_error_parts_copy(src->parts, src->n_parts);
	dst->n_parts = src->n_parts;
}

/*
 * Puts a part at the front (at_front) or makes it the only one: its text (scrubbed: a
 * server may echo the key in its answer, and no message ever carries it), its kept
 * format and arguments (taken; args scrubbed too).
 */
static void add_part(struct hoist_error *err, const char *text, char *kept, char **args,
		     size_t n_args, bool at_front)
{
	struct hoist_error_part p;
	p.text = hoist_secret_scrub(text);
	p.msgid = kept;
	p.args = args;
	p.n_args = n_args;
	for (size_t i = 0; i < n_args; i++) {
		char *clean = hoist_secret_scrub(args[i] ? args[i] : "");
		free(args[i]);
		args[i] = clean;
	}
	if (!at_front) {
		hoist_error_parts_free(err->parts, err->n_parts);
		err->parts = NULL;
		err->n_parts = 0;
	}
	err->parts = hoist_xrealloc(err->parts, (err->n_parts + 1) * sizeof *err->parts);
	memmove(err->parts + 1, err->parts, err->n_parts * sizeof *err->parts);
	err->parts[0] = p;
	err->n_parts++;
}

enum hoist_status hoist_error_vset(struct hoist_error *err, enum hoist_status st,
				   const char *fmt, va_list ap)
{
	if (!err)
		return st;
	hoist_error_done(err);
	if (fmt) {
		char *raw = hoist_xvasprintf(fmt, ap);
		err->message = hoist_secret_scrub(raw);
		add_part(err, raw, NULL, NULL, 0, false);
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

enum hoist_status hoist_error_vsay(struct hoist_error *err, enum hoist_status st,
				   const char *msgid, va_list ap)
{
	char *raw, *kept = NULL, **args = NULL;
	size_t n = 0;
	if (!err)
		return st;
	hoist_error_done(err);
	if (msgid) {
		raw = hoist_i18n_vsay(msgid, ap, &kept, &args, &n);
		err->message = hoist_secret_scrub(raw);
		add_part(err, raw, kept, args, n, false);
		free(raw);
	}
	err->status = st;
	return st;
}

enum hoist_status hoist_error_say(struct hoist_error *err, enum hoist_status st,
				  const char *msgid, ...)
{
	va_list ap;
	va_start(ap, msgid);
	hoist_error_vsay(err, st, msgid, ap);
	va_end(ap);
	return st;
}

/* pre (and its kept format and arguments, taken) before the current message. */
static void prefix_part(struct hoist_error *err, const char *pre, char *kept, char **args,
			size_t n_args)
{
	char *joined;
	if (!err->n_parts) {
		/* No message yet: the cause is the status's meaning, itself a msgid. */
		const char *id = err->message ? NULL
			       : (unsigned)err->status < HOIST_STATUS_COUNT ? messages[err->status]
									    : NULL;
		add_part(err, hoist_error_message(err), id ? hoist_xstrdup(id) : NULL, NULL, 0,
			 false);
	}
	joined = hoist_xasprintf("%s: %s", pre, hoist_error_message(err));
	free(err->message);
	err->message = hoist_secret_scrub(joined);
	free(joined);
	add_part(err, pre, kept, args, n_args, true);
}

void hoist_error_prefix(struct hoist_error *err, const char *fmt, ...)
{
	va_list ap;
	char *pre;
	if (!err)
		return;
	va_start(ap, fmt);
	pre = hoist_xvasprintf(fmt, ap);
	va_end(ap);
	prefix_part(err, pre, NULL, NULL, 0);
	free(pre);
}

void hoist_error_prefix_say(struct hoist_error *err, const char *msgid, ...)
{
	va_list ap;
	char *pre, *kept = NULL, **args = NULL;
	size_t n = 0;
	if (!err)
		return;
	va_start(ap, msgid);
	pre = hoist_i18n_vsay(msgid, ap, &kept, &args, &n);
	va_end(ap);
	prefix_part(err, pre, kept, args, n);
	free(pre);
}

const char *hoist_error_message(const struct hoist_error *err)
{
	if (!err)
		return "";
	if (err->message)
		return err->message;
	return hoist_strerror(err->status);
}

char *hoist_error_parts_render(const struct hoist_error_part *parts, size_t n)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	hoist_buf_append(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		char *said = parts[i].msgid ? hoist_i18n_render(parts[i].msgid, NULL, 0,
								 parts[i].args, parts[i].n_args)
					    : NULL;
		const char *t = said ? said : parts[i].text ? parts[i].text : "";
		if (i)
			hoist_buf_append(&b, ": ", 2);
		hoist_buf_append(&b, t, strlen(t));
		free(said);
	}
	return hoist_buf_detach(&b, NULL);
}

char *hoist_error_render(const struct hoist_error *err)
{
	if (!err || !err->n_parts)
		return hoist_xstrdup(hoist_error_message(err));
	return hoist_error_parts_render(err->parts, err->n_parts);
}

/*
 * journal_event.c: the journal's event: made, said (its message kept for a reader in
 * another language), written as one line of JSON with secrets scrubbed, and read back.
 */
#include "config.h"
#include <limits.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "buf.h"
#include "json.h"
#include "i18n.h"
#include "journal_int.h"
#include "xalloc.h"

#define REDACTED "[redacted]"

static const char *const type_names[] = {
	"run-start", "step-start", "progress", "log", "step-end", "prompt", "run-end", "unknown"
};

static const char *const outcome_names[] = { "", "ok", "failed", "skipped", "cancelled" };
static const char *const end_names[] = { "", "done", "undone", "failed", "interrupted" };

/* ---- events ---- */

void hoist_event_init(struct hoist_event *ev, enum hoist_event_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->bytes = ev->total = -1;
	ev->tasks_left = -1;
	ev->exit_code = -1;
	ev->evidence.size = -1;
}

static void message_clear(struct hoist_event *ev)
{
	free(ev->message);
	free(ev->msgid);
	free(ev->plural);
	hoist_i18n_args_free(ev->args, ev->n_args);
	free(ev->text);
	hoist_error_parts_free(ev->cause, ev->n_cause);
	ev->message = ev->msgid = ev->plural = ev->text = NULL;
	ev->plural_n = 0;
	ev->args = NULL;
	ev->n_args = 0;
	ev->cause = NULL;
	ev->n_cause = 0;
}

void hoist_event_done(struct hoist_event *ev)
{
	if (!ev)
		return;
	free(ev->type_name);
	free(ev->step);
	free(ev->node);
	free(ev->hop);
	message_clear(ev);
	free(ev->run_id);
	free(ev->from_version);
	free(ev->to_version);
	free(ev->kind);
	free(ev->strategy);
	free(ev->profile);
	for (size_t i = 0; i < ev->n_steps; i++) {
		free(ev->steps[i].step);
		free(ev->steps[i].node);
		free(ev->steps[i].hop);
	}
	free(ev->steps);
	free(ev->stream);
	hoist_evidence_done(&ev->evidence);
	free(ev->prompt);
	hoist_event_init(ev, HOIST_EVENT_UNKNOWN);
}

void hoist_event_add_step(struct hoist_event *ev, const char *step, const char *node,
			  const char *hop)
{
	ev->steps = hoist_xrealloc(ev->steps, (ev->n_steps + 1) * sizeof *ev->steps);
	ev->steps[ev->n_steps].step = hoist_xstrdup(step);
	ev->steps[ev->n_steps].node = node ? hoist_xstrdup(node) : NULL;
	ev->steps[ev->n_steps].hop = hop ? hoist_xstrdup(hop) : NULL;
	ev->n_steps++;
}

void hoist_event_vsay(struct hoist_event *ev, const char *msgid, va_list ap)
{
	message_clear(ev);
	ev->message = hoist_i18n_vsay(msgid, ap, &ev->msgid, &ev->args, &ev->n_args);
}

void hoist_event_say_n(struct hoist_event *ev, const char *msgid, const char *plural,
		       unsigned long n, ...)
{
	va_list ap;
	message_clear(ev);
	va_start(ap, n);
	ev->message = hoist_i18n_vsay_n(msgid, plural, n, ap, &ev->msgid, &ev->args, &ev->n_args);
	va_end(ap);
	if (ev->msgid) {
		ev->plural = hoist_xstrdup(plural);
		ev->plural_n = n;
	}
}

void hoist_event_say(struct hoist_event *ev, const char *msgid, ...)
{
	va_list ap;
	va_start(ap, msgid);
	hoist_event_vsay(ev, msgid, ap);
	va_end(ap);
}

void hoist_event_set_message(struct hoist_event *ev, const char *text)
{
	message_clear(ev);
	ev->message = text ? hoist_xstrdup(text) : NULL;
}

void hoist_event_set_cause(struct hoist_event *ev, const struct hoist_error *err)
{
	hoist_error_parts_free(ev->cause, ev->n_cause);
	ev->cause = NULL;
	ev->n_cause = 0;
	if (!err)
		return;
	if (!ev->message && !ev->msgid)
		ev->message = hoist_xstrdup(hoist_error_message(err));
	ev->cause = hoist_error_parts_copy(err->parts, err->n_parts);
	ev->n_cause = err->n_parts;
}

const char *hoist_event_text(const struct hoist_event *ev)
{
	return ev->text ? ev->text : ev->message;
}

const char *hoist_event_type_name(enum hoist_event_type t)
{
	return (unsigned)t <= HOIST_EVENT_UNKNOWN ? type_names[t] : "unknown";
}

enum hoist_event_type hoist_event_type_parse(const char *name)
{
	for (int i = 0; i < HOIST_EVENT_UNKNOWN; i++)
		if (name && strcmp(name, type_names[i]) == 0)
			return (enum hoist_event_type)i;
	return HOIST_EVENT_UNKNOWN;
}

const char *hoist_outcome_name(enum hoist_outcome o)
{
	return (unsigned)o <= HOIST_OUTCOME_CANCELLED ? outcome_names[o] : "";
}

const char *hoist_end_name(enum hoist_end e)
{
	return (unsigned)e <= HOIST_END_INTERRUPTED ? end_names[e] : "";
}

/* A run-end's status; the names of older journals ("ok", "cancelled") too. */
static enum hoist_end end_parse(const char *s)
{
	for (int i = 1; i <= HOIST_END_INTERRUPTED; i++)
		if (s && strcmp(s, end_names[i]) == 0)
			return (enum hoist_end)i;
	if (s && !strcmp(s, "ok"))
		return HOIST_END_DONE;
	/* An older run's revert was never checked: its guide decides. */
	return s && *s ? HOIST_END_FAILED : HOIST_END_NONE;
}

static enum hoist_outcome outcome_parse(const char *s)
{
	for (int i = 1; i <= HOIST_OUTCOME_CANCELLED; i++)
		if (s && strcmp(s, outcome_names[i]) == 0)
			return (enum hoist_outcome)i;
	return HOIST_OUTCOME_NONE;
}

char *journal_scrub(const struct journal_secrets *sc, const char *text)
{
	struct hoist_buf b;
	const char *p = text;
	if (!sc || !sc->n)
		return hoist_xstrdup(text);
	hoist_buf_init(&b, 0);
	hoist_buf_append(&b, "", 0);
	while (*p) {
		size_t best = 0;
		for (size_t i = 0; i < sc->n; i++) {
			size_t len = strlen(sc->secrets[i]);
			if (len > best && strncmp(p, sc->secrets[i], len) == 0)
				best = len;
		}
		if (best) {
			hoist_buf_puts(&b, REDACTED);
			p += best;
		} else {
			hoist_buf_append(&b, p++, 1);
		}
	}
	return hoist_buf_detach(&b, NULL);
}

static void add_str(cJSON *o, const char *key, const char *value, const struct journal_secrets *sc)
{
	char *clean;
	if (!value)
		return;
	clean = journal_scrub(sc, value);
	cJSON_AddStringToObject(o, key, clean);
	free(clean);
}

static void iso_time(long long t_ms, char out[64])
{
	time_t s = (time_t)(t_ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(t_ms % 1000));
}

char *journal_event_line(const struct hoist_event *ev, const struct journal_secrets *sc)
{
	cJSON *o = cJSON_CreateObject();
	char when[64], *line, *copy;
	cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
	cJSON_AddNumberToObject(o, "t", (double)ev->t_ms);
	iso_time(ev->t_ms, when);
	cJSON_AddStringToObject(o, "time", when);
	add_str(o, "event", ev->type == HOIST_EVENT_UNKNOWN && ev->type_name ? ev->type_name
									     : hoist_event_type_name(ev->type), sc);
	add_str(o, "step", ev->step, sc);
	add_str(o, "node", ev->node, sc);
	if (ev->hop)
		add_str(o, "hop", ev->hop, sc);
	if (ev->revert)
		cJSON_AddStringToObject(o, "phase", "revert");
	switch (ev->type) {
	case HOIST_EVENT_RUN_START:
		add_str(o, "run_id", ev->run_id, sc);
		add_str(o, "from", ev->from_version, sc);
		add_str(o, "to", ev->to_version, sc);
		add_str(o, "kind", ev->kind, sc);
		add_str(o, "strategy", ev->strategy, sc);
		add_str(o, "profile", ev->profile, sc);
		if (ev->dry_run)
			cJSON_AddStringToObject(o, "mode", "dry-run");
		if (ev->n_steps) {
			cJSON *a = cJSON_AddArrayToObject(o, "steps");
			for (size_t i = 0; i < ev->n_steps; i++) {
				cJSON *s = cJSON_CreateObject();
				add_str(s, "step", ev->steps[i].step, sc);
				add_str(s, "node", ev->steps[i].node, sc);
				if (ev->steps[i].hop)
					add_str(s, "hop", ev->steps[i].hop, sc);
				cJSON_AddItemToArray(a, s);
			}
		}
		break;
	case HOIST_EVENT_PROGRESS:
		if (ev->bytes >= 0)
			cJSON_AddNumberToObject(o, "bytes", (double)ev->bytes);
		if (ev->total >= 0)
			cJSON_AddNumberToObject(o, "total", (double)ev->total);
		if (ev->tasks_left >= 0)
			cJSON_AddNumberToObject(o, "tasks_left", (double)ev->tasks_left);
		break;
	case HOIST_EVENT_LOG:
		add_str(o, "stream", ev->stream, sc);
		break;
	case HOIST_EVENT_STEP_END:
	case HOIST_EVENT_RUN_END:
		if (ev->type == HOIST_EVENT_RUN_END && ev->end != HOIST_END_NONE)
			cJSON_AddStringToObject(o, "status", hoist_end_name(ev->end));
		else if (ev->outcome != HOIST_OUTCOME_NONE)
			cJSON_AddStringToObject(o, "status", hoist_outcome_name(ev->outcome));
		if (ev->exit_code >= 0)
			cJSON_AddNumberToObject(o, "exit_code", ev->exit_code);
		if (ev->evidence.path) {
			cJSON *e = cJSON_AddObjectToObject(o, "evidence");
			add_str(e, "path", ev->evidence.path, sc);
			if (ev->evidence.size >= 0)
				cJSON_AddNumberToObject(e, "size", (double)ev->evidence.size);
			add_str(e, "sha256", ev->evidence.sha256, sc);
			if (ev->evidence.time_ms > 0)
				cJSON_AddNumberToObject(e, "t", (double)ev->evidence.time_ms);
		}
		break;
	case HOIST_EVENT_PROMPT:
		add_str(o, "prompt", ev->prompt, sc);
		break;
	default:
		break;
	}
	add_str(o, "message", ev->message, sc);
	if (ev->msgid && ev->message) {
		cJSON *a;
		add_str(o, "msgid", ev->msgid, sc);
		if (ev->plural) {
			add_str(o, "plural", ev->plural, sc);
			cJSON_AddNumberToObject(o, "n", (double)ev->plural_n);
		}
		a = cJSON_AddArrayToObject(o, "args");
		for (size_t i = 0; i < ev->n_args; i++) {
			char *clean = journal_scrub(sc, ev->args[i] ? ev->args[i] : "");
			cJSON_AddItemToArray(a, cJSON_CreateString(clean));
			free(clean);
		}
	}
	if (ev->n_cause && ev->message) {
		cJSON *c = cJSON_AddArrayToObject(o, "cause");
		for (size_t i = 0; i < ev->n_cause; i++) {
			const struct hoist_error_part *p = &ev->cause[i];
			cJSON *po = cJSON_CreateObject(), *a;
			add_str(po, "message", p->text ? p->text : "", sc);
			if (p->msgid) {
				add_str(po, "msgid", p->msgid, sc);
				a = cJSON_AddArrayToObject(po, "args");
				for (size_t k = 0; k < p->n_args; k++) {
					char *clean = journal_scrub(sc, p->args[k] ? p->args[k] : "");
					cJSON_AddItemToArray(a, cJSON_CreateString(clean));
					free(clean);
				}
			}
			cJSON_AddItemToArray(c, po);
		}
	}
	line = hoist_json_print(o, false); /* node output may be ill-formed UTF-8 */
	cJSON_Delete(o);
	copy = hoist_xstrdup(line);
	cJSON_free(line);
	return copy;
}

char *hoist_event_to_json(const struct hoist_event *ev)
{
	return journal_event_line(ev, NULL);
}

/* A JSON array of strings, when it is one: a new array of copies in *out (NULL when empty). */
static bool get_strings(const cJSON *arr, char ***out, size_t *n_out)
{
	const cJSON *a;
	size_t n = 0;
	*out = NULL;
	*n_out = 0;
	if (arr && !cJSON_IsArray(arr))
		return false;
	cJSON_ArrayForEach(a, arr) {
		if (!cJSON_IsString(a) || !a->valuestring)
			return false;
		n++;
	}
	*out = n ? hoist_xcalloc(n, sizeof **out) : NULL;
	cJSON_ArrayForEach(a, arr)
		(*out)[(*n_out)++] = hoist_xstrdup(a->valuestring);
	return true;
}

/* The error the message carries ("cause"), when every part of it is whole. */
static void parse_cause(const cJSON *o, struct hoist_event *ev)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "cause"), *e;
	size_t n = 0;
	if (!ev->message || !cJSON_IsArray(c))
		return;
	cJSON_ArrayForEach(e, c) {
		if (!cJSON_IsObject(e) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")))
			return;
		n++;
	}
	if (!n)
		return;
	ev->cause = hoist_xcalloc(n, sizeof *ev->cause);
	cJSON_ArrayForEach(e, c) {
		struct hoist_error_part *p = &ev->cause[ev->n_cause++];
		p->text = hoist_json_get_strdup(e, "message");
		p->msgid = hoist_json_get_strdup(e, "msgid");
		if (p->msgid && !get_strings(cJSON_GetObjectItemCaseSensitive(e, "args"), &p->args,
					     &p->n_args)) {
			free(p->msgid);
			p->msgid = NULL;
		}
	}
}

/* The message said again with the reader's saying of its cause (journal.h); NULL: cannot. */
static char *render_with_cause(const struct hoist_event *ev)
{
	char *cause = hoist_error_parts_render(ev->cause, ev->n_cause), *said = NULL, *kept;
	if (!ev->msgid)
		return cause;
	if (ev->n_args) {
		kept = ev->args[ev->n_args - 1];
		ev->args[ev->n_args - 1] = cause;
		said = hoist_i18n_render(ev->msgid, ev->plural, ev->plural_n, ev->args,
					 ev->n_args);
		ev->args[ev->n_args - 1] = kept;
	}
	free(cause);
	return said;
}

/* The message's format and arguments, when whole, and the message in the reader's language. */
static void parse_said(const cJSON *o, struct hoist_event *ev)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(o, "args"), *a;
	size_t n = 0;
	parse_cause(o, ev);
	if (!ev->message || !(ev->msgid = hoist_json_get_strdup(o, "msgid"))) {
		if (ev->n_cause)
			ev->text = render_with_cause(ev);
		return;
	}
	cJSON_ArrayForEach(a, args) {
		if (!cJSON_IsString(a) || !a->valuestring) {
			free(ev->msgid);
			ev->msgid = NULL;
			return;
		}
		n++;
	}
	if (args && !cJSON_IsArray(args)) {
		free(ev->msgid);
		ev->msgid = NULL;
		return;
	}
	ev->plural = hoist_json_get_strdup(o, "plural");
	if (ev->plural) {
		long long pn = hoist_json_int(cJSON_GetObjectItemCaseSensitive(o, "n"), 0,
					      1000000000000000LL, -1);
		if (pn < 0) {
			free(ev->plural);
			ev->plural = NULL;
		} else {
			ev->plural_n = (unsigned long)pn;
		}
	}
	ev->args = n ? hoist_xcalloc(n, sizeof *ev->args) : NULL;
	cJSON_ArrayForEach(a, args)
		ev->args[ev->n_args++] = hoist_xstrdup(a->valuestring);
	if (ev->n_cause)
		ev->text = render_with_cause(ev);
	if (!ev->text)
		ev->text = hoist_i18n_render(ev->msgid, ev->plural, ev->plural_n, ev->args,
					     ev->n_args);
}

enum hoist_status hoist_event_parse(const char *line, size_t len, struct hoist_event *ev,
				    struct hoist_error *err)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const cJSON *seq, *steps, *e;
	char *status;

	hoist_event_init(ev, HOIST_EVENT_UNKNOWN);
	seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	ev->type_name = hoist_json_get_strdup(o, "event");
	if (!cJSON_IsObject(o) || hoist_json_int(seq, 1, LLONG_MAX, 0) < 1 || !ev->type_name) {
		cJSON_Delete(o);
		hoist_event_done(ev);
		return hoist_error_say(err, HOIST_PARSE,
				       N_("a journal line is not an event (it needs \"seq\" and \"event\")"));
	}
	ev->seq = (unsigned long long)hoist_json_int(seq, 1, LLONG_MAX, 0);
	ev->t_ms = hoist_json_get_int(o, "t", LLONG_MIN, LLONG_MAX, 0);
	ev->type = hoist_event_type_parse(ev->type_name);
	ev->step = hoist_json_get_strdup(o, "step");
	ev->node = hoist_json_get_strdup(o, "node");
	ev->hop = hoist_json_get_strdup(o, "hop");
	{
		const cJSON *ph = cJSON_GetObjectItemCaseSensitive(o, "phase");
		const cJSON *mode = cJSON_GetObjectItemCaseSensitive(o, "mode");
		ev->revert = cJSON_IsString(ph) && !strcmp(ph->valuestring, "revert");
		ev->dry_run = cJSON_IsString(mode) && !strcmp(mode->valuestring, "dry-run");
	}
	ev->message = hoist_json_get_strdup(o, "message");
	parse_said(o, ev);
	ev->run_id = hoist_json_get_strdup(o, "run_id");
	ev->from_version = hoist_json_get_strdup(o, "from");
	ev->to_version = hoist_json_get_strdup(o, "to");
	ev->kind = hoist_json_get_strdup(o, "kind");
	ev->strategy = hoist_json_get_strdup(o, "strategy");
	ev->profile = hoist_json_get_strdup(o, "profile");
	ev->stream = hoist_json_get_strdup(o, "stream");
	ev->prompt = hoist_json_get_strdup(o, "prompt");
	ev->bytes = hoist_json_get_int(o, "bytes", LLONG_MIN, LLONG_MAX, -1);
	ev->total = hoist_json_get_int(o, "total", LLONG_MIN, LLONG_MAX, -1);
	ev->tasks_left = (long)hoist_json_int(cJSON_GetObjectItemCaseSensitive(o, "tasks_left"),
					      LONG_MIN, LONG_MAX, -1);
	ev->exit_code = (int)hoist_json_int(cJSON_GetObjectItemCaseSensitive(o, "exit_code"),
					    INT_MIN, INT_MAX, -1);
	status = hoist_json_get_strdup(o, "status");
	ev->outcome = outcome_parse(status);
	if (ev->type == HOIST_EVENT_RUN_END)
		ev->end = end_parse(status);
	free(status);
	steps = cJSON_GetObjectItemCaseSensitive(o, "steps");
	cJSON_ArrayForEach(e, steps) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "step");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "node");
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(e, "hop");
		if (cJSON_IsString(s))
			hoist_event_add_step(ev, s->valuestring,
					     cJSON_IsString(n) ? n->valuestring : NULL,
					     cJSON_IsString(h) ? h->valuestring : NULL);
	}
	e = cJSON_GetObjectItemCaseSensitive(o, "evidence");
	if (cJSON_IsObject(e)) {
		ev->evidence.path = hoist_json_get_strdup(e, "path");
		ev->evidence.size = hoist_json_get_int(e, "size", LLONG_MIN, LLONG_MAX, -1);
		ev->evidence.sha256 = hoist_json_get_strdup(e, "sha256");
		ev->evidence.time_ms = hoist_json_get_int(e, "t", LLONG_MIN, LLONG_MAX, 0);
	}
	cJSON_Delete(o);
	return HOIST_OK;
}

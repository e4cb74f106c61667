/* event_out.c: a run's journal event for people (or its JSON line), and the names in it. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "i18n.h"
#include "journal.h"
#include "text.h"

void cli_clock_text(long long t_ms, char out[16])
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 16, "%H:%M:%S", &tm);
}

static const char *end_text(enum hoist_end e)
{
	switch (e) {
	case HOIST_END_DONE: return _("done");
	case HOIST_END_UNDONE: return _("stopped, everything undone");
	case HOIST_END_INTERRUPTED: return _("interrupted");
	default: return _("failed");
	}
}

const char *cli_run_kind_text(const char *kind)
{
	return kind && *kind ? _(kind) : "";
}

const char *cli_step_name(const char *step, const char *node, const char *hop, bool revert,
			  char *buf, size_t n)
{
	char plain[200];
	snprintf(plain, sizeof plain, "%s%s%s%s%s", step ? step : "", node ? " " : "",
		 node ? node : "", hop ? " @" : "", hop ? hop : "");
	if (revert)
		snprintf(buf, n, _("revert: %s"), plain);
	else
		snprintf(buf, n, "%s", plain);
	return buf;
}

static const char *where(const struct hoist_event *ev, char *buf, size_t n)
{
	return cli_step_name(ev->step, ev->node, ev->hop, ev->revert, buf, n);
}

void cli_print_event(const struct hoist_event *ev, bool json)
{
	char t[16], w[160];
	struct hoist_event shown;
	char *msg, *node;
	if (json) {
		char *line = hoist_event_to_json(ev);
		puts(line);
		free(line);
		fflush(stdout);
		return;
	}
	/* Node output and server messages: controls made visible before a terminal sees them. */
	shown = *ev;
	/* The message in the reader's language (the writer's when it cannot be said again). */
	shown.message = msg = hoist_event_text(ev) ? hoist_text_visible(hoist_event_text(ev), 0)
						    : NULL;
	shown.node = node = ev->node ? hoist_text_visible(ev->node, 0) : NULL;
	ev = &shown;
	cli_clock_text(ev->t_ms, t);
	switch (ev->type) {
	case HOIST_EVENT_RUN_START:
		printf(_("%s run %s: %s to %s (%s, %s), profile %s\n"), t,
		       ev->run_id ? ev->run_id : "", ev->from_version ? ev->from_version : "",
		       ev->to_version ? ev->to_version : "", cli_run_kind_text(ev->kind),
		       ev->strategy ? ev->strategy : "", ev->profile ? ev->profile : "");
		break;
	case HOIST_EVENT_STEP_START:
		printf(_("%s   %s ...\n"), t, where(ev, w, sizeof w));
		break;
	case HOIST_EVENT_STEP_END:
		if (ev->outcome == HOIST_OUTCOME_OK)
			printf(_("%s   %s: ok%s%s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ": " : "", ev->message ? ev->message : "");
		else if (ev->outcome == HOIST_OUTCOME_SKIPPED)
			printf(_("%s   %s: skipped%s%s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ": " : "", ev->message ? ev->message : "");
		else
			printf(_("%s   %s: FAILED: %s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_PROGRESS:
		/* Downloads report often and end with a log line: people see the tasks. */
		if (ev->tasks_left >= 0)
			printf(_("%s   %s: %s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_LOG:
		if (ev->stream && !strcmp(ev->stream, "engine"))
			printf(_("%s   %s\n"), t, ev->message ? ev->message : "");
		else if (ev->stream && !strcmp(ev->stream, "validation"))
			printf(_("%s   ERROR: %s: %s\n"), t, where(ev, w, sizeof w),
			       ev->message ? ev->message : "");
		else
			printf("%s     %s| %s\n", t, ev->node ? ev->node : "",
			       ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_PROMPT:
		/* A step done by hand: what to do, and how to check it off. */
		printf(_("%s   %s: BY HAND: %s\n"), t, where(ev, w, sizeof w),
		       ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_RUN_END:
		if (ev->end == HOIST_END_DONE ||
		    (ev->end == HOIST_END_NONE && ev->outcome == HOIST_OUTCOME_OK))
			printf(_("%s done: %s\n"), t, ev->message ? ev->message : "");
		else
			printf(_("%s the run ended (%s): %s\n"), t, end_text(ev->end),
			       ev->message ? ev->message : "");
		break;
	default:
		break;
	}
	free(msg);
	free(node);
	fflush(stdout);
}

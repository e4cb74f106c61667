/*
 * journal_summary.c: a run's journal folded into its summary: each step's state and last
 * message, the point of no return, an open prompt, the outcome (resume, status, guide).
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "journal_int.h"
#include "xalloc.h"

static const char *const step_state_names[] = { "pending", "running", "ok", "failed", "skipped" };
static const char *const run_state_names[] = { "none", "running", "done", "failed", "undone",
					       "interrupted" };

const char *hoist_step_state_name(enum hoist_step_state st)
{
	return (unsigned)st <= HOIST_STEP_SKIPPED ? step_state_names[st] : "pending";
}

const char *hoist_run_state_name(enum hoist_run_state st)
{
	return (unsigned)st <= HOIST_RUN_INTERRUPTED ? run_state_names[st] : "none";
}

void hoist_run_summary_init(struct hoist_run_summary *s)
{
	memset(s, 0, sizeof *s);
}

static void step_summary_done(struct hoist_step_summary *st)
{
	free(st->step);
	free(st->node);
	free(st->hop);
	free(st->message);
	free(st->text);
	hoist_evidence_done(&st->evidence);
}

void hoist_run_summary_done(struct hoist_run_summary *s)
{
	if (!s)
		return;
	free(s->run_id);
	free(s->from_version);
	free(s->to_version);
	free(s->kind);
	free(s->strategy);
	free(s->profile);
	free(s->message);
	free(s->text);
	free(s->open_prompt);
	for (size_t i = 0; i < s->n_steps; i++)
		step_summary_done(&s->steps[i]);
	free(s->steps);
	hoist_run_summary_init(s);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

const struct hoist_step_summary *hoist_run_summary_find(const struct hoist_run_summary *s,
							const char *step, const char *node)
{
	for (size_t i = 0; i < s->n_steps; i++)
		if (!s->steps[i].revert && same(s->steps[i].step, step) &&
		    same(s->steps[i].node, node))
			return &s->steps[i];
	return NULL;
}

const struct hoist_step_summary *hoist_run_summary_find_hop(const struct hoist_run_summary *s,
							    const char *step, const char *node,
							    const char *hop, bool revert)
{
	for (size_t i = 0; i < s->n_steps; i++)
		if (s->steps[i].revert == revert && same(s->steps[i].step, step) &&
		    same(s->steps[i].node, node) && same(s->steps[i].hop, hop))
			return &s->steps[i];
	return NULL;
}

static struct hoist_step_summary *step_of(struct hoist_run_summary *s, const char *step,
					  const char *node, const char *hop, bool revert)
{
	struct hoist_step_summary *st =
		(struct hoist_step_summary *)hoist_run_summary_find_hop(s, step, node, hop, revert);
	if (st)
		return st;
	s->steps = hoist_xgrow(s->steps, &s->alloc, s->n_steps + 1, sizeof *s->steps);
	st = &s->steps[s->n_steps++];
	memset(st, 0, sizeof *st);
	st->step = hoist_xstrdup(step);
	st->node = node ? hoist_xstrdup(node) : NULL;
	st->hop = hop ? hoist_xstrdup(hop) : NULL;
	st->revert = revert;
	st->state = HOIST_STEP_PENDING;
	st->exit_code = -1;
	st->bytes = st->total = -1;
	st->tasks_left = -1;
	st->evidence.size = -1;
	return st;
}

/* A log or progress line names no hop: it belongs to the step of that id and node running now. */
static struct hoist_step_summary *running_step(struct hoist_run_summary *s, const char *step,
					       const char *node, bool revert)
{
	for (size_t i = s->n_steps; i-- > 0;)
		if (s->steps[i].revert == revert && s->steps[i].state == HOIST_STEP_RUNNING &&
		    same(s->steps[i].step, step) && same(s->steps[i].node, node))
			return &s->steps[i];
	return NULL;
}

static void replace(char **dst, const char *src)
{
	if (!src)
		return;
	free(*dst);
	*dst = hoist_xstrdup(src);
}

/* The last thing said: the writer's message and the reader's text. */
static void said(char **message, char **text, const struct hoist_event *ev)
{
	replace(message, ev->message);
	replace(text, hoist_event_text(ev));
}

static bool is_pnr(const char *step)
{
	return step && strcmp(step, "db-upgrade") == 0;
}

void hoist_run_summary_apply(struct hoist_run_summary *s, const struct hoist_event *ev)
{
	struct hoist_step_summary *st = NULL;
	if (ev->seq > s->last_seq)
		s->last_seq = ev->seq;
	if (ev->t_ms > s->last_t_ms)
		s->last_t_ms = ev->t_ms;
	if (ev->step && !ev->hop &&
	    (ev->type == HOIST_EVENT_LOG || ev->type == HOIST_EVENT_PROGRESS))
		st = running_step(s, ev->step, ev->node, ev->revert);
	if (!st && ev->step && ev->type != HOIST_EVENT_RUN_START &&
	    ev->type != HOIST_EVENT_RUN_END && ev->type != HOIST_EVENT_UNKNOWN)
		st = step_of(s, ev->step, ev->node, ev->hop, ev->revert);
	if (ev->revert)
		s->reverting = true;
	switch (ev->type) {
	case HOIST_EVENT_RUN_START:
		replace(&s->run_id, ev->run_id);
		replace(&s->from_version, ev->from_version);
		replace(&s->to_version, ev->to_version);
		replace(&s->kind, ev->kind);
		replace(&s->strategy, ev->strategy);
		replace(&s->profile, ev->profile);
		s->state = HOIST_RUN_RUNNING;
		s->dry_run = s->dry_run || ev->dry_run;
		if (!s->started_ms)
			s->started_ms = ev->t_ms;
		s->ended_ms = 0;
		for (size_t i = 0; i < ev->n_steps; i++)
			step_of(s, ev->steps[i].step, ev->steps[i].node, ev->steps[i].hop, false);
		break;
	case HOIST_EVENT_STEP_START:
		/* A resume carries on a run that ended interrupted: it runs again. */
		if (s->state == HOIST_RUN_INTERRUPTED) {
			s->state = HOIST_RUN_RUNNING;
			s->ended_ms = 0;
		}
		if (!st)
			break;
		st->state = HOIST_STEP_RUNNING;
		st->started_ms = ev->t_ms;
		st->ended_ms = 0;
		st->exit_code = -1;
		said(&st->message, &st->text, ev);
		if (is_pnr(ev->step) && !ev->revert) {
			/* Each hop's database upgrade: the one under way is what counts. */
			s->pnr_started = true;
			s->pnr_ended = s->pnr_ok = false;
		}
		free(s->open_prompt);
		s->open_prompt = NULL;
		break;
	case HOIST_EVENT_PROGRESS:
		if (!st)
			break;
		if (ev->bytes >= 0)
			st->bytes = ev->bytes;
		if (ev->total >= 0)
			st->total = ev->total;
		if (ev->tasks_left >= 0)
			st->tasks_left = ev->tasks_left;
		said(&st->message, &st->text, ev);
		break;
	case HOIST_EVENT_LOG:
		if (st)
			said(&st->message, &st->text, ev);
		break;
	case HOIST_EVENT_STEP_END:
		if (!st)
			break;
		switch (ev->outcome) {
		case HOIST_OUTCOME_OK:
			st->state = HOIST_STEP_OK;
			break;
		case HOIST_OUTCOME_SKIPPED:
			st->state = HOIST_STEP_SKIPPED;
			break;
		default:
			st->state = HOIST_STEP_FAILED;
			break;
		}
		st->ended_ms = ev->t_ms;
		st->exit_code = ev->exit_code;
		said(&st->message, &st->text, ev);
		if (ev->evidence.path) {
			hoist_evidence_done(&st->evidence);
			st->evidence.path = hoist_xstrdup(ev->evidence.path);
			st->evidence.sha256 = ev->evidence.sha256 ? hoist_xstrdup(ev->evidence.sha256) : NULL;
			st->evidence.size = ev->evidence.size;
			st->evidence.time_ms = ev->evidence.time_ms;
		}
		if (is_pnr(ev->step) && !ev->revert) {
			s->pnr_started = true;
			s->pnr_ended = true;
			s->pnr_ok = ev->outcome == HOIST_OUTCOME_OK;
		}
		free(s->open_prompt);
		s->open_prompt = NULL;
		break;
	case HOIST_EVENT_PROMPT:
		free(s->open_prompt);
		s->open_prompt = hoist_xstrdup(ev->prompt ? ev->prompt : ev->message ? ev->message : "");
		break;
	case HOIST_EVENT_RUN_END:
		switch (ev->end != HOIST_END_NONE ? ev->end
			: ev->outcome == HOIST_OUTCOME_OK ? HOIST_END_DONE : HOIST_END_FAILED) {
		case HOIST_END_DONE: s->state = HOIST_RUN_OK; break;
		case HOIST_END_UNDONE: s->state = HOIST_RUN_UNDONE; break;
		case HOIST_END_INTERRUPTED: s->state = HOIST_RUN_INTERRUPTED; break;
		default: s->state = HOIST_RUN_FAILED; break;
		}
		s->reverting = false;
		s->ended_ms = ev->t_ms;
		said(&s->message, &s->text, ev);
		free(s->open_prompt);
		s->open_prompt = NULL;
		break;
	default:
		break;
	}
}

enum hoist_status hoist_journal_fold(const char *path, struct hoist_run_summary *s,
				     struct hoist_error *err)
{
	struct hoist_journal_reader *r;
	enum hoist_status st = hoist_journal_reader_open(path, &r, err);
	if (st != HOIST_OK)
		return st;
	for (;;) {
		struct hoist_event ev;
		bool got;
		st = hoist_journal_reader_next(r, &ev, &got, err);
		if (st == HOIST_PARSE) {
			s->bad_lines++;
			continue;
		}
		if (st != HOIST_OK || !got)
			break;
		hoist_run_summary_apply(s, &ev);
		hoist_event_done(&ev);
	}
	hoist_journal_reader_free(r);
	if (st == HOIST_OK)
		hoist_error_clear(err);
	return st;
}

const struct hoist_step_summary *hoist_run_summary_resume_point(const struct hoist_run_summary *s)
{
	for (size_t i = 0; i < s->n_steps; i++)
		if (!s->steps[i].revert && s->steps[i].state != HOIST_STEP_OK &&
		    s->steps[i].state != HOIST_STEP_SKIPPED)
			return &s->steps[i];
	return NULL;
}

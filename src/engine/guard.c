/* guard.c: the policy's verdict on a chosen target and the chain's read-first notes. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "feed_load.h"
#include "guard.h"
#include "i18n.h"
#include "notes.h"
#include "xalloc.h"

enum hoist_status hoist_guard_held(const struct hoist_policy *p, const struct hoist_feed *feed,
				   const struct hoist_version *current,
				   const struct hoist_version *target, char **held,
				   struct hoist_error *err)
{
	struct hoist_selection sel;
	enum hoist_status st;
	*held = NULL;
	memset(&sel, 0, sizeof sel);
	st = hoist_policy_evaluate(p, feed, current, &sel, err);
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; i < sel.n; i++) {
		const struct hoist_verdict *v = &sel.verdicts[i];
		if (hoist_version_cmp(&v->release->version, target))
			continue;
		if (!v->eligible && v->hold != HOIST_HOLD_STOP && v->hold != HOIST_HOLD_NONE)
			*held = hoist_xstrdup(v->reason && *v->reason ? v->reason
								      : hoist_hold_name(v->hold));
		break;
	}
	hoist_selection_done(&sel);
	return HOIST_OK;
}

char *hoist_guard_override_text(const struct hoist_version *target, const char *held,
				const char *reason)
{
	return hoist_xasprintf(_("%s held back by the policy (%s); override: %s"), target->text,
			       held, reason);
}

void hoist_guard_notes_init(struct hoist_guard_notes *g)
{
	memset(g, 0, sizeof *g);
}

void hoist_guard_notes_done(struct hoist_guard_notes *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].version);
		free(g->v[i].text);
	}
	free(g->v);
	free(g->compare_url);
	memset(g, 0, sizeof *g);
}

enum hoist_status hoist_guard_notes_of_plan(const struct hoist_config *cfg,
					    const struct hoist_plan *plan,
					    struct hoist_guard_notes *out, struct hoist_error *err)
{
	struct hoist_feed *feed = NULL;
	struct hoist_notes notes;
	enum hoist_status st;
	hoist_guard_notes_init(out);
	memset(&notes, 0, sizeof notes);
	if (hoist_version_cmp(&plan->from, &plan->to) >= 0)
		return HOIST_OK; /* a backup or a rollback: nothing new to read */
	st = hoist_feed_load_configured(cfg, &feed, err);
	if (st == HOIST_OK)
		st = hoist_notes_diff(feed, &plan->from, &plan->to, &notes, err);
	if (st == HOIST_OK) {
		out->feed_has_notes = notes.feed_has_notes;
		out->compare_url = notes.compare_url ? hoist_xstrdup(notes.compare_url) : NULL;
		out->v = hoist_xcalloc(notes.n_first + 1, sizeof *out->v);
		for (size_t i = 0; i < notes.n_first && i < notes.n; i++) {
			const struct hoist_note_entry *e = &notes.entries[i];
			if (e->kind != HOIST_NOTE_BREAKING && e->kind != HOIST_NOTE_DEPENDENCY &&
			    e->kind != HOIST_NOTE_SECURITY)
				continue;
			out->v[out->n].kind = e->kind;
			out->v[out->n].version = hoist_xstrdup(e->release->version.text);
			out->v[out->n].text = hoist_xstrdup(e->text);
			out->n++;
		}
		hoist_notes_done(&notes);
	}
	hoist_feed_free(feed);
	return st;
}

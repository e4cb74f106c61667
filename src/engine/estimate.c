/* estimate.c: the window estimate from comparable earlier runs. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "estimate.h"
#include "i18n.h"
#include "journal.h"
#include "rundir.h"
#include "xalloc.h"

static bool installed(const struct hoist_run_summary *s)
{
	for (size_t k = 0; k < s->n_steps; k++)
		if (!strcmp(s->steps[k].step, "install"))
			return true;
	return false;
}

/* First to last in-window step of a run; -1 without any. */
static long long window_of(const struct hoist_run_summary *s)
{
	long long lo = 0, hi = 0;
	for (size_t k = 0; k < s->n_steps; k++) {
		const struct hoist_step_info *info = hoist_step_info(s->steps[k].step);
		if (!info || !info->in_window || !s->steps[k].started_ms)
			continue;
		if (!lo || s->steps[k].started_ms < lo)
			lo = s->steps[k].started_ms;
		if (s->steps[k].ended_ms > hi)
			hi = s->steps[k].ended_ms;
	}
	return lo && hi >= lo ? hi - lo : -1;
}

/* Whether the run in dir is like plan: kind, strategy, nodes, hops (from its plan.json). */
static bool comparable(const char *dir, const struct hoist_run_summary *s,
		       const struct hoist_plan *plan)
{
	char *path = hoist_rundir_file(dir, HOIST_RUNDIR_PLAN);
	struct hoist_plan *p = NULL;
	bool like = false;
	if (s->kind && !strcmp(s->kind, hoist_kind_name(plan->kind)) && s->strategy &&
	    !strcmp(s->strategy, hoist_strategy_name(plan->strategy)) &&
	    hoist_plan_load(path, &p, NULL) == HOIST_OK)
		like = p->kind == plan->kind && p->strategy == plan->strategy &&
		       p->n_nodes == plan->n_nodes && p->n_stops == plan->n_stops;
	hoist_plan_free(p);
	free(path);
	return like;
}

void hoist_estimate_window(const char *state_dir, struct hoist_plan *plan)
{
	struct hoist_run_entry *runs = NULL;
	size_t n = 0;
	plan->window_estimate_ms = -1;
	plan->window_estimate_min_ms = -1;
	plan->window_estimate_runs = 0;
	free(plan->window_estimate_run);
	plan->window_estimate_run = NULL;
	if (hoist_rundir_list(state_dir, &runs, &n, NULL) != HOIST_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		char *journal = hoist_rundir_file(runs[i].path, HOIST_RUNDIR_JOURNAL);
		struct hoist_run_summary s;
		long long w;
		hoist_run_summary_init(&s);
		/* Only upgrades that ended well say how long a window lasts: not dry runs, not
		 * the checklist's backups, not a rollback (its kind is a downgrade). */
		if (hoist_journal_fold(journal, &s, NULL) == HOIST_OK && !s.dry_run &&
		    s.state == HOIST_RUN_OK && installed(&s) && (w = window_of(&s)) >= 0 &&
		    comparable(runs[i].path, &s, plan)) {
			if (!plan->window_estimate_runs++) {
				plan->window_estimate_run = hoist_xstrdup(runs[i].id);
				plan->window_estimate_ms = plan->window_estimate_min_ms = w;
			}
			if (w > plan->window_estimate_ms)
				plan->window_estimate_ms = w;
			if (w < plan->window_estimate_min_ms)
				plan->window_estimate_min_ms = w;
		}
		hoist_run_summary_done(&s);
		free(journal);
	}
	hoist_rundir_list_free(runs, n);
}

char *hoist_estimate_text(const struct hoist_plan *p)
{
	long long lo = (p->window_estimate_min_ms + 999) / 1000;
	long long hi = (p->window_estimate_ms + 999) / 1000;
	if (!p->window_estimate_runs || p->window_estimate_ms < 0)
		return hoist_xasprintf(_("no estimate: no earlier %s upgrade (%s, nodes: %zu, hops: "
					 "%zu) ended well here"),
				       hoist_kind_name(p->kind), hoist_strategy_name(p->strategy),
				       p->n_nodes, p->n_stops + 1);
	if (p->window_estimate_runs == 1 || lo == hi)
		return hoist_xasprintf(_("about %lld s, from %zu comparable runs (the newest: %s)"),
				       hi, p->window_estimate_runs,
				       p->window_estimate_run ? p->window_estimate_run : "?");
	return hoist_xasprintf(_("%lld to %lld s, from %zu comparable runs (the newest: %s)"), lo,
			       hi, p->window_estimate_runs,
			       p->window_estimate_run ? p->window_estimate_run : "?");
}

/* compare.c: `hoist-sandbox report DIR --compare FILE`: a replay lined up against the customer's run. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "bundle.h"
#include "conf.h"
#include "i18n.h"
#include "journal.h"
#include "rundir.h"
#include "sandbox.h"
#include "xalloc.h"

/* The newest run of the sandbox's hoist (its hoist.conf, HOIST_STATE_DIR as hoist reads it). */
static enum hoist_status replay_summary(const char *dir, struct hoist_run_summary *s,
					char **run_id, struct hoist_error *err)
{
	struct hoist_config c;
	char *conf = hoist_xasprintf("%s/hoist.conf", dir), *state = NULL, *rdir, *path;
	enum hoist_status st;
	*run_id = NULL;
	hoist_config_init(&c);
	st = hoist_config_load(&c, conf, err);
	if (st == HOIST_OK) {
		state = hoist_config_state_dir(&c);
		st = hoist_rundir_latest(state, run_id, err);
		if (st == HOIST_NOTFOUND)
			hoist_error_set(err, st, _("the sandbox's hoist has no run in %s yet: replay "
						   "the bundle's plan first"), state);
	}
	if (st == HOIST_OK) {
		rdir = hoist_rundir_path(state, *run_id);
		path = hoist_rundir_file(rdir, HOIST_RUNDIR_JOURNAL);
		st = hoist_journal_fold(path, s, err);
		free(path);
		free(rdir);
	}
	free(state);
	free(conf);
	hoist_config_done(&c);
	return st;
}

static void ms_text(long long ms, char out[32])
{
	if (ms < 0)
		snprintf(out, 32, "-");
	else
		snprintf(out, 32, "%lld ms", ms);
}

static const char *state_of(bool present, enum hoist_step_state st)
{
	return present ? hoist_step_state_name(st) : "absent";
}

static cJSON *side(bool present, enum hoist_step_state st, long long ms)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "state", state_of(present, st));
	if (ms >= 0)
		cJSON_AddNumberToObject(o, "ms", (double)ms);
	else
		cJSON_AddNullToObject(o, "ms");
	return o;
}

static void print_json(const struct hoist_bundle *b, const struct hoist_run_summary *ours,
		       const char *our_id, const struct hoist_bundle_row *rows, size_t n, bool same)
{
	cJSON *o = cJSON_CreateObject(), *c, *a;
	char *text;
	cJSON_AddBoolToObject(o, "same", same);
	c = cJSON_AddObjectToObject(o, "customer");
	cJSON_AddStringToObject(c, "run_id", b->run_id);
	cJSON_AddStringToObject(c, "state", hoist_run_state_name(b->journal.state));
	c = cJSON_AddObjectToObject(o, "sandbox");
	cJSON_AddStringToObject(c, "run_id", our_id);
	cJSON_AddStringToObject(c, "state", hoist_run_state_name(ours->state));
	a = cJSON_AddArrayToObject(o, "steps");
	for (size_t i = 0; i < n; i++) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "step", rows[i].step);
		if (rows[i].node)
			cJSON_AddStringToObject(r, "node", rows[i].node);
		else
			cJSON_AddNullToObject(r, "node");
		cJSON_AddItemToObject(r, "customer",
				      side(rows[i].in_theirs, rows[i].theirs, rows[i].theirs_ms));
		cJSON_AddItemToObject(r, "sandbox",
				      side(rows[i].in_ours, rows[i].ours, rows[i].ours_ms));
		cJSON_AddBoolToObject(r, "same", rows[i].same);
		cJSON_AddItemToArray(a, r);
	}
	text = cJSON_Print(o);
	printf("%s\n", text);
	free(text);
	cJSON_Delete(o);
}

static const struct hoist_bundle_row *first_failed(const struct hoist_bundle_row *rows, size_t n,
						   bool theirs)
{
	for (size_t i = 0; i < n; i++)
		if (theirs ? rows[i].in_theirs && rows[i].theirs == HOIST_STEP_FAILED
			   : rows[i].in_ours && rows[i].ours == HOIST_STEP_FAILED)
			return &rows[i];
	return NULL;
}

static void print_text(const struct hoist_bundle *b, const struct hoist_run_summary *ours,
		       const char *our_id, const struct hoist_bundle_row *rows, size_t n, bool same)
{
	const struct hoist_bundle_row *ft = first_failed(rows, n, true), *fo = first_failed(rows, n, false);
	printf(_("customer's run %s: %s; sandbox's run %s: %s\n"), b->run_id,
	       hoist_run_state_name(b->journal.state), our_id, hoist_run_state_name(ours->state));
	printf("%-18s %-10s %-10s %10s  %-10s %10s\n", _("STEP"), _("NODE"), _("CUSTOMER"), "",
	       _("SANDBOX"), "");
	for (size_t i = 0; i < n; i++) {
		char tm[32], om[32];
		ms_text(rows[i].theirs_ms, tm);
		ms_text(rows[i].ours_ms, om);
		printf("%-18s %-10s %-10s %10s  %-10s %10s%s\n", rows[i].step,
		       rows[i].node ? rows[i].node : "-", state_of(rows[i].in_theirs, rows[i].theirs),
		       tm, state_of(rows[i].in_ours, rows[i].ours), om,
		       rows[i].same ? "" : _("  <- differs"));
	}
	if (ft)
		printf(_("The customer's run failed at %s on %s.\n"), ft->step, ft->node ? ft->node : "-");
	if (fo)
		printf(_("The sandbox's run failed at %s on %s.\n"), fo->step, fo->node ? fo->node : "-");
	printf(same ? _("Same steps, same outcomes: the sandbox reproduces the customer's run.\n")
		    : _("The runs differ (marked above).\n"));
}

int sb_report_compare(const char *dir, const char *bundle, bool json)
{
	struct hoist_bundle *b = NULL;
	struct hoist_run_summary ours;
	struct hoist_bundle_row *rows = NULL;
	struct hoist_error err;
	char *our_id = NULL;
	size_t n = 0;
	bool same;
	hoist_error_init(&err);
	hoist_run_summary_init(&ours);
	if (hoist_bundle_load(bundle, &b, &err) != HOIST_OK ||
	    replay_summary(dir, &ours, &our_id, &err) != HOIST_OK) {
		fprintf(stderr, "hoist-sandbox: %s\n", hoist_error_message(&err));
		hoist_error_done(&err);
		hoist_bundle_free(b);
		hoist_run_summary_done(&ours);
		free(our_id);
		return 2;
	}
	same = hoist_bundle_compare(&b->journal, &ours, &rows, &n);
	if (json)
		print_json(b, &ours, our_id, rows, n, same);
	else
		print_text(b, &ours, our_id, rows, n, same);
	free(rows);
	free(our_id);
	hoist_run_summary_done(&ours);
	hoist_bundle_free(b);
	hoist_error_done(&err);
	return same ? 0 : 1;
}

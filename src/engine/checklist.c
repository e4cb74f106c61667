/* checklist.c: the backup checklist's items and evidence. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "checklist.h"
#include "i18n.h"
#include "journal.h"
#include "rundir.h"
#include "stage.h"
#include "xalloc.h"

/* The run engine's own check of confirmed files (run_prep.c) allows a day. */
#define DEFAULT_MAX_AGE_S (24L * 3600)

static const struct hoist_checklist_info items[HOIST_CHECKLIST_ITEMS] = {
	{ "backup-db", true, HOIST_CHECKLIST_AUTO_OR_FILE, N_("Database backup"),
	  N_("Taken by hoist (b), or a backup file you name (e) that is recent and not empty.") },
	{ "master-key", true, HOIST_CHECKLIST_AUTO_OR_FILE, N_("Master key"),
	  N_("Saved by hoist and checked against the server's canary (b), or a file you name (e).") },
	{ "license-key", false, HOIST_CHECKLIST_FILE, N_("License key"),
	  N_("A file holding the license key (e).") },
	{ "file-storage", false, HOIST_CHECKLIST_FILE, N_("File-storage folders"),
	  N_("A recent copy of the artifacts, task logs and packages folders (e).") },
	{ "restore-tested", false, HOIST_CHECKLIST_YES, N_("A tested restore"),
	  N_("You have restored a backup somewhere else and it worked (e, then y).") },
	{ "users-warned", false, HOIST_CHECKLIST_YES, N_("Users warned"),
	  N_("The people who deploy know when the maintenance window is (e, then y).") },
};

const struct hoist_checklist_info *hoist_checklist_info(size_t i)
{
	return i < HOIST_CHECKLIST_ITEMS ? &items[i] : NULL;
}

int hoist_checklist_find(const char *id)
{
	for (size_t i = 0; id && i < HOIST_CHECKLIST_ITEMS; i++)
		if (!strcmp(items[i].id, id))
			return (int)i;
	return -1;
}

void hoist_checklist_init(struct hoist_checklist *cl)
{
	memset(cl, 0, sizeof *cl);
	cl->max_age_s = DEFAULT_MAX_AGE_S;
}

void hoist_checklist_evidence_done(struct hoist_plan_evidence *e)
{
	free(e->item);
	free(e->path);
	free(e->sha256);
	free(e->time);
	memset(e, 0, sizeof *e);
}

void hoist_checklist_done(struct hoist_checklist *cl)
{
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++)
		hoist_checklist_evidence_done(&cl->entries[i].evidence);
	memset(cl->entries, 0, sizeof cl->entries);
}

static char *iso_time(time_t t)
{
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return hoist_xstrdup(buf);
}

enum hoist_status hoist_checklist_verify_file(const char *item, const char *path, long max_age_s,
					      struct hoist_plan_evidence *out,
					      struct hoist_error *err)
{
	struct stat sb;
	char sha[65];
	long long size = 0;
	time_t now = time(NULL);
	enum hoist_status st;
	memset(out, 0, sizeof *out);
	if (!path || !*path)
		return hoist_error_set(err, HOIST_USAGE, _("name a file as the evidence of %s"), item);
	if (stat(path, &sb) != 0)
		return hoist_error_set(err, HOIST_NOTFOUND, _("%s: %s"), path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return hoist_error_set(err, HOIST_STATE, _("%s is not a regular file"), path);
	if (sb.st_size == 0)
		return hoist_error_set(err, HOIST_STATE, _("%s is empty; it proves nothing"), path);
	if (max_age_s > 0 && now - sb.st_mtime > max_age_s)
		return hoist_error_set(err, HOIST_STATE,
				       _("%s is %lld hours old, older than the %ld hours allowed; "
					 "take a fresh one"),
				       path, (long long)(now - sb.st_mtime) / 3600, max_age_s / 3600);
	st = hoist_sha256_file(path, sha, &size, err);
	if (st != HOIST_OK)
		return st;
	out->item = hoist_xstrdup(item);
	out->path = hoist_xstrdup(path);
	out->size = size;
	out->sha256 = hoist_xstrdup(sha);
	out->time = iso_time(sb.st_mtime);
	out->by_engine = false;
	return HOIST_OK;
}

enum hoist_status hoist_checklist_give_file(struct hoist_checklist *cl, size_t i, const char *path,
					    struct hoist_error *err)
{
	struct hoist_plan_evidence e;
	enum hoist_status st;
	if (i >= HOIST_CHECKLIST_ITEMS || items[i].how == HOIST_CHECKLIST_YES)
		return hoist_error_set(err, HOIST_USAGE, _("this item takes a yes, not a file"));
	st = hoist_checklist_verify_file(items[i].id, path, cl->max_age_s, &e, err);
	if (st != HOIST_OK)
		return st;
	hoist_checklist_evidence_done(&cl->entries[i].evidence);
	cl->entries[i].evidence = e;
	cl->entries[i].done = true;
	return HOIST_OK;
}

void hoist_checklist_confirm(struct hoist_checklist *cl, size_t i, bool yes)
{
	struct hoist_checklist_entry *en;
	if (i >= HOIST_CHECKLIST_ITEMS || items[i].how != HOIST_CHECKLIST_YES)
		return;
	en = &cl->entries[i];
	hoist_checklist_evidence_done(&en->evidence);
	en->done = yes;
	if (yes) {
		en->evidence.item = hoist_xstrdup(items[i].id);
		en->evidence.size = -1;
		en->evidence.time = iso_time(time(NULL));
	}
}

static void copy_evidence(struct hoist_plan_evidence *d, const struct hoist_plan_evidence *s)
{
	d->item = hoist_xstrdup(s->item);
	d->path = s->path ? hoist_xstrdup(s->path) : NULL;
	d->size = s->size;
	d->sha256 = s->sha256 ? hoist_xstrdup(s->sha256) : NULL;
	d->time = s->time ? hoist_xstrdup(s->time) : NULL;
	d->by_engine = s->by_engine;
}

enum hoist_status hoist_checklist_from_run(struct hoist_checklist *cl,
					   const struct hoist_config *cfg, const char *run_id,
					   struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg);
	char *dir = hoist_rundir_path(state, run_id);
	char *plan_path = hoist_xasprintf("%s/plan.json", dir);
	char *journal = hoist_xasprintf("%s/journal.jsonl", dir);
	struct hoist_run_summary sum;
	struct hoist_plan *plan = NULL;
	enum hoist_status st;
	hoist_run_summary_init(&sum);
	st = hoist_journal_fold(journal, &sum, err);
	if (st == HOIST_OK && sum.state != HOIST_RUN_OK)
		st = hoist_error_set(err, HOIST_STATE, _("the backup run %s did not end well: %s"),
				     run_id, sum.message ? sum.message : _("no reason given"));
	if (st == HOIST_OK)
		st = hoist_plan_load(plan_path, &plan, err);
	for (size_t k = 0; st == HOIST_OK && k < plan->n_evidence; k++) {
		const struct hoist_plan_evidence *e = &plan->evidence[k];
		int i = hoist_checklist_find(e->item);
		if (i < 0 || !e->by_engine)
			continue;
		hoist_checklist_evidence_done(&cl->entries[i].evidence);
		copy_evidence(&cl->entries[i].evidence, e);
		cl->entries[i].done = true;
	}
	hoist_plan_free(plan);
	hoist_run_summary_done(&sum);
	free(journal);
	free(plan_path);
	free(dir);
	free(state);
	return st;
}

int hoist_checklist_missing(const struct hoist_checklist *cl)
{
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++)
		if (items[i].required && !cl->entries[i].done)
			return (int)i;
	return -1;
}

void hoist_checklist_record(const struct hoist_checklist *cl, struct hoist_plan *plan)
{
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++)
		if (cl->entries[i].done)
			hoist_plan_add_evidence(plan, &cl->entries[i].evidence);
}

/* checklist.c: the backup checklist's items and evidence. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include "checklist.h"
#include "exec.h"
#include "guide.h"
#include "profile.h"
#include "transport.h"
#include "i18n.h"
#include "journal.h"
#include "rundir.h"
#include "sha256.h"
#include "xalloc.h"

/* The run engine's own check of confirmed files (run_prep.c) allows a day. */
#define DEFAULT_MAX_AGE_S (24L * 3600)

static const struct hoist_checklist_info items[HOIST_CHECKLIST_ITEMS] = {
	{ "backup-db", true, HOIST_CHECKLIST_AUTO_OR_FILE, N_("Database backup"),
	  N_("Taken by hoist, or a backup file you name that is recent and not empty.") },
	{ "master-key", true, HOIST_CHECKLIST_AUTO_OR_FILE, N_("Master key"),
	  N_("Saved by hoist and checked against the server's canary, or a file you name.") },
	{ "license-key", false, HOIST_CHECKLIST_FILE, N_("License key"),
	  N_("A file holding the license key.") },
	{ "file-storage", false, HOIST_CHECKLIST_FILE, N_("File-storage folders"),
	  N_("A recent copy of the artifacts, task logs and packages folders.") },
	{ "restore-tested", false, HOIST_CHECKLIST_YES, N_("A tested restore"),
	  N_("You have restored a backup somewhere else and it worked.") },
	{ "users-warned", false, HOIST_CHECKLIST_YES, N_("Users warned"),
	  N_("The people who deploy know when the maintenance window is.") },
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

void hoist_checklist_evidence_done(struct hoist_evidence *e)
{
	hoist_evidence_done(e);
}

void hoist_checklist_done(struct hoist_checklist *cl)
{
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++) {
		hoist_checklist_evidence_done(&cl->entries[i].evidence);
		free(cl->entries[i].by_step);
		free(cl->entries[i].waiver);
	}
	memset(cl->entries, 0, sizeof cl->entries);
}

/* What a database backup file is, by its first bytes; NULL when hoist cannot tell. */
static const char *backup_format(const char *path)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} formats[] = {
		{ "TAPE", 4, N_("SQL Server backup") },
		{ "SQLite format 3", 16, N_("SQLite database") },
		{ "PGDMP", 5, N_("PostgreSQL dump") },
	};
	unsigned char head[16] = { 0 };
	size_t n = 0;
	FILE *f = fopen(path, "rb");
	if (f) {
		n = fread(head, 1, sizeof head, f);
		fclose(f);
	}
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (n >= formats[i].len && !memcmp(head, formats[i].magic, formats[i].len))
			return formats[i].what;
	return NULL;
}

static char *iso_time(time_t t)
{
	char buf[32];
	hoist_evidence_time((long long)t * 1000, buf);
	return hoist_xstrdup(buf);
}

enum hoist_status hoist_checklist_verify_file(const char *item, const char *path, long max_age_s,
					      struct hoist_evidence *out,
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
	if (S_ISDIR(sb.st_mode) && !strcmp(item, "file-storage")) {
		/* A copy of folders may well be a folder: its presence and time are what count. */
		out->item = hoist_xstrdup(item);
		out->path = hoist_xstrdup(path);
		out->size = -1;
		out->time = iso_time(sb.st_mtime);
		return HOIST_OK;
	}
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
	out->verified = !strcmp(item, "backup-db") && backup_format(path) != NULL;
	return HOIST_OK;
}

/* The node that holds the master key: the configuration's primary, else its first. */
static void key_node(const struct hoist_config *cfg, const char **name, const char **transport)
{
	*name = "node1";
	*transport = "local";
	for (size_t i = 0; i < cfg->n_nodes; i++)
		if (i == 0 || (cfg->nodes[i].role && !strcasecmp(cfg->nodes[i].role, "primary"))) {
			*name = cfg->nodes[i].name;
			*transport = cfg->nodes[i].transport ? cfg->nodes[i].transport : "local";
		}
}

/*
 * Runs the profile's check-master-key with the file on its standard input. *checked
 * stays false when the profile cannot check; a key that does not decrypt the canary is
 * HOIST_STATE.
 */
static enum hoist_status check_key(const struct hoist_config *cfg, const char *path,
				   bool *checked, struct hoist_error *err)
{
	struct hoist_profile *prof = NULL;
	struct hoist_profile_vars vars;
	struct hoist_profile_cmds cmds;
	struct hoist_transport *t = NULL;
	struct hoist_exec_options o;
	struct hoist_exec_result x;
	const char *node, *transport;
	enum hoist_status st;
	*checked = false;
	st = hoist_profile_from_config(cfg, NULL, &prof, err);
	if (st != HOIST_OK || !hoist_profile_has(prof, "check-master-key")) {
		hoist_profile_free(prof);
		return st;
	}
	key_node(cfg, &node, &transport);
	hoist_profile_vars_init(&vars);
	hoist_profile_cmds_init(&cmds);
	hoist_exec_result_init(&x);
	st = hoist_profile_vars_set(&vars, "node", node, err);
	if (st == HOIST_OK)
		st = hoist_profile_expand(prof, "check-master-key", &vars, &cmds, err);
	if (st == HOIST_OK)
		st = hoist_transport_new(node, transport, NULL, &t, err);
	hoist_exec_options_init(&o);
	o.action = "check-master-key";
	o.timeout_ms = hoist_profile_timeout_ms(prof, "check-master-key");
	o.stdin_path = path;
	for (size_t i = 0; st == HOIST_OK && i < cmds.n; i++) {
		hoist_exec_result_done(&x);
		hoist_exec_result_init(&x);
		st = hoist_transport_run(t, (const char *const *)cmds.argv[i], &o, &x, err);
	}
	if (st == HOIST_COMMAND)
		st = hoist_error_set(err, HOIST_STATE,
				     _("%s does not decrypt the server's canary: it is not this "
				       "server's master key"),
				     path);
	else if (st == HOIST_OK)
		*checked = true;
	if (t)
		hoist_transport_close(t, NULL);
	hoist_transport_free(t);
	hoist_exec_result_done(&x);
	hoist_profile_cmds_done(&cmds);
	hoist_profile_vars_done(&vars);
	hoist_profile_free(prof);
	return st;
}

enum hoist_status hoist_checklist_give_file(struct hoist_checklist *cl, size_t i, const char *path,
					    struct hoist_error *err)
{
	struct hoist_evidence e;
	enum hoist_status st;
	if (i >= HOIST_CHECKLIST_ITEMS || items[i].how == HOIST_CHECKLIST_YES)
		return hoist_error_set(err, HOIST_USAGE, _("this item takes a yes, not a file"));
	st = hoist_checklist_verify_file(items[i].id, path, cl->max_age_s, &e, err);
	if (st == HOIST_OK && !strcmp(items[i].id, "master-key") && cl->cfg)
		st = check_key(cl->cfg, path, &e.verified, err);
	if (st != HOIST_OK) {
		hoist_checklist_evidence_done(&e);
		return st;
	}
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


enum hoist_status hoist_checklist_from_run(struct hoist_checklist *cl,
					   const struct hoist_config *cfg, const char *run_id,
					   struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg);
	char *dir = hoist_rundir_path(state, run_id);
	char *plan_path = hoist_rundir_file(dir, HOIST_RUNDIR_PLAN);
	char *journal = hoist_rundir_file(dir, HOIST_RUNDIR_JOURNAL);
	struct hoist_run_summary sum;
	struct hoist_plan *plan = NULL;
	enum hoist_status st;
	hoist_run_summary_init(&sum);
	st = hoist_journal_fold(journal, &sum, err);
	if (st == HOIST_OK && sum.state != HOIST_RUN_OK)
		st = hoist_error_set(err, HOIST_STATE, _("the backup run %s did not end well: %s"),
				     run_id, sum.text ? sum.text : _("no reason given"));
	if (st == HOIST_OK)
		st = hoist_plan_load(plan_path, &plan, err);
	for (size_t k = 0; st == HOIST_OK && k < plan->n_evidence; k++) {
		const struct hoist_evidence *e = &plan->evidence[k];
		int i = hoist_checklist_find(e->item);
		if (i < 0 || !e->by_engine)
			continue;
		hoist_checklist_evidence_done(&cl->entries[i].evidence);
		hoist_evidence_copy(&cl->entries[i].evidence, e);
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

bool hoist_checklist_required(const struct hoist_checklist *cl, size_t i)
{
	if (i >= HOIST_CHECKLIST_ITEMS)
		return false;
	/* The major upgrade's guide restores the file-storage folders: there must be a copy. */
	return items[i].required || (cl->kind == HOIST_KIND_MAJOR && !strcmp(items[i].id, "file-storage"));
}

bool hoist_checklist_satisfied(const struct hoist_checklist *cl, size_t i)
{
	const struct hoist_checklist_entry *e;
	if (i >= HOIST_CHECKLIST_ITEMS)
		return false;
	e = &cl->entries[i];
	return e->done || e->by_step || e->waiver;
}

enum hoist_status hoist_checklist_waive(struct hoist_checklist *cl, size_t i, const char *reason,
					struct hoist_error *err)
{
	if (i >= HOIST_CHECKLIST_ITEMS)
		return hoist_error_set(err, HOIST_USAGE, _("there is no such checklist item"));
	if (items[i].required)
		return hoist_error_set(err, HOIST_USAGE,
				       _("%s cannot be waived: without it there is no way back"),
				       _(items[i].label));
	free(cl->entries[i].waiver);
	cl->entries[i].waiver = reason && *reason ? hoist_xstrdup(reason) : NULL;
	return HOIST_OK;
}

/* Which checklist item a plan step takes, and the profile action it needs. */
static const struct {
	const char *step, *action, *item;
} plan_items[] = {
	{ "backup-db", "db-backup", "backup-db" },
	{ "backup-master-key", "show-master-key", "master-key" },
};

void hoist_checklist_from_plan(struct hoist_checklist *cl, const struct hoist_config *cfg,
			       const struct hoist_plan *plan)
{
	struct hoist_profile *prof = NULL;
	cl->kind = plan->kind;
	if (hoist_profile_from_config(cfg, plan->profile, &prof, NULL) != HOIST_OK)
		prof = NULL;
	for (size_t k = 0; prof && k < sizeof plan_items / sizeof *plan_items; k++) {
		int i = hoist_checklist_find(plan_items[k].item);
		bool has = false;
		for (size_t s = 0; s < plan->n_steps && !has; s++)
			has = !strcmp(plan->steps[s].id, plan_items[k].step);
		if (i >= 0 && has && hoist_profile_has(prof, plan_items[k].action)) {
			free(cl->entries[i].by_step);
			cl->entries[i].by_step = hoist_xstrdup(plan_items[k].step);
		}
	}
	hoist_profile_free(prof);
	for (size_t k = 0; k < plan->n_evidence; k++) {
		const struct hoist_evidence *e = &plan->evidence[k];
		int i = hoist_checklist_find(e->item);
		if (i < 0)
			continue;
		if (e->waived) {
			free(cl->entries[i].waiver);
			cl->entries[i].waiver = hoist_xstrdup(e->waived);
		} else if (!cl->entries[i].done) {
			hoist_evidence_copy(&cl->entries[i].evidence, e);
			cl->entries[i].done = true;
		}
	}
}

int hoist_checklist_missing(const struct hoist_checklist *cl)
{
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++)
		if (hoist_checklist_required(cl, i) && !hoist_checklist_satisfied(cl, i))
			return (int)i;
	return -1;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

char *hoist_checklist_state_text(const struct hoist_checklist *cl, size_t i)
{
	const struct hoist_checklist_entry *e;
	const char *name, *what;
	if (i >= HOIST_CHECKLIST_ITEMS)
		return hoist_xstrdup("");
	e = &cl->entries[i];
	if (e->done && e->evidence.path) {
		name = base_name(e->evidence.path);
		if (e->evidence.by_engine)
			return hoist_xasprintf(_("taken by hoist: %s (%lld bytes)"), name,
					       e->evidence.size);
		if (e->evidence.size < 0)
			return hoist_xasprintf(_("given by the operator, not checked: %s"), name);
		if (!e->evidence.verified)
			return hoist_xasprintf(_("given by the operator, not checked: %s (%lld "
						 "bytes)"),
					       name, e->evidence.size);
		what = !strcmp(items[i].id, "master-key") ? NULL : backup_format(e->evidence.path);
		if (what)
			return hoist_xasprintf(_("verified: %s (%s, %lld bytes)"), name, _(what),
					       e->evidence.size);
		return hoist_xasprintf(_("verified: %s decrypts the server's canary"), name);
	}
	if (e->done)
		return hoist_xasprintf(_("confirmed at %s"), e->evidence.time ? e->evidence.time : "?");
	if (e->by_step)
		return hoist_xasprintf(_("taken by the run's own %s step"), e->by_step);
	if (e->waiver)
		return hoist_xasprintf(_("waived: %s"), e->waiver);
	return hoist_xstrdup(hoist_checklist_required(cl, i) ? _("missing (required)") : _("open"));
}

void hoist_checklist_record(const struct hoist_checklist *cl, struct hoist_plan *plan)
{
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++) {
		const struct hoist_checklist_entry *e = &cl->entries[i];
		if (e->done) {
			hoist_plan_add_evidence(plan, &e->evidence);
		} else if (e->waiver) {
			struct hoist_evidence w = { 0 };
			char *text = hoist_xasprintf(_("%s waived: %s"), items[i].id, e->waiver);
			w.item = (char *)items[i].id;
			w.size = -1;
			w.waived = e->waiver;
			hoist_plan_add_evidence(plan, &w);
			hoist_plan_add_override(plan, text);
			free(text);
		}
	}
}

/* guide_steps.c: the steps only a rollback plan has (db-restore, master-key-restore), and what its undo steps undo. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "i18n.h"
#include "run_files.h"
#include "run_int.h"
#include "sha256.h"
#include "xalloc.h"

/* Restores the database from the backup the step names (the run's own backup-db file). */
static enum hoist_status db_restore(struct run *r, struct run_node *n,
				    const struct hoist_plan_step *s, struct run_result *res,
				    struct hoist_error *err)
{
	struct hoist_exec_result x;
	enum hoist_status st;
	char sha[65], *on_node = NULL;
	long long size = 0;

	if (!s->arg)
		return hoist_error_say(err, HOIST_STATE,
				       N_("db-restore on %s names no backup file; restore the "
					  "database by hand"),
				       n->plan->name);
	/* A backup that is gone or empty must fail before any node is touched by it. */
	if (hoist_transport_kind(n->t) == HOIST_TRANSPORT_LOCAL) {
		st = hoist_sha256_file(s->arg, sha, &size, err);
		if (st != HOIST_OK)
			return st;
		if (size == 0)
			return hoist_error_say(err, HOIST_STATE, N_("the backup %s is empty"), s->arg);
		/* Only the file the run took: its SHA-256 is in the plan's evidence. */
		for (size_t i = 0; i < r->plan->n_evidence; i++) {
			const struct hoist_evidence *e = &r->plan->evidence[i];
			if (strcmp(e->item, "backup-db") || !e->path || strcmp(e->path, s->arg) ||
			    !e->sha256 || !*e->sha256)
				continue;
			if (strcasecmp(e->sha256, sha))
				return hoist_error_say(err, HOIST_CHECKSUM,
						       N_("the backup %s is not the one the run "
							  "took: its SHA-256 is %s, the run recorded "
							  "%s; nothing was restored"),
						       s->arg, sha, e->sha256);
		}
	}
	/* A remote node reads its own copy: kept there, or copied there and checked. */
	st = run_backup_to_node(r, n, s->arg, &on_node, err);
	if (st != HOIST_OK)
		return st;
	/* From here the database is the old one: the rollback cannot go forward again. */
	r->pnr_started = true;
	hoist_exec_result_init(&x);
	st = run_action(r, n, "db-restore", "db-restore", NULL, on_node ? on_node : s->arg, NULL,
			false, &x, err);
	free(on_node);
	res->exit_code = x.exited ? x.exit_code : -1;
	hoist_exec_result_done(&x);
	if (st == HOIST_OK) {
		res->evidence.path = hoist_xstrdup(s->arg);
		res->evidence.size = size ? size : -1;
		res->evidence.sha256 = size ? hoist_xstrdup(sha) : NULL;
		run_say(res, N_("the database was restored from %s"), s->arg);
	}
	return st;
}

/* The key the run saved, without its line end; NULL when it cannot be read. */
/*
 * The master key: the restored data is encrypted with it. An upgrade does not change it,
 * so the step checks that the server's key still decrypts the data with the saved one;
 * when it does not, putting the saved key back is the vendor's tool's job, by hand.
 */
static enum hoist_status master_key_restore(struct run *r, struct run_node *n,
					    const struct hoist_plan_step *s,
					    struct run_result *res, struct hoist_error *err)
{
	struct hoist_exec_result x;
	enum hoist_status st;
	char *key = s->arg ? run_master_key_read(s->arg) : NULL;

	if (!key)
		return hoist_error_say(err, HOIST_STATE,
				       N_("the master key this run saved (%s) cannot be read; put "
					  "back the key you saved before the upgrade by hand"),
				       s->arg ? s->arg : "-");
	run_add_secret(r, key);
	hoist_exec_result_init(&x);
	if (hoist_profile_has(r->profile, "check-master-key")) {
		st = run_action(r, n, "master-key-restore", "check-master-key", NULL, NULL, s->arg,
				false, &x, err);
		if (st == HOIST_COMMAND)
			st = hoist_error_say(err, HOIST_STATE,
					     N_("the master key saved in %s does not decrypt the "
					        "restored database on %s; put that key back with the "
					        "vendor's tool before the nodes start"),
					     s->arg, n->plan->name);
	} else if (hoist_profile_has(r->profile, "show-master-key")) {
		const char *shown;
		st = run_action(r, n, "master-key-restore", "show-master-key", NULL, NULL, NULL,
				true, &x, err);
		shown = hoist_buf_cstr(&x.out);
		while (*shown == ' ' || *shown == '\n' || *shown == '\r' || *shown == '\t')
			shown++;
		if (st == HOIST_OK && (strncmp(shown, key, strlen(key)) ||
				       (shown[strlen(key)] && !strchr("\r\n", shown[strlen(key)]))))
			st = hoist_error_say(err, HOIST_STATE,
					     N_("the server on %s uses another master key than the "
					        "one saved in %s; put the saved key back with the "
					        "vendor's tool before the nodes start"),
					     n->plan->name, s->arg);
		memset(x.out.data ? x.out.data : (char *)"", 0, x.out.len);
	} else {
		res->outcome = HOIST_OUTCOME_SKIPPED;
		run_say(res, N_("the profile %s cannot show the master key; check "
				"by hand that the server uses the key saved in %s"),
			hoist_profile_name(r->profile), s->arg);
		st = HOIST_OK;
	}
	hoist_exec_result_done(&x);
	if (st == HOIST_OK && !res->message)
		run_say(res, N_("the master key saved in %s decrypts the server's "
				"data"),
			s->arg);
	memset(key, 0, strlen(key));
	free(key);
	return st;
}

void run_guide_claim(struct run *r, struct run_node *n, const struct hoist_plan_step *s)
{
	/*
	 * undrain and maintenance-off of a rollback name the run that drained the node or
	 * turned maintenance mode on: undoing that run's change is this run's to do.
	 */
	if (s->arg && !strcmp(s->id, "undrain") && n)
		n->drained_by_us = true;
	if (s->arg && !strcmp(s->id, "maintenance-off"))
		r->maint_changed = true;
}

enum hoist_status run_op_db_restore(struct run *r, struct run_node *n,
				    const struct hoist_plan_step *s, struct run_result *res,
				    struct hoist_error *err)
{
	return db_restore(r, n, s, res, err);
}

enum hoist_status run_op_master_key_restore(struct run *r, struct run_node *n,
					    const struct hoist_plan_step *s,
					    struct run_result *res, struct hoist_error *err)
{
	return master_key_restore(r, n, s, res, err);
}

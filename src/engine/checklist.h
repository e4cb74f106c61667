/*
 * checklist.h: the backup checklist before an upgrade (DESIGN §1 step 4): which items
 * there are, which are required, the evidence of each (taken by the engine or confirmed
 * by the operator and verified here), recorded in the plan. (Detached runs: run.h.)
 */
#ifndef HOIST_CHECKLIST_H
#define HOIST_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "plan.h"
#include "error.h"
#include "version.h"

/* How an item is satisfied. */
enum hoist_checklist_how {
	HOIST_CHECKLIST_AUTO_OR_FILE, /* the engine takes it, or the operator names a file */
	HOIST_CHECKLIST_FILE,         /* the operator names a file, verified here */
	HOIST_CHECKLIST_YES           /* the operator says yes */
};

struct hoist_checklist_info {
	const char *id;      /* "backup-db", "master-key", ...: the plan's evidence item */
	bool required;       /* blocks starting the upgrade until done */
	enum hoist_checklist_how how;
	const char *label;   /* N_() */
	const char *help;    /* N_(): one sentence: what counts as done (each face says how) */
};

#define HOIST_CHECKLIST_ITEMS 6

/* The items, in order (HOIST_CHECKLIST_ITEMS of them). */
const struct hoist_checklist_info *hoist_checklist_info(size_t i);

struct hoist_checklist_entry {
	bool done;
	struct hoist_evidence evidence; /* owned strings; valid when done */
	char *by_step;       /* owned: the plan's step that takes it (backup-db); NULL: none */
	char *waiver;        /* owned: why the operator goes without it; NULL: not waived */
};

struct hoist_checklist {
	struct hoist_checklist_entry entries[HOIST_CHECKLIST_ITEMS];
	long max_age_s;      /* files older than this are refused */
	/* The upgrade's kind: a major one also requires the file-storage copy (or a waiver). */
	enum hoist_kind kind;
	/* Borrowed; may be NULL: with it, a master-key file is checked against the server's
	 * canary through the profile (check-master-key), where the profile can. */
	const struct hoist_config *cfg;
};

/* Everything open; files may be a day old, as the run's own preflight allows. */
void hoist_checklist_init(struct hoist_checklist *cl);
void hoist_checklist_done(struct hoist_checklist *cl);
/* The index of an item id, or -1. */
int hoist_checklist_find(const char *id);

/*
 * Verifies a file the operator names as evidence: it exists, is a regular file, is not
 * empty and is younger than max_age_s. Fills out (item, path, size, SHA-256, time; owned
 * strings, free with hoist_checklist_evidence_done). out->verified is set only when hoist
 * recognises what the file is: a database backup by its format (SQL Server's "TAPE"
 * header, SQLite's "SQLite format 3", a PostgreSQL custom dump); anything else is
 * "given by the operator, not checked".
 */
enum hoist_status hoist_checklist_verify_file(const char *item, const char *path, long max_age_s,
					      struct hoist_evidence *out,
					      struct hoist_error *err);
void hoist_checklist_evidence_done(struct hoist_evidence *e);

/*
 * Item i done with a verified file (HOIST_CHECKLIST_FILE or _AUTO_OR_FILE items). A
 * master-key file is checked against the server's canary when cl->cfg is set and the
 * profile can: one that does not decrypt it is refused (HOIST_STATE).
 */
enum hoist_status hoist_checklist_give_file(struct hoist_checklist *cl, size_t i, const char *path,
					    struct hoist_error *err);
/* Item i (HOIST_CHECKLIST_YES) confirmed or taken back. */
void hoist_checklist_confirm(struct hoist_checklist *cl, size_t i, bool yes);
/*
 * Takes the evidence a backup run (hoist_run_backup) recorded in its plan.json: the
 * database backup and the master key. HOIST_STATE when that run did not end well.
 */
enum hoist_status hoist_checklist_from_run(struct hoist_checklist *cl,
					   const struct hoist_config *cfg, const char *run_id,
					   struct hoist_error *err);
/* Whether item i is required for this checklist's kind (file storage for a major). */
bool hoist_checklist_required(const struct hoist_checklist *cl, size_t i);
/* Whether item i is done, taken by a plan's step, or waived. */
bool hoist_checklist_satisfied(const struct hoist_checklist *cl, size_t i);
/*
 * Item i waived with a reason (reason NULL or empty: the waiver is taken back). Only
 * items not always required can be waived: the database backup and the master key
 * cannot (HOIST_USAGE).
 */
enum hoist_status hoist_checklist_waive(struct hoist_checklist *cl, size_t i, const char *reason,
					struct hoist_error *err);
/*
 * What plan itself takes: its backup-db and backup-master-key steps, when the profile
 * (with cfg's [profile] settings) has the action for them, satisfy their items; the
 * evidence and waivers recorded in the plan count too. Sets cl->kind from the plan.
 */
void hoist_checklist_from_plan(struct hoist_checklist *cl, const struct hoist_config *cfg,
			       const struct hoist_plan *plan);
/* The first required item not satisfied, or -1 when everything required is. */
int hoist_checklist_missing(const struct hoist_checklist *cl);
/*
 * One line for people on the state of item i (translated, a new string): "missing
 * (required)", "verified: db.bak (SQLite database, 8192 bytes)", "given by the operator,
 * not checked: fake.bak (6 bytes)", "taken by the plan's backup-db step", "waived: ...".
 */
char *hoist_checklist_state_text(const struct hoist_checklist *cl, size_t i);
/* Records every done item's evidence and every waiver in plan (waivers as overrides too). */
void hoist_checklist_record(const struct hoist_checklist *cl, struct hoist_plan *plan);

#endif

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
#include "status.h"

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
	const char *help;    /* N_(): one sentence: what counts as done */
};

#define HOIST_CHECKLIST_ITEMS 6

/* The items, in order (HOIST_CHECKLIST_ITEMS of them). */
const struct hoist_checklist_info *hoist_checklist_info(size_t i);

struct hoist_checklist_entry {
	bool done;
	struct hoist_plan_evidence evidence; /* owned strings; valid when done */
};

struct hoist_checklist {
	struct hoist_checklist_entry entries[HOIST_CHECKLIST_ITEMS];
	long max_age_s;      /* files older than this are refused */
};

/* Everything open; files may be a day old, as the run's own preflight allows. */
void hoist_checklist_init(struct hoist_checklist *cl);
void hoist_checklist_done(struct hoist_checklist *cl);
/* The index of an item id, or -1. */
int hoist_checklist_find(const char *id);

/*
 * Verifies a file the operator names as evidence: it exists, is a regular file, is not
 * empty and is younger than max_age_s. Fills out (item, path, size, SHA-256, time; owned
 * strings, free with hoist_checklist_evidence_done).
 */
enum hoist_status hoist_checklist_verify_file(const char *item, const char *path, long max_age_s,
					      struct hoist_plan_evidence *out,
					      struct hoist_error *err);
void hoist_checklist_evidence_done(struct hoist_plan_evidence *e);

/* Item i done with a verified file (HOIST_CHECKLIST_FILE or _AUTO_OR_FILE items). */
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
/* The first required item not done, or -1 when everything required is. */
int hoist_checklist_missing(const struct hoist_checklist *cl);
/* Records every done item's evidence in plan (confirmations without a path). */
void hoist_checklist_record(const struct hoist_checklist *cl, struct hoist_plan *plan);

#endif

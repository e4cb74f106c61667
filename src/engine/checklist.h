/*
 * checklist.h: the backup checklist before an upgrade (DESIGN §1 step 4): which items
 * there are, which are required, the evidence of each (taken by the engine or confirmed
 * by the operator and verified here), recorded in the plan; and how a face starts,
 * follows, stops and finds a detached run.
 */
#ifndef HOIST_CHECKLIST_H
#define HOIST_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "journal.h"
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

/* ---- a detached run, for a face that follows its journal ---- */

/*
 * Starts plan (or, with plan NULL, the checklist's backup run) detached, in a session
 * of its own, so that it outlives the face; SIGTERM to it (hoist_run_request_stop)
 * stops it at the next safe point. Returns once run-start is in the journal.
 */
enum hoist_status hoist_run_start_detached(const struct hoist_config *cfg,
					   const struct hoist_plan *plan, char **run_id,
					   struct hoist_error *err);
/* Resumes an interrupted run detached, the same way. */
enum hoist_status hoist_run_resume_detached(const struct hoist_config *cfg, const char *run_id,
					    char **resumed_id, struct hoist_error *err);
/*
 * Asks the run holding the server's lock, if it is run_id and runs on this host, to stop
 * at the next safe point. HOIST_NOTFOUND when that run holds no lock (it has ended).
 */
enum hoist_status hoist_run_request_stop(const struct hoist_config *cfg, const char *run_id,
					 struct hoist_error *err);

enum hoist_run_liveness {
	HOIST_RUN_LIVE_NONE,        /* no run in the state folder */
	HOIST_RUN_LIVE_RUNNING,     /* started, not ended, its engine alive */
	HOIST_RUN_LIVE_INTERRUPTED, /* started, not ended, its engine gone */
	HOIST_RUN_LIVE_ENDED        /* history */
};

/*
 * The newest run of the state folder and whether it is running, interrupted or ended;
 * *run_id (owned) is NULL with HOIST_RUN_LIVE_NONE. sum (initialised by the caller)
 * receives its journal's summary.
 */
enum hoist_status hoist_run_find_current(const struct hoist_config *cfg, char **run_id,
					 enum hoist_run_liveness *live,
					 struct hoist_run_summary *sum, struct hoist_error *err);
/* Whether run_id's engine still holds the server's lock and is alive. */
bool hoist_run_alive(const struct hoist_config *cfg, const char *run_id);

#endif

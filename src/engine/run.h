/*
 * run.h: running a plan (DESIGN §6): the run folder, the lock, the journal, the steps
 * in order (per-node steps in parallel where the strategy allows), the automatic revert
 * before the point of no return, cancel at a safe point, detaching from the terminal,
 * and resume after a crash. A plan is made in prepare.h.
 *
 * Progress reaches the faces only through the run's journal (runs/<id>/journal.jsonl).
 */
#ifndef HOIST_RUN_H
#define HOIST_RUN_H

#include <signal.h>
#include <stdbool.h>
#include "conf.h"
#include "journal.h"
#include "plan.h"
#include "error.h"

struct hoist_run_options {
	bool dry_run;  /* preflight and stage only: nothing changes on the server */
	bool detach;   /* run in a child process in its own session */
	bool retarget; /* run a plan made for another server against the configured one */
	/* A failed validation gate is shown as an error and journaled, and the run goes on. */
	bool ignore_validation;
	/* Set (e.g. by a signal handler) to cancel: the run stops at the next safe point. */
	const volatile sig_atomic_t *cancel;
	/* Called once run-start is in the journal (not for detach): a face starts following. */
	void (*started)(void *ctx, const char *run_id);
	void *ctx;
};

/*
 * Runs plan against the configured server. *run_id (owned by the caller) is set as soon
 * as the run folder exists, even when the run then fails. Without detach the call
 * returns when the run has ended: HOIST_OK; HOIST_LOCKED (another run holds the lock);
 * a failure before the point of no return, after reverting what the run changed (the
 * status of the cause, or HOIST_CANCELLED); HOIST_FAILED_PNR after it (nothing is
 * undone; the server is left in maintenance mode). With detach it returns once the
 * detached run has written run-start (or failed before that), with HOIST_OK.
 */
enum hoist_status hoist_run_execute(const struct hoist_config *cfg, const struct hoist_plan *plan,
				    const struct hoist_run_options *o, char **run_id,
				    struct hoist_error *err);

/*
 * Continues an interrupted run (run_id NULL: the newest run): re-reads its journal and
 * the server's real state, takes over its lock only if that run's process is gone, and
 * runs the steps that have not ended well, repeating only those safe to repeat. A
 * database upgrade caught in flight is never repeated: HOIST_FAILED_PNR.
 */
enum hoist_status hoist_run_resume(const struct hoist_config *cfg, const char *run_id,
				   const struct hoist_run_options *o, char **resumed_id,
				   struct hoist_error *err);

/*
 * The checklist's automatic items alone, as a run of its own: preflight, the master key
 * and a database backup through the profile, with their evidence in the run's plan.json.
 */
enum hoist_status hoist_run_backup(const struct hoist_config *cfg,
				   const struct hoist_run_options *o, char **run_id,
				   struct hoist_error *err);

/*
 * HOIST_LOCKED when a run holds the server's lock, naming it and saying whether it looks
 * stale; a face asks before it plans, since a stopped cluster cannot be planned against.
 */
enum hoist_status hoist_run_check_lock(const struct hoist_config *cfg, struct hoist_error *err);

/*
 * A plan runs only against the server it was made for: HOIST_USAGE when the plan's
 * server is not the configured one, unless retarget; then the configured server must be
 * where the plan starts (its version, its node names, each node's version): HOIST_STATE.
 */
enum hoist_status hoist_run_check_target(const struct hoist_config *cfg,
					 const struct hoist_plan *plan, bool retarget,
					 struct hoist_error *err);
/*
 * The same check; the nodes' addresses are the configuration's where it gives them. When
 * the plan was made for another server (and retarget allows it) it points the plan at
 * the configured server: its address, the nodes' transports and
 * addresses from the configuration, the packages from the configured feed; *record
 * (owned, NULL when nothing changed) says so for the journal, and the plan's overrides.
 */
enum hoist_status hoist_plan_retarget(const struct hoist_config *cfg, struct hoist_plan *plan,
				      bool retarget, char **record, struct hoist_error *err);
/* Whether two server addresses name the same server (case of scheme and host, a trailing /). */
bool hoist_run_same_server(const char *a, const char *b);

/* The journal of a run: <state>/runs/<id>/journal.jsonl (a new string). */
char *hoist_run_journal_path(const struct hoist_config *cfg, const char *run_id);

/* ---- detached runs: the engine in a session of its own, for every face (run_detach.c) ---- */

/* What a face asks the engine to run. */
enum hoist_run_job {
	HOIST_JOB_UPGRADE, /* a plan: an upgrade, a rollback's or a downgrade's */
	HOIST_JOB_RESUME,  /* an interrupted run */
	HOIST_JOB_BACKUP   /* the checklist's automatic items (hoist_run_backup) */
};

/* A detached engine that a face follows to its end. */
struct hoist_run_handle;

/*
 * Starts job in a grandchild process in a session of its own (no terminal: a closed
 * terminal, SIGHUP or a closed pipe of the face never reach it) and returns once its
 * run has begun (run-start or the resume is in the journal), or with the status and
 * message of why it could not begin (HOIST_LOCKED, ...). plan for HOIST_JOB_UPGRADE,
 * resume_id (NULL: the newest run) for HOIST_JOB_RESUME; of o (may be NULL) dry_run and
 * retarget count (the engine has its own stop request). SIGTERM or SIGINT to the
 * engine (hoist_run_handle_stop, hoist_run_request_stop) stops it at the next safe point.
 */
enum hoist_status hoist_run_spawn(const struct hoist_config *cfg, enum hoist_run_job job,
				  const struct hoist_plan *plan, const char *resume_id,
				  const struct hoist_run_options *o, struct hoist_run_handle **out,
				  struct hoist_error *err);
/* The run's id (borrowed). */
const char *hoist_run_handle_id(const struct hoist_run_handle *h);
/* Whether the engine still runs; waits up to timeout_ms (0: not at all) for its end. */
bool hoist_run_handle_running(struct hoist_run_handle *h, int timeout_ms);
/* Asks the engine to stop at the next safe point; a no-op once it has ended. */
enum hoist_status hoist_run_handle_stop(struct hoist_run_handle *h, struct hoist_error *err);
/*
 * Waits for the engine's end and returns what the run returned (the status and message
 * hoist_run_execute or hoist_run_resume would have given in this process); HOIST_STATE
 * when the engine ended without saying (killed: the run is interrupted).
 */
enum hoist_status hoist_run_handle_result(struct hoist_run_handle *h, struct hoist_error *err);
/* After hoist_run_handle_result: the engine ended without saying how (it was killed). */
bool hoist_run_handle_interrupted(const struct hoist_run_handle *h);
/* Lets the engine go on alone (NULL: no-op). */
void hoist_run_handle_free(struct hoist_run_handle *h);

/*
 * Starts plan (or, with plan NULL, the checklist's backup run) detached, so that it
 * outlives the face. Returns once run-start is in the journal.
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
/*
 * Removes the server's lock when the run holding it has ended (or never began), its
 * engine is gone and no action of it still runs: an engine killed after its run-end,
 * before it let go, leaves a lock that protects nothing. True when it did. Every run
 * does this before it takes the lock; a face that finds the run ended may too.
 */
bool hoist_run_release_ended_lock(const struct hoist_config *cfg);
/* Whether run_id's engine still holds the server's lock and is alive. */
bool hoist_run_alive(const struct hoist_config *cfg, const char *run_id);
/*
 * The actions that run_id's gone engine left running, for people ("db-upgrade on node1
 * (process 123, for 2 s)", comma-separated; a new string), or NULL when none: until they
 * end the run is not dead, and resume and rollback wait for them.
 */
char *hoist_run_orphans_text(const struct hoist_config *cfg, const char *run_id);

#endif

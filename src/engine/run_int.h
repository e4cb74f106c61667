/* run_int.h: what the files of a run share; not part of the engine's interface. */
#ifndef HOIST_RUN_INT_H
#define HOIST_RUN_INT_H

#include <pthread.h>
#include <stdbool.h>
#include "conf.h"
#include "http.h"
#include "journal.h"
#include "lock.h"
#include "octopus.h"
#include "plan.h"
#include "profile.h"
#include "run.h"
#include "transport.h"

/* One node of the plan and what this run did to it (so that a revert undoes only that). */
struct run_node {
	const struct hoist_plan_node *plan; /* borrowed from the run's plan */
	struct hoist_transport *t;          /* owned */
	bool drained_by_us;   /* this run drained it */
	bool stopped_by_us;   /* this run stopped it and has not started it again */
	bool install_ran;     /* an install started on it: a revert reinstalls the old version */
	char *link;           /* owned: its Links.Node, as preflight read it; NULL: not known */
	/* resume of a revert: what the run had changed before its undo began (checked after) */
	bool undo_up, undo_undrain;
};

struct run {
	const struct hoist_config *cfg;  /* borrowed */
	struct hoist_plan *plan;         /* owned */
	char *id, *dir, *state_dir, *cache_dir, *plan_path; /* owned */
	struct hoist_journal *j;         /* owned */
	pthread_mutex_t jmu;             /* one event at a time: steps run in threads */
	pthread_mutex_t plan_mu;         /* evidence comes from threads too */
	struct hoist_lock *lock;         /* owned */
	pthread_t hb;
	bool hb_on, hb_stop;
	pthread_mutex_t hb_mu;
	pthread_cond_t hb_cv;
	struct hoist_profile *profile;   /* owned */
	struct hoist_http_options http;
	struct run_node *nodes;          /* owned array, in the plan's order */
	size_t n_nodes;
	const volatile sig_atomic_t *cancel; /* borrowed; may be NULL */
	bool dry_run;
	bool maint_changed;              /* this run turned maintenance mode on */
	bool pnr_started;                /* the database upgrade has begun */
	bool ignore_validation;          /* --ignore-validation-failures */
	int n_ignored;                   /* validation failures ignored so far (plan_mu) */
	bool undo_maint;                 /* resume of a revert: the run had turned maintenance on */
	struct hoist_run_summary *prev;  /* resume: the journal so far; NULL for a new run */
	/* Why the run must stop at the next safe point without going on (a journal or plan
	 * write failed, the lock was taken): owned, NULL while all is well. */
	char *halt;
	pthread_mutex_t halt_mu;
};

/* What a step reports besides its status. */
struct run_result {
	enum hoist_outcome outcome;      /* OK or SKIPPED when the status is OK */
	char *message;                   /* owned; may be NULL */
	char *msgid;                     /* owned: message's format (run_say), or NULL */
	char *plural;                    /* owned: its plural form (run_say_n), or NULL */
	unsigned long plural_n;
	char **args;                     /* owned: its arguments, as text */
	size_t n_args;
	int exit_code;                   /* of the command, -1: none */
	struct hoist_evidence evidence;  /* owned strings */
};
/* Sets the step's message from a translatable format (N_()), kept for other languages. */
void run_say(struct run_result *res, const char *msgid, ...) __attribute__((format(printf, 2, 3)));
/* The same with plural forms: P_(msgid, plural, n). */
void run_say_n(struct run_result *res, const char *msgid, const char *plural, unsigned long n,
	       ...) __attribute__((format(printf, 2, 5)));

/* run.c */
bool run_cancelled(const struct run *r);
/* The run stops at the next safe point and ends interrupted; the first reason is kept. */
void run_halt(struct run *r, const char *why);
/* The reason the run halts (a new string), or NULL. */
char *run_halted(struct run *r);
struct run_node *run_find_node(struct run *r, const char *name);
/* An engine log line from a translatable format (N_("..."): run_log translates it). */
/* Appends an event to the run's journal (a failure to write halts the run). */
enum hoist_status run_emit(struct run *r, struct hoist_event *ev);
void run_log(struct run *r, const char *step, const char *node, const char *msgid, ...)
	__attribute__((format(printf, 4, 5)));
/* A progress event; msgid as for run_log, or NULL for no message. */
void run_progress(struct run *r, const char *step, const char *node, long long bytes,
		  long long total, long tasks_left, const char *msgid, ...)
	__attribute__((format(printf, 7, 8)));
void run_add_secret(struct run *r, const char *secret);
/*
 * The master key a run saved (its file's first line, however long), a new string the
 * caller wipes and frees; NULL when the file cannot be read or its first line is empty.
 */
char *run_master_key_read(const char *path);
/* Records evidence in the plan and saves plan.json again. */
void run_add_evidence(struct run *r, const char *item, const struct hoist_evidence *ev,
		      bool by_engine);
/* An Octopus client for base_url (the server when NULL), for this thread only. */
struct hoist_octopus *run_client(struct run *r, const char *base_url);
/* A client for node pings and versions: no retries, so that a change is seen at once. */
struct hoist_octopus *run_pinger(struct run *r, const char *base_url);
/* Sleeps ms in short slices; false when cancelled meanwhile. */
bool run_sleep(struct run *r, long ms);

/* run.c: a run's life, shared with run_resume.c */
void run_init(struct run *r, const struct hoist_config *cfg, const struct hoist_run_options *o);
void run_done(struct run *r);
/* The lock; a resumed run takes over its own lock once its old process is gone. */
enum hoist_status run_take_lock(struct run *r, bool resuming, struct hoist_error *err);
/* Profile, transports, cache folder, journal. */
enum hoist_status run_open(struct run *r, struct hoist_error *err);
/* Writes run-end (end and, unless st is HOIST_OK, err's message); returns st. */
enum hoist_status run_end(struct run *r, enum hoist_end end, enum hoist_status st,
			  struct hoist_error *err);
/* Undoes what the run changed before the point of no return; ends undone or failed. */
enum hoist_status run_undo(struct run *r, enum hoist_status st, struct hoist_error *err);
/* The steps, then the outcome: revert before the point of no return, run-end. */
enum hoist_status run_body(struct run *r, struct hoist_error *err);
/* Tells a face waiting on fd (-1: none) how the start went, then closes fd. */
void run_notify(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A new run of plan in this process; fd as for run_notify. */
enum hoist_status run_execute_new(const struct hoist_config *cfg, const struct hoist_plan *plan,
				  const struct hoist_run_options *o, int fd, char **run_id,
				  struct hoist_error *err);

/* run_resume.c */
/* Resumes run_id (NULL: the newest) in this process; fd as for run_notify. */
enum hoist_status run_resume_here(const struct hoist_config *cfg, const char *run_id,
				  const struct hoist_run_options *o, int fd, char **out_id,
				  struct hoist_error *err);

/* run_detach.c */
/*
 * Runs a new run (plan) or a resume (plan NULL) in a grandchild in a session of its own;
 * returns once it has begun. end (may be NULL) receives the handle a face follows it to
 * its end with.
 */
enum hoist_status run_detach(const struct hoist_config *cfg, const struct hoist_plan *plan,
			     const char *resume_id, const struct hoist_run_options *o,
			     char **run_id, struct hoist_run_handle **end,
			     struct hoist_error *err);

/* run_orphans.c */
/*
 * Waits, before a run acts, for every action that a killed engine (of any run of this
 * state folder) left running: logs what it waits for (step, node, pid, how long), stops
 * one that ran past its timeout as its engine would have, and forgets those that ended.
 * HOIST_CANCELLED when cancelled meanwhile (nothing was done).
 */
enum hoist_status run_wait_orphans(struct run *r, struct hoist_error *err);
/*
 * Removes the server's lock when its run has ended (or never began), its engine is gone
 * and no action of it runs: an engine killed after run-end, before it let go of the lock,
 * leaves one that protects nothing. True when it did.
 */
bool run_release_ended_lock(const char *state_dir, const char *server_url);

/* run_steps.c */
/* What one step id does (the table in run_steps.c: one entry per step id). */
typedef enum hoist_status run_step_fn(struct run *r, struct run_node *n,
				      const struct hoist_plan_step *s, struct run_result *res,
				      struct hoist_error *err);
struct run_step_op {
	const char *id;   /* a step id of hoist_step_table() or a rollback plan's own */
	bool needs_node;  /* acts on the node the step names */
	run_step_fn *fn;
};
/* The operation of a step id, or NULL. */
const struct run_step_op *run_step_op_find(const char *id);
enum hoist_status run_step(struct run *r, const struct hoist_plan_step *s, struct run_result *res,
			   struct hoist_error *err);
/* Runs one profile action on a node; output goes to the journal unless secret. */
enum hoist_status run_action(struct run *r, struct run_node *n, const char *step,
			     const char *action, const struct hoist_version *version,
			     const char *backup, const char *stdin_path, bool secret,
			     struct hoist_exec_result *res, struct hoist_error *err);
/* The cached installer of a version, or NULL (a new string). */
char *run_package_path(struct run *r, const struct hoist_version *v);
/* Waits until the node's ping says up (want true) or down; false on timeout. */
bool run_wait_ping(struct run *r, struct hoist_octopus *oc, const struct run_node *n, bool up,
		   long timeout_ms);

/* run_prep.c: preflight and stage */
enum hoist_status run_preflight(struct run *r, struct run_result *res, struct hoist_error *err);
enum hoist_status run_stage(struct run *r, struct run_result *res, struct hoist_error *err);

/* guide_steps.c: a rollback plan's own steps, and what its undo steps undo */
run_step_fn run_op_db_restore;
run_step_fn run_op_master_key_restore;
/* A rollback's undrain and maintenance-off that name the run they undo: the change is ours. */
void run_guide_claim(struct run *r, struct run_node *n, const struct hoist_plan_step *s);

/*
 * run_journeys.c: the other journeys' steps, as operations of the step table, and what
 * their failure means (true: the run ends as *end with err as it is, nothing reverted;
 * false: the upgrade's own rules).
 */
enum hoist_status run_op_tentacles(struct run *r, struct run_node *n,
				   const struct hoist_plan_step *s, struct run_result *res,
				   struct hoist_error *err);
enum hoist_status run_op_health(struct run *r, struct run_node *n,
				const struct hoist_plan_step *s, struct run_result *res,
				struct hoist_error *err);
enum hoist_status run_op_os_patch(struct run *r, struct run_node *n,
				  const struct hoist_plan_step *s, struct run_result *res,
				  struct hoist_error *err);
enum hoist_status run_op_migrate(struct run *r, struct run_node *n,
				 const struct hoist_plan_step *s, struct run_result *res,
				 struct hoist_error *err);
enum hoist_status run_op_manual(struct run *r, struct run_node *n,
				const struct hoist_plan_step *s, struct run_result *res,
				struct hoist_error *err);
bool run_journey_failed(struct run *r, enum hoist_status *st, enum hoist_end *end,
			struct hoist_error *err);
/* run_tentacles.c and run_ospatch.c */
enum hoist_status run_step_tentacles(struct run *r, const struct hoist_plan_step *s,
				     struct run_result *res, struct hoist_error *err);
enum hoist_status run_step_health(struct run *r, const struct hoist_plan_step *s,
				  struct run_result *res, struct hoist_error *err);
enum hoist_status run_step_migrate(struct run *r, struct run_node *n,
				   const struct hoist_plan_step *s, struct run_result *res,
				   struct hoist_error *err);
enum hoist_status run_step_manual(struct run *r, struct run_node *n,
				  const struct hoist_plan_step *s, struct run_result *res,
				  struct hoist_error *err);
enum hoist_status run_step_os_patch(struct run *r, struct run_node *n,
				    const struct hoist_plan_step *s, struct run_result *res,
				    struct hoist_error *err);

#endif

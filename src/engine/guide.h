/*
 * guide.h: the rollback and downgrade guide (DESIGN §7): generated from a run's plan and
 * journal by seed 001's rules (seed 003's for OS patching), printed, saved as
 * runs/<run-id>/guide.txt, and turned into a rollback plan the run engine executes.
 */
#ifndef HOIST_GUIDE_H
#define HOIST_GUIDE_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "journal.h"
#include "plan.h"
#include "profile.h"
#include "error.h"
#include "version.h"

/* Which of the rules applies. */
enum hoist_guide_rule {
	HOIST_GUIDE_NOTHING,      /* nothing on the server changed */
	HOIST_GUIDE_RESTART,      /* before the point of no return: start the old version again */
	HOIST_GUIDE_REINSTALL,    /* a patch after db-upgrade: reinstall over the top */
	HOIST_GUIDE_RESTORE,      /* minor after db-upgrade: restore the database, reinstall */
	HOIST_GUIDE_RESTORE_MAJOR, /* major: also the master key and file storage */
	HOIST_GUIDE_OS_SNAPSHOT   /* OS patching: restore the OS snapshot, never the database */
};

/* One numbered step of the guide. */
struct hoist_guide_step {
	unsigned number;  /* 1, 2, ... */
	char *step;       /* owned: the plan step id it maps to; NULL: done by hand */
	char *node;       /* owned; NULL for a cluster step */
	struct hoist_version version; /* the version it concerns (the old one) */
	char *arg;        /* owned; may be NULL: the backup file of db-restore, ... */
	char *reason;     /* owned: one translated line, why */
	char *command;    /* owned: the exact command for the run's profile, or NULL */
	char **argv;      /* owned: its first command's vector, or NULL (API, by hand) */
};

struct hoist_guide {
	char *run_id;      /* owned */
	char *profile;     /* owned */
	char *server_url;  /* owned; may be NULL */
	struct hoist_version from, to; /* the run's from and to */
	enum hoist_kind kind;
	enum hoist_strategy strategy;
	bool os_patch;     /* an OS-patching run (seed 003) */
	char *journey;     /* owned: the plan's journey (journeys.h); NULL for an upgrade */
	bool run_ok;       /* the run ended well (the guide undoes it) */
	char *failed_step; /* owned: the step that failed (or was interrupted), or NULL */
	char *failed_node; /* owned; may be NULL */
	char *failed_hop;  /* owned; the failed step's hop in a chain with stops, or NULL */
	char *failed_message; /* owned; may be NULL */
	bool interrupted;  /* the step was still running when the journal ends */
	bool pnr_passed;   /* db-upgrade started: the schema may have changed */
	bool pnr_half;     /* ... and did not end well */
	enum hoist_guide_rule rule;
	struct hoist_evidence *backups; /* owned array */
	size_t n_backups;
	char *installer;   /* owned: the cached installer of the old version, or NULL */
	char *installer_url; /* owned: where it came from (the plan's package), or NULL */
	char **drained;    /* owned array of owned node names this run drained */
	size_t n_drained;
	bool maintenance_on; /* this run turned maintenance mode on */
	bool maintenance_still_on; /* ... and it is still on */
	bool reverted;     /* the run undid its own changes after failing (before the PNR) */
	bool undone;       /* the run ended undone: the engine checked that all is back */
	char *stops;       /* owned: the plan's required stops ("2024.0.3, ..."), or NULL */
	char *primary;     /* owned: the node that went through the stops, or NULL */
	struct hoist_guide_step *steps; /* owned array, in order */
	size_t n_steps, alloc;
	/* owned array of owned lines: validation failures the run went past
	 * (--ignore-validation-failures), from the journal */
	char **ignored;
	size_t n_ignored;
};

/*
 * Builds the guide for a run. profile (may be NULL: no commands) expands each step's
 * command with vars (may be NULL) plus node, version, package and backup. run_dir (may be
 * NULL) is runs/<run-id>/, where the cached installer is looked for.
 */
enum hoist_status hoist_guide_build(const struct hoist_plan *plan,
				    const struct hoist_run_summary *summary,
				    const struct hoist_profile *profile,
				    const struct hoist_profile_vars *vars, const char *run_dir,
				    struct hoist_guide **out, struct hoist_error *err);
void hoist_guide_free(struct hoist_guide *g);
/*
 * The same from the journal file itself: steps the run started after its failure (the
 * engine undoing its changes before the point of no return) count as undone.
 */
enum hoist_status hoist_guide_build_journal(const struct hoist_plan *plan, const char *journal,
					    const struct hoist_profile *profile,
					    const struct hoist_profile_vars *vars,
					    const char *run_dir, struct hoist_guide **out,
					    struct hoist_error *err);

/* What a downgrade to an earlier version needs (hoist downgrade --to V). */
struct hoist_guide_downgrade {
	const struct hoist_plan *plan;   /* the run whose backup is used: nodes, profile */
	struct hoist_version current;    /* what the nodes run now */
	struct hoist_version target;     /* V: the version that run upgraded from */
	const struct hoist_evidence *backup; /* the database backup taken at V; NULL: none */
	const char *installer;           /* the cached installer of V; may be NULL */
	const char *run_id;              /* the run that took the backup */
};

/*
 * The guide of a downgrade: maintenance on, drain, stop, restore the backup (minor and
 * major: a patch only reinstalls), reinstall V, start, validate, undrain, maintenance off.
 * A minor or major downgrade without a backup is HOIST_UNSAFE.
 */
enum hoist_status hoist_guide_build_downgrade(const struct hoist_guide_downgrade *in,
					      const struct hoist_profile *profile,
					      const struct hoist_profile_vars *vars,
					      struct hoist_guide **out, struct hoist_error *err);

/* Steps that hoist cannot do (restore an OS snapshot, file storage): how many. */
size_t hoist_guide_manual_steps(const struct hoist_guide *g);
/* The whole guide as text for people (translated), ending with a newline. */
char *hoist_guide_to_text(const struct hoist_guide *g);
/* The guide as JSON (facts and steps). */
char *hoist_guide_to_json(const struct hoist_guide *g);
/*
 * The rollback plan: the guide's steps that hoist can do, in order, from the run's to
 * version back to its from version (kind downgrade), same nodes, profile and packages;
 * its one override records "rollback of run ID".
 */
struct hoist_plan *hoist_guide_to_plan(const struct hoist_guide *g, const struct hoist_plan *run);
/* Writes the text to <run_dir>/guide.txt atomically (0600). */
enum hoist_status hoist_guide_save(const struct hoist_guide *g, const char *run_dir,
				   struct hoist_error *err);

/*
 * Database backups taken by earlier runs under state_dir, newest first: for hoist
 * downgrade. Each names its run, the version it was taken at, the file, its size and time.
 */
struct hoist_guide_found {
	char *run_id;      /* owned */
	struct hoist_version version; /* the run's from version: what the backup holds */
	struct hoist_evidence backup; /* owned strings */
	char *installer;   /* owned: the run's cached installer of that version, or NULL */
	bool exists;       /* the file is still there */
};
enum hoist_status hoist_guide_find_backups(const char *state_dir, struct hoist_guide_found **out,
					   size_t *n, struct hoist_error *err);
void hoist_guide_found_free(struct hoist_guide_found *f, size_t n);

/*
 * Reads run run_id (NULL: the newest run that is not itself a rollback) from the state
 * folder: its plan.json and journal, and builds its guide with the configured profile.
 * *plan (owned) receives the run's plan and *run_dir (owned) its folder; both may be NULL.
 */
enum hoist_status hoist_guide_load(const struct hoist_config *cfg, const char *run_id,
				   struct hoist_plan **plan, char **run_dir,
				   struct hoist_guide **out, struct hoist_error *err);

/*
 * The guide of going back from current to target with the newest database backup taken
 * at target by an earlier run. None (for a minor or major step back) is HOIST_UNSAFE
 * with a message listing the backups that exist. *plan (owned) is that run's plan.
 */
enum hoist_status hoist_guide_load_downgrade(const struct hoist_config *cfg,
					     const struct hoist_version *current,
					     const struct hoist_version *target,
					     struct hoist_plan **plan, struct hoist_guide **out,
					     struct hoist_error *err);

#endif

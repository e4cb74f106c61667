/*
 * rundir.h: the state folder (DESIGN §8) and its runs: runs/<run-id>/ (mode 0700) with
 * backups/, listed newest first with their size, pruned to a count; files written
 * atomically with a given mode (0600 for anything secret).
 */
#ifndef HOIST_RUNDIR_H
#define HOIST_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* "20261122T014233Z-1a2b": UTC start time, then 4 random hex digits; sorts by time. */
#define HOIST_RUN_ID_LEN 21

/* The state folder itself is hoist_config_state_dir (conf.h): one rule for every caller. */
/* Creates path and its missing parents (new ones get mode); existing ones are kept. */
enum hoist_status hoist_rundir_make_dirs(const char *path, mode_t mode, struct hoist_error *err);

/* A new run id for now. */
char *hoist_rundir_new_id(void);
bool hoist_rundir_id_valid(const char *id);
/* <state_dir>/runs/<run_id> (not created). */
char *hoist_rundir_path(const char *state_dir, const char *run_id);

/* What a run folder holds; the names on disk live in rundir.c alone. */
enum hoist_rundir_file {
	HOIST_RUNDIR_PLAN,       /* plan.json: the plan, with its evidence */
	HOIST_RUNDIR_JOURNAL,    /* journal.jsonl: every event of the run */
	HOIST_RUNDIR_GUIDE,      /* guide.txt: the rollback guide */
	HOIST_RUNDIR_ACTIONS,    /* actions/: a record of each command while it runs */
	HOIST_RUNDIR_BACKUPS,    /* backups/ (mode 0700) */
	HOIST_RUNDIR_MASTER_KEY, /* backups/master-key (mode 0600) */
};
/* <run_dir>/<the name of f> (a new string). */
char *hoist_rundir_file(const char *run_dir, enum hoist_rundir_file f);
/* "db-<version>.bak": the name of the database backup taken before the upgrade. */
char *hoist_rundir_db_backup_name(const char *version);
/* <run_dir>/backups/db-<version>.bak (a new string). */
char *hoist_rundir_db_backup(const char *run_dir, const char *version);
/*
 * Creates <state_dir>/runs/<run_id>/ and its backups/ with mode 0700 (the state folder
 * too, if missing). Refuses an existing run, an invalid id, and a state or runs folder
 * that others may write to or that is a symbolic link (HOIST_UNSAFE).
 */
enum hoist_status hoist_rundir_create(const char *state_dir, const char *run_id, char **path,
				      struct hoist_error *err);

struct hoist_run_entry {
	char *id;                 /* owned */
	char *path;               /* owned */
	unsigned long long bytes; /* the size of every file in it */
};

/* Every run, newest first; none is not an error (*n = 0). */
enum hoist_status hoist_rundir_list(const char *state_dir, struct hoist_run_entry **out,
				    size_t *n, struct hoist_error *err);
void hoist_rundir_list_free(struct hoist_run_entry *runs, size_t n);
/* The newest run's id; HOIST_NOTFOUND when there is none. */
enum hoist_status hoist_rundir_latest(const char *state_dir, char **id, struct hoist_error *err);
/*
 * Removes the oldest runs so that keep remain; never the run named protect (the current
 * one, may be NULL). *removed (may be NULL) receives how many went.
 */
enum hoist_status hoist_rundir_prune(const char *state_dir, size_t keep, const char *protect,
				     size_t *removed, struct hoist_error *err);

/*
 * Writes a whole file atomically: a temporary file in the same folder created with mode,
 * written, fsynced, renamed over path, and the folder fsynced. Readers see the old file
 * or the new one, never a part; the content never exists with a wider mode.
 */
enum hoist_status hoist_rundir_write_atomic(const char *path, const void *data, size_t len,
					    mode_t mode, struct hoist_error *err);

#endif

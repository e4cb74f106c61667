/*
 * retention.h: which old runs and cached installers may go without losing a way back
 * (DESIGN §8): dry runs do not count as runs; the newest database backup and master key
 * of every version the server ran are kept whatever keep_runs says, and so is the cached
 * installer of such a version and of the running one. Shown before anything is deleted.
 */
#ifndef HOIST_RETENTION_H
#define HOIST_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"

/* Why something stays; HOIST_KEEP_NONE: it may go. */
enum hoist_keep {
	HOIST_KEEP_NONE,
	HOIST_KEEP_CURRENT,   /* the run being made now, or still running */
	HOIST_KEEP_RECENT,    /* among the newest keep_runs real runs (or dry runs) */
	HOIST_KEEP_DB_BACKUP, /* the newest database backup taken at its version */
	HOIST_KEEP_MASTER_KEY, /* the newest master key saved at its version */
	HOIST_KEEP_INSTALLER, /* the installer of the running version or of a kept backup's */
	HOIST_KEEP_YOUNG      /* a cached installer younger than the age limit */
};

struct hoist_retained_run {
	char *id, *path;          /* owned */
	unsigned long long bytes;
	bool dry;                 /* a dry run (its run-start says so): not counted in keep_runs */
	char *kind;               /* owned: "minor", "major", "none" (a backup), ...; may be "" */
	char *from, *to;          /* owned; may be "" */
	char *outcome;            /* owned: the run's state name ("done", "undone", ...) or "" */
	bool has_db_backup, has_master_key; /* their files are still there */
	enum hoist_keep keep;
	char *keep_version;       /* owned: the version a backup kept is of; may be NULL */
};

struct hoist_cached_package {
	char *path;               /* owned */
	char *version;            /* owned: from the file name */
	unsigned long long bytes;
	long long age_s;
	enum hoist_keep keep;
};

struct hoist_retention {
	struct hoist_retained_run *runs; /* owned: newest first */
	size_t n_runs;
	struct hoist_cached_package *packages; /* owned */
	size_t n_packages;
	unsigned long long free_bytes; /* what pruning frees */
	size_t n_free_runs, n_free_packages;
	char *running_version;    /* owned: what the server runs, from the newest run; may be NULL */
};

/*
 * Judges every run and cached installer under state_dir: keep_runs real runs (and as
 * many dry runs) are kept, protect (may be NULL) always, the newest database backup and
 * master key of each version, and installers as above; cached installers older than
 * cache_max_age_s (<= 0: never by age alone) may go otherwise.
 */
enum hoist_status hoist_retention_judge(const char *state_dir, size_t keep_runs,
					const char *protect, long long cache_max_age_s,
					struct hoist_retention *out, struct hoist_error *err);
void hoist_retention_done(struct hoist_retention *r);
/* Removes what r judged may go; *freed (may be NULL) receives the bytes removed. */
enum hoist_status hoist_retention_apply(const struct hoist_retention *r,
					unsigned long long *freed, struct hoist_error *err);
/* Judges and applies: what a new run does before it starts. */
enum hoist_status hoist_retention_prune(const char *state_dir, size_t keep_runs,
					const char *protect, long long cache_max_age_s,
					struct hoist_error *err);
/* Why, for people (translated): "newest database backup of 2024.1.2". */
const char *hoist_keep_text(enum hoist_keep k);

/* The default age after which a cached installer may go: 30 days. */
#define HOIST_CACHE_MAX_AGE_S (30LL * 24 * 3600)

#endif

/* guide_int.h: what the rollback guide's files share (model, generator, helpers); not for the faces. */
#ifndef HOIST_GUIDE_INT_H
#define HOIST_GUIDE_INT_H

#include <stdbool.h>
#include "guide.h"
#include "xalloc.h"

/* What a node is now, as far as the rollback is concerned. */
struct node_state {
	const char *name;
	const char *url;
	bool running;  /* may be running (stopping and starting are both safe to repeat) */
	bool drained;  /* drained by the run and not undrained since */
	bool changed;  /* the new version (or the OS patch) may be on it */
};

/* What the steps must achieve: the facts the generator works from. */
struct model {
	struct node_state *nodes;
	size_t n_nodes;
	const char *primary;
	bool rolling;
	bool maintenance_now; /* maintenance mode is on now (the run turned it on) */
	bool restore;         /* restore the database */
	bool master_key;      /* check / put back the master key */
	bool file_storage;    /* restore the file-storage folders (by hand) */
	bool os_restore;      /* restore an OS snapshot instead of reinstalling (by hand) */
	const char *backup;   /* the database backup's path; NULL: none */
	long long backup_ms;
	const char *key_backup; /* the saved master key's path; NULL: none */
	const char *installer;  /* the cached installer; may be NULL */
	struct hoist_version old; /* the version to go back to */
	struct hoist_version cur; /* the version the changed nodes may run */
};

/* Adds the numbered steps that achieve the model to g (guide.c). */
void guide_generate(struct hoist_guide *g, const struct hoist_profile *profile,
		    const struct hoist_profile_vars *vars, const struct model *m);

/* "2026-11-22 01:00:00 UTC", or "at an unknown time" (translated) for 0. A new string. */
char *guide_time_text(long long ms);
/* The backup of item ("database", "master-key") the run took, or NULL (guide.c). */
const struct hoist_evidence *guide_find_backup(const struct hoist_guide *g, const char *item);
/* A file in dir (or depth levels down) whose name holds the version: a cached installer. */
char *guide_scan_installer(const char *dir, const char *version, int depth);
/* Where the run's stage step cached pkg's installer, when it is there (guide_build.c). */
char *guide_cache_path(const char *run_dir, const struct hoist_plan_package *pkg);
/* Whether path names a regular file. */
bool guide_file_exists(const char *path);

static inline char *guide_dup0(const char *s)
{
	return s ? hoist_xstrdup(s) : NULL;
}

#endif

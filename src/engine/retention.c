/* retention.c: old runs and cached installers judged, shown and pruned without losing a way back. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "i18n.h"
#include "journal.h"
#include "retention.h"
#include "rundir.h"
#include "text.h"
#include "xalloc.h"

const char *hoist_keep_text(enum hoist_keep k)
{
	switch (k) {
	case HOIST_KEEP_CURRENT: return _("the current or an unfinished run");
	case HOIST_KEEP_RECENT: return _("among the newest runs kept (keep_runs)");
	case HOIST_KEEP_DB_BACKUP: return _("the newest database backup of its version");
	case HOIST_KEEP_MASTER_KEY: return _("the newest master key of its version");
	case HOIST_KEEP_INSTALLER: return _("the installer of the running version or of a kept backup's");
	case HOIST_KEEP_YOUNG: return _("cached recently");
	default: return _("may go");
	}
}

static bool exists(const char *path)
{
	struct stat sb;
	return path && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

static bool step_kept_file(const struct hoist_run_summary *s, const char *step)
{
	for (size_t k = 0; k < s->n_steps; k++)
		if (!strcmp(s->steps[k].step, step) && s->steps[k].state == HOIST_STEP_OK &&
		    exists(s->steps[k].evidence.path))
			return true;
	return false;
}

static char *dup_or_empty(const char *s)
{
	return hoist_xstrdup(s ? s : "");
}

static void read_run(struct hoist_retained_run *r, const struct hoist_run_entry *e)
{
	char *journal = hoist_rundir_file(e->path, HOIST_RUNDIR_JOURNAL);
	struct hoist_run_summary s;
	hoist_run_summary_init(&s);
	r->id = hoist_xstrdup(e->id);
	r->path = hoist_xstrdup(e->path);
	r->bytes = e->bytes;
	if (hoist_journal_fold(journal, &s, NULL) != HOIST_OK)
		s.state = HOIST_RUN_NONE;
	r->dry = s.dry_run;
	r->kind = dup_or_empty(s.kind);
	r->from = dup_or_empty(s.from_version);
	r->to = dup_or_empty(s.to_version);
	r->outcome = hoist_xstrdup(s.state == HOIST_RUN_NONE ? "" : hoist_run_state_name(s.state));
	/* A dry run takes no backup; only a real run's files are a way back. */
	r->has_db_backup = !r->dry && step_kept_file(&s, "backup-db");
	r->has_master_key = !r->dry && step_kept_file(&s, "backup-master-key");
	/* A run that has not ended, or that resume carries on, is never pruned. */
	if (s.state == HOIST_RUN_RUNNING || s.state == HOIST_RUN_INTERRUPTED)
		r->keep = HOIST_KEEP_CURRENT;
	hoist_run_summary_done(&s);
	free(journal);
}

/* "octopus-2024.2.1-0123456789ab.pkg" -> "2024.2.1"; NULL for any other name. */
static char *package_version(const char *name)
{
	const char *v;
	size_t n;
	if (!hoist_skip_prefix(name, "octopus-", &v))
		return NULL;
	/* After the version: "-" and 12 hex digits (13), then ".pkg" (4). */
	n = strlen(v);
	if (n < 1 + 13 + 4 || strcmp(v + n - 4, ".pkg") || v[n - 4 - 13] != '-')
		return NULL;
	return hoist_xstrndup(v, n - 4 - 13);
}

static void read_cache(const char *state_dir, struct hoist_retention *out)
{
	char *dir = hoist_xasprintf("%s/cache", state_dir);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t alloc = 0;
	time_t now = time(NULL);
	while (d && (de = readdir(d))) {
		char *v = package_version(de->d_name), *path;
		struct stat sb;
		if (!v)
			continue;
		path = hoist_xasprintf("%s/%s", dir, de->d_name);
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(path);
			free(v);
			continue;
		}
		out->packages = hoist_xgrow(out->packages, &alloc, out->n_packages + 1,
					    sizeof *out->packages);
		out->packages[out->n_packages].path = path;
		out->packages[out->n_packages].version = v;
		out->packages[out->n_packages].bytes = (unsigned long long)sb.st_size;
		out->packages[out->n_packages].age_s = (long long)(now - sb.st_mtime);
		out->packages[out->n_packages].keep = HOIST_KEEP_NONE;
		out->n_packages++;
	}
	if (d)
		closedir(d);
	free(dir);
}

/* Whether version v is in the list of n strings. */
static bool seen(char **list, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], v))
			return true;
	return false;
}

enum hoist_status hoist_retention_judge(const char *state_dir, size_t keep_runs,
					const char *protect, long long cache_max_age_s,
					struct hoist_retention *out, struct hoist_error *err)
{
	struct hoist_run_entry *runs = NULL;
	size_t n = 0, real = 0, dry = 0, n_db = 0, n_key = 0;
	char **db_seen, **key_seen;
	enum hoist_status st;
	memset(out, 0, sizeof *out);
	st = hoist_rundir_list(state_dir, &runs, &n, err);
	if (st != HOIST_OK)
		return st;
	out->runs = hoist_xcalloc(n ? n : 1, sizeof *out->runs);
	out->n_runs = n;
	db_seen = hoist_xcalloc(n ? n : 1, sizeof *db_seen);
	key_seen = hoist_xcalloc(n ? n : 1, sizeof *key_seen);
	for (size_t i = 0; i < n; i++) {
		struct hoist_retained_run *r = &out->runs[i];
		read_run(r, &runs[i]);
		if (protect && !strcmp(r->id, protect))
			r->keep = HOIST_KEEP_CURRENT;
		/* Dry runs have a count of their own: they never push a real run out. */
		if (r->dry ? dry++ < keep_runs : real++ < keep_runs)
			if (r->keep == HOIST_KEEP_NONE)
				r->keep = HOIST_KEEP_RECENT;
		if (!out->running_version && !r->dry && *r->outcome && r->keep != HOIST_KEEP_CURRENT)
			out->running_version = hoist_xstrdup(
				!strcmp(r->outcome, hoist_run_state_name(HOIST_RUN_OK)) ? r->to : r->from);
	}
	/* The newest backup of each version, wherever it is, is a way back: it stays. */
	for (size_t i = 0; i < n; i++) {
		struct hoist_retained_run *r = &out->runs[i];
		if (r->has_db_backup && *r->from && !seen(db_seen, n_db, r->from)) {
			db_seen[n_db++] = r->from;
			if (r->keep == HOIST_KEEP_NONE) {
				r->keep = HOIST_KEEP_DB_BACKUP;
				r->keep_version = hoist_xstrdup(r->from);
			}
		}
		if (r->has_master_key && *r->from && !seen(key_seen, n_key, r->from)) {
			key_seen[n_key++] = r->from;
			if (r->keep == HOIST_KEEP_NONE) {
				r->keep = HOIST_KEEP_MASTER_KEY;
				r->keep_version = hoist_xstrdup(r->from);
			}
		}
	}
	read_cache(state_dir, out);
	for (size_t i = 0; i < out->n_packages; i++) {
		struct hoist_cached_package *p = &out->packages[i];
		/* Never the running version's installer, nor that of a version one can go back to. */
		if ((out->running_version && !strcmp(p->version, out->running_version)) ||
		    seen(db_seen, n_db, p->version))
			p->keep = HOIST_KEEP_INSTALLER;
		else if (cache_max_age_s <= 0 || p->age_s < cache_max_age_s)
			p->keep = HOIST_KEEP_YOUNG;
		if (p->keep == HOIST_KEEP_NONE) {
			out->free_bytes += p->bytes;
			out->n_free_packages++;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (out->runs[i].keep == HOIST_KEEP_NONE) {
			out->free_bytes += out->runs[i].bytes;
			out->n_free_runs++;
		}
	free(db_seen);
	free(key_seen);
	hoist_rundir_list_free(runs, n);
	return HOIST_OK;
}

void hoist_retention_done(struct hoist_retention *r)
{
	for (size_t i = 0; i < r->n_runs; i++) {
		free(r->runs[i].id);
		free(r->runs[i].path);
		free(r->runs[i].kind);
		free(r->runs[i].from);
		free(r->runs[i].to);
		free(r->runs[i].outcome);
		free(r->runs[i].keep_version);
	}
	free(r->runs);
	for (size_t i = 0; i < r->n_packages; i++) {
		free(r->packages[i].path);
		free(r->packages[i].version);
	}
	free(r->packages);
	free(r->running_version);
	memset(r, 0, sizeof *r);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

enum hoist_status hoist_retention_apply(const struct hoist_retention *r,
					unsigned long long *freed, struct hoist_error *err)
{
	unsigned long long done = 0;
	enum hoist_status st = HOIST_OK;
	for (size_t i = 0; st == HOIST_OK && i < r->n_runs; i++) {
		if (r->runs[i].keep != HOIST_KEEP_NONE)
			continue;
		if (nftw(r->runs[i].path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			st = hoist_error_set(err, HOIST_IO, _("cannot remove the old run %s: %s"),
					     r->runs[i].path, strerror(errno));
		else
			done += r->runs[i].bytes;
	}
	for (size_t i = 0; st == HOIST_OK && i < r->n_packages; i++) {
		if (r->packages[i].keep != HOIST_KEEP_NONE)
			continue;
		if (unlink(r->packages[i].path) != 0 && errno != ENOENT)
			st = hoist_error_set(err, HOIST_IO, _("cannot remove %s: %s"),
					     r->packages[i].path, strerror(errno));
		else
			done += r->packages[i].bytes;
	}
	if (freed)
		*freed = done;
	return st;
}

enum hoist_status hoist_retention_prune(const char *state_dir, size_t keep_runs,
					const char *protect, long long cache_max_age_s,
					struct hoist_error *err)
{
	struct hoist_retention r;
	enum hoist_status st = hoist_retention_judge(state_dir, keep_runs, protect,
						     cache_max_age_s, &r, err);
	if (st == HOIST_OK)
		st = hoist_retention_apply(&r, NULL, err);
	hoist_retention_done(&r);
	return st;
}

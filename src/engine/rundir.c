/* rundir.c: run folders in the state folder, pruning and atomic file writes. */
#include "config.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "i18n.h"
#include "rundir.h"
#include "xalloc.h"

enum hoist_status hoist_rundir_make_dirs(const char *path, mode_t mode, struct hoist_error *err)
{
	char *copy = hoist_xstrdup(path);
	enum hoist_status st = HOIST_OK;
	for (char *p = copy + 1; ; p++) {
		bool last = *p == '\0';
		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(copy, mode) == 0) {
			chmod(copy, mode); /* exactly mode, whatever the umask */
		} else if (errno != EEXIST) {
			st = hoist_error_set(err, errno == EACCES ? HOIST_PERMISSION : HOIST_IO,
					     _("cannot create the folder %s: %s"), copy, strerror(errno));
			break;
		} else {
			struct stat sb;
			if (stat(copy, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
				st = hoist_error_set(err, HOIST_IO, _("%s exists and is not a folder"), copy);
				break;
			}
		}
		if (last)
			break;
		*p = '/';
	}
	free(copy);
	return st;
}

char *hoist_rundir_new_id(void)
{
	unsigned char r[2];
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		unsigned v = (unsigned)getpid() ^ (unsigned)clock();
		r[0] = (unsigned char)v;
		r[1] = (unsigned char)(v >> 8);
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	return hoist_xasprintf("%s-%02x%02x", stamp, r[0], r[1]);
}

bool hoist_rundir_id_valid(const char *id)
{
	static const char shape[] = "DDDDDDDDTDDDDDDZ-HHHH";
	if (!id || strlen(id) != HOIST_RUN_ID_LEN)
		return false;
	for (size_t i = 0; i < HOIST_RUN_ID_LEN; i++) {
		char c = id[i];
		switch (shape[i]) {
		case 'D':
			if (!isdigit((unsigned char)c))
				return false;
			break;
		case 'H':
			if (!isdigit((unsigned char)c) && !(c >= 'a' && c <= 'f'))
				return false;
			break;
		default:
			if (c != shape[i])
				return false;
		}
	}
	return true;
}

char *hoist_rundir_path(const char *state_dir, const char *run_id)
{
	return hoist_xasprintf("%s/runs/%s", state_dir, run_id);
}

/* The run folder's backups/ (its names are the ones guides and bundles look for). */
#define BACKUPS "backups"

char *hoist_rundir_file(const char *run_dir, enum hoist_rundir_file f)
{
	static const char *const names[] = {
		[HOIST_RUNDIR_PLAN] = "plan.json",
		[HOIST_RUNDIR_JOURNAL] = "journal.jsonl",
		[HOIST_RUNDIR_GUIDE] = "guide.txt",
		[HOIST_RUNDIR_ACTIONS] = "actions",
		[HOIST_RUNDIR_BACKUPS] = BACKUPS,
		[HOIST_RUNDIR_MASTER_KEY] = BACKUPS "/master-key",
	};
	return hoist_xasprintf("%s/%s", run_dir, names[f]);
}

char *hoist_rundir_db_backup_name(const char *version)
{
	return hoist_xasprintf("db-%s.bak", version);
}

char *hoist_rundir_db_backup(const char *run_dir, const char *version)
{
	char *name = hoist_rundir_db_backup_name(version);
	char *path = hoist_xasprintf("%s/" BACKUPS "/%s", run_dir, name);
	free(name);
	return path;
}

/* A folder that someone else could write to would let them swap our files. */
static enum hoist_status check_private(const char *dir, struct hoist_error *err)
{
	struct stat sb;
	if (lstat(dir, &sb) != 0)
		return hoist_error_set(err, HOIST_IO, _("cannot use the folder %s: %s"), dir,
				       strerror(errno));
	if (S_ISLNK(sb.st_mode) || !S_ISDIR(sb.st_mode))
		return hoist_error_set(err, HOIST_UNSAFE,
				       _("%s is not a plain folder (a symbolic link?); hoist keeps backups and keys there, so it must be a real folder"),
				       dir);
	if ((sb.st_mode & 022) || (sb.st_uid != geteuid() && sb.st_uid != 0))
		return hoist_error_set(err, HOIST_UNSAFE,
				       _("%s can be written by other users; hoist keeps backups and keys there: run chmod go-w on it, or choose another state_dir"),
				       dir);
	return HOIST_OK;
}

enum hoist_status hoist_rundir_create(const char *state_dir, const char *run_id, char **path,
				      struct hoist_error *err)
{
	char *runs, *dir, *backups;
	enum hoist_status st;

	*path = NULL;
	if (!hoist_rundir_id_valid(run_id))
		return hoist_error_set(err, HOIST_USAGE, _("\"%s\" is not a run id (like 20261122T014233Z-1a2b)"),
				       run_id ? run_id : "");
	runs = hoist_xasprintf("%s/runs", state_dir);
	st = hoist_rundir_make_dirs(runs, 0700, err);
	if (st == HOIST_OK)
		st = check_private(state_dir, err);
	if (st == HOIST_OK)
		st = check_private(runs, err);
	free(runs);
	if (st != HOIST_OK)
		return st;
	dir = hoist_rundir_path(state_dir, run_id);
	if (mkdir(dir, 0700) != 0) {
		st = hoist_error_set(err, errno == EEXIST ? HOIST_STATE : HOIST_IO,
				     _("cannot create the run folder %s: %s"), dir, strerror(errno));
		free(dir);
		return st;
	}
	chmod(dir, 0700);
	backups = hoist_rundir_file(dir, HOIST_RUNDIR_BACKUPS);
	if (mkdir(backups, 0700) != 0) {
		st = hoist_error_set(err, HOIST_IO, _("cannot create the folder %s: %s"), backups,
				     strerror(errno));
		free(backups);
		free(dir);
		return st;
	}
	chmod(backups, 0700);
	free(backups);
	*path = dir;
	return HOIST_OK;
}

/* nftw has no context pointer; sizing and removal run one at a time. */
static unsigned long long tree_bytes;

static int add_size(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)p;
	(void)f;
	if (flag == FTW_F)
		tree_bytes += (unsigned long long)sb->st_size;
	return 0;
}

static int remove_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(p) == 0 || errno == ENOENT ? 0 : -1;
}

static int newest_first(const void *a, const void *b)
{
	const struct hoist_run_entry *x = a, *y = b;
	return strcmp(y->id, x->id);
}

enum hoist_status hoist_rundir_list(const char *state_dir, struct hoist_run_entry **out,
				    size_t *n, struct hoist_error *err)
{
	char *runs = hoist_xasprintf("%s/runs", state_dir);
	struct hoist_run_entry *list = NULL;
	size_t count = 0, alloc = 0;
	struct dirent *de;
	DIR *d = opendir(runs);

	*out = NULL;
	*n = 0;
	if (!d) {
		enum hoist_status st = HOIST_OK;
		if (errno != ENOENT)
			st = hoist_error_set(err, HOIST_IO, _("cannot read the folder %s: %s"), runs,
					     strerror(errno));
		free(runs);
		return st;
	}
	while ((de = readdir(d))) {
		struct stat sb;
		char *p;
		if (!hoist_rundir_id_valid(de->d_name))
			continue;
		p = hoist_xasprintf("%s/%s", runs, de->d_name);
		if (lstat(p, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			free(p);
			continue;
		}
		list = hoist_xgrow(list, &alloc, count + 1, sizeof *list);
		list[count].id = hoist_xstrdup(de->d_name);
		list[count].path = p;
		tree_bytes = 0;
		nftw(p, add_size, 16, FTW_PHYS);
		list[count].bytes = tree_bytes;
		count++;
	}
	closedir(d);
	free(runs);
	if (count)
		qsort(list, count, sizeof *list, newest_first);
	*out = list;
	*n = count;
	return HOIST_OK;
}

void hoist_rundir_list_free(struct hoist_run_entry *runs, size_t n)
{
	if (!runs)
		return;
	for (size_t i = 0; i < n; i++) {
		free(runs[i].id);
		free(runs[i].path);
	}
	free(runs);
}

enum hoist_status hoist_rundir_latest(const char *state_dir, char **id, struct hoist_error *err)
{
	struct hoist_run_entry *runs;
	size_t n;
	enum hoist_status st = hoist_rundir_list(state_dir, &runs, &n, err);
	*id = NULL;
	if (st != HOIST_OK)
		return st;
	if (!n)
		return hoist_error_set(err, HOIST_NOTFOUND, _("there are no runs in %s/runs"), state_dir);
	*id = hoist_xstrdup(runs[0].id);
	hoist_rundir_list_free(runs, n);
	return HOIST_OK;
}

enum hoist_status hoist_rundir_prune(const char *state_dir, size_t keep, const char *protect,
				     size_t *removed, struct hoist_error *err)
{
	struct hoist_run_entry *runs;
	size_t n, kept = 0, gone = 0;
	enum hoist_status st = hoist_rundir_list(state_dir, &runs, &n, err);
	if (removed)
		*removed = 0;
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; i < n; i++) {
		if ((protect && strcmp(runs[i].id, protect) == 0) || kept < keep) {
			kept++;
			continue;
		}
		if (nftw(runs[i].path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
			st = hoist_error_set(err, HOIST_IO, _("cannot remove the old run %s: %s"),
					     runs[i].path, strerror(errno));
			break;
		}
		gone++;
	}
	hoist_rundir_list_free(runs, n);
	if (removed)
		*removed = gone;
	return st;
}

enum hoist_status hoist_rundir_write_atomic(const char *path, const void *data, size_t len,
					    mode_t mode, struct hoist_error *err)
{
	char *tmp = hoist_xasprintf("%s.tmp.XXXXXX", path), *dir;
	const char *p = data;
	size_t done = 0;
	int fd = mkstemp(tmp), dfd, e;

	if (fd < 0) {
		e = errno;
		free(tmp);
		return hoist_error_set(err, e == EACCES ? HOIST_PERMISSION : HOIST_IO,
				       _("cannot write %s: %s"), path, strerror(e));
	}
	/* mkstemp made it 0600; a wider mode is set only before any content is written. */
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	dir = hoist_xstrdup(path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return HOIST_OK;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return hoist_error_set(err, e == EACCES ? HOIST_PERMISSION : HOIST_IO,
			       _("cannot write %s: %s"), path, strerror(e));
}

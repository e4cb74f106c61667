/* state.c: the sandbox's state database, read and written by serve, ctl and fault alike. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "i18n.h"
#include "sandbox.h"
#include "xalloc.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS nodes(ord INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
	" role TEXT NOT NULL, version TEXT NOT NULL, port INTEGER NOT NULL,"
	" running INTEGER NOT NULL, drained INTEGER NOT NULL, max_tasks INTEGER NOT NULL,"
	" listening INTEGER NOT NULL DEFAULT 0, changed_ms INTEGER NOT NULL DEFAULT 0,"
	" os_patches INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS tasks(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	" description TEXT NOT NULL, state TEXT NOT NULL, node TEXT, queue_ms INTEGER NOT NULL,"
	" start_ms INTEGER, end_ms INTEGER, run_ms INTEGER NOT NULL, args TEXT, error TEXT);"
	"CREATE TABLE IF NOT EXISTS machines(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	" version TEXT NOT NULL, health TEXT NOT NULL, environment TEXT NOT NULL,"
	" calamari TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE IF NOT EXISTS faults(action TEXT NOT NULL, version TEXT, node TEXT,"
	" mode TEXT NOT NULL, ms INTEGER NOT NULL DEFAULT 0);";

enum hoist_status sb_open(struct sb *sb, const char *dir, bool create, struct hoist_error *err)
{
	struct stat stb;
	char *path;
	int rc;
	sb->dir = hoist_xstrdup(dir);
	sb->st = NULL;
	path = sb_path(sb, "state.db");
	if (!create && stat(path, &stb) != 0) {
		hoist_error_set(err, HOIST_NOTFOUND,
				_("%s is not a sandbox (no state.db); create one with"
				  " `hoist-sandbox init %s`."),
				dir, dir);
		free(path);
		sb_close(sb); /* sb->dir too */
		return HOIST_NOTFOUND;
	}
	rc = sqlite3_open(path, &sb->st);
	free(path);
	if (rc != SQLITE_OK) {
		hoist_error_set(err, HOIST_IO, _("cannot open the sandbox state in %s: %s"), dir,
				sqlite3_errmsg(sb->st));
		sb_close(sb);
		return HOIST_IO;
	}
	sqlite3_busy_timeout(sb->st, 10000);
	sqlite3_exec(sb->st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL,
		     NULL);
	if (create && sb_exec(sb, schema_sql, err) != HOIST_OK) {
		sb_close(sb);
		return HOIST_IO;
	}
	return HOIST_OK;
}

bool sb_open_cmd(struct sb *sb, const char *dir)
{
	struct hoist_error err;
	bool ok;
	hoist_error_init(&err);
	ok = sb_open(sb, dir, false, &err) == HOIST_OK;
	if (!ok)
		fprintf(stderr, "hoist-sandbox: %s\n", hoist_error_message(&err));
	hoist_error_done(&err);
	return ok;
}

void sb_close(struct sb *sb)
{
	if (sb->st)
		sqlite3_close(sb->st);
	sb->st = NULL;
	free(sb->dir);
	sb->dir = NULL;
}

char *sb_path(const struct sb *sb, const char *name)
{
	return hoist_xasprintf("%s/%s", sb->dir, name);
}

long long sb_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sb_sleep_ms(long long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	if (ms <= 0)
		return;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

enum hoist_status sb_exec(struct sb *sb, const char *sql, struct hoist_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(sb->st, sql, NULL, NULL, &msg) != SQLITE_OK) {
		hoist_error_set(err, HOIST_IO, _("sandbox state: %s"), msg ? msg : "?");
		sqlite3_free(msg);
		return HOIST_IO;
	}
	return HOIST_OK;
}

/* IMMEDIATE: a writer takes the lock up front, so a check and its change are one step. */
void sb_begin(struct sb *sb)
{
	sqlite3_exec(sb->st, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}

void sb_commit(struct sb *sb)
{
	sqlite3_exec(sb->st, "COMMIT", NULL, NULL, NULL);
}

void sb_rollback(struct sb *sb)
{
	sqlite3_exec(sb->st, "ROLLBACK", NULL, NULL, NULL);
}

char *sb_get(struct sb *sb, const char *key)
{
	sqlite3_stmt *s;
	char *out = NULL;
	sqlite3_prepare_v2(sb->st, "SELECT value FROM settings WHERE key=?", -1, &s, NULL);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		out = hoist_xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return out;
}

long long sb_get_int(struct sb *sb, const char *key, long long def)
{
	char *v = sb_get(sb, key);
	long long n = v ? strtoll(v, NULL, 10) : def;
	free(v);
	return n;
}

void sb_set(struct sb *sb, const char *key, const char *value)
{
	sqlite3_stmt *s;
	sqlite3_prepare_v2(sb->st, "INSERT OR REPLACE INTO settings(key, value) VALUES(?, ?)", -1,
			   &s, NULL);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
}

void sb_set_int(struct sb *sb, const char *key, long long value)
{
	char *v = hoist_xasprintf("%lld", value);
	sb_set(sb, key, v);
	free(v);
}

static void copy_col(char *dst, sqlite3_stmt *s, int col)
{
	const char *t = (const char *)sqlite3_column_text(s, col);
	snprintf(dst, SB_NAME_MAX, "%s", t ? t : "");
}

static void read_node(sqlite3_stmt *s, struct sb_node *n)
{
	copy_col(n->name, s, 0);
	copy_col(n->role, s, 1);
	copy_col(n->version, s, 2);
	n->port = sqlite3_column_int(s, 3);
	n->running = sqlite3_column_int(s, 4);
	n->drained = sqlite3_column_int(s, 5);
	n->max_tasks = sqlite3_column_int(s, 6);
	n->listening = sqlite3_column_int(s, 7);
	n->changed_ms = sqlite3_column_int64(s, 8);
	n->os_patches = sqlite3_column_int(s, 9);
}

#define NODE_COLS "name, role, version, port, running, drained, max_tasks, listening," \
	" changed_ms, os_patches"

size_t sb_nodes_load(struct sb *sb, struct sb_node **out)
{
	sqlite3_stmt *s;
	size_t n = 0, alloc = 0;
	*out = NULL;
	sqlite3_prepare_v2(sb->st, "SELECT " NODE_COLS " FROM nodes ORDER BY ord", -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*out = hoist_xgrow(*out, &alloc, n + 1, sizeof **out);
		read_node(s, &(*out)[n++]);
	}
	sqlite3_finalize(s);
	return n;
}

bool sb_node_get(struct sb *sb, const char *name, struct sb_node *out)
{
	sqlite3_stmt *s;
	bool found = false;
	sqlite3_prepare_v2(sb->st, "SELECT " NODE_COLS " FROM nodes WHERE name=?", -1, &s, NULL);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		read_node(s, out);
		found = true;
	}
	sqlite3_finalize(s);
	return found;
}

void sb_node_save(struct sb *sb, const struct sb_node *n)
{
	sqlite3_stmt *s;
	sqlite3_prepare_v2(sb->st,
			   "INSERT INTO nodes(" NODE_COLS ") VALUES(?,?,?,?,?,?,?,?,?,?)"
			   " ON CONFLICT(name) DO UPDATE SET role=excluded.role,"
			   " version=excluded.version, port=excluded.port,"
			   " running=excluded.running, drained=excluded.drained,"
			   " max_tasks=excluded.max_tasks, listening=excluded.listening,"
			   " changed_ms=excluded.changed_ms, os_patches=excluded.os_patches",
			   -1, &s, NULL);
	sqlite3_bind_text(s, 1, n->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, n->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, n->version, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, n->port);
	sqlite3_bind_int(s, 5, n->running);
	sqlite3_bind_int(s, 6, n->drained);
	sqlite3_bind_int(s, 7, n->max_tasks);
	sqlite3_bind_int(s, 8, n->listening);
	sqlite3_bind_int64(s, 9, n->changed_ms);
	sqlite3_bind_int(s, 10, n->os_patches);
	sqlite3_step(s);
	sqlite3_finalize(s);
}

bool sb_name_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!(s[n] >= 'a' && s[n] <= 'z') && !(s[n] >= 'A' && s[n] <= 'Z') &&
		    !(s[n] >= '0' && s[n] <= '9') && s[n] != '-' && s[n] != '_')
			return false;
	return n > 0 && n < SB_NAME_MAX;
}

bool sb_serve_alive(struct sb *sb)
{
	long long pid = sb_get_int(sb, "serve_pid", 0);
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

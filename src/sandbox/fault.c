/* fault.c: faults (fail, hang, half, slow) and durations per action, set from the command line. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "sandbox.h"
#include "text.h"
#include "version.h"
#include "xalloc.h"

struct duration {
	const char *action;
	long long ms;
};

/* Small defaults keep the tests quick; benchmarks raise them with `config DIR set`. */
static const struct duration defaults[] = {
	{ "stop", 30 }, { "start", 40 }, { "install", 50 }, { "db-upgrade", 50 },
	{ "db-backup", 20 }, { "db-restore", 20 }, { "os-patch", 30 }, { "drain", 0 },
	{ "maintenance", 0 }, { "health", 0 }, { "version", 0 }, { "snapshot", 20 },
	{ "reboot", 300 }, { "tentacle-upgrade", 150 }, { "migrate", 200 },
	{ "task-ms", 800 }, { "task-rate", 30 }, { "system-rate", 0 },
};
#define N_DEFAULTS (sizeof defaults / sizeof defaults[0])
/* The actions faults apply to: the ctl verbs plus the two HTTP changes; not the task knobs. */
#define N_ACTIONS (N_DEFAULTS - 3)

static const struct duration *find(const char *action, size_t limit)
{
	for (size_t i = 0; i < limit; i++)
		if (!strcmp(defaults[i].action, action))
			return &defaults[i];
	return NULL;
}

long long sb_duration(struct sb *sb, const char *action)
{
	const struct duration *d = find(action, N_DEFAULTS);
	char *key = hoist_xasprintf("dur.%s", action);
	long long ms = sb_get_int(sb, key, d ? d->ms : 0);
	free(key);
	return ms;
}

/* "install=200,stop=50" or one "key=value"; returns false with a message on stderr. */
bool sb_durations_set(struct sb *sb, const char *list)
{
	char *copy = hoist_xstrdup(list), *save = NULL;
	bool ok = true;
	for (char *item = strtok_r(copy, ",", &save); item && ok; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end = NULL;
		long long ms;
		if (eq) {
			*eq = '\0';
			ms = strtoll(eq + 1, &end, 10);
		}
		if (!eq || !find(item, N_DEFAULTS) || !*(eq + 1) || *end || ms < 0) {
			fprintf(stderr, _("hoist-sandbox: not a duration setting: %s (expected"
					  " ACTION=MS with ACTION one of stop, start, install,"
					  " db-upgrade, db-backup, db-restore, os-patch, drain,"
					  " maintenance, health, version, snapshot, reboot,"
					  " tentacle-upgrade, migrate, task-ms, task-rate,"
					  " system-rate)\n"),
				item);
			ok = false;
			break;
		}
		char *key = hoist_xasprintf("dur.%s", item);
		sb_set_int(sb, key, ms);
		free(key);
	}
	free(copy);
	return ok;
}

static const char *mode_name(enum sb_fault_mode m)
{
	static const char *const names[] = { "none", "fail", "hang", "half", "slow" };
	return names[m];
}

/*
 * The fault set for action on this version and node, and its ms (slow): the most specific
 * one wins, node and version before wildcards. A fault found is written to the timeline.
 */
static enum sb_fault_mode lookup(struct sb *sb, const char *action, const char *version,
				 const char *node, long long *ms)
{
	sqlite3_stmt *s;
	enum sb_fault_mode mode = SB_FAULT_NONE;
	*ms = 0;
	sqlite3_prepare_v2(sb->st,
			   "SELECT mode, ms FROM faults WHERE action = ?1"
			   " AND (version IS NULL OR version = ?2) AND (node IS NULL OR node = ?3)"
			   " ORDER BY (node IS NOT NULL) + (version IS NOT NULL) DESC LIMIT 1",
			   -1, &s, NULL);
	sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, version ? version : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, node ? node : "", -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(s, 0);
		*ms = sqlite3_column_int64(s, 1);
		mode = !strcmp(m, "fail") ? SB_FAULT_FAIL : !strcmp(m, "hang") ? SB_FAULT_HANG :
		       !strcmp(m, "half") ? SB_FAULT_HALF : SB_FAULT_SLOW;
	}
	sqlite3_finalize(s);
	if (mode != SB_FAULT_NONE)
		sb_timeline(sb, "fault", node, "action", action, "mode", mode_name(mode), NULL);
	return mode;
}

enum sb_fault_mode sb_fault_find(struct sb *sb, const char *action, const char *version,
				 const char *node)
{
	long long ms;
	return lookup(sb, action, version, node, &ms);
}

enum sb_fault_mode sb_fault_apply(struct sb *sb, const char *action, const char *version,
				  const char *node, volatile int *abort_flag)
{
	long long ms;
	enum sb_fault_mode mode = lookup(sb, action, version, node, &ms);
	sb_sleep_ms(sb_duration(sb, action) / (mode == SB_FAULT_HALF ? 2 : 1));
	switch (mode) {
	case SB_FAULT_SLOW:
		sb_sleep_ms(ms);
		return SB_FAULT_NONE;
	case SB_FAULT_HANG:
		/* Until killed (ctl) or until the server shuts down (HTTP). */
		while (!abort_flag || !*abort_flag)
			sb_sleep_ms(50);
		return SB_FAULT_HANG;
	default:
		return mode;
	}
}

static int fault_set(struct sb *sb, const char *spec)
{
	char *copy = hoist_xstrdup(spec), *eq = strchr(copy, '='), *at, *colon, *mode;
	const char *num;
	const char *version = NULL, *node = NULL;
	long long ms = 0;
	sqlite3_stmt *s;
	if (!eq)
		goto bad;
	*eq = '\0';
	mode = eq + 1;
	if ((colon = strchr(copy, ':'))) {
		*colon = '\0';
		node = colon + 1;
	}
	if ((at = strchr(copy, '@'))) {
		*at = '\0';
		version = at + 1;
	}
	if (!find(copy, N_ACTIONS) || (version && !hoist_version_valid(version)) ||
	    (node && !sb_name_valid(node)))
		goto bad;
	if (hoist_skip_prefix(mode, "slow:", &num)) {
		char *end;
		ms = strtoll(num, &end, 10);
		if (*end || ms < 0 || end == num)
			goto bad;
		mode[num - 1 - mode] = '\0'; /* "slow:N" becomes "slow" */
	} else if (strcmp(mode, "fail") && strcmp(mode, "hang") && strcmp(mode, "half")) {
		goto bad;
	}
	sb_begin(sb);
	sqlite3_prepare_v2(sb->st, "DELETE FROM faults WHERE action = ?1 AND version IS ?2"
			   " AND node IS ?3", -1, &s, NULL);
	sqlite3_bind_text(s, 1, copy, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, node, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
	sqlite3_prepare_v2(sb->st, "INSERT INTO faults VALUES(?, ?, ?, ?, ?)", -1, &s, NULL);
	sqlite3_bind_text(s, 1, copy, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, node, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, mode, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, ms);
	sqlite3_step(s);
	sqlite3_finalize(s);
	sb_commit(sb);
	free(copy);
	return 0;
bad:
	fprintf(stderr, _("hoist-sandbox: not a fault: %s (expected ACTION[@VERSION][:NODE]="
			  "fail|hang|half|slow:MS)\n"), spec);
	free(copy);
	return 2;
}

int sb_fault_add(struct sb *sb, const char *spec)
{
	return fault_set(sb, spec);
}

static void fault_list(struct sb *sb)
{
	sqlite3_stmt *s;
	sqlite3_prepare_v2(sb->st, "SELECT action, version, node, mode, ms FROM faults"
			   " ORDER BY rowid", -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 1);
		const char *n = (const char *)sqlite3_column_text(s, 2);
		const char *m = (const char *)sqlite3_column_text(s, 3);
		printf("%s%s%s%s%s=%s", sqlite3_column_text(s, 0), v ? "@" : "", v ? v : "",
		       n ? ":" : "", n ? n : "", m);
		if (!strcmp(m, "slow"))
			printf(":%lld", (long long)sqlite3_column_int64(s, 4));
		putchar('\n');
	}
	sqlite3_finalize(s);
}

/* hoist-sandbox fault DIR set SPEC... | clear | list */
int sb_cmd_fault(int argc, char **argv)
{
	struct sb sb;
	struct hoist_error err;
	int rc = 0;
	if (argc < 3 || (strcmp(argv[2], "set") && strcmp(argv[2], "clear") &&
			 strcmp(argv[2], "list")) || (!strcmp(argv[2], "set") && argc < 4)) {
		fprintf(stderr, _("usage: hoist-sandbox fault DIR set ACTION[@VERSION][:NODE]="
				  "fail|hang|half|slow:MS ... | clear | list\n"));
		return 2;
	}
	if (!sb_open_cmd(&sb, argv[1]))
		return 1;
	hoist_error_init(&err);
	if (!strcmp(argv[2], "set"))
		for (int i = 3; i < argc && rc == 0; i++)
			rc = fault_set(&sb, argv[i]);
	else if (!strcmp(argv[2], "clear"))
		sb_exec(&sb, "DELETE FROM faults", NULL);
	else
		fault_list(&sb);
	sb_close(&sb);
	hoist_error_done(&err);
	return rc;
}

/* hoist-sandbox config DIR set KEY=MS[,KEY=MS...] | show */
int sb_cmd_config(int argc, char **argv)
{
	struct sb sb;
	struct hoist_error err;
	int rc = 0;
	if (argc < 3 || (strcmp(argv[2], "set") && strcmp(argv[2], "show")) ||
	    (!strcmp(argv[2], "set") && argc < 4)) {
		fprintf(stderr, _("usage: hoist-sandbox config DIR set ACTION=MS[,ACTION=MS...]"
				  " | show\n"));
		return 2;
	}
	if (!sb_open_cmd(&sb, argv[1]))
		return 1;
	hoist_error_init(&err);
	if (!strcmp(argv[2], "set")) {
		for (int i = 3; i < argc && rc == 0; i++)
			rc = sb_durations_set(&sb, argv[i]) ? 0 : 2;
	} else {
		for (size_t i = 0; i < N_DEFAULTS; i++)
			printf("%s=%lld\n", defaults[i].action, sb_duration(&sb, defaults[i].action));
	}
	sb_close(&sb);
	hoist_error_done(&err);
	return rc;
}

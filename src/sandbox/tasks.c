/* tasks.c: the task queue: deployments arrive, queue, run on nodes that take tasks, end. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "sandbox.h"
#include "text.h"
#include "xalloc.h"

#define QUEUE_CAP 50    /* generated deployments stop piling up beyond this */
#define KEEP_TASKS "500" /* completed tasks kept for listing */

static const char *const projects[] = { "Web Portal", "Billing API", "Payments Worker",
					"Identity", "Reporting", "Mobile Backend" };
static const char *const envs[] = { "Development", "Test", "Production" };

static int count(struct sb *sb, const char *sql, const char *arg)
{
	sqlite3_stmt *s;
	int n = 0;
	sqlite3_prepare_v2(sb->st, sql, -1, &s, NULL);
	if (arg)
		sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

int sb_tasks_running(struct sb *sb, const char *node)
{
	return count(sb, "SELECT count(*) FROM tasks WHERE node = ?"
		     " AND state IN ('Executing', 'Cancelling')", node);
}

static void end_task(struct sb *sb, long long id, const char *state, const char *error)
{
	sqlite3_stmt *s;
	char ids[32], *node = NULL;
	sqlite3_prepare_v2(sb->st, "SELECT node FROM tasks WHERE id = ?", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		node = hoist_xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_prepare_v2(sb->st, "UPDATE tasks SET state = ?, end_ms = ?, error = ?"
			   " WHERE id = ?", -1, &s, NULL);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, sb_now_ms());
	sqlite3_bind_text(s, 3, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, id);
	sqlite3_step(s);
	sqlite3_finalize(s);
	snprintf(ids, sizeof ids, "ServerTasks-%lld", id);
	sb_timeline(sb, "task-end", node, "task", ids, "state", state, NULL);
	free(node);
}

/* A stopped node's running tasks fail, as they do when an Octopus service stops under them. */
void sb_tasks_fail_node(struct sb *sb, const char *node)
{
	sqlite3_stmt *s;
	long long ids[256];
	int n = 0;
	char *msg = hoist_xasprintf("The Octopus Server node %s stopped while this task was"
				    " running.", node);
	sqlite3_prepare_v2(sb->st, "SELECT id FROM tasks WHERE node = ?"
			   " AND state IN ('Executing', 'Cancelling')", -1, &s, NULL);
	sqlite3_bind_text(s, 1, node, -1, SQLITE_STATIC);
	while (n < 256 && sqlite3_step(s) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	for (int i = 0; i < n; i++)
		end_task(sb, ids[i], "Failed", msg);
	free(msg);
}

/* A user's deployment, or (system) a scheduled Retention task. */
static void generate(struct sb *sb, unsigned long long *prng, bool system)
{
	sqlite3_stmt *s;
	long long base = sb_duration(sb, "task-ms");
	long long run = base / 2 + (long long)(sb_rand(prng) % (unsigned long long)(base + 1));
	const char *p = projects[sb_rand(prng) % 6], *e = envs[sb_rand(prng) % 3];
	char *desc = system ? hoist_xstrdup("Apply retention policies") :
		     hoist_xasprintf("Deploy %s release 1.%d.%d to %s", p,
				     (int)(sb_rand(prng) % 9), (int)(sb_rand(prng) % 30), e);
	sqlite3_prepare_v2(sb->st, "INSERT INTO tasks(name, description, state, queue_ms, run_ms,"
			   " args) VALUES(?, ?, 'Queued', ?, ?, '{}')", -1, &s, NULL);
	sqlite3_bind_text(s, 1, system ? "Retention" : "Deploy", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, desc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, sb_now_ms());
	sqlite3_bind_int64(s, 4, run);
	sqlite3_step(s);
	sqlite3_finalize(s);
	free(desc);
}

/* The machines a Health or Upgrade task names: MachineIds, else its EnvironmentId, else all. */
size_t sb_task_machines(struct sb *sb, const char *args, long long **ids)
{
	cJSON *a = cJSON_Parse(args ? args : "{}"), *list = cJSON_GetObjectItem(a, "MachineIds"), *id;
	const char *env = cJSON_GetStringValue(cJSON_GetObjectItem(a, "EnvironmentId"));
	size_t n = 0, alloc = 0;
	sqlite3_stmt *s;
	*ids = NULL;
	if (cJSON_IsArray(list) && cJSON_GetArraySize(list) > 0) {
		cJSON_ArrayForEach(id, list) {
			const char *t = cJSON_GetStringValue(id), *num;
			if (!t || !hoist_skip_prefix(t, "Machines-", &num))
				continue;
			*ids = hoist_xgrow(*ids, &alloc, n + 1, sizeof **ids);
			(*ids)[n++] = strtoll(num, NULL, 10);
		}
		cJSON_Delete(a);
		return n;
	}
	sqlite3_prepare_v2(sb->st, "SELECT id FROM machines WHERE ?1 IS NULL OR environment = ?1"
			   " ORDER BY id", -1, &s, NULL);
	sqlite3_bind_text(s, 1, env, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*ids = hoist_xgrow(*ids, &alloc, n + 1, sizeof **ids);
		(*ids)[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	cJSON_Delete(a);
	return n;
}

/*
 * What an Upgrade or Health task changes on its machines, one at a time. An Upgrade brings the
 * Tentacle to the bundled version (a fault "tentacle-upgrade:MACHINE=fail" fails that one and
 * the task, the others still upgrade); a Health check pushes the server's Calamari. Returns the
 * error of a failed task (owned) or NULL.
 */
static char *finish_effects(struct sb *sb, const char *name, const char *args, const char *node)
{
	bool upgrade = !strcmp(name, "Upgrade");
	long long *ids;
	size_t n;
	char *error = NULL, *server = NULL;
	struct sb_node nd;
	sqlite3_stmt *q, *u;
	if (!upgrade && strcmp(name, "Health"))
		return NULL;
	if (node && sb_node_get(sb, node, &nd))
		server = hoist_xstrdup(nd.version);
	else
		server = sb_get(sb, "version");
	n = sb_task_machines(sb, args, &ids);
	sqlite3_prepare_v2(sb->st, "SELECT name, version FROM machines WHERE id = ?", -1, &q, NULL);
	{
		/* The bundled Tentacle and the oldest one the server still talks to. */
		char *sql = upgrade ?
			hoist_xasprintf("UPDATE machines SET version = '%s' WHERE id = ?1",
					sb_tentacle_latest(server ? server : "")) :
			hoist_xasprintf("UPDATE machines SET health = CASE WHEN version = '%s'"
					" THEN 'Healthy' WHEN CAST(version AS INTEGER) < %d THEN"
					" 'Unhealthy' ELSE 'HasWarnings' END, calamari = CASE WHEN"
					" CAST(version AS INTEGER) < %d THEN calamari ELSE ?2 END"
					" WHERE id = ?1", sb_tentacle_latest(server ? server : ""),
					sb_tentacle_minimum(server ? server : ""),
					sb_tentacle_minimum(server ? server : ""));
		sqlite3_prepare_v2(sb->st, sql, -1, &u, NULL);
		free(sql);
	}
	for (size_t i = 0; i < n; i++) {
		char *mname, *mver;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, ids[i]);
		if (sqlite3_step(q) != SQLITE_ROW)
			continue;
		mname = hoist_xstrdup((const char *)sqlite3_column_text(q, 0));
		mver = hoist_xstrdup((const char *)sqlite3_column_text(q, 1));
		if (!upgrade && server && atoi(mver) < 3 && atoi(server) >= 3) {
			/* 3.x changed the communication protocol: a 2.x Tentacle does not answer. */
			char *e = hoist_xasprintf("%s%sThe health check of %s failed: Tentacle %s"
						  " cannot talk to Octopus Server %s.",
						  error ? error : "", error ? " " : "", mname, mver,
						  server);
			free(error);
			error = e;
			sqlite3_reset(u);
			sqlite3_bind_int64(u, 1, ids[i]);
			sqlite3_bind_text(u, 2, server, -1, SQLITE_TRANSIENT);
			sqlite3_step(u);
		} else if (upgrade && atoi(mver) < 3) {
			/* A 2.x Tentacle speaks another protocol: only its MSI, by hand, replaces it. */
			char *e = hoist_xasprintf("%s%sTentacle %s on %s cannot be upgraded from the"
						  " server: install the Tentacle 3.x MSI on the machine.",
						  error ? error : "", error ? " " : "", mver, mname);
			free(error);
			error = e;
		} else if (upgrade && sb_fault_find(sb, "tentacle-upgrade", NULL, mname) !=
			   SB_FAULT_NONE) {
			char *e = hoist_xasprintf("%s%sThe Tentacle on %s could not be upgraded: the"
						  " installer exited with code 1603.",
						  error ? error : "", error ? " " : "", mname);
			free(error);
			error = e;
			sb_timeline(sb, "tentacle-upgrade-failed", NULL, "machine", mname, NULL);
		} else {
			sqlite3_reset(u);
			sqlite3_bind_int64(u, 1, ids[i]);
			sqlite3_bind_text(u, 2, server ? server : "", -1, SQLITE_TRANSIENT);
			sqlite3_step(u);
			if (upgrade)
				sb_timeline(sb, "tentacle-upgrade", NULL, "machine", mname, "from",
					    mver, "version", sb_tentacle_latest(server ? server : ""),
					    NULL);
			else
				sb_timeline(sb, "health-check", NULL, "machine", mname, NULL);
		}
		free(mname);
		free(mver);
	}
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	free(ids);
	free(server);
	return error;
}

static void complete(struct sb *sb, long long now)
{
	sqlite3_stmt *s;
	struct done { long long id; char *name, *args, *node; bool cancel; } *d = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_prepare_v2(sb->st, "SELECT id, name, args, state = 'Cancelling', node FROM tasks"
			   " WHERE (state = 'Executing' AND start_ms + run_ms <= ?)"
			   " OR state = 'Cancelling'", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		d = hoist_xgrow(d, &alloc, n + 1, sizeof *d);
		d[n].id = sqlite3_column_int64(s, 0);
		d[n].name = hoist_xstrdup((const char *)sqlite3_column_text(s, 1));
		d[n].args = hoist_xstrdup((const char *)sqlite3_column_text(s, 2));
		d[n].node = sqlite3_column_text(s, 4) ?
			    hoist_xstrdup((const char *)sqlite3_column_text(s, 4)) : NULL;
		d[n++].cancel = sqlite3_column_int(s, 3);
	}
	sqlite3_finalize(s);
	for (size_t i = 0; i < n; i++) {
		/* The fault "health=fail": a health check finds an unavailable machine. */
		bool sick = !d[i].cancel && !strcmp(d[i].name, "Health") &&
			    sb_fault_apply(sb, "health", NULL, NULL, NULL) == SB_FAULT_FAIL;
		char *error;
		if (sick) {
			end_task(sb, d[i].id, "Failed",
				 "The health check failed: one or more machines were unavailable.");
			free(d[i].name);
			free(d[i].args);
			free(d[i].node);
			continue;
		}
		error = d[i].cancel ? NULL : finish_effects(sb, d[i].name, d[i].args, d[i].node);
		end_task(sb, d[i].id, d[i].cancel ? "Canceled" : error ? "Failed" : "Success",
			 d[i].cancel ? "The task was canceled." : error);
		free(error);
		free(d[i].node);
		free(d[i].name);
		free(d[i].args);
	}
	free(d);
}

/* Running nodes that are not drained take queued tasks, oldest first, the least busy first. */
static void assign(struct sb *sb, long long now, unsigned long long *prng)
{
	struct sb_node *nodes;
	size_t n = sb_nodes_load(sb, &nodes), turn = n ? sb_rand(prng) % n : 0;
	int *busy = hoist_xcalloc(n ? n : 1, sizeof *busy);
	for (size_t i = 0; i < n; i++)
		busy[i] = sb_tasks_running(sb, nodes[i].name);
	for (;;) {
		sqlite3_stmt *s;
		long long id = -1;
		size_t best = n;
		char ids[32];
		for (size_t k = 0; k < n; k++) {
			size_t i = (turn + k) % n;
			if (nodes[i].running && !nodes[i].drained && busy[i] < nodes[i].max_tasks &&
			    (best == n || busy[i] < busy[best]))
				best = i;
		}
		if (best == n)
			break;
		sqlite3_prepare_v2(sb->st, "SELECT min(id) FROM tasks WHERE state = 'Queued'", -1, &s,
				   NULL);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
			id = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		if (id < 0)
			break;
		sqlite3_prepare_v2(sb->st, "UPDATE tasks SET state = 'Executing', node = ?,"
				   " start_ms = ? WHERE id = ?", -1, &s, NULL);
		sqlite3_bind_text(s, 1, nodes[best].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_int64(s, 3, id);
		sqlite3_step(s);
		sqlite3_finalize(s);
		busy[best]++;
		snprintf(ids, sizeof ids, "ServerTasks-%lld", id);
		sb_timeline(sb, "task-start", nodes[best].name, "task", ids, NULL);
	}
	free(busy);
	free(nodes);
}

void sb_tasks_tick(struct sb *sb, unsigned long long *prng, long long dt_ms)
{
	long long now = sb_now_ms(), rate, system;
	bool room;
	sb_begin(sb);
	rate = sb_duration(sb, "task-rate");
	system = sb_duration(sb, "system-rate");
	room = count(sb, "SELECT count(*) FROM tasks WHERE state = 'Queued'", NULL) < QUEUE_CAP;
	/* Users' deployments stop arriving in maintenance mode; queued ones still run. */
	if (!sb_get_int(sb, "maintenance", 0) && rate > 0 && room &&
	    sb_rand(prng) % 60000 < (unsigned long long)(rate * dt_ms))
		generate(sb, prng, false);
	/* System tasks are queued on schedule even in maintenance mode, as the vendor says. */
	if (system > 0 && room && sb_rand(prng) % 60000 < (unsigned long long)(system * dt_ms))
		generate(sb, prng, true);
	complete(sb, now);
	assign(sb, now, prng);
	sqlite3_exec(sb->st, "DELETE FROM tasks WHERE end_ms IS NOT NULL AND id < (SELECT min(id)"
		     " FROM (SELECT id FROM tasks ORDER BY id DESC LIMIT " KEEP_TASKS "))",
		     NULL, NULL, NULL);
	sb_commit(sb);
}

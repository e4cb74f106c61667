/* api_tasks.c: /api/tasks: the list with its filters, one task, Health and Upgrade, cancel. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "api.h"
#include "buf.h"
#include "text.h"
#include "xalloc.h"

static const char *const task_states[] = { "Queued", "Executing", "Failed", "Canceled",
					   "TimedOut", "Success", "Cancelling" };
#define N_STATES (sizeof task_states / sizeof task_states[0])
#define TASK_COLS "id, name, description, state, node, queue_ms, start_ms, end_ms, run_ms," \
	" args, error"

static void add_time(cJSON *o, const char *name, sqlite3_stmt *s, int col)
{
	char when[40];
	if (sqlite3_column_type(s, col) == SQLITE_NULL) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	sb_iso_time(sqlite3_column_int64(s, col), when);
	cJSON_AddStringToObject(o, name, when);
}

static cJSON *task_json(sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject(), *l;
	const char *state = (const char *)sqlite3_column_text(s, 3);
	const char *node = (const char *)sqlite3_column_text(s, 4);
	const char *err = (const char *)sqlite3_column_text(s, 10);
	bool done = strcmp(state, "Queued") && strcmp(state, "Executing") &&
		    strcmp(state, "Cancelling");
	long long start = sqlite3_column_int64(s, 6), end = sqlite3_column_int64(s, 7);
	long long secs = sqlite3_column_type(s, 6) == SQLITE_NULL ? 0 :
			 ((done ? end : sb_now_ms()) - start) / 1000;
	char *id = hoist_xasprintf("ServerTasks-%lld", (long long)sqlite3_column_int64(s, 0));
	char *self = hoist_xasprintf("/api/tasks/%s", id), *dur;
	cJSON_AddStringToObject(o, "Id", id);
	cJSON_AddStringToObject(o, "SpaceId", "Spaces-1");
	cJSON_AddStringToObject(o, "Name", (const char *)sqlite3_column_text(s, 1));
	cJSON_AddStringToObject(o, "Description", (const char *)sqlite3_column_text(s, 2));
	cJSON_AddItemToObject(o, "Arguments",
			      cJSON_Parse(sqlite3_column_text(s, 9) ?
					  (const char *)sqlite3_column_text(s, 9) : "{}"));
	cJSON_AddStringToObject(o, "State", state);
	cJSON_AddStringToObject(o, "Completed", done ? "Completed" : "");
	add_time(o, "QueueTime", s, 5);
	add_time(o, "StartTime", s, 6);
	add_time(o, "LastUpdatedTime", s, done ? 7 : sqlite3_column_type(s, 6) != SQLITE_NULL ? 6 : 5);
	add_time(o, "CompletedTime", s, 7);
	if (node)
		cJSON_AddStringToObject(o, "ServerNode", node);
	else
		cJSON_AddNullToObject(o, "ServerNode");
	dur = hoist_xasprintf(secs == 1 ? "%lld second" : "%lld seconds", secs);
	cJSON_AddStringToObject(o, "Duration", dur);
	if (err)
		cJSON_AddStringToObject(o, "ErrorMessage", err);
	else
		cJSON_AddStringToObject(o, "ErrorMessage", "");
	cJSON_AddBoolToObject(o, "HasBeenPickedUpByProcessor", node != NULL);
	cJSON_AddBoolToObject(o, "IsCompleted", done);
	cJSON_AddBoolToObject(o, "FinishedSuccessfully", !strcmp(state, "Success"));
	cJSON_AddBoolToObject(o, "HasPendingInterruptions", false);
	cJSON_AddBoolToObject(o, "CanRerun", false);
	cJSON_AddBoolToObject(o, "HasWarningsOrErrors", !strcmp(state, "Failed"));
	l = cJSON_AddObjectToObject(o, "Links");
	cJSON_AddStringToObject(l, "Self", self);
	free(self);
	free(dur);
	free(id);
	return o;
}

/* Appends "AND column IN (?,...)" for a comma list; returns false on an unknown state. */
static bool in_list(struct hoist_buf *sql, char ***binds, size_t *nb, size_t *ab,
		    const char *column, const char *list, bool states)
{
	char *copy = hoist_xstrdup(list), *save = NULL;
	bool first = true;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const char *canon = t;
		if (states) {
			canon = NULL;
			for (size_t i = 0; i < N_STATES; i++)
				if (!strcasecmp(t, task_states[i]))
					canon = task_states[i];
			if (!canon) {
				free(copy);
				return false;
			}
		}
		if (first)
			hoist_buf_printf(sql, " AND %s IN (?", column);
		else
			hoist_buf_puts(sql, ",?");
		*binds = hoist_xgrow(*binds, ab, *nb + 1, sizeof **binds);
		(*binds)[(*nb)++] = hoist_xstrdup(canon);
		first = false;
	}
	if (!first)
		hoist_buf_puts(sql, ")");
	free(copy);
	return true;
}

/* ids=ServerTasks-1,ServerTasks-7: numbers only, so they go into the SQL as numbers. */
static bool id_list(struct hoist_buf *sql, const char *list)
{
	char *copy = hoist_xstrdup(list), *save = NULL, *end;
	bool first = true;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		long long id;
		if (strncasecmp(t, "ServerTasks-", 12) || !*(t + 12)) {
			free(copy);
			return false;
		}
		id = strtoll(t + 12, &end, 10);
		if (*end) {
			free(copy);
			return false;
		}
		hoist_buf_printf(sql, "%s%lld", first ? " AND id IN (" : ",", id);
		first = false;
	}
	if (!first)
		hoist_buf_puts(sql, ")");
	free(copy);
	return true;
}

static void task_list(struct sb_req *r)
{
	const char *active = sb_api_arg(r, "active"), *states = sb_api_arg(r, "states");
	const char *node = sb_api_arg(r, "node"), *name = sb_api_arg(r, "name");
	const char *take_s = sb_api_arg(r, "take"), *skip_s = sb_api_arg(r, "skip");
	const char *running = sb_api_arg(r, "running"), *ids = sb_api_arg(r, "ids");
	long take = take_s ? strtol(take_s, NULL, 10) : 30;
	long skip = skip_s ? strtol(skip_s, NULL, 10) : 0;
	bool act = active && !strcasecmp(active, "true");
	struct hoist_buf where;
	char **binds = NULL, *sql;
	size_t nb = 0, ab = 0;
	sqlite3_stmt *s;
	long total = 0;
	cJSON *o, *items, *counts;
	hoist_buf_init(&where, 0);
	hoist_buf_puts(&where, " WHERE 1");
	if (act)
		hoist_buf_puts(&where, " AND state IN ('Queued', 'Executing', 'Cancelling')");
	if (running && !strcasecmp(running, "true"))
		hoist_buf_puts(&where, " AND state IN ('Executing', 'Cancelling')");
	if (ids && *ids && !id_list(&where, ids)) {
		sb_api_error(r, 400, "The value of the ids parameter is not valid.");
		goto out;
	}
	if ((states && *states && !in_list(&where, &binds, &nb, &ab, "state", states, true)) ||
	    take < 0 || skip < 0) {
		sb_api_error(r, 400, "The value of the states, take or skip parameter is not valid.");
		goto out;
	}
	if (node && *node)
		in_list(&where, &binds, &nb, &ab, "node", node, false);
	if (name && *name)
		in_list(&where, &binds, &nb, &ab, "name", name, false);
	sql = hoist_xasprintf("SELECT count(*) FROM tasks%s", hoist_buf_cstr(&where));
	sqlite3_prepare_v2(r->sb->st, sql, -1, &s, NULL);
	free(sql);
	for (size_t i = 0; i < nb; i++)
		sqlite3_bind_text(s, (int)i + 1, binds[i], -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		total = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sql = hoist_xasprintf("SELECT " TASK_COLS " FROM tasks%s ORDER BY id DESC LIMIT %ld"
			      " OFFSET %ld", hoist_buf_cstr(&where), take, skip);
	sqlite3_prepare_v2(r->sb->st, sql, -1, &s, NULL);
	free(sql);
	for (size_t i = 0; i < nb; i++)
		sqlite3_bind_text(s, (int)i + 1, binds[i], -1, SQLITE_STATIC);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ItemType", "Task");
	cJSON_AddBoolToObject(o, "IsStale", false);
	cJSON_AddNumberToObject(o, "TotalResults", total);
	cJSON_AddNumberToObject(o, "ItemsPerPage", take);
	cJSON_AddNumberToObject(o, "NumberOfPages", take ? (total + take - 1) / take : 0);
	cJSON_AddNumberToObject(o, "LastPageNumber", take && total ? (total - 1) / take : 0);
	items = cJSON_AddArrayToObject(o, "Items");
	while (sqlite3_step(s) == SQLITE_ROW)
		cJSON_AddItemToArray(items, task_json(s));
	sqlite3_finalize(s);
	if (act) {
		/* TotalCounts: every state by name, over all tasks (the vendor's summary). */
		counts = cJSON_AddObjectToObject(o, "TotalCounts");
		for (size_t i = 0; i < N_STATES; i++) {
			sqlite3_prepare_v2(r->sb->st, "SELECT count(*) FROM tasks WHERE state = ?",
					   -1, &s, NULL);
			sqlite3_bind_text(s, 1, task_states[i], -1, SQLITE_STATIC);
			sqlite3_step(s);
			cJSON_AddNumberToObject(counts, task_states[i], sqlite3_column_int(s, 0));
			sqlite3_finalize(s);
		}
		cJSON_AddObjectToObject(o, "TotalCountsInOtherSpaces");
	}
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "Links"), "Self", "/api/tasks");
	cJSON_Delete(r->out);
	r->status = 200;
	r->out = o;
out:
	for (size_t i = 0; i < nb; i++)
		free(binds[i]);
	free(binds);
	hoist_buf_done(&where);
}

static bool task_get(struct sb_req *r, long long id)
{
	sqlite3_stmt *s;
	bool found = false;
	sqlite3_prepare_v2(r->sb->st, "SELECT " TASK_COLS " FROM tasks WHERE id = ?", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		cJSON_Delete(r->out);
		r->status = r->status ? r->status : 200;
		r->out = task_json(s);
		found = true;
	}
	sqlite3_finalize(s);
	return found;
}

/* /details (the task and its progress) and /raw (its log as text). */
static void task_log(struct sb_req *r, long long id, bool raw)
{
	cJSON *t, *o, *p;
	const char *state;
	double done;
	if (!task_get(r, id))
		return sb_api_error(r, 404, "The ServerTask you requested was not found.");
	t = r->out;
	state = cJSON_GetStringValue(cJSON_GetObjectItem(t, "State"));
	done = cJSON_IsTrue(cJSON_GetObjectItem(t, "IsCompleted")) ? 100 :
	       !strcmp(state, "Queued") ? 0 : 50;
	if (raw) {
		const char *err = cJSON_GetStringValue(cJSON_GetObjectItem(t, "ErrorMessage"));
		const char *node = cJSON_GetStringValue(cJSON_GetObjectItem(t, "ServerNode"));
		r->text = hoist_xasprintf(
			"Task ID:        %s\nTask status:    %s\nTask queued:    %s\n"
			"Task started:   %s\nTask completed: %s\nTask duration:  %s\n"
			"Server version: %s\nServer node:    %s\n\n"
			"                    | %s: %s\n%s%s",
			cJSON_GetStringValue(cJSON_GetObjectItem(t, "Id")), state,
			cJSON_GetStringValue(cJSON_GetObjectItem(t, "QueueTime")),
			cJSON_IsString(cJSON_GetObjectItem(t, "StartTime")) ?
			cJSON_GetStringValue(cJSON_GetObjectItem(t, "StartTime")) : "",
			cJSON_IsString(cJSON_GetObjectItem(t, "CompletedTime")) ?
			cJSON_GetStringValue(cJSON_GetObjectItem(t, "CompletedTime")) : "",
			cJSON_GetStringValue(cJSON_GetObjectItem(t, "Duration")), r->node.version,
			node ? node : "", state,
			cJSON_GetStringValue(cJSON_GetObjectItem(t, "Description")),
			err && *err ? err : "", err && *err ? "\n" : "");
		return;
	}
	o = cJSON_CreateObject();
	r->out = o;
	cJSON_AddItemToObject(o, "Task", t);
	cJSON_AddArrayToObject(o, "ActivityLogs");
	cJSON_AddNumberToObject(o, "PhysicalLogSize", 0);
	p = cJSON_AddObjectToObject(o, "Progress");
	cJSON_AddNumberToObject(p, "ProgressPercentage", done);
	cJSON_AddStringToObject(p, "EstimatedTimeRemaining", done == 100 ? "" : "a few seconds");
}

static bool machine_exists(struct sb_req *r, const char *id)
{
	sqlite3_stmt *s;
	const char *num;
	bool found;
	if (!hoist_skip_prefix(id, "Machines-", &num))
		return false;
	sqlite3_prepare_v2(r->sb->st, "SELECT 1 FROM machines WHERE id = ?", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, strtoll(num, NULL, 10));
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

static void task_post(struct sb_req *r)
{
	cJSON *b, *name, *args, *ids, *id;
	char *argtext, *desc;
	sqlite3_stmt *s;
	long long tid, run_ms;
	if (!r->body_len)
		return sb_api_error(r, 400, "No request body was supplied.");
	b = cJSON_ParseWithLength(r->body, r->body_len);
	name = cJSON_GetObjectItem(b, "Name");
	if (!cJSON_IsString(name))
		return cJSON_Delete(b), sb_api_error(r, 400, "Model validation failed: Name is"
						     " required.");
	if (strcmp(name->valuestring, "Health") && strcmp(name->valuestring, "Upgrade")) {
		char *m = hoist_xasprintf("The task type '%s' cannot be created through this server;"
					  " use Health or Upgrade.", name->valuestring);
		sb_api_error(r, 400, m);
		free(m);
		return cJSON_Delete(b);
	}
	/* Administrators may do anything in maintenance mode; everyone else may change nothing. */
	if (!r->admin && sb_get_int(r->sb, "maintenance", 0))
		return cJSON_Delete(b), sb_api_error(r, 503, "Octopus Server is in maintenance mode."
			" Only administrators can queue tasks or make changes until it is turned off.");
	args = cJSON_GetObjectItem(b, "Arguments");
	ids = cJSON_GetObjectItem(args, "MachineIds");
	cJSON_ArrayForEach(id, (cJSON_IsArray(ids) ? ids : NULL)) {
		if (!cJSON_IsString(id) || !machine_exists(r, id->valuestring)) {
			char *m = hoist_xasprintf("The machine '%s' was not found.",
						  cJSON_IsString(id) ? id->valuestring : "?");
			sb_api_error(r, 400, m);
			free(m);
			return cJSON_Delete(b);
		}
	}
	if (cJSON_IsString(cJSON_GetObjectItem(args, "EnvironmentId")) &&
	    !sb_environment_exists(r->sb, cJSON_GetObjectItem(args, "EnvironmentId")->valuestring)) {
		char *m = hoist_xasprintf("The environment '%s' was not found.",
					  cJSON_GetObjectItem(args, "EnvironmentId")->valuestring);
		sb_api_error(r, 400, m);
		free(m);
		return cJSON_Delete(b);
	}
	argtext = args ? cJSON_PrintUnformatted(args) : hoist_xstrdup("{}");
	{
		/* An Upgrade takes its time per machine, one after the other; a Health check less. */
		long long *mids;
		size_t nm = sb_task_machines(r->sb, argtext, &mids);
		free(mids);
		run_ms = !strcmp(name->valuestring, "Upgrade") ?
			 (long long)nm * sb_duration(r->sb, "tentacle-upgrade") :
			 sb_duration(r->sb, "task-ms") / 2;
		if (run_ms < 20)
			run_ms = 20;
	}
	desc = cJSON_IsString(cJSON_GetObjectItem(b, "Description")) ?
	       hoist_xstrdup(cJSON_GetObjectItem(b, "Description")->valuestring) :
	       hoist_xasprintf("%s check", name->valuestring);
	sb_begin(r->sb);
	sqlite3_prepare_v2(r->sb->st, "INSERT INTO tasks(name, description, state, queue_ms, run_ms,"
			   " args) VALUES(?, ?, 'Queued', ?, ?, ?)", -1, &s, NULL);
	sqlite3_bind_text(s, 1, name->valuestring, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, desc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, sb_now_ms());
	sqlite3_bind_int64(s, 4, run_ms);
	sqlite3_bind_text(s, 5, argtext, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
	tid = sqlite3_last_insert_rowid(r->sb->st);
	sb_commit(r->sb);
	r->status = 201;
	task_get(r, tid);
	free(argtext);
	free(desc);
	cJSON_Delete(b);
}

bool sb_api_tasks(struct sb_req *r)
{
	const char *p = r->path;
	long long id;
	char *end;
	if (strncasecmp(p, "/api/tasks", 10) || (p[10] && p[10] != '/'))
		return false;
	p += 10;
	if (!*p && !strcmp(r->method, "GET"))
		return task_list(r), true;
	if (!*p && !strcmp(r->method, "POST"))
		return task_post(r), true;
	if (strncasecmp(p, "/ServerTasks-", 13))
		return sb_api_error(r, 404, "The resource you requested was not found."), true;
	id = strtoll(p + 13, &end, 10);
	if (!*end && !strcmp(r->method, "GET")) {
		if (!task_get(r, id))
			sb_api_error(r, 404, "The ServerTask you requested was not found.");
		return true;
	}
	if ((!strcasecmp(end, "/details") || !strcasecmp(end, "/raw")) && !strcmp(r->method, "GET"))
		return task_log(r, id, end[1] == 'r' || end[1] == 'R'), true;
	if (!strcasecmp(end, "/cancel") && !strcmp(r->method, "POST")) {
		sb_begin(r->sb);
		sqlite3_stmt *s;
		sqlite3_prepare_v2(r->sb->st, "UPDATE tasks SET state = CASE state WHEN 'Queued'"
				   " THEN 'Canceled' ELSE 'Cancelling' END, end_ms = CASE state"
				   " WHEN 'Queued' THEN ?2 ELSE end_ms END WHERE id = ?1 AND state IN"
				   " ('Queued', 'Executing')", -1, &s, NULL);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, sb_now_ms());
		sqlite3_step(s);
		sqlite3_finalize(s);
		sb_commit(r->sb);
		if (!task_get(r, id))
			sb_api_error(r, 404, "The ServerTask you requested was not found.");
		return true;
	}
	sb_api_error(r, 404, "The resource you requested was not found.");
	return true;
}

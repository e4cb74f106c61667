/* guide_json.c: the rollback guide as JSON (its facts and steps). */
#include "config.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include "guide_int.h"
#include "json.h"
#include "xalloc.h"

static const char *rule_name(enum hoist_guide_rule r)
{
	switch (r) {
	case HOIST_GUIDE_RESTART: return "restart";
	case HOIST_GUIDE_REINSTALL: return "reinstall";
	case HOIST_GUIDE_RESTORE: return "restore";
	case HOIST_GUIDE_RESTORE_MAJOR: return "restore-major";
	case HOIST_GUIDE_OS_SNAPSHOT: return "os-snapshot";
	default: return "nothing";
	}
}

static void json_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* The backups the run took, each with its time as a number and as text. */
static cJSON *backups_json(const struct hoist_guide *g)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < g->n_backups; i++) {
		cJSON *b = cJSON_CreateObject();
		char *when = guide_time_text(g->backups[i].time_ms);
		json_str(b, "item", g->backups[i].item);
		json_str(b, "node", g->backups[i].node);
		json_str(b, "path", g->backups[i].path);
		cJSON_AddNumberToObject(b, "size", (double)g->backups[i].size);
		json_str(b, "sha256", g->backups[i].sha256);
		cJSON_AddNumberToObject(b, "time_ms", (double)g->backups[i].time_ms);
		json_str(b, "time", when);
		free(when);
		cJSON_AddItemToArray(a, b);
	}
	return a;
}

/* The numbered steps; a step without a plan step id is done by hand. */
static cJSON *steps_json(const struct hoist_guide *g)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < g->n_steps; i++) {
		const struct hoist_guide_step *s = &g->steps[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "number", s->number);
		json_str(j, "step", s->step);
		json_str(j, "node", s->node);
		json_str(j, "version", s->version.text);
		json_str(j, "arg", s->arg);
		json_str(j, "reason", s->reason);
		json_str(j, "command", s->command);
		cJSON_AddBoolToObject(j, "by_hand", !s->step);
		cJSON_AddItemToArray(a, j);
	}
	return a;
}

char *hoist_guide_to_json(const struct hoist_guide *g)
{
	cJSON *o = cJSON_CreateObject(), *a;
	char *text, *out;
	json_str(o, "run_id", g->run_id);
	json_str(o, "from", g->from.text);
	json_str(o, "to", g->to.text);
	json_str(o, "kind", hoist_kind_name(g->kind));
	json_str(o, "strategy", hoist_strategy_name(g->strategy));
	json_str(o, "profile", g->profile);
	cJSON_AddBoolToObject(o, "os_patch", g->os_patch);
	json_str(o, "failed_step", g->failed_step);
	json_str(o, "failed_hop", g->failed_hop);
	json_str(o, "failed_node", g->failed_node);
	json_str(o, "failed_message", g->failed_message);
	cJSON_AddBoolToObject(o, "interrupted", g->interrupted);
	cJSON_AddBoolToObject(o, "point_of_no_return_passed", g->pnr_passed);
	cJSON_AddBoolToObject(o, "database_upgrade_half_done", g->pnr_half);
	json_str(o, "rule", rule_name(g->rule));
	cJSON_AddItemToObject(o, "backups", backups_json(g));
	json_str(o, "installer", g->installer);
	json_str(o, "installer_url", g->installer_url);
	a = cJSON_AddArrayToObject(o, "drained");
	for (size_t i = 0; i < g->n_drained; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(g->drained[i]));
	cJSON_AddBoolToObject(o, "maintenance_turned_on", g->maintenance_on);
	cJSON_AddBoolToObject(o, "maintenance_still_on", g->maintenance_still_on);
	cJSON_AddBoolToObject(o, "reverted", g->reverted);
	cJSON_AddBoolToObject(o, "undone", g->undone);
	cJSON_AddItemToObject(o, "steps", steps_json(g));
	text = hoist_json_print(o, false);
	cJSON_Delete(o);
	out = hoist_xstrdup(text);
	free(text);
	return out;
}

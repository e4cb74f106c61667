/* tentacles.c: the deployment targets, their Tentacle versions and the batches (seed 001). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>
#include "buf.h"
#include "feed_load.h"
#include "http_config.h"
#include "i18n.h"
#include "journeys.h"
#include "notes.h"
#include "tentacles.h"
#include "text.h"
#include "xalloc.h"

static char *dup0(const char *s)
{
	return s ? hoist_xstrdup(s) : NULL;
}

void hoist_tentacles_free(struct hoist_tentacles *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].id);
		free(t->v[i].name);
		free(t->v[i].environment_id);
		free(t->v[i].environment);
		free(t->v[i].version);
		free(t->v[i].health);
	}
	free(t->v);
	for (size_t i = 0; i < t->n_environments; i++)
		free(t->environments[i]);
	free(t->environments);
	free(t);
}

char *hoist_tentacles_to_json(const struct hoist_tentacles *t)
{
	cJSON *j = cJSON_CreateObject(), *a;
	char *text, *out;
	cJSON_AddStringToObject(j, "server", t->server.text);
	cJSON_AddNumberToObject(j, "batch", t->batch_size);
	cJSON_AddNumberToObject(j, "batches", t->n_batches);
	cJSON_AddNumberToObject(j, "outdated", (double)hoist_tentacles_outdated(t));
	a = cJSON_AddArrayToObject(j, "targets");
	for (size_t i = 0; i < t->n; i++) {
		const struct hoist_tentacle_target *g = &t->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", g->id);
		cJSON_AddStringToObject(o, "name", g->name);
		cJSON_AddStringToObject(o, "environment", g->environment);
		if (g->version)
			cJSON_AddStringToObject(o, "version", g->version);
		else
			cJSON_AddNullToObject(o, "version");
		cJSON_AddBoolToObject(o, "outdated", g->outdated);
		cJSON_AddBoolToObject(o, "required", g->required);
		cJSON_AddBoolToObject(o, "latest_calamari", g->latest_calamari);
		cJSON_AddNumberToObject(o, "batch", g->batch);
		cJSON_AddItemToArray(a, o);
	}
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	out = hoist_xstrdup(text);
	cJSON_free(text);
	return out;
}

size_t hoist_tentacles_outdated(const struct hoist_tentacles *t)
{
	size_t n = 0;
	for (size_t i = 0; t && i < t->n; i++)
		n += t->v[i].batch > 0;
	return n;
}

/* The environment a name or id means; -1 when none. */
static long find_env(const struct hoist_octopus_environments *e, const char *want)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcasecmp(e->v[i].id, want) || !strcasecmp(e->v[i].name, want))
			return (long)i;
	return -1;
}

static enum hoist_status unknown_env(const struct hoist_octopus_environments *e, const char *want,
				     struct hoist_error *err)
{
	struct hoist_buf known;
	hoist_buf_init(&known, 0);
	for (size_t i = 0; i < e->n; i++)
		hoist_buf_printf(&known, "%s%s", i ? ", " : "", e->v[i].name);
	hoist_error_set(err, HOIST_USAGE, _("the server has no environment \"%s\" (it has: %s)"),
			want, known.len ? hoist_buf_cstr(&known) : "-");
	hoist_buf_done(&known);
	return HOIST_USAGE;
}

enum hoist_status hoist_tentacles_read(struct hoist_octopus *oc, const char *const *envs,
				       size_t n_envs, int batch_size, struct hoist_tentacles **out,
				       struct hoist_error *err)
{
	struct hoist_octopus_environments e = { NULL, 0 };
	struct hoist_octopus_tentacles m = { NULL, 0 };
	struct hoist_tentacles *t;
	bool *wanted = NULL;
	const char *space;
	enum hoist_status st;

	*out = NULL;
	t = hoist_xcalloc(1, sizeof *t);
	t->batch_size = batch_size > 0 ? batch_size : HOIST_TENTACLES_BATCH;
	st = hoist_octopus_version(oc, &t->server, err);
	/* Spaces came with 2019.1: older servers have the unscoped paths only. */
	space = st == HOIST_OK && t->server.major < 2019 ? "" : "Spaces-1";
	if (st == HOIST_OK)
		st = hoist_octopus_environments(oc, space, &e, err);
	if (st == HOIST_OK)
		st = hoist_octopus_tentacles(oc, space, &m, err);
	wanted = hoist_xcalloc(e.n + 1, sizeof *wanted);
	for (size_t i = 0; st == HOIST_OK && i < n_envs; i++) {
		long k = find_env(&e, envs[i]);
		if (k < 0) {
			st = unknown_env(&e, envs[i], err);
			break;
		}
		if (!wanted[k]) {
			t->environments = hoist_xrealloc(t->environments, (t->n_environments + 1) *
							 sizeof *t->environments);
			t->environments[t->n_environments++] = hoist_xstrdup(e.v[k].id);
		}
		wanted[k] = true;
	}
	if (st == HOIST_OK) {
		t->v = hoist_xcalloc(m.n + 1, sizeof *t->v);
		/* Environment by environment, in the server's order; targets by name within one. */
		for (size_t k = 0; k <= e.n; k++) {
			size_t first = t->n, in_batch = 0;
			if (k < e.n && n_envs && !wanted[k])
				continue;
			for (size_t i = 0; i < m.n; i++) {
				const struct hoist_octopus_tentacle *x = &m.v[i];
				long at = x->environment ? find_env(&e, x->environment) : -1;
				struct hoist_tentacle_target *g;
				/* The last round (k == e.n) takes targets of no known environment. */
				if ((k < e.n && at != (long)k) || (k == e.n && (at >= 0 || n_envs)))
					continue;
				g = &t->v[t->n++];
				g->id = dup0(x->id);
				g->name = dup0(x->name ? x->name : x->id);
				g->environment_id = dup0(x->environment);
				g->environment = dup0(k < e.n ? e.v[k].name : x->environment ?
						      x->environment : "-");
				g->version = dup0(x->version);
				g->health = dup0(x->health);
				g->outdated = x->upgrade_suggested || x->upgrade_required;
				g->required = x->upgrade_required;
				g->latest_calamari = x->latest_calamari;
			}
			/* Insertion sort by name: a few hundred targets at most per environment. */
			for (size_t i = first + 1; i < t->n; i++)
				for (size_t j = i; j > first &&
				     strcmp(t->v[j - 1].name, t->v[j].name) > 0; j--) {
					struct hoist_tentacle_target tmp = t->v[j];
					t->v[j] = t->v[j - 1];
					t->v[j - 1] = tmp;
				}
			for (size_t i = first; i < t->n; i++) {
				if (!t->v[i].outdated)
					continue;
				if (in_batch == 0)
					t->n_batches++;
				t->v[i].batch = t->n_batches;
				in_batch = (in_batch + 1) % (size_t)t->batch_size;
			}
		}
	}
	free(wanted);
	hoist_octopus_environments_done(&e);
	hoist_octopus_tentacles_done(&m);
	if (st != HOIST_OK) {
		hoist_tentacles_free(t);
		return st;
	}
	*out = t;
	return HOIST_OK;
}

enum hoist_status hoist_tentacles_read_config(const struct hoist_config *cfg,
					      const char *const *envs, size_t n_envs,
					      int batch_size, struct hoist_tentacles **out,
					      struct hoist_error *err)
{
	struct hoist_http_options ho;
	struct hoist_octopus *oc;
	struct hoist_version v;
	enum hoist_status st;
	*out = NULL;
	if (!cfg->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured: set [server] url or "
					 "HOIST_SERVER_URL"));
	hoist_http_options_from_config(cfg, &ho);
	oc = hoist_octopus_new(cfg->server_url, cfg->api_key, &ho);
	st = hoist_octopus_version(oc, &v, err);
	/* Seed 002: a 2.x Tentacle is replaced by hand, in the legacy upgrade. */
	if (st == HOIST_OK && v.major < 3)
		st = hoist_error_set(err, HOIST_STATE,
				     _("the server runs Octopus %s: its Tentacles are replaced by "
				       "hand during the legacy upgrade to 3.x (hoist legacy)"), v.text);
	if (st == HOIST_OK)
		st = hoist_octopus_check_key(oc, err);
	if (st == HOIST_OK)
		st = hoist_tentacles_read(oc, envs, n_envs, batch_size, out, err);
	hoist_octopus_free(oc);
	return st;
}

char *hoist_tentacles_step_arg(const struct hoist_tentacles *t)
{
	struct hoist_buf b;
	char *s;
	hoist_buf_init(&b, 0);
	hoist_buf_printf(&b, "batch=%d", t->batch_size);
	for (size_t i = 0; i < t->n_environments; i++)
		hoist_buf_printf(&b, "%s%s", i ? "," : " environments=", t->environments[i]);
	s = hoist_xstrdup(hoist_buf_cstr(&b));
	hoist_buf_done(&b);
	return s;
}

enum hoist_status hoist_tentacles_parse_arg(const char *arg, int *batch_size, char ***envs,
					    size_t *n_envs, struct hoist_error *err)
{
	char *copy = hoist_xstrdup(arg ? arg : ""), *save = NULL, *w;
	enum hoist_status st = HOIST_OK;
	*batch_size = HOIST_TENTACLES_BATCH;
	*envs = NULL;
	*n_envs = 0;
	for (w = strtok_r(copy, " ", &save); w && st == HOIST_OK; w = strtok_r(NULL, " ", &save)) {
		char *end;
		const char *v;
		if (hoist_skip_prefix(w, "batch=", &v)) {
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 10000)
				st = hoist_error_set(err, HOIST_PARSE,
						     _("the plan's Tentacle batch size %s is not a "
						       "number from 1 to 10000"), v);
			*batch_size = (int)n;
		} else if (hoist_skip_prefix(w, "environments=", &v)) {
			char *s2 = NULL;
			/* v points into w, this function's own copy: strtok_r may cut it. */
			for (char *e = strtok_r((char *)v, ",", &s2); e; e = strtok_r(NULL, ",", &s2)) {
				*envs = hoist_xrealloc(*envs, (*n_envs + 1) * sizeof **envs);
				(*envs)[(*n_envs)++] = hoist_xstrdup(e);
			}
		} else {
			st = hoist_error_set(err, HOIST_PARSE,
					     _("the plan's tentacles step has an unknown setting %s"),
					     w);
		}
	}
	free(copy);
	return st;
}

enum hoist_status hoist_plan_prepare_tentacles(const struct hoist_config *cfg,
					       const char *const *envs, size_t n_envs,
					       int batch_size, struct hoist_plan **out,
					       struct hoist_error *err)
{
	struct hoist_tentacles *t;
	struct hoist_plan *p;
	enum hoist_status st;
	char *arg;
	*out = NULL;
	st = hoist_tentacles_read_config(cfg, envs, n_envs, batch_size, &t, err);
	if (st != HOIST_OK)
		return st;
	st = hoist_journey_plan_base(cfg, HOIST_JOURNEY_TENTACLES, &p, err);
	if (st != HOIST_OK) {
		hoist_tentacles_free(t);
		return st;
	}
	arg = hoist_tentacles_step_arg(t);
	hoist_plan_add_step(p, "tentacles", NULL, &p->from, arg);
	hoist_plan_add_step(p, "health-check", NULL, &p->from, arg);
	free(arg);
	hoist_tentacles_free(t);
	*out = p;
	return HOIST_OK;
}

void hoist_tentacles_advice_done(struct hoist_tentacles_advice *a)
{
	if (!a)
		return;
	free(a->note);
	free(a->release);
	free(a->minimum);
	for (size_t i = 0; i < a->n_affected; i++)
		free(a->affected[i]);
	free(a->affected);
	memset(a, 0, sizeof *a);
}

/* "Tentacles older than 6.0 ... no longer ..." and its kin; *minimum "6.0" when named. */
static bool says_tentacles_stop(const char *text, char **minimum)
{
	const char *t = strcasestr(text, "tentacle"), *older;
	*minimum = NULL;
	if (!t || !(strcasestr(text, "no longer") || strcasestr(text, "upgrade them") ||
		    strcasestr(text, "stop working") || strcasestr(text, "not supported")))
		return false;
	if ((older = strcasestr(t, "older than ")) || (older = strcasestr(t, "before "))) {
		const char *v = strchr(older, ' ') + 1;
		if (!strncasecmp(older, "older than ", 11))
			v = older + 11;
		if (*v >= '0' && *v <= '9')
			*minimum = hoist_xstrndup(v, strspn(v, "0123456789."));
		while (*minimum && **minimum && (*minimum)[strlen(*minimum) - 1] == '.')
			(*minimum)[strlen(*minimum) - 1] = '\0';
	}
	return true;
}

/* Numeric comparison per component: "5.0.15" < "6.0" = "6". */
static int dotted_cmp(const char *a, const char *b)
{
	for (;;) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*ea != '.' && *eb != '.')
			return 0;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
	}
}

enum hoist_status hoist_tentacles_advise(const struct hoist_config *cfg,
					 const struct hoist_version *from,
					 const struct hoist_version *to,
					 struct hoist_tentacles_advice *out, struct hoist_error *err)
{
	struct hoist_feed *feed = NULL;
	struct hoist_notes notes;
	struct hoist_tentacles *t = NULL;
	enum hoist_status st;
	memset(out, 0, sizeof *out);
	memset(&notes, 0, sizeof notes);
	st = hoist_feed_load_configured(cfg, &feed, err);
	if (st == HOIST_OK)
		st = hoist_notes_diff(feed, from, to, &notes, err);
	for (size_t i = 0; st == HOIST_OK && i < notes.n && !out->warned; i++) {
		const struct hoist_note_entry *e = &notes.entries[i];
		char *min = NULL;
		if ((e->kind != HOIST_NOTE_BREAKING && e->kind != HOIST_NOTE_DEPENDENCY) ||
		    !says_tentacles_stop(e->text, &min))
			continue;
		out->warned = true;
		out->note = hoist_xstrdup(e->text);
		out->release = hoist_xstrdup(e->release->version.text);
		out->minimum = min;
	}
	if (st == HOIST_OK && out->warned)
		st = hoist_tentacles_read_config(cfg, NULL, 0, 0, &t, err);
	for (size_t i = 0; st == HOIST_OK && out->warned && i < t->n; i++) {
		const struct hoist_tentacle_target *g = &t->v[i];
		bool old = out->minimum ? (!g->version || dotted_cmp(g->version, out->minimum) < 0)
					: g->outdated;
		out->n_targets++;
		if (!old)
			continue;
		out->affected = hoist_xrealloc(out->affected, (out->n_affected + 1) *
					       sizeof *out->affected);
		out->affected[out->n_affected++] = hoist_xstrdup(g->name);
	}
	hoist_tentacles_free(t);
	hoist_notes_done(&notes);
	hoist_feed_free(feed);
	if (st != HOIST_OK)
		hoist_tentacles_advice_done(out);
	return st;
}

/* bundle.c: a run as one support file without secrets, and that file read back. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "buf.h"
#include "bundle.h"
#include "feed_load.h"
#include "i18n.h"
#include "json.h"
#include "rundir.h"
#include "sha256.h"
#include "xalloc.h"

/* What the bundle stands in for when a secret is taken out. */
#define REMOVED "[removed]"
/* Files read whole into the bundle (journal, guide) are capped. */
#define READ_CAP (64u << 20)

/* ---- writing ---- */

struct secrets {
	char **v;  /* owned; wiped on free */
	size_t n, alloc;
};

static void secret_add_min(struct secrets *s, const char *text, size_t min)
{
	if (!text || strlen(text) < min)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], text))
			return;
	s->v = hoist_xgrow(s->v, &s->alloc, s->n + 1, sizeof *s->v);
	s->v[s->n++] = hoist_xstrdup(text);
}

/* Very short texts would scrub ordinary words; keys are long. */
static void secret_add(struct secrets *s, const char *text)
{
	secret_add_min(s, text, 8);
}

static void secrets_free(struct secrets *s)
{
	for (size_t i = 0; i < s->n; i++) {
		memset(s->v[i], 0, strlen(s->v[i]));
		free(s->v[i]);
	}
	free(s->v);
}

static char *read_file(const char *path, size_t cap)
{
	FILE *f = fopen(path, "r");
	struct hoist_buf b;
	char chunk[8192];
	size_t n;
	if (!f)
		return NULL;
	hoist_buf_init(&b, cap);
	hoist_buf_append(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (hoist_buf_append(&b, chunk, n) != HOIST_OK)
			break;
	fclose(f);
	return hoist_buf_detach(&b, NULL);
}

/* Every line of the run's saved master key(s) is a secret, whatever else the file holds. */
static void master_key_secrets(const char *backups, struct secrets *s)
{
	DIR *d = opendir(backups);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *path, *text, *save = NULL;
		if (!strstr(e->d_name, "master-key"))
			continue;
		path = hoist_xasprintf("%s/%s", backups, e->d_name);
		text = read_file(path, 1 << 20);
		for (char *line = text ? strtok_r(text, "\r\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\r\n", &save))
			secret_add(s, line);
		if (text) {
			memset(text, 0, strlen(text));
			free(text);
		}
		free(path);
	}
	if (d)
		closedir(d);
}

/* An address or transport without its user info (user, password): "ssh://host:22". */
static char *no_credentials(const char *url)
{
	const char *rest = url ? strstr(url, "://") : NULL, *host, *end, *at;
	if (!url)
		return NULL;
	if (!rest)
		return hoist_xstrdup(url);
	host = rest + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (!at)
		return hoist_xstrdup(url);
	return hoist_xasprintf("%.*s%s", (int)(host - url), url, at + 1);
}

/* The password of an address's user info ("user:password@host") is a secret too. */
static void url_secret(struct secrets *s, const char *url)
{
	const char *rest = url ? strstr(url, "://") : NULL, *host, *end, *at, *colon;
	char *pw;
	if (!rest)
		return;
	host = rest + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (!colon)
		return;
	pw = hoist_xstrndup(colon + 1, (size_t)(at - colon - 1));
	secret_add_min(s, pw, 3);
	memset(pw, 0, strlen(pw));
	free(pw);
}

static void clean_url(char **url)
{
	char *c = no_credentials(*url);
	free(*url);
	*url = c;
}

/* The plan as support sees it: addresses and transports without user info. */
static void clean_plan(struct hoist_plan *p)
{
	clean_url(&p->server_url);
	clean_url(&p->feed);
	for (size_t i = 0; i < p->n_nodes; i++) {
		clean_url(&p->nodes[i].transport);
		clean_url(&p->nodes[i].url);
	}
	for (size_t i = 0; i < p->n_packages; i++)
		clean_url(&p->packages[i].url);
}

static void add_str(cJSON *o, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(o, key, value);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_url(cJSON *o, const char *key, const char *url)
{
	char *clean = no_credentials(url);
	add_str(o, key, clean);
	free(clean);
}

/* A setting whose name says it holds a secret keeps only that it is set. */
static bool secret_name(const char *key)
{
	static const char *const words[] = { "pass", "secret", "token", "key", "credential",
					     "pwd", "auth" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(key, words[i]))
			return true;
	return false;
}

static cJSON *config_json(const struct hoist_config *c)
{
	cJSON *o = cJSON_CreateObject(), *s, *n, *a;
	s = cJSON_AddObjectToObject(o, "server");
	add_url(s, "url", c->server_url);
	add_str(s, "api_key", c->api_key ? REMOVED : NULL);
	cJSON_AddBoolToObject(s, "api_key_file_set", c->api_key_file != NULL);
	cJSON_AddBoolToObject(s, "tls_verify", c->tls_verify);
	cJSON_AddBoolToObject(s, "ca_file_set", c->ca_file != NULL);
	cJSON_AddBoolToObject(s, "allow_http", c->allow_http);
	s = cJSON_AddObjectToObject(o, "feed");
	add_url(s, "source", c->feed);
	s = cJSON_AddObjectToObject(o, "upgrade");
	add_str(s, "profile", c->profile);
	cJSON_AddNumberToObject(s, "keep_runs", c->keep_runs);
	add_str(s, "role_order", c->role_order);
	cJSON_AddNumberToObject(s, "poll_ms", c->poll_ms);
	cJSON_AddNumberToObject(s, "checklist_max_age_s", (double)c->checklist_max_age_s);
	cJSON_AddNumberToObject(s, "wait_tasks_timeout_s", c->wait_tasks_timeout_s);
	cJSON_AddBoolToObject(s, "ssh_config_set", c->ssh_config != NULL);
	s = cJSON_AddObjectToObject(o, "extra");
	for (size_t i = 0; i < c->n_extra; i++) {
		char *name = hoist_xasprintf("%s.%s", c->extra[i].section, c->extra[i].key);
		add_str(s, name, secret_name(c->extra[i].key) ? REMOVED : c->extra[i].value);
		free(name);
	}
	a = cJSON_AddArrayToObject(o, "nodes");
	for (size_t i = 0; i < c->n_nodes; i++) {
		n = cJSON_CreateObject();
		add_str(n, "name", c->nodes[i].name);
		add_str(n, "role", c->nodes[i].role);
		add_url(n, "transport", c->nodes[i].transport);
		add_url(n, "url", c->nodes[i].url);
		cJSON_AddItemToArray(a, n);
	}
	return o;
}

static cJSON *topology_json(const struct hoist_plan *p)
{
	cJSON *o = cJSON_CreateObject(), *a = NULL, *n;
	add_url(o, "server_url", p->server_url);
	add_str(o, "version", p->from.text);
	add_str(o, "profile", p->profile);
	a = cJSON_AddArrayToObject(o, "nodes");
	for (size_t i = 0; i < p->n_nodes; i++) {
		n = cJSON_CreateObject();
		add_str(n, "name", p->nodes[i].name);
		add_str(n, "role", p->nodes[i].role);
		add_str(n, "version", p->nodes[i].version.text);
		add_url(n, "transport", p->nodes[i].transport);
		add_url(n, "url", p->nodes[i].url);
		cJSON_AddItemToArray(a, n);
	}
	return o;
}

/* The releases from the plan's origin to its target, with notes and required stops. */
static cJSON *feed_json(const struct hoist_config *cfg, const struct hoist_plan *p,
			cJSON *root)
{
	struct hoist_feed *feed = NULL;
	struct hoist_error e;
	cJSON *o, *rels;
	hoist_error_init(&e);
	if (hoist_feed_load_configured(cfg, &feed, &e) != HOIST_OK) {
		cJSON_AddStringToObject(root, "feed_error", hoist_error_message(&e));
		hoist_error_done(&e);
		return cJSON_CreateNull();
	}
	hoist_error_done(&e);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "format", "hoist-feed/1");
	rels = cJSON_AddArrayToObject(o, "releases");
	for (size_t i = 0; i < feed->n_releases; i++) {
		const struct hoist_release *r = &feed->releases[i];
		cJSON *rj, *notes;
		if (hoist_version_cmp(&r->version, &p->from) < 0 ||
		    hoist_version_cmp(&r->version, &p->to) > 0)
			continue;
		rj = cJSON_CreateObject();
		cJSON_AddStringToObject(rj, "version", r->version.text);
		if (r->date)
			cJSON_AddStringToObject(rj, "date", r->date);
		cJSON_AddBoolToObject(rj, "lts", r->lts);
		if (r->has_upgrade_from)
			cJSON_AddStringToObject(rj, "upgrade_from", r->upgrade_from.text);
		notes = cJSON_AddArrayToObject(rj, "notes");
		for (size_t k = 0; k < r->n_notes; k++) {
			cJSON *nj = cJSON_CreateObject();
			cJSON_AddStringToObject(nj, "kind", hoist_note_kind_name(r->notes[k].kind));
			cJSON_AddStringToObject(nj, "text", r->notes[k].text);
			cJSON_AddItemToArray(notes, nj);
		}
		cJSON_AddItemToArray(rels, rj);
	}
	hoist_feed_free(feed);
	return o;
}

/* The run's events as the journal's reader gives them, one object each. */
static enum hoist_status journal_json(const char *path, cJSON **out, struct hoist_error *err)
{
	struct hoist_journal_reader *r;
	enum hoist_status st = hoist_journal_reader_open(path, &r, err);
	cJSON *a;
	*out = NULL;
	if (st != HOIST_OK)
		return st;
	a = cJSON_CreateArray();
	for (;;) {
		struct hoist_event ev;
		bool got;
		enum hoist_status rst = hoist_journal_reader_next(r, &ev, &got, NULL);
		char *line;
		if (rst == HOIST_PARSE)
			continue;
		if (rst != HOIST_OK || !got)
			break;
		line = hoist_event_to_json(&ev);
		cJSON_AddItemToArray(a, cJSON_Parse(line));
		free(line);
		hoist_event_done(&ev);
	}
	hoist_journal_reader_free(r);
	*out = a;
	return HOIST_OK;
}

/* The plan's evidence, and every file in backups/ by name, size and SHA-256: never its content. */
static cJSON *evidence_json(const struct hoist_plan *p, const char *backups)
{
	cJSON *a = cJSON_CreateArray(), *o;
	DIR *d;
	struct dirent *e;
	for (size_t i = 0; i < p->n_evidence; i++) {
		const struct hoist_evidence *ev = &p->evidence[i];
		o = cJSON_CreateObject();
		add_str(o, "item", ev->item);
		add_str(o, "path", ev->path);
		cJSON_AddNumberToObject(o, "size", (double)ev->size);
		add_str(o, "sha256", ev->sha256);
		add_str(o, "time", ev->time);
		cJSON_AddBoolToObject(o, "by_engine", ev->by_engine);
		cJSON_AddItemToArray(a, o);
	}
	d = opendir(backups);
	while (d && (e = readdir(d))) {
		char *path = hoist_xasprintf("%s/%s", backups, e->d_name), sha[65];
		struct stat sb;
		long long size = -1;
		if (e->d_name[0] != '.' && lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    hoist_sha256_file(path, sha, &size, NULL) == HOIST_OK) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "item", "file");
			cJSON_AddStringToObject(o, "path", path);
			cJSON_AddNumberToObject(o, "size", (double)size);
			cJSON_AddStringToObject(o, "sha256", sha);
			cJSON_AddItemToArray(a, o);
		}
		free(path);
	}
	if (d)
		closedir(d);
	return a;
}

static cJSON *host_json(void)
{
	struct utsname u;
	cJSON *o = cJSON_CreateObject();
	if (uname(&u) == 0) {
		cJSON_AddStringToObject(o, "sysname", u.sysname);
		cJSON_AddStringToObject(o, "release", u.release);
		cJSON_AddStringToObject(o, "version", u.version);
		cJSON_AddStringToObject(o, "machine", u.machine);
	}
	return o;
}

/* text with every secret replaced (a new string). */
static char *scrub(const char *text, const struct secrets *s)
{
	char *out = hoist_xstrdup(text);
	for (size_t i = 0; i < s->n; i++) {
		struct hoist_buf b;
		const char *p = out, *hit;
		size_t len = strlen(s->v[i]);
		hoist_buf_init(&b, 0);
		hoist_buf_append(&b, "", 0);
		while ((hit = strstr(p, s->v[i]))) {
			hoist_buf_append(&b, p, (size_t)(hit - p));
			hoist_buf_puts(&b, REMOVED);
			p = hit + len;
		}
		hoist_buf_puts(&b, p);
		free(out);
		out = hoist_buf_detach(&b, NULL);
	}
	return out;
}

/*
 * Commands (profile templates, the journal's log of them) may carry a password as an
 * argument: "-P pw", "--password pw", "--password=pw", "Password=pw;". Their values go.
 */
static const char *const pw_flags[] = { "-P", "--password", "--pass", "-Password", NULL };
static const char *const pw_keys[] = { "password=", "passwd=", "pwd=", "pgpassword=",
				       "secret=", "token=", NULL };

static bool boundary(const char *text, const char *at)
{
	return at == text || strchr(" \t\"'=;,?&", at[-1]) != NULL;
}

static size_t value_len(const char *v)
{
	size_t n = 0;
	/* Up to the end of the argument, of a JSON string, or of a "k=v;" pair. */
	while (v[n] && !strchr(" \t\"';,&", v[n]) && !(v[n] == '\\'))
		n++;
	return n;
}

static char *scrub_arguments(const char *text)
{
	struct hoist_buf b;
	const char *p = text;
	hoist_buf_init(&b, 0);
	hoist_buf_append(&b, "", 0);
	while (*p) {
		size_t skip = 0, keep = 0;
		if (boundary(text, p)) {
			for (size_t i = 0; pw_flags[i] && !skip; i++) {
				size_t n = strlen(pw_flags[i]);
				if (!strncmp(p, pw_flags[i], n) && (p[n] == ' ' || p[n] == '=') &&
				    value_len(p + n + 1)) {
					keep = n + 1;
					skip = value_len(p + keep);
				}
			}
			for (size_t i = 0; pw_keys[i] && !skip; i++) {
				size_t n = strlen(pw_keys[i]);
				if (!strncasecmp(p, pw_keys[i], n) && value_len(p + n)) {
					keep = n;
					skip = value_len(p + keep);
				}
			}
		}
		if (skip) {
			hoist_buf_append(&b, p, keep);
			hoist_buf_puts(&b, REMOVED);
			p += keep + skip;
		} else {
			hoist_buf_append(&b, p, 1);
			p++;
		}
	}
	return hoist_buf_detach(&b, NULL);
}

static bool holds_secret(const char *text, const struct secrets *s)
{
	for (size_t i = 0; i < s->n; i++) {
		cJSON *str = cJSON_CreateString(s->v[i]);
		char *esc = cJSON_PrintUnformatted(str);
		bool hit;
		/* The escaped form without its quotes, as it would sit inside a JSON string. */
		esc[strlen(esc) - 1] = '\0';
		hit = strstr(text, s->v[i]) || strstr(text, esc + 1);
		free(esc);
		cJSON_Delete(str);
		if (hit)
			return true;
	}
	return false;
}

static void iso_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum hoist_status hoist_bundle_write(const struct hoist_config *cfg, const char *run_id,
				     const char *out_path, char **written,
				     struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg), *id = NULL, *dir = NULL, *path = NULL;
	char *backups = NULL, *text = NULL, *clean = NULL, *guide, when[32];
	struct hoist_plan *plan = NULL;
	struct secrets secrets = { NULL, 0, 0 };
	cJSON *root = NULL, *journal, *plan_json;
	enum hoist_status st = HOIST_OK;
	if (written)
		*written = NULL;
	if (run_id && !hoist_rundir_id_valid(run_id))
		st = hoist_error_say(err, HOIST_USAGE, N_("not a run id: %s"), run_id);
	else if (run_id)
		id = hoist_xstrdup(run_id);
	else
		st = hoist_rundir_latest(state, &id, err);
	if (st == HOIST_NOTFOUND)
		hoist_error_say(err, st, N_("there is no run in %s to bundle"), state);
	if (st == HOIST_OK) {
		dir = hoist_rundir_path(state, id);
		path = hoist_rundir_file(dir, HOIST_RUNDIR_PLAN);
		st = hoist_plan_load(path, &plan, err);
		if (st == HOIST_NOTFOUND || st == HOIST_IO)
			hoist_error_say(err, st, N_("the run %s has no readable plan (%s)"), id, path);
		free(path);
		path = NULL;
	}
	if (st != HOIST_OK)
		goto out;
	secret_add(&secrets, cfg->api_key);
	backups = hoist_rundir_file(dir, HOIST_RUNDIR_BACKUPS);
	master_key_secrets(backups, &secrets);
	url_secret(&secrets, cfg->server_url);
	url_secret(&secrets, cfg->feed);
	/* [proxy] https_proxy = http://user:pw@proxy, [feed] download_base, ...: any address. */
	for (size_t i = 0; i < cfg->n_extra; i++)
		url_secret(&secrets, cfg->extra[i].value);
	for (size_t i = 0; i < cfg->n_nodes; i++) {
		url_secret(&secrets, cfg->nodes[i].transport);
		url_secret(&secrets, cfg->nodes[i].url);
	}
	url_secret(&secrets, plan->server_url);
	url_secret(&secrets, plan->feed);
	for (size_t i = 0; i < plan->n_nodes; i++) {
		url_secret(&secrets, plan->nodes[i].transport);
		url_secret(&secrets, plan->nodes[i].url);
	}
	for (size_t i = 0; i < plan->n_packages; i++)
		url_secret(&secrets, plan->packages[i].url);
	clean_plan(plan);

	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "format", HOIST_BUNDLE_FORMAT);
	cJSON_AddStringToObject(root, "hoist_version", VERSION);
	iso_now(when);
	cJSON_AddStringToObject(root, "created", when);
	cJSON_AddStringToObject(root, "run_id", id);
	cJSON_AddItemToObject(root, "host", host_json());
	cJSON_AddItemToObject(root, "config", config_json(cfg));
	cJSON_AddItemToObject(root, "topology", topology_json(plan));
	cJSON_AddItemToObject(root, "feed", feed_json(cfg, plan, root));
	text = hoist_plan_to_json(plan);
	plan_json = cJSON_Parse(text);
	free(text);
	text = NULL;
	cJSON_AddItemToObject(root, "plan", plan_json ? plan_json : cJSON_CreateNull());
	path = hoist_rundir_file(dir, HOIST_RUNDIR_JOURNAL);
	st = journal_json(path, &journal, err);
	if (st != HOIST_OK)
		goto out;
	cJSON_AddItemToObject(root, "journal", journal);
	free(path);
	path = hoist_rundir_file(dir, HOIST_RUNDIR_GUIDE);
	guide = read_file(path, 1 << 20);
	if (guide)
		cJSON_AddStringToObject(root, "guide", guide);
	else
		cJSON_AddNullToObject(root, "guide");
	free(guide);
	cJSON_AddItemToObject(root, "evidence", evidence_json(plan, backups));

	text = hoist_json_print(root, true); /* valid UTF-8 whatever the journal held */
	{
		char *known = scrub(text, &secrets);
		clean = scrub_arguments(known);
		free(known);
	}
	if (holds_secret(clean, &secrets)) {
		st = hoist_error_say(err, HOIST_UNSAFE, N_("the bundle of run %s would hold a secret; "
							   "nothing was written"), id);
		goto out;
	}
	free(path);
	path = out_path ? hoist_xstrdup(out_path) : hoist_xasprintf("%s/support-bundle.json", dir);
	st = hoist_rundir_write_atomic(path, clean, strlen(clean), 0600, err);
	if (st == HOIST_OK && written) {
		*written = path;
		path = NULL;
	}
out:
	if (text)
		memset(text, 0, strlen(text));
	free(text);
	free(clean);
	cJSON_Delete(root);
	secrets_free(&secrets);
	hoist_plan_free(plan);
	free(backups);
	free(path);
	free(dir);
	free(id);
	free(state);
	return st;
}

/* ---- reading ---- */

/* s, or fallback when s is NULL. */
static const char *or_else(const char *s, const char *fallback)
{
	return s ? s : fallback;
}

void hoist_bundle_free(struct hoist_bundle *b)
{
	if (!b)
		return;
	free(b->hoist_version);
	free(b->run_id);
	free(b->host);
	hoist_plan_free(b->plan);
	hoist_run_summary_done(&b->journal);
	hoist_feed_free(b->feed);
	for (size_t i = 0; i < b->n_timings; i++) {
		free(b->timings[i].step);
		free(b->timings[i].node);
	}
	free(b->timings);
	if (b->failure) {
		free(b->failure->step);
		free(b->failure->node);
		free(b->failure->message);
		free(b->failure);
	}
	free(b);
}

static bool same_step(const char *step, const char *node, const char *s2, const char *n2)
{
	return !strcmp(step, s2) && (!node) == (!n2) && (!node || !strcmp(node, n2));
}

/* The occurrence-th step (step, node) of the plan: a chain's hops repeat step and node. */
static const struct hoist_plan_step *plan_step(const struct hoist_plan *p, const char *step,
					       const char *node, size_t occurrence)
{
	const struct hoist_plan_step *last = NULL;
	for (size_t i = 0; i < p->n_steps; i++)
		if (same_step(step, node, p->steps[i].id, p->steps[i].node)) {
			last = &p->steps[i];
			if (occurrence-- <= 1)
				break;
		}
	return last;
}

static size_t starts_of(const struct hoist_event *seen, size_t n, const char *step,
			const char *node)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += same_step(step, node, seen[i].step, seen[i].node);
	return k;
}

static void note_failure(struct hoist_bundle *b, const struct hoist_event *ev, size_t occurrence)
{
	const struct hoist_plan_step *ps = plan_step(b->plan, ev->step, ev->node, occurrence);
	struct hoist_bundle_failure *f = hoist_xcalloc(1, sizeof *f);
	f->step = hoist_xstrdup(ev->step);
	f->node = ev->node ? hoist_xstrdup(ev->node) : NULL;
	f->message = ev->message ? hoist_xstrdup(ev->message) : NULL;
	if (ps) {
		f->version = ps->version;
		f->has_version = true;
	}
	b->failure = f;
}

static enum hoist_status fold_journal(struct hoist_bundle *b, const cJSON *journal,
				      struct hoist_error *err)
{
	const cJSON *item;
	struct hoist_event *starts = NULL; /* step-starts so far: only step and node are set */
	size_t alloc = 0, n_starts = 0, s_alloc = 0;
	if (!cJSON_IsArray(journal))
		return hoist_error_say(err, HOIST_PARSE, N_("the bundle has no journal"));
	cJSON_ArrayForEach(item, journal) {
		char *line = cJSON_PrintUnformatted(item);
		struct hoist_event ev;
		hoist_event_init(&ev, HOIST_EVENT_UNKNOWN);
		if (line && hoist_event_parse(line, strlen(line), &ev, NULL) == HOIST_OK) {
			hoist_run_summary_apply(&b->journal, &ev);
			if (ev.type == HOIST_EVENT_STEP_START && ev.step) {
				starts = hoist_xgrow(starts, &s_alloc, n_starts + 1, sizeof *starts);
				hoist_event_init(&starts[n_starts], HOIST_EVENT_STEP_START);
				starts[n_starts].step = hoist_xstrdup(ev.step);
				starts[n_starts++].node = ev.node ? hoist_xstrdup(ev.node) : NULL;
			}
			if (ev.type == HOIST_EVENT_STEP_END && ev.step && !b->failure &&
			    ev.outcome == HOIST_OUTCOME_FAILED)
				note_failure(b, &ev, starts_of(starts, n_starts, ev.step, ev.node));
		} else {
			b->journal.bad_lines++;
		}
		hoist_event_done(&ev);
		free(line);
	}
	for (size_t i = 0; i < n_starts; i++)
		hoist_event_done(&starts[i]);
	free(starts);
	for (size_t i = 0; i < b->journal.n_steps; i++) {
		const struct hoist_step_summary *s = &b->journal.steps[i];
		struct hoist_bundle_timing *t;
		if (!s->started_ms || s->ended_ms < s->started_ms)
			continue;
		b->timings = hoist_xgrow(b->timings, &alloc, b->n_timings + 1, sizeof *b->timings);
		t = &b->timings[b->n_timings++];
		t->step = hoist_xstrdup(s->step);
		t->node = s->node ? hoist_xstrdup(s->node) : NULL;
		t->ms = s->ended_ms - s->started_ms;
	}
	return HOIST_OK;
}

enum hoist_status hoist_bundle_load(const char *path, struct hoist_bundle **out,
				    struct hoist_error *err)
{
	char *text = read_file(path, READ_CAP), *part;
	cJSON *root, *host, *feed;
	struct hoist_bundle *b;
	enum hoist_status st;
	*out = NULL;
	if (!text)
		return hoist_error_say(err, HOIST_IO, N_("cannot read the bundle %s: %s"), path,
				       strerror(errno));
	root = cJSON_Parse(text);
	free(text);
	if (!root || strcmp(or_else(hoist_json_get_str(root, "format"), ""), HOIST_BUNDLE_FORMAT)) {
		cJSON_Delete(root);
		return hoist_error_say(err, HOIST_PARSE, N_("%s is not a hoist support bundle (%s)"),
				       path, HOIST_BUNDLE_FORMAT);
	}
	b = hoist_xcalloc(1, sizeof *b);
	hoist_run_summary_init(&b->journal);
	b->hoist_version = hoist_xstrdup(or_else(hoist_json_get_str(root, "hoist_version"), "?"));
	b->run_id = hoist_xstrdup(or_else(hoist_json_get_str(root, "run_id"), "?"));
	host = cJSON_GetObjectItemCaseSensitive(root, "host");
	b->host = hoist_xasprintf("%s %s %s", or_else(hoist_json_get_str(host, "sysname"), "?"),
				  or_else(hoist_json_get_str(host, "release"), ""),
				  or_else(hoist_json_get_str(host, "machine"), ""));
	part = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(root, "plan"));
	st = part ? hoist_plan_from_json(part, strlen(part), &b->plan, err)
		  : hoist_error_say(err, HOIST_PARSE, N_("the bundle has no plan"));
	free(part);
	if (st == HOIST_OK)
		st = fold_journal(b, cJSON_GetObjectItemCaseSensitive(root, "journal"), err);
	feed = cJSON_GetObjectItemCaseSensitive(root, "feed");
	if (st == HOIST_OK && cJSON_IsObject(feed)) {
		part = cJSON_PrintUnformatted(feed);
		st = hoist_feed_parse(part, strlen(part), path, NULL, &b->feed, err);
		free(part);
	}
	cJSON_Delete(root);
	if (st != HOIST_OK) {
		hoist_error_prefix_say(err, N_("the bundle %s"), path);
		hoist_bundle_free(b);
		return st;
	}
	*out = b;
	return HOIST_OK;
}

long long hoist_bundle_mean_ms(const struct hoist_bundle *b, const char *step)
{
	long long sum = 0, n = 0;
	for (size_t i = 0; i < b->n_timings; i++)
		if (!strcmp(b->timings[i].step, step)) {
			sum += b->timings[i].ms;
			n++;
		}
	return n ? sum / n : -1;
}

/* ---- comparing ---- */

static long long took(const struct hoist_step_summary *s)
{
	return s->started_ms && s->ended_ms >= s->started_ms ? s->ended_ms - s->started_ms : -1;
}

static bool same_ref(const struct hoist_step_summary *a, const struct hoist_step_summary *b)
{
	return !strcmp(a->step, b->step) && (!a->node) == (!b->node) &&
	       (!a->node || !strcmp(a->node, b->node));
}

bool hoist_bundle_compare(const struct hoist_run_summary *theirs,
			  const struct hoist_run_summary *ours, struct hoist_bundle_row **rows,
			  size_t *n)
{
	bool all = theirs->state == ours->state;
	bool *used = hoist_xcalloc(ours->n_steps + 1, sizeof *used);
	size_t k = 0;
	*rows = hoist_xcalloc(theirs->n_steps + ours->n_steps + 1, sizeof **rows);
	for (size_t i = 0; i < theirs->n_steps; i++) {
		const struct hoist_step_summary *t = &theirs->steps[i], *o = NULL;
		struct hoist_bundle_row *r = &(*rows)[k++];
		for (size_t j = 0; j < ours->n_steps && !o; j++)
			if (!used[j] && same_ref(t, &ours->steps[j])) {
				o = &ours->steps[j];
				used[j] = true;
			}
		r->step = t->step;
		r->node = t->node;
		r->in_theirs = true;
		r->theirs = t->state;
		r->theirs_ms = took(t);
		r->in_ours = o != NULL;
		r->ours = o ? o->state : HOIST_STEP_PENDING;
		r->ours_ms = o ? took(o) : -1;
		r->same = o && o->state == t->state;
		all = all && r->same;
	}
	for (size_t j = 0; j < ours->n_steps; j++) {
		struct hoist_bundle_row *r;
		if (used[j])
			continue;
		r = &(*rows)[k++];
		r->step = ours->steps[j].step;
		r->node = ours->steps[j].node;
		r->in_ours = true;
		r->ours = ours->steps[j].state;
		r->ours_ms = took(&ours->steps[j]);
		r->theirs_ms = -1;
		all = false;
	}
	free(used);
	*n = k;
	return all;
}

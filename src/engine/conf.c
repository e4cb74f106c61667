/* conf.c: hoist's configuration: its keys, each checked as it is set, overrides, look-ups and the state folder. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "conf_int.h"
#include "profile.h"
#include "shell_quote.h"
#include "i18n.h"
#include "text.h"
#include "xalloc.h"

#define DEFAULT_FEED "https://octopus.com/download/upgrade/v3"
#define DEFAULT_ROLE_ORDER "dea,controller,router,base,primary"

/* Every key a file may set outside [profile] and [node "..."]; also for "did you mean". */
static const struct known_key {
	const char *section, *key;
} known_keys[] = {
	{ "server", "url" },	      { "server", "api_key_file" }, { "server", "tls_verify" },
	{ "server", "ca_file" },      { "server", "allow_http" },   { "feed", "source" },
	{ "policy", "allow" },	      { "policy", "minor_after" },  { "policy", "major_after" },
	{ "policy", "pin" },	      { "policy", "exclude" },	    { "policy", "prerelease" },
	{ "upgrade", "profile" },     { "upgrade", "state_dir" },   { "upgrade", "keep_runs" },
	{ "upgrade", "role_order" },  { "node", "role" },	    { "node", "transport" },
	{ "node", "url" },	      { "upgrade", "poll_ms" },	    { "upgrade", "wait_tasks_timeout" },
	{ "upgrade", "ssh_config" },  { "upgrade", "checklist_max_age" },
	/* Real servers: package addresses and checks, node shells and folders, proxies. */
	{ "feed", "download_base" },  { "feed", "checksums" },	    { "feed", "authenticode" },
	{ "node", "shell" },	      { "node", "remote_dir" },	    { "upgrade", "remote_dir" },
	{ "upgrade", "backup_copy" }, { "proxy", "https_proxy" },   { "proxy", "http_proxy" },
	{ "proxy", "no_proxy" },
};

/* A key of those above that is kept as it is and read with hoist_config_get. */
static bool kept_key(const char *section, const char *key)
{
	static const char *const kept[] = { "feed", "download_base", "feed", "checksums",
					    "feed", "authenticode", "upgrade", "remote_dir",
					    "upgrade", "backup_copy", "proxy", "https_proxy",
					    "proxy", "http_proxy", "proxy", "no_proxy" };
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i += 2)
		if (!strcmp(kept[i], section) && !strcmp(kept[i + 1], key))
			return true;
	return false;
}

void hoist_config_init(struct hoist_config *c)
{
	memset(c, 0, sizeof *c);
	c->tls_verify = true;
	c->feed = hoist_xstrdup(DEFAULT_FEED);
	hoist_policy_init(&c->policy);
	c->keep_runs = 10;
	c->poll_ms = 1000;
	c->wait_tasks_timeout_s = 1800;
	c->checklist_max_age_s = 24 * 3600;
	c->role_order = hoist_xstrdup(DEFAULT_ROLE_ORDER);
}

void conf_wipe(char *secret)
{
	/* The key should not linger in freed memory. */
	if (secret) {
		volatile char *p = secret;
		while (*p)
			*p++ = '\0';
	}
	free(secret);
}

void hoist_config_done(struct hoist_config *c)
{
	if (!c)
		return;
	free(c->server_url);
	conf_wipe(c->api_key);
	free(c->api_key_file);
	free(c->ca_file);
	free(c->feed);
	hoist_policy_done(&c->policy);
	free(c->profile);
	free(c->state_dir);
	free(c->role_order);
	free(c->ssh_config);
	for (size_t i = 0; i < c->n_nodes; i++) {
		free(c->nodes[i].name);
		free(c->nodes[i].role);
		free(c->nodes[i].transport);
		free(c->nodes[i].url);
	}
	free(c->nodes);
	for (size_t i = 0; i < c->n_extra; i++) {
		free(c->extra[i].section);
		free(c->extra[i].key);
		free(c->extra[i].value);
	}
	free(c->extra);
	free(c->loaded_from);
	memset(c, 0, sizeof *c);
}

void conf_replace(char **field, const char *value)
{
	free(*field);
	*field = hoist_xstrdup(value);
}

/* Levenshtein distance, capped: only to suggest a near key for a typo. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[32], cur[32];
	if (la >= 31 || lb >= 31)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1,
			       sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = del < ins ? del : ins;
			if (sub < cur[j])
				cur[j] = sub;
		}
		memcpy(prev, cur, (lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

static enum hoist_status unknown_key(const char *where, const char *section, const char *key,
				     struct hoist_error *err)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < sizeof known_keys / sizeof *known_keys; i++) {
		size_t d;
		if (strcmp(known_keys[i].section, section))
			continue;
		d = distance(key, known_keys[i].key);
		if (d < best_d) {
			best_d = d;
			best = known_keys[i].key;
		}
	}
	if (best)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: unknown key \"%s\" in section [%s]; did you mean "
					  "\"%s\"?"),
				       where, key, section, best);
	return hoist_error_say(err, HOIST_CONFIG,
			       N_("%s: unknown key \"%s\" in section [%s] (see hoist.conf(5))"),
			       where, key, section);
}

static enum hoist_status parse_bool(const char *where, const char *key, const char *value,
				    bool *out, struct hoist_error *err)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(value, yes[i])) {
			*out = true;
			return HOIST_OK;
		}
		if (!strcasecmp(value, no[i])) {
			*out = false;
			return HOIST_OK;
		}
	}
	return hoist_error_say(err, HOIST_CONFIG,
			       N_("%s: %s must be true or false, not \"%s\""), where, key, value);
}

static enum hoist_status parse_count(const char *where, const char *key, const char *value,
				     int *out, struct hoist_error *err)
{
	char *end;
	long n;
	errno = 0;
	n = strtol(value, &end, 10);
	if (!isdigit((unsigned char)value[0]) || *end || errno || n > 100000)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: %s must be a whole number from 0 to 100000, not "
					  "\"%s\""),
				       where, key, value);
	*out = (int)n;
	return HOIST_OK;
}

/* A duration: seconds, or a number with s, m, h or d; from 1 s to 365 days. */
static enum hoist_status parse_duration(const char *where, const char *key, const char *value,
					long *out, struct hoist_error *err)
{
	char *end;
	long n, unit = 1;
	errno = 0;
	n = strtol(value, &end, 10);
	if (*end && !end[1])
		unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
	else if (*end)
		unit = 0;
	if (!isdigit((unsigned char)value[0]) || errno || !unit || n <= 0 || n > 365L * 86400 / unit)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: %s must be a duration such as 3600, 90m, 24h or 7d "
					  "(at most 365 days), not \"%s\""),
				       where, key, value);
	*out = n * unit;
	return HOIST_OK;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

/* A policy setter's message gets the place in front; its status becomes a config error. */
static enum hoist_status policy_result(enum hoist_status st, const char *where,
				       struct hoist_error *err)
{
	if (st == HOIST_OK)
		return st;
	hoist_error_prefix(err, "%s", where);
	if (err)
		err->status = HOIST_CONFIG;
	return HOIST_CONFIG;
}

/* An address that starts with https:// or http://. */
static bool web_address(const char *value)
{
	return hoist_skip_prefix(value, "https://", NULL) || hoist_skip_prefix(value, "http://", NULL);
}

static enum hoist_status set_server(struct hoist_config *c, const char *key, const char *value,
				    const char *where, struct hoist_error *err)
{
	if (!strcmp(key, "url")) {
		if (!web_address(value))
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("%s: the server URL \"%s\" must start with "
						  "https:// (or http:// on this machine)"),
					       where, value);
		conf_replace(&c->server_url, value);
		return HOIST_OK;
	}
	if (!strcmp(key, "api_key_file")) {
		conf_replace(&c->api_key_file, value);
		return HOIST_OK;
	}
	if (!strcmp(key, "api_key"))
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: the API key itself is not accepted here; put it in a "
					  "file of mode 0600 and name that file with api_key_file, or "
					  "set HOIST_API_KEY"),
				       where);
	if (!strcmp(key, "tls_verify"))
		return parse_bool(where, "tls_verify", value, &c->tls_verify, err);
	if (!strcmp(key, "ca_file")) {
		conf_replace(&c->ca_file, value);
		return HOIST_OK;
	}
	if (!strcmp(key, "allow_http"))
		return parse_bool(where, "allow_http", value, &c->allow_http, err);
	return unknown_key(where, "server", key, err);
}

static enum hoist_status set_policy(struct hoist_config *c, const char *key, const char *value,
				    const char *where, struct hoist_error *err)
{
	struct hoist_policy *p = &c->policy;
	if (!strcmp(key, "allow"))
		return policy_result(hoist_policy_set_allow(p, value, err), where, err);
	if (!strcmp(key, "minor_after"))
		return policy_result(hoist_policy_set_after(&p->minor_after, value, err), where,
				     err);
	if (!strcmp(key, "major_after"))
		return policy_result(hoist_policy_set_after(&p->major_after, value, err), where,
				     err);
	if (!strcmp(key, "pin")) {
		/* An empty pin lifts an earlier one. */
		if (!*value || !strcasecmp(value, "none")) {
			p->has_pin = false;
			return HOIST_OK;
		}
		return policy_result(hoist_policy_set_pin(p, value, err), where, err);
	}
	if (!strcmp(key, "exclude"))
		return *value ? policy_result(hoist_policy_add_exclude(p, value, err), where, err)
			      : HOIST_OK;
	if (!strcmp(key, "prerelease"))
		return parse_bool(where, "prerelease", value, &p->prerelease, err);
	return unknown_key(where, "policy", key, err);
}

/* [upgrade] profile: one of the built-in profiles (profile.c). */
static enum hoist_status set_profile(struct hoist_config *c, const char *value, const char *where,
				     struct hoist_error *err)
{
	for (const char *const *name = hoist_profile_names(); *name; name++)
		if (!strcmp(value, *name)) {
			conf_replace(&c->profile, value);
			return HOIST_OK;
		}
	return hoist_error_say(err, HOIST_CONFIG,
			       N_("%s: unknown profile \"%s\" (expected octopus-windows, "
				  "octopus-linux-docker, sandbox or custom)"),
			       where, value);
}

/* [upgrade] role_order: role names separated by commas or blanks. */
static enum hoist_status set_role_order(struct hoist_config *c, const char *value,
					const char *where, struct hoist_error *err)
{
	char *copy = hoist_xstrdup(value), *save = NULL;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		if (!valid_name(tok)) {
			hoist_error_say(err, HOIST_CONFIG,
					N_("%s: \"%s\" in role_order is not a role name "
					   "(letters, digits, '-', '_' and '.')"),
					where, tok);
			free(copy);
			return HOIST_CONFIG;
		}
	free(copy);
	conf_replace(&c->role_order, value);
	return HOIST_OK;
}

static enum hoist_status set_upgrade(struct hoist_config *c, const char *key, const char *value,
				     const char *where, struct hoist_error *err)
{
	enum hoist_status st;
	int n = 0;
	if (!strcmp(key, "profile"))
		return set_profile(c, value, where, err);
	if (!strcmp(key, "state_dir")) {
		if (value[0] != '/')
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("%s: state_dir must be an absolute path, not "
						  "\"%s\""),
					       where, value);
		conf_replace(&c->state_dir, value);
		return HOIST_OK;
	}
	if (!strcmp(key, "keep_runs"))
		return parse_count(where, "keep_runs", value, &c->keep_runs, err);
	if (!strcmp(key, "poll_ms")) {
		st = parse_count(where, "poll_ms", value, &n, err);
		if (st == HOIST_OK && n < 10)
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("%s: poll_ms must be at least 10, not \"%s\""),
					       where, value);
		c->poll_ms = n;
		return st;
	}
	if (!strcmp(key, "wait_tasks_timeout")) {
		st = parse_count(where, "wait_tasks_timeout", value, &n, err);
		c->wait_tasks_timeout_s = n;
		return st;
	}
	if (!strcmp(key, "checklist_max_age"))
		return parse_duration(where, key, value, &c->checklist_max_age_s, err);
	if (!strcmp(key, "ssh_config")) {
		if (value[0] != '/')
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("%s: ssh_config must be an absolute path, not "
						  "\"%s\""),
					       where, value);
		conf_replace(&c->ssh_config, value);
		return HOIST_OK;
	}
	if (!strcmp(key, "role_order"))
		return set_role_order(c, value, where, err);
	return unknown_key(where, "upgrade", key, err);
}

static void set_extra(struct hoist_config *c, const char *section, const char *key,
		      const char *value)
{
	struct hoist_kv *kv;
	for (size_t i = 0; i < c->n_extra; i++)
		if (!strcmp(c->extra[i].section, section) && !strcmp(c->extra[i].key, key)) {
			conf_replace(&c->extra[i].value, value);
			return;
		}
	c->extra = hoist_xrealloc(c->extra, (c->n_extra + 1) * sizeof *c->extra);
	kv = &c->extra[c->n_extra++];
	kv->section = hoist_xstrdup(section);
	kv->key = hoist_xstrdup(key);
	kv->value = hoist_xstrdup(value);
}

static struct hoist_node_config *node_get(struct hoist_config *c, const char *name)
{
	struct hoist_node_config *n;
	for (size_t i = 0; i < c->n_nodes; i++)
		if (!strcmp(c->nodes[i].name, name))
			return &c->nodes[i];
	c->nodes = hoist_xrealloc(c->nodes, (c->n_nodes + 1) * sizeof *c->nodes);
	n = &c->nodes[c->n_nodes++];
	memset(n, 0, sizeof *n);
	n->name = hoist_xstrdup(name);
	n->transport = hoist_xstrdup("local");
	return n;
}

/*
 * `node "octo1"` -> octo1 in *name (caller frees); NULL when the section is not a node.
 * A malformed node heading is an error.
 */
static enum hoist_status node_section(const char *section, const char *where, char **name,
				      struct hoist_error *err)
{
	const char *p, *q;
	*name = NULL;
	if (!hoist_skip_prefix(section, "node", &p) || !isspace((unsigned char)*p))
		return HOIST_OK;
	while (isspace((unsigned char)*p))
		p++;
	q = p + 1;
	if (*p == '"')
		while (*q && *q != '"')
			q++;
	if (*p != '"' || *q != '"' || q[1] != '\0' || q == p + 1) {
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: a node section is written [node \"NAME\"], not "
					  "[%s]"),
				       where, section);
	}
	*name = hoist_xstrndup(p + 1, (size_t)(q - p - 1));
	if (!valid_name(*name)) {
		hoist_error_say(err, HOIST_CONFIG,
				N_("%s: \"%s\" is not a valid node name (letters, digits, '-', '_' "
				   "and '.', at most 64)"),
				where, *name);
		free(*name);
		*name = NULL;
		return HOIST_CONFIG;
	}
	return HOIST_OK;
}

static enum hoist_status set_node(struct hoist_config *c, const char *node, const char *key,
				  const char *value, const char *where, struct hoist_error *err)
{
	struct hoist_node_config *n;
	const char *host;
	if (!strcmp(key, "shell") || !strcmp(key, "remote_dir")) {
		/* Kept as [node.NAME] KEY: the transport reads them (hoist_config_get). */
		char *sec;
		enum hoist_shell sh;
		if (!strcmp(key, "shell") && strcmp(value, "auto") &&
		    hoist_shell_parse(value, &sh, err) != HOIST_OK) {
			hoist_error_prefix(err, "%s", where);
			return HOIST_CONFIG;
		}
		if (!*value)
			return hoist_error_say(err, HOIST_CONFIG, N_("%s: %s is empty"), where, key);
		sec = hoist_xasprintf("node.%s", node);
		node_get(c, node);
		set_extra(c, sec, key, value);
		free(sec);
		return HOIST_OK;
	}
	if (strcmp(key, "role") && strcmp(key, "transport") && strcmp(key, "url"))
		return unknown_key(where, "node", key, err);
	if (!strcmp(key, "role") && !valid_name(value))
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: \"%s\" is not a role name (letters, digits, '-', '_' "
					  "and '.')"),
				       where, value);
	if (!strcmp(key, "transport") && strcmp(value, "local") &&
	    (!hoist_skip_prefix(value, "ssh://", &host) || !*host || strpbrk(host, " \t/")))
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: transport must be \"local\" or "
					  "\"ssh://user@host[:port]\", not \"%s\""),
				       where, value);
	if (!strcmp(key, "url") && !web_address(value))
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: the node URL \"%s\" must start with http:// or "
					  "https://"),
				       where, value);
	n = node_get(c, node);
	conf_replace(!strcmp(key, "role") ? &n->role : !strcmp(key, "transport") ? &n->transport
									  : &n->url,
		value);
	return HOIST_OK;
}

/* One setting, from a file line or an override; where names it for messages. */
enum hoist_status conf_set_one(struct hoist_config *c, const char *section, const char *key,
			       const char *value, const char *where, struct hoist_error *err)
{
	char *node;
	enum hoist_status st;
	if (!*section)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: \"%s\" is outside of any section; put it under "
					  "[server], [feed], [policy], [upgrade] or [profile]"),
				       where, key);
	if (!strcmp(section, "server"))
		return set_server(c, key, value, where, err);
	if (kept_key(section, key)) {
		if (!*value)
			return hoist_error_say(err, HOIST_CONFIG, N_("%s: %s is empty"), where, key);
		if (!strcmp(key, "authenticode") && strcmp(value, "check") && strcmp(value, "off"))
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("%s: authenticode must be check or off, not \"%s\""),
					       where, value);
		if (!strcmp(key, "backup_copy") && strcmp(value, "true") && strcmp(value, "false"))
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("%s: backup_copy must be true or false, not \"%s\""),
					       where, value);
		set_extra(c, section, key, value);
		return HOIST_OK;
	}
	if (!strcmp(section, "proxy"))
		return unknown_key(where, "proxy", key, err);
	if (!strcmp(section, "feed")) {
		if (strcmp(key, "source"))
			return unknown_key(where, "feed", key, err);
		if (!*value)
			return hoist_error_say(err, HOIST_CONFIG, N_("%s: the feed source is empty"),
					       where);
		conf_replace(&c->feed, value);
		return HOIST_OK;
	}
	if (!strcmp(section, "policy"))
		return set_policy(c, key, value, where, err);
	if (!strcmp(section, "upgrade"))
		return set_upgrade(c, key, value, where, err);
	if (!strcmp(section, "profile")) {
		set_extra(c, section, key, value);
		return HOIST_OK;
	}
	st = node_section(section, where, &node, err);
	if (st != HOIST_OK)
		return st;
	if (node) {
		st = set_node(c, node, key, value, where, err);
		free(node);
		return st;
	}
	return hoist_error_say(err, HOIST_CONFIG,
			       N_("%s: unknown section [%s] (expected [server], [feed], [policy], "
				  "[upgrade], [profile] or [node \"NAME\"])"),
			       where, section);
}

char *conf_xdg_path(const char *var, const char *fallback, const char *leaf)
{
	const char *base = getenv(var), *home;
	if (base && base[0] == '/')
		return hoist_xasprintf("%s/hoist%s", base, leaf);
	home = getenv("HOME");
	if (!home || home[0] != '/')
		return NULL;
	return hoist_xasprintf("%s/%s/hoist%s", home, fallback, leaf);
}

enum hoist_status hoist_config_set(struct hoist_config *c, const char *name, const char *value,
				   struct hoist_error *err)
{
	const char *dot = strrchr(name, '.');
	char *section, *where;
	enum hoist_status st;
	if (!dot || dot == name || !dot[1])
		return hoist_error_say(err, HOIST_USAGE,
				       N_("\"%s\" is not a setting name; write SECTION.KEY, like "
					  "policy.allow"),
				       name);
	if (!strcmp(name, "server.api_key"))
		return hoist_error_say(err, HOIST_USAGE,
				       N_("the API key is never taken on the command line, where "
					  "other users could see it; put it in a file of mode 0600 "
					  "(api_key_file, --api-key-file) or in HOIST_API_KEY"));
	section = hoist_xstrndup(name, (size_t)(dot - name));
	where = hoist_xasprintf(_("setting %s"), name);
	st = conf_set_one(c, section, dot + 1, value, where, err);
	/* A key file named on the command line comes last, so it is read now. */
	if (st == HOIST_OK && !strcmp(name, "server.api_key_file"))
		st = conf_use_key_file(c, err);
	free(where);
	free(section);
	return st;
}

const char *hoist_config_get(const struct hoist_config *c, const char *section,
			     const char *key)
{
	for (size_t i = 0; i < c->n_extra; i++)
		if (!strcmp(c->extra[i].section, section) && !strcmp(c->extra[i].key, key))
			return c->extra[i].value;
	return NULL;
}

char *hoist_config_state_dir(const struct hoist_config *c)
{
	const char *env = getenv("HOIST_STATE_DIR");
	char *xdg;
	/* A relative one was refused on load (hoist_config_load_env); never resolved here. */
	if (env && env[0] == '/')
		return hoist_xstrdup(env);
	if (c && c->state_dir)
		return hoist_xstrdup(c->state_dir);
	if (geteuid() == 0)
		return hoist_xstrdup("/var/lib/hoist");
	xdg = conf_xdg_path("XDG_STATE_HOME", ".local/state", "");
	return xdg ? xdg : hoist_xstrdup("/var/lib/hoist");
}

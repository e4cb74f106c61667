/* profile.c: built-in and configured action templates, and their safe expansion. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "conf.h"
#include "exec.h"
#include "i18n.h"
#include "profile.h"
#include "version.h"
#include "xalloc.h"

/* The stable action ids and how long each may take by default (seconds). */
static const struct {
	const char *id;
	long timeout_s;
} actions[] = {
	{ "stop", 600 },
	{ "start", 600 },
	{ "install", 3600 },
	{ "db-upgrade", 4 * 3600 },
	{ "db-backup", 4 * 3600 },
	{ "db-restore", 4 * 3600 },
	{ "show-master-key", 120 },
	{ "os-patch", 4 * 3600 },
	{ "snapshot", 3600 },
	{ "drain", 300 },
	{ "undrain", 300 },
	{ "status", 60 },
	{ "pull", 3600 },
	{ "validate", 600 },
	{ "check-master-key", 60 },
	{ "reboot", 600 },       /* the host's reboot; the engine then waits with host-up */
	{ "host-up", 30 },       /* exit 0 once the host answers again after a reboot */
	{ "migrate-data", 24 * 3600 },
};
#define N_ACTIONS (sizeof actions / sizeof *actions)

static const char *const action_ids[] = {
	"stop", "start", "install", "db-upgrade", "db-backup", "db-restore", "show-master-key",
	"os-patch", "snapshot", "drain", "undrain", "status", "pull", "validate",
	"check-master-key", "reboot", "host-up", "migrate-data", NULL
};

static const char *const profile_names[] = {
	"octopus-windows", "octopus-linux-docker", "sandbox", "custom", NULL
};

struct builtin {
	const char *profile;
	const char *action; /* NULL: a default placeholder value */
	const char *text;   /* the template, or the value */
};

/*
 * Built-in templates. octopus-windows follows the vendor's command line (seed 000);
 * database backup and restore go through sqlcmd and need db_server and db_name.
 * octopus-linux-docker pulls the tag before the window, and `install` replaces the
 * container with one made (not started) from the new image with the same environment
 * file and volumes; the image upgrades the schema on its first start, so db-upgrade is
 * the primary's start. sandbox drives `hoist-sandbox ctl`.
 */
static const struct builtin builtins[] = {
	{ "octopus-windows", NULL, "exe=C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe" },
	{ "octopus-windows", NULL, "instance=OctopusServer" },
	{ "octopus-windows", NULL, "service=OctopusDeploy" },
	{ "octopus-windows", "stop", "{exe} service --instance={instance} --stop" },
	{ "octopus-windows", "start", "{exe} service --instance={instance} --start" },
	{ "octopus-windows", "drain", "{exe} node --instance={instance} --drain=true --wait=0" },
	{ "octopus-windows", "undrain", "{exe} node --instance={instance} --drain=false" },
	{ "octopus-windows", "db-upgrade", "{exe} database --instance={instance} --upgrade" },
	{ "octopus-windows", "show-master-key", "{exe} show-master-key --instance={instance}" },
	{ "octopus-windows", "install", "msiexec /i {package} /quiet /norestart" },
	{ "octopus-windows", "db-backup",
	  "sqlcmd -S {db_server} -E -b -Q \"BACKUP DATABASE [{db_name}] TO DISK = N'{backup}' WITH COPY_ONLY, INIT\"" },
	{ "octopus-windows", "db-restore",
	  "sqlcmd -S {db_server} -E -b -Q \"RESTORE DATABASE [{db_name}] FROM DISK = N'{backup}' WITH REPLACE\"" },
	{ "octopus-windows", "status", "sc.exe query {service}" },

	{ "octopus-linux-docker", NULL, "image=octopusdeploy/octopusdeploy" },
	{ "octopus-linux-docker", NULL, "container=octopus" },
	{ "octopus-linux-docker", NULL, "instance=OctopusServer" },
	{ "octopus-linux-docker", NULL, "env_file=/etc/octopus/octopus.env" },
	{ "octopus-linux-docker", NULL, "data_dir=/var/lib/octopus" },
	{ "octopus-linux-docker", NULL, "http_port=8080" },
	{ "octopus-linux-docker", "pull", "docker pull {image}:{version}" },
	{ "octopus-linux-docker", "stop", "docker stop --time 120 {container}" },
	{ "octopus-linux-docker", "start", "docker start {container}" },
	{ "octopus-linux-docker", "install",
	  "docker rm --force {container} && docker create --name {container}"
	  " --restart unless-stopped --env-file {env_file} --publish {http_port}:8080"
	  " --publish 10943:10943 --volume {data_dir}/repository:/repository"
	  " --volume {data_dir}/artifacts:/artifacts --volume {data_dir}/taskLogs:/taskLogs"
	  " --volume {data_dir}/cache:/cache --volume {data_dir}/import:/import"
	  " --volume {data_dir}/eventExports:/eventExports {image}:{version}" },
	{ "octopus-linux-docker", "db-upgrade", "docker start {container}" },
	{ "octopus-linux-docker", "show-master-key",
	  "docker exec {container} /Octopus/Octopus.Server show-master-key --instance={instance}" },
	{ "octopus-linux-docker", "status",
	  "docker inspect --format {{{{.State.Status}}}} {container}" },

	{ "sandbox", NULL, "sandbox=hoist-sandbox" },
	{ "sandbox", "stop", "{sandbox} ctl {sandbox_dir} stop {node}" },
	{ "sandbox", "start", "{sandbox} ctl {sandbox_dir} start {node}" },
	{ "sandbox", "install", "{sandbox} ctl {sandbox_dir} install {node} {version}" },
	{ "sandbox", "db-upgrade", "{sandbox} ctl {sandbox_dir} db-upgrade {node}" },
	{ "sandbox", "db-backup", "{sandbox} ctl {sandbox_dir} db-backup {backup}" },
	{ "sandbox", "db-restore", "{sandbox} ctl {sandbox_dir} db-restore {backup}" },
	{ "sandbox", "show-master-key", "{sandbox} ctl {sandbox_dir} show-master-key {node}" },
	{ "sandbox", "os-patch", "{sandbox} ctl {sandbox_dir} os-patch {node}" },
	{ "sandbox", "snapshot", "{sandbox} ctl {sandbox_dir} snapshot {node}" },
	{ "sandbox", "reboot", "{sandbox} ctl {sandbox_dir} reboot {node}" },
	{ "sandbox", "migrate-data", "{sandbox} ctl {sandbox_dir} migrate {node} maxage={maxage}" },
	{ "sandbox", "host-up", "{sandbox} ctl {sandbox_dir} host-up {node}" },
	{ "sandbox", "status", "{sandbox} ctl {sandbox_dir} status --json" },
	/* Reads the key on standard input: it never appears on a command line. */
	{ "sandbox", "check-master-key", "{sandbox} ctl {sandbox_dir} check-master-key" },
};

struct hoist_profile {
	char *name;                   /* owned */
	char *templates[N_ACTIONS];   /* owned; NULL: no such action */
	long timeout_s[N_ACTIONS];
	struct hoist_profile_vars vars;
};

/* ---- placeholder values ---- */

enum kind { K_VERSION, K_NODE, K_NAME, K_IMAGE, K_SERVER, K_PATH, K_URL, K_PORT, K_WORD };

static const struct {
	const char *name;
	enum kind kind;
} kinds[] = {
	{ "version", K_VERSION }, { "from_version", K_VERSION }, { "to_version", K_VERSION },
	{ "previous_version", K_VERSION },
	{ "node", K_NODE },
	{ "instance", K_NAME }, { "container", K_NAME }, { "service", K_NAME },
	{ "db_name", K_NAME },
	{ "image", K_IMAGE },
	{ "db_server", K_SERVER },
	{ "package", K_PATH }, { "backup", K_PATH }, { "sandbox", K_PATH },
	{ "sandbox_dir", K_PATH }, { "exe", K_PATH }, { "env_file", K_PATH },
	{ "data_dir", K_PATH }, { "snapshot", K_PATH },
	{ "url", K_URL },
	{ "http_port", K_PORT },
};

static enum kind kind_of(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return kinds[i].kind;
	return K_WORD;
}

static bool all_in(const char *s, size_t min, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

static bool valid_value(enum kind k, const char *s)
{
	if (!*s || *s == '-')
		return false;
	switch (k) {
	case K_VERSION:
		return hoist_version_valid(s);
	case K_NODE:
		return all_in(s, 1, 64, "._-");
	case K_NAME:
		return all_in(s, 1, 128, "._-");
	case K_IMAGE:
		return all_in(s, 1, 255, "./_:@-");
	case K_SERVER:
		return all_in(s, 1, 255, "._\\,:-");
	case K_PATH:
	case K_URL:
		if (strlen(s) > (k == K_PATH ? 4096u : 2048u))
			return false;
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			if (*p < 0x20 || *p == 0x7f || *p == '\'' || *p == '"' || *p == '`' ||
			    (k == K_URL && *p == ' '))
				return false;
		return true;
	case K_PORT: {
		char *end;
		long v;
		if (!all_in(s, 1, 5, "") || *s == '0')
			return false;
		v = strtol(s, &end, 10);
		return !*end && v >= 1 && v <= 65535;
	}
	case K_WORD:
		return all_in(s, 1, 256, "._:/@+=,-");
	}
	return false;
}

static bool valid_name(const char *s)
{
	if (!*s || !(islower((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static enum hoist_status invalid(enum kind k, const char *name, const char *value,
				 struct hoist_error *err)
{
	switch (k) {
	case K_VERSION:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not a valid version (MAJOR.MINOR.PATCH)"),
				       name, value);
	case K_NODE:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not a valid node name (1 to 64 letters, digits, '.', '_' or '-', not starting with '-')"),
				       name, value);
	case K_NAME:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not a valid name (1 to 128 letters, digits, '.', '_' or '-', not starting with '-')"),
				       name, value);
	case K_IMAGE:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not a valid image reference"),
				       name, value);
	case K_SERVER:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not a valid database server name"),
				       name, value);
	case K_PATH:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not an acceptable path (no control characters or quotes, not empty, not starting with '-')"),
				       name, value);
	case K_URL:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not an acceptable address (no spaces, control characters or quotes)"),
				       name, value);
	case K_PORT:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not a port number from 1 to 65535"),
				       name, value);
	default:
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("{%s} = \"%s\" is not acceptable: use letters, digits and . _ : / @ + = , - only, not starting with '-'"),
				       name, value);
	}
}

void hoist_profile_vars_init(struct hoist_profile_vars *v)
{
	memset(v, 0, sizeof *v);
}

void hoist_profile_vars_done(struct hoist_profile_vars *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->names[i]);
		free(v->values[i]);
	}
	free(v->names);
	free(v->values);
	hoist_profile_vars_init(v);
}

enum hoist_status hoist_profile_vars_set(struct hoist_profile_vars *v, const char *name,
					 const char *value, struct hoist_error *err)
{
	enum kind k;
	size_t alloc;
	if (!name || !valid_name(name))
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("\"%s\" is not a valid placeholder name (lower-case letters, digits and '_')"),
				       name ? name : "");
	k = kind_of(name);
	if (!value || !valid_value(k, value))
		return invalid(k, name, value ? value : "", err);
	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->names[i], name) == 0) {
			free(v->values[i]);
			v->values[i] = hoist_xstrdup(value);
			return HOIST_OK;
		}
	}
	alloc = v->alloc;
	v->names = hoist_xgrow(v->names, &alloc, v->n + 1, sizeof *v->names);
	v->values = hoist_xgrow(v->values, &v->alloc, v->n + 1, sizeof *v->values);
	v->names[v->n] = hoist_xstrdup(name);
	v->values[v->n] = hoist_xstrdup(value);
	v->n++;
	return HOIST_OK;
}

const char *hoist_profile_vars_get(const struct hoist_profile_vars *v, const char *name)
{
	if (!v)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->names[i], name) == 0)
			return v->values[i];
	return NULL;
}

/* ---- commands ---- */

void hoist_profile_cmds_init(struct hoist_profile_cmds *c)
{
	c->argv = NULL;
	c->n = 0;
}

void hoist_profile_cmds_done(struct hoist_profile_cmds *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		hoist_exec_argv_free(c->argv[i]);
	free(c->argv);
	hoist_profile_cmds_init(c);
}

const char *const *hoist_profile_actions(void)
{
	return action_ids;
}

const char *const *hoist_profile_names(void)
{
	return profile_names;
}

static int action_index(const char *action)
{
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (action && strcmp(actions[i].id, action) == 0)
			return (int)i;
	return -1;
}

bool hoist_profile_action_valid(const char *action)
{
	return action_index(action) >= 0;
}

/* ---- templates ---- */

struct words {
	char **w;   /* owned */
	size_t n, alloc;
};

static void words_done(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws->w);
}

/* Splits a template at whitespace, keeping "quoted" stretches inside one word. */
static enum hoist_status split(const char *action, const char *text, struct words *ws,
			       struct hoist_error *err)
{
	const char *p = text;
	memset(ws, 0, sizeof *ws);
	for (;;) {
		struct hoist_buf word;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return HOIST_OK;
		hoist_buf_init(&word, 0);
		hoist_buf_append(&word, "", 0);
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '\n' || *p == '\r') {
				hoist_buf_done(&word);
				words_done(ws);
				return hoist_error_say(err, HOIST_CONFIG,
						       N_("the template of `%s` holds a line break"), action);
			}
			if (*p != '"') {
				hoist_buf_append(&word, p++, 1);
				continue;
			}
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				hoist_buf_append(&word, p, 1);
			}
			if (!*p) {
				hoist_buf_done(&word);
				words_done(ws);
				return hoist_error_say(err, HOIST_CONFIG,
						       N_("the template of `%s` has a \" without its closing \""),
						       action);
			}
			p++;
		}
		ws->w = hoist_xgrow(ws->w, &ws->alloc, ws->n + 1, sizeof *ws->w);
		ws->w[ws->n++] = hoist_buf_detach(&word, NULL);
	}
}

/* The value of placeholder {name} in action: from vars first, then the profile's own. */
static enum hoist_status value_of(const struct hoist_profile *p, const char *action,
				  const char *name, const struct hoist_profile_vars *vars,
				  const char **out, struct hoist_error *err)
{
	const char *value = hoist_profile_vars_get(vars, name);
	if (!value)
		value = hoist_profile_vars_get(&p->vars, name);
	if (!value)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("profile %s: `%s` needs a value for {%s}; set %s in the [profile] section"),
				       p->name, action, name, name);
	/* Values reach here validated; check again in case vars were edited by hand. */
	if (!valid_value(kind_of(name), value))
		return invalid(kind_of(name), name, value, err);
	*out = value;
	return HOIST_OK;
}

/*
 * Replaces {name} inside one word. With vars == NULL it only checks the syntax (when a
 * profile is made); a missing value is then fine.
 */
static enum hoist_status fill(const struct hoist_profile *p, const char *action,
			      const char *word, const struct hoist_profile_vars *vars, bool check_only,
			      char **out, struct hoist_error *err)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	hoist_buf_append(&b, "", 0);
	for (const char *s = word; *s;) {
		const char *end, *value = NULL;
		char *name;
		if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
			hoist_buf_append(&b, s, 1);
			s += 2;
			continue;
		}
		if (*s != '{') {
			hoist_buf_append(&b, s++, 1);
			continue;
		}
		end = strchr(s, '}');
		if (!end) {
			hoist_buf_done(&b);
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("the template of `%s` has a { without its closing }: \"%s\""),
					       action, word);
		}
		name = hoist_xstrndup(s + 1, (size_t)(end - s - 1));
		if (!valid_name(name)) {
			hoist_error_say(err, HOIST_CONFIG,
					N_("the template of `%s` has an unknown placeholder {%s}"),
					action, name);
			free(name);
			hoist_buf_done(&b);
			return HOIST_CONFIG;
		}
		if (!check_only) {
			enum hoist_status st = value_of(p, action, name, vars, &value, err);
			if (st != HOIST_OK) {
				free(name);
				hoist_buf_done(&b);
				return st;
			}
			hoist_buf_puts(&b, value);
		}
		free(name);
		s = end + 1;
	}
	*out = hoist_buf_detach(&b, NULL);
	return HOIST_OK;
}

static enum hoist_status build(const struct hoist_profile *p, const char *action,
			       const char *text, const struct hoist_profile_vars *vars,
			       bool check_only, struct hoist_profile_cmds *out,
			       struct hoist_error *err)
{
	struct words ws;
	enum hoist_status st;
	size_t start = 0, cmd_alloc = 0;

	hoist_profile_cmds_init(out);
	st = split(action, text, &ws, err);
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; i <= ws.n; i++) {
		char **argv;
		if (i < ws.n && strcmp(ws.w[i], "&&") != 0)
			continue;
		if (i == start) {
			words_done(&ws);
			hoist_profile_cmds_done(out);
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("the template of `%s` has an empty command (check the && and that it is not blank)"),
					       action);
		}
		argv = hoist_xcalloc(i - start + 1, sizeof *argv);
		for (size_t k = start; k < i; k++) {
			st = fill(p, action, ws.w[k], vars, check_only, &argv[k - start], err);
			if (st != HOIST_OK) {
				hoist_exec_argv_free(argv);
				words_done(&ws);
				hoist_profile_cmds_done(out);
				return st;
			}
		}
		out->argv = hoist_xgrow(out->argv, &cmd_alloc, out->n + 1, sizeof *out->argv);
		out->argv[out->n++] = argv;
		start = i + 1;
	}
	words_done(&ws);
	return HOIST_OK;
}

/* ---- profiles ---- */

static enum hoist_status set_template(struct hoist_profile *p, int i, const char *text,
				      struct hoist_error *err)
{
	struct hoist_profile_cmds c;
	enum hoist_status st = build(p, actions[i].id, text, NULL, true, &c, err);
	hoist_profile_cmds_done(&c);
	if (st != HOIST_OK)
		return st;
	free(p->templates[i]);
	p->templates[i] = hoist_xstrdup(text);
	return HOIST_OK;
}

/* "<action>_timeout" = seconds. */
static bool timeout_key(const char *key, int *index)
{
	size_t n = strlen(key);
	char *action;
	if (n <= 8 || strcmp(key + n - 8, "_timeout") != 0)
		return false;
	action = hoist_xstrndup(key, n - 8);
	*index = action_index(action);
	free(action);
	return *index >= 0;
}

/* The built-in templates and values of profile name. */
static enum hoist_status apply_builtins(struct hoist_profile *p, const char *name,
					struct hoist_error *err)
{
	enum hoist_status st = HOIST_OK;
	for (size_t i = 0; i < sizeof builtins / sizeof *builtins && st == HOIST_OK; i++) {
		const struct builtin *b = &builtins[i];
		if (strcmp(b->profile, name) != 0)
			continue;
		if (b->action) {
			st = set_template(p, action_index(b->action), b->text, err);
		} else {
			const char *eq = strchr(b->text, '=');
			char *key = hoist_xstrndup(b->text, (size_t)(eq - b->text));
			st = hoist_profile_vars_set(&p->vars, key, eq + 1, err);
			free(key);
		}
	}
	return st;
}

/* One [profile] setting: an action's template, its timeout, or a placeholder value. */
static enum hoist_status apply_setting(struct hoist_profile *p, const char *key, const char *value,
				       struct hoist_error *err)
{
	enum hoist_status st;
	int a;
	if (!key || !value)
		return HOIST_OK;
	if ((a = action_index(key)) >= 0) {
		st = set_template(p, a, value, err);
	} else if (timeout_key(key, &a)) {
		char *end;
		long s = strtol(value, &end, 10);
		st = HOIST_OK;
		if (end == value || *end || s <= 0 || s > 7 * 24 * 3600)
			st = hoist_error_say(err, HOIST_CONFIG,
					     N_("[profile] %s = \"%s\": give the timeout in whole seconds, from 1 to 604800"),
					     key, value);
		else
			p->timeout_s[a] = s;
	} else {
		st = hoist_profile_vars_set(&p->vars, key, value, err);
	}
	if (st != HOIST_OK)
		hoist_error_prefix_say(err, N_("[profile] %s"), key);
	return st;
}

enum hoist_status hoist_profile_new(const char *name, const struct hoist_profile_setting *settings,
				    size_t n, struct hoist_profile **out, struct hoist_error *err)
{
	struct hoist_profile *p;
	enum hoist_status st = HOIST_OK;
	bool known = false, any = false;

	*out = NULL;
	for (size_t i = 0; profile_names[i]; i++)
		if (name && strcmp(name, profile_names[i]) == 0)
			known = true;
	if (!known)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("unknown profile \"%s\": use octopus-windows, octopus-linux-docker, sandbox or custom"),
				       name ? name : "");
	p = hoist_xcalloc(1, sizeof *p);
	p->name = hoist_xstrdup(name);
	hoist_profile_vars_init(&p->vars);
	for (size_t i = 0; i < N_ACTIONS; i++)
		p->timeout_s[i] = actions[i].timeout_s;
	st = apply_builtins(p, name, err);
	for (size_t i = 0; i < n && st == HOIST_OK; i++)
		st = apply_setting(p, settings[i].key, settings[i].value, err);
	for (size_t i = 0; i < N_ACTIONS; i++)
		any = any || p->templates[i];
	if (st == HOIST_OK && !any)
		st = hoist_error_say(err, HOIST_CONFIG,
				     N_("profile %s has no actions: give each one in the [profile] section, e.g. stop = systemctl stop octopus"),
				     name);
	if (st != HOIST_OK) {
		hoist_profile_free(p);
		return st;
	}
	*out = p;
	return HOIST_OK;
}

void hoist_profile_free(struct hoist_profile *p)
{
	if (!p)
		return;
	free(p->name);
	for (size_t i = 0; i < N_ACTIONS; i++)
		free(p->templates[i]);
	hoist_profile_vars_done(&p->vars);
	free(p);
}

const char *hoist_profile_name(const struct hoist_profile *p)
{
	return p->name;
}

const char *hoist_profile_template(const struct hoist_profile *p, const char *action)
{
	int i = action_index(action);
	return i >= 0 ? p->templates[i] : NULL;
}

bool hoist_profile_has(const struct hoist_profile *p, const char *action)
{
	return hoist_profile_template(p, action) != NULL;
}

long hoist_profile_timeout_ms(const struct hoist_profile *p, const char *action)
{
	int i = action_index(action);
	return i >= 0 ? p->timeout_s[i] * 1000 : 600 * 1000L;
}

enum hoist_status hoist_profile_expand(const struct hoist_profile *p, const char *action,
				       const struct hoist_profile_vars *vars,
				       struct hoist_profile_cmds *out, struct hoist_error *err)
{
	int i = action_index(action);
	hoist_profile_cmds_init(out);
	if (i < 0)
		return hoist_error_say(err, HOIST_CONFIG, N_("\"%s\" is not an action hoist knows"),
				       action ? action : "");
	if (!p->templates[i])
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("profile %s has no `%s` action; give its command in the [profile] section (%s = ...)"),
				       p->name, action, action);
	return build(p, action, p->templates[i], vars, false, out, err);
}

const char *hoist_profile_configured(const struct hoist_config *cfg)
{
	return cfg && cfg->profile ? cfg->profile : HOIST_PROFILE_DEFAULT;
}

enum hoist_status hoist_profile_from_config(const struct hoist_config *cfg, const char *name,
					    struct hoist_profile **out, struct hoist_error *err)
{
	struct hoist_profile_setting *set = hoist_xcalloc(cfg->n_extra + 1, sizeof *set);
	size_t n = 0;
	enum hoist_status st;
	for (size_t i = 0; i < cfg->n_extra; i++)
		if (!strcmp(cfg->extra[i].section, "profile")) {
			set[n].key = cfg->extra[i].key;
			set[n++].value = cfg->extra[i].value;
		}
	st = hoist_profile_new(name ? name : hoist_profile_configured(cfg), set, n, out, err);
	free(set);
	return st;
}

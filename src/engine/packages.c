/* packages.c: package addresses and checksums by profile; where a plan's files will be. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "buf.h"
#include "i18n.h"
#include "packages.h"
#include "prepare.h"
#include "profile.h"
#include "rundir.h"
#include "shell_quote.h"
#include "text.h"
#include "transport.h"
#include "xalloc.h"

/* Checksums files are small: a line per package. */
#define CHECKSUMS_MAX_BYTES (1024 * 1024)

void hoist_package_done(struct hoist_plan_package *p)
{
	if (!p)
		return;
	free(p->url);
	free(p->sha256);
	free(p->checksum_source);
	free(p->signature);
	memset(p, 0, sizeof *p);
}

bool hoist_package_is_image(const struct hoist_plan_package *p)
{
	return p->url && !strncmp(p->url, HOIST_IMAGE_SCHEME, strlen(HOIST_IMAGE_SCHEME));
}

static bool file_name_ok(const char *s, size_t n)
{
	if (!n || n > 128 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

char *hoist_package_file_name(const struct hoist_plan_package *p)
{
	const char *u = p->url ? p->url : "", *end = u + strcspn(u, "?#"), *b = end;
	while (b > u && b[-1] != '/')
		b--;
	if (file_name_ok(b, (size_t)(end - b)))
		return hoist_xstrndup(b, (size_t)(end - b));
	return hoist_xasprintf("octopus-%s.pkg", p->version.text);
}

char *hoist_package_cache_path(const char *cache_dir, const struct hoist_plan_package *p)
{
	/* The same name as the run's cache (run_package_path). */
	return hoist_xasprintf("%s/octopus-%s-%.12s.pkg", cache_dir, p->version.text,
			       p->sha256 ? p->sha256 : "");
}

bool hoist_config_backup_copy(const struct hoist_config *cfg)
{
	const char *v = hoist_config_get(cfg, "upgrade", "backup_copy");
	return !v || (strcmp(v, "false") && strcmp(v, "no") && strcmp(v, "0") &&
		      strcmp(v, "off"));
}

static bool in_path(const char *program)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	while (*path) {
		size_t n = strcspn(path, ":");
		char *f = hoist_xasprintf("%.*s/%s", (int)n, path, program);
		bool ok = access(f, X_OK) == 0;
		free(f);
		if (ok)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* The sha256sum-format line of name in file: "HEX  NAME" or "HEX *NAME". */
static enum hoist_status checksum_from_file(const char *file, const char *name, char **sha,
					    struct hoist_error *err)
{
	FILE *f = fopen(file, "re");
	char line[4096];
	size_t total = 0;
	int lineno = 0;
	*sha = NULL;
	if (!f)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("[feed] checksums = %s cannot be read: %m"), file);
	while (fgets(line, sizeof line, f)) {
		char *p = line, *n;
		size_t k;
		lineno++;
		total += strlen(line);
		if (total > CHECKSUMS_MAX_BYTES)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (!*p || *p == '#')
			continue;
		for (k = 0; k < 64 && isxdigit((unsigned char)p[k]); k++)
			;
		if (k != 64 || p[64] != ' ' || (p[65] != ' ' && p[65] != '*')) {
			fclose(f);
			return hoist_error_set(err, HOIST_CONFIG,
					       _("%s line %d is not in sha256sum format (64 hex "
						 "digits, two spaces or \" *\", the file name)"),
					       file, lineno);
		}
		n = p + 66;
		/* A path in the line: its last part names the package. */
		if (strrchr(n, '/'))
			n = strrchr(n, '/') + 1;
		if (strcmp(n, name))
			continue;
		p[64] = '\0';
		for (char *c = p; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		*sha = hoist_xstrdup(p);
		break;
	}
	fclose(f);
	if (total > CHECKSUMS_MAX_BYTES)
		return hoist_error_set(err, HOIST_CONFIG, _("[feed] checksums = %s is too large"),
				       file);
	return HOIST_OK;
}

/* custom's package_url: {version} is the only placeholder; the rest is copied. */
static enum hoist_status expand_template(const char *tpl, const struct hoist_version *v,
					 char **out, struct hoist_error *err)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	hoist_buf_puts(&b, "");
	for (const char *s = tpl; *s;) {
		if (hoist_skip_prefix(s, "{version}", &s)) {
			hoist_buf_puts(&b, v->text);
		} else if (*s == '{' || *s == '}' || (unsigned char)*s <= ' ' || *s == '"' ||
			   *s == '\'') {
			hoist_buf_done(&b);
			return hoist_error_set(err, HOIST_CONFIG,
					       _("[profile] package_url = %s: only {version} may be "
						 "filled in, and the address may hold no spaces or "
						 "quotes"),
					       tpl);
		} else {
			hoist_buf_append(&b, s++, 1);
		}
	}
	*out = hoist_buf_detach(&b, NULL);
	return HOIST_OK;
}

static const char *profile_of(const struct hoist_config *cfg)
{
	return hoist_profile_configured(cfg);
}

enum hoist_status hoist_package_resolve(const struct hoist_config *cfg,
					const struct hoist_feed *feed, const struct hoist_version *v,
					struct hoist_plan_package *out, bool *found,
					struct hoist_error *err)
{
	const char *profile = profile_of(cfg), *platform = hoist_profile_platform(profile);
	const struct hoist_release *rel = feed ? hoist_feed_find(feed, v) : NULL;
	const struct hoist_package *pkg = rel && platform ? hoist_release_package(rel, platform)
							  : NULL;
	const char *sums = hoist_config_get(cfg, "feed", "checksums");
	enum hoist_status st = HOIST_OK;

	memset(out, 0, sizeof *out);
	*found = false;
	out->version = *v;
	out->size = -1;
	if (pkg) {
		/* The feed's own address wins. */
		out->url = hoist_feed_resolve_url(feed, pkg->url);
		if (pkg->sha256[0]) {
			out->sha256 = hoist_xstrdup(pkg->sha256);
			out->checksum_source = hoist_xstrdup("feed");
		}
		out->size = pkg->size;
	} else if (!strcmp(profile, "octopus-windows")) {
		const char *base = hoist_config_get(cfg, "feed", "download_base");
		size_t n;
		base = base ? base : HOIST_DOWNLOAD_BASE;
		n = strlen(base);
		while (n && base[n - 1] == '/')
			n--;
		out->url = hoist_xasprintf("%.*s/octopus/Octopus.%s-x64.msi", (int)n, base, v->text);
	} else if (!strcmp(profile, "octopus-linux-docker")) {
		const char *image = hoist_config_get(cfg, "profile", "image");
		out->url = hoist_xasprintf(HOIST_IMAGE_SCHEME "%s:%s",
					   image ? image : "octopusdeploy/octopusdeploy", v->text);
	} else if (!strcmp(profile, "custom") && hoist_config_get(cfg, "profile", "package_url")) {
		st = expand_template(hoist_config_get(cfg, "profile", "package_url"), v, &out->url,
				     err);
	}
	if (st != HOIST_OK || !out->url) {
		hoist_package_done(out);
		return st;
	}
	*found = true;
	if (!out->sha256 && sums && !hoist_package_is_image(out)) {
		char *name = hoist_package_file_name(out);
		st = checksum_from_file(sums, name, &out->sha256, err);
		free(name);
		if (out->sha256)
			out->checksum_source = hoist_xstrdup("checksums");
	}
	if (st == HOIST_OK) {
		size_t n = strcspn(out->url, "?#");
		if (n >= 4 && !strncasecmp(out->url + n - 4, ".msi", 4)) {
			const char *a = hoist_config_get(cfg, "feed", "authenticode");
			out->signature = hoist_xstrdup(a && !strcmp(a, "off") ? "off"
						       : in_path("osslsigncode") ? "osslsigncode"
										 : "unavailable");
		}
	}
	if (st != HOIST_OK)
		hoist_package_done(out);
	return st;
}

/* ---- a remote node's shell and folder ---- */

/* shell = auto: the node is asked once, and the plan keeps the answer. */
static enum hoist_status detect_shell(const struct hoist_config *cfg, struct hoist_plan_node *n,
				      const char **shell, struct hoist_error *err)
{
	struct hoist_transport *t;
	enum hoist_shell sh;
	enum hoist_status st = hoist_transport_new(n->name, n->transport, NULL, &t, err);
	if (st != HOIST_OK)
		return st;
	if (cfg->ssh_config) {
		hoist_transport_add_ssh_arg(t, "-F");
		hoist_transport_add_ssh_arg(t, cfg->ssh_config);
	}
	st = hoist_transport_detect_shell(t, 30000, &sh, err);
	hoist_transport_free(t);
	if (st == HOIST_OK)
		*shell = hoist_shell_name(sh);
	return st;
}

enum hoist_status hoist_plan_node_files(const struct hoist_config *cfg,
				       struct hoist_plan_node *n, struct hoist_error *err)
{
	char *sec = hoist_xasprintf("node.%s", n->name);
	const char *shell = hoist_config_get(cfg, sec, "shell");
	const char *dir = hoist_config_get(cfg, sec, "remote_dir");
	free(sec);
	if (!strcmp(n->transport, "local"))
		return HOIST_OK;
	if (shell && !strcmp(shell, "auto") && detect_shell(cfg, n, &shell, err) != HOIST_OK)
		return HOIST_NETWORK;
	if (shell && !strcmp(shell, "sh"))
		shell = NULL;
	else if (shell && !strcmp(shell, "pwsh"))
		shell = "powershell";
	else if (shell && !strcasecmp(shell, "cmd.exe"))
		shell = "cmd";
	n->shell = (char *)shell;
	if (!dir)
		dir = hoist_config_get(cfg, "upgrade", "remote_dir");
	/* Defaults: a folder only hoist writes in, on each kind of system. */
	n->remote_dir = (char *)(dir ? dir : shell && strcmp(shell, "posix")
						     ? "C:\\ProgramData\\hoist"
						     : "/var/tmp/hoist");
	return HOIST_OK;
}

/* ---- where the files of a plan will be ---- */

static void place(struct hoist_file_place **v, size_t *n, size_t *alloc, char *what,
		  const char *node, char *path, char *note)
{
	*v = hoist_xgrow(*v, alloc, *n + 1, sizeof **v);
	(*v)[*n].what = what;
	(*v)[*n].node = node ? hoist_xstrdup(node) : NULL;
	(*v)[*n].path = path;
	(*v)[*n].note = note;
	(*n)++;
}

static enum hoist_shell node_shell(const struct hoist_plan_node *n)
{
	enum hoist_shell s = HOIST_SHELL_POSIX;
	if (n->shell)
		hoist_shell_parse(n->shell, &s, NULL);
	return s;
}

static bool remote(const struct hoist_plan_node *n)
{
	return n->transport && strcmp(n->transport, "local");
}

/* Whether the plan's profile (with the [profile] settings) gives install the installer. */
static bool install_takes_package(const struct hoist_config *cfg, const struct hoist_plan *p)
{
	struct hoist_profile *prof = NULL;
	bool takes = true;
	if (hoist_profile_from_config(cfg, p->profile, &prof, NULL) == HOIST_OK) {
		const char *t = hoist_profile_template(prof, "install");
		takes = t && strstr(t, "{package}");
	}
	hoist_profile_free(prof);
	return takes;
}

void hoist_plan_file_places(const struct hoist_config *cfg, const struct hoist_plan *p,
			    struct hoist_file_place **out, size_t *n)
{
	bool copied = install_takes_package(cfg, p);
	char *state = hoist_config_state_dir(cfg), *cache = hoist_xasprintf("%s/cache", state);
	const struct hoist_plan_node *primary = hoist_plan_primary(p);
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < p->n_packages; i++) {
		const struct hoist_plan_package *k = &p->packages[i];
		char *name;
		if (hoist_package_is_image(k)) {
			for (size_t j = 0; j < p->n_nodes; j++)
				place(out, n, &alloc,
				      hoist_xasprintf(_("image %s"), k->version.text),
				      p->nodes[j].name, hoist_xstrdup(k->url + strlen(HOIST_IMAGE_SCHEME)),
				      hoist_xstrdup(_("pulled by the node before the window")));
			continue;
		}
		place(out, n, &alloc, hoist_xasprintf(_("installer %s"), k->version.text), NULL,
		      hoist_package_cache_path(cache, k),
		      hoist_xasprintf(_("downloaded from %s"), k->url));
		name = hoist_package_file_name(k);
		for (size_t j = 0; j < p->n_nodes; j++) {
			const struct hoist_plan_node *nd = &p->nodes[j];
			if (!remote(nd) || !copied)
				continue;
			place(out, n, &alloc, hoist_xasprintf(_("installer %s"), k->version.text),
			      nd->name,
			      nd->remote_dir ? hoist_shell_join(node_shell(nd), nd->remote_dir, name)
					     : hoist_xstrdup(_("(no remote_dir: set one)")),
			      hoist_xstrdup(_("copied over SSH, SHA-256 checked on the node")));
		}
		free(name);
	}
	for (size_t i = 0; primary && i < p->n_steps; i++) {
		char *file, *local, *run;
		if (strcmp(p->steps[i].id, "backup-db"))
			continue;
		file = hoist_rundir_db_backup_name(p->from.text);
		run = hoist_rundir_path(state, "<run>");
		local = hoist_rundir_db_backup(run, p->from.text);
		free(run);
		if (remote(primary) && primary->remote_dir) {
			bool back = hoist_config_backup_copy(cfg);
			place(out, n, &alloc, hoist_xstrdup(_("database backup")), primary->name,
			      hoist_shell_join(node_shell(primary), primary->remote_dir, file),
			      back ? hoist_xasprintf(_("copied back to %s"), local)
				   : hoist_xstrdup(_("kept there; size and SHA-256 computed there")));
			if (back)
				place(out, n, &alloc, hoist_xstrdup(_("database backup")), NULL, local,
				      NULL);
		} else {
			place(out, n, &alloc, hoist_xstrdup(_("database backup")),
			      remote(primary) ? primary->name : NULL, local, NULL);
		}
		free(file);
		break;
	}
	free(cache);
	free(state);
}

void hoist_file_places_free(struct hoist_file_place *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].what);
		free(v[i].node);
		free(v[i].path);
		free(v[i].note);
	}
	free(v);
}

/* run_files.c: installers to remote nodes and backups back, over the run's one SSH connection. */
#include "config.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "i18n.h"
#include "packages.h"
#include "run_files.h"
#include "sha256.h"
#include "xalloc.h"

/* Copies of installers and backups may be large and the link slow. */
#define COPY_TIMEOUT_MS (3600 * 1000L)
#define HASH_TIMEOUT_MS (600 * 1000L)
#define SIGNATURE_TIMEOUT_MS (120 * 1000L)

static bool remote_node(const struct run_node *n)
{
	return hoist_transport_kind(n->t) == HOIST_TRANSPORT_SSH && n->plan->remote_dir;
}

/* The proxy of [proxy], else the one in hoist's own environment (seed 004). */
static const char *proxy_value(const struct hoist_config *cfg, const char *key, const char *env)
{
	const char *v = hoist_config_get(cfg, "proxy", key);
	if (!v)
		v = getenv(env);
	if (!v) {
		/* curl's lower-case spelling is as common. */
		char lower[16];
		size_t i;
		for (i = 0; env[i] && i + 1 < sizeof lower; i++)
			lower[i] = (char)(env[i] >= 'A' && env[i] <= 'Z' ? env[i] + 32 : env[i]);
		lower[i] = '\0';
		v = getenv(lower);
	}
	return v && *v ? v : NULL;
}

void run_files_setup_node(struct run *r, struct run_node *n)
{
	static const char *const proxies[][2] = { { "https_proxy", "HTTPS_PROXY" },
						  { "http_proxy", "HTTP_PROXY" },
						  { "no_proxy", "NO_PROXY" } };
	enum hoist_shell sh = HOIST_SHELL_POSIX;
	if (n->plan->shell)
		hoist_shell_parse(n->plan->shell, &sh, NULL);
	hoist_transport_set_shell(n->t, sh);
	for (size_t i = 0; i < sizeof proxies / sizeof *proxies; i++) {
		const char *v = proxy_value(r->cfg, proxies[i][0], proxies[i][1]);
		/* A local node inherits hoist's environment already; [proxy] is still given. */
		if (v && (hoist_transport_kind(n->t) == HOIST_TRANSPORT_SSH ||
			  hoist_config_get(r->cfg, "proxy", proxies[i][0])))
			hoist_transport_add_env(n->t, proxies[i][1], v);
	}
}

static const struct hoist_plan_package *find_package(struct run *r, const struct hoist_version *v)
{
	for (size_t i = 0; i < r->plan->n_packages; i++)
		if (!hoist_version_cmp(&r->plan->packages[i].version, v))
			return &r->plan->packages[i];
	return NULL;
}

/* Whether the profile's install takes the installer's path at all. */
static bool install_uses_package(struct run *r)
{
	const char *t = hoist_profile_template(r->profile, "install");
	return t && strstr(t, "{package}");
}

char *run_node_package_path(struct run *r, struct run_node *n, const struct hoist_version *v)
{
	const struct hoist_plan_package *p = find_package(r, v);
	char *name, *path;
	if (!p)
		return NULL;
	if (hoist_package_is_image(p) || !remote_node(n))
		return run_package_path(r, v);
	name = hoist_package_file_name(p);
	path = hoist_shell_join(hoist_transport_shell(n->t), n->plan->remote_dir, name);
	free(name);
	return path;
}

/* The SHA-256 the installer must have: the plan's, else the one stage computed. */
static const char *known_sha(struct run *r, const struct hoist_plan_package *p, char *item)
{
	const char *sha = p->sha256;
	pthread_mutex_lock(&r->plan_mu);
	for (size_t i = 0; !sha && i < r->plan->n_evidence; i++)
		if (!strcmp(r->plan->evidence[i].item, item))
			sha = r->plan->evidence[i].sha256;
	pthread_mutex_unlock(&r->plan_mu);
	return sha;
}

static enum hoist_status check_signature(struct run *r, const struct hoist_plan_package *p,
					 const char *file, struct hoist_error *err)
{
	const char *argv[] = { "osslsigncode", "verify", "-in", file, NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result x;
	enum hoist_status st;
	if (!p->signature || strcmp(p->signature, "osslsigncode")) {
		if (p->signature)
			run_log(r, "stage", NULL,
				!strcmp(p->signature, "off")
					? N_("%s: Authenticode signature not checked ([feed] "
					    "authenticode = off)")
					: N_("%s: Authenticode signature not checked (osslsigncode is "
					    "not installed)"),
				p->version.text);
		return HOIST_OK;
	}
	hoist_exec_options_init(&o);
	o.action = "osslsigncode verify";
	o.timeout_ms = SIGNATURE_TIMEOUT_MS;
	hoist_exec_result_init(&x);
	st = hoist_exec_run(argv, &o, &x, err);
	hoist_exec_result_done(&x);
	if (st == HOIST_NOTFOUND) {
		run_log(r, "stage", NULL,
			N_("%s: Authenticode signature not checked (osslsigncode is not installed)"),
			p->version.text);
		return HOIST_OK;
	}
	if (st != HOIST_OK)
		return hoist_error_set(err, HOIST_CHECKSUM,
				       _("the installer of %s (%s) has no valid Authenticode "
					 "signature (osslsigncode verify failed); do not install it, "
					 "or set [feed] authenticode = off for an unsigned mirror"),
				       p->version.text, p->url);
	run_log(r, "stage", NULL, N_("%s: Authenticode signature verified (osslsigncode)"),
		p->version.text);
	return HOIST_OK;
}

/* Copies one installer to a node and checks it there. */
static enum hoist_status put_installer(struct run *r, struct run_node *n,
				       const struct hoist_plan_package *p, const char *local,
				       const char *sha, struct hoist_error *err)
{
	char *remote = run_node_package_path(r, n, &p->version);
	char got[65];
	long long size = -1;
	enum hoist_status st;
	/* Already there and whole (a dry run before, a resumed run): not copied again. */
	if (sha && hoist_transport_file_sha256(n->t, remote, HASH_TIMEOUT_MS, got, &size, NULL) ==
			   HOIST_OK &&
	    !strcmp(got, sha)) {
		run_log(r, "stage", n->plan->name,
			N_("%s: already on the node at %s, SHA-256 %s checked there"),
			p->version.text, remote, got);
		free(remote);
		return HOIST_OK;
	}
	st = hoist_transport_mkdir(n->t, n->plan->remote_dir, HASH_TIMEOUT_MS, err);
	if (st == HOIST_OK)
		st = hoist_transport_put(n->t, local, remote, COPY_TIMEOUT_MS, err);
	if (st == HOIST_OK)
		st = hoist_transport_file_sha256(n->t, remote, HASH_TIMEOUT_MS, got, &size, err);
	if (st == HOIST_OK && sha && strcmp(got, sha))
		st = hoist_error_set(err, HOIST_CHECKSUM,
				     _("on node %s, the installer %s has SHA-256 %s, not %s: the "
				       "copy is damaged"),
				     n->plan->name, remote, got, sha);
	if (st == HOIST_OK)
		run_log(r, "stage", n->plan->name,
			N_("%s: copied to %s, SHA-256 %s checked on the node"), p->version.text,
			remote, got);
	free(remote);
	return st;
}

/* Whether the plan installs v on that node (an intermediate hop: the primary only). */
static bool node_installs(struct run *r, const char *node, const struct hoist_version *v)
{
	for (size_t i = 0; i < r->plan->n_steps; i++)
		if (!strcmp(r->plan->steps[i].id, "install") && r->plan->steps[i].node &&
		    !strcmp(r->plan->steps[i].node, node) &&
		    !hoist_version_cmp(&r->plan->steps[i].version, v))
			return true;
	return false;
}

struct copier {
	struct run *r;
	struct run_node *n;
	const struct hoist_plan_package *p;
	const char *local, *sha;
	enum hoist_status st;
	struct hoist_error err;
	pthread_t th;
	bool started;
};

static void *copy_one(void *arg)
{
	struct copier *c = arg;
	c->st = put_installer(c->r, c->n, c->p, c->local, c->sha, &c->err);
	return NULL;
}

/* Every remote node at once: each has its own connection; the first failure in node order counts. */
static enum hoist_status put_everywhere(struct run *r, const struct hoist_plan_package *p,
					const char *local, const char *sha,
					struct hoist_error *err)
{
	struct copier *c = hoist_xcalloc(r->n_nodes ? r->n_nodes : 1, sizeof *c);
	enum hoist_status st = HOIST_OK;
	for (size_t k = 0; k < r->n_nodes; k++) {
		bool wanted = node_installs(r, r->nodes[k].plan->name, &p->version) ||
			      !hoist_version_cmp(&p->version, &r->plan->from);
		c[k].r = r;
		c[k].n = &r->nodes[k];
		c[k].p = p;
		c[k].local = local;
		c[k].sha = sha;
		c[k].st = HOIST_OK;
		hoist_error_init(&c[k].err);
		c[k].started = wanted && remote_node(&r->nodes[k]);
		if (c[k].started)
			pthread_create(&c[k].th, NULL, copy_one, &c[k]);
	}
	for (size_t k = 0; k < r->n_nodes; k++) {
		if (c[k].started)
			pthread_join(c[k].th, NULL);
		if (st == HOIST_OK && c[k].st != HOIST_OK)
			st = hoist_error_set(err, c[k].st, "%s", hoist_error_message(&c[k].err));
		hoist_error_done(&c[k].err);
	}
	free(c);
	return st;
}

/* The versions the run installs: every hop (not the current one, which is only cached). */
static bool installed_version(struct run *r, const struct hoist_version *v)
{
	for (size_t i = 0; i < r->plan->n_steps; i++)
		if (!strcmp(r->plan->steps[i].id, "install") &&
		    !hoist_version_cmp(&r->plan->steps[i].version, v))
			return true;
	return false;
}

enum hoist_status run_stage_files(struct run *r, struct hoist_error *err)
{
	enum hoist_status st = HOIST_OK;
	for (size_t i = 0; st == HOIST_OK && i < r->plan->n_packages; i++) {
		const struct hoist_plan_package *p = &r->plan->packages[i];
		char *local, *item;
		const char *sha;
		if (hoist_package_is_image(p)) {
			/* The node pulls its image itself, before the window. */
			for (size_t k = 0; st == HOIST_OK && k < r->n_nodes; k++) {
				struct hoist_exec_result x;
				if (!installed_version(r, &p->version) ||
				    !hoist_profile_has(r->profile, "pull"))
					break;
				hoist_exec_result_init(&x);
				st = run_action(r, &r->nodes[k], "stage", "pull", &p->version, NULL,
						NULL, false, &x, err);
				hoist_exec_result_done(&x);
				if (st == HOIST_OK)
					run_log(r, "stage", r->nodes[k].plan->name,
						N_("%s: pulled %s on the node"), p->version.text,
						p->url + strlen(HOIST_IMAGE_SCHEME));
			}
			continue;
		}
		local = run_package_path(r, &p->version);
		item = hoist_xasprintf("package-%s", p->version.text);
		if (!p->sha256) {
			/* Nothing gave a checksum: record what the download hashed to. */
			struct hoist_evidence ev = { .path = local, .size = -1,
						      .time_ms = (long long)time(NULL) * 1000 };
			char got[65];
			st = hoist_sha256_file(local, got, &ev.size, err);
			if (st == HOIST_OK) {
				ev.sha256 = got;
				run_add_evidence(r, item, &ev, true);
				run_log(r, "stage", NULL,
					N_("%s: no checksum was given (feed or [feed] checksums); "
					  "recorded the SHA-256 computed here: %s"),
					p->version.text, got);
			}
		}
		if (st == HOIST_OK)
			st = check_signature(r, p, local, err);
		sha = known_sha(r, p, item);
		if (st == HOIST_OK && install_uses_package(r) &&
		    (installed_version(r, &p->version) ||
		     !hoist_version_cmp(&p->version, &r->plan->from)))
			st = put_everywhere(r, p, local, sha, err);
		free(item);
		free(local);
	}
	return st;
}

enum hoist_status run_check_installer(struct run *r, struct run_node *n,
				      const struct hoist_version *v, struct hoist_error *err)
{
	const struct hoist_plan_package *p = find_package(r, v);
	char *remote, *item, got[65];
	const char *sha;
	long long size;
	enum hoist_status st;
	if (!p || hoist_package_is_image(p) || !remote_node(n) || !install_uses_package(r))
		return HOIST_OK;
	item = hoist_xasprintf("package-%s", v->text);
	sha = known_sha(r, p, item);
	remote = run_node_package_path(r, n, v);
	st = hoist_transport_file_sha256(n->t, remote, HASH_TIMEOUT_MS, got, &size, err);
	if (st == HOIST_OK && sha && strcmp(got, sha))
		st = hoist_error_set(err, HOIST_CHECKSUM,
				     _("on node %s, the installer %s has SHA-256 %s, not %s: it "
				       "changed since it was staged; it is not installed"),
				     n->plan->name, remote, got, sha);
	if (st == HOIST_OK)
		run_log(r, "install", n->plan->name, N_("%s: SHA-256 %s checked on the node"),
			remote, got);
	free(remote);
	free(item);
	return st;
}

char *run_node_backup_path(struct run *r, struct run_node *n, const char *local)
{
	const char *base = strrchr(local, '/');
	(void)r;
	if (!remote_node(n))
		return NULL;
	return hoist_shell_join(hoist_transport_shell(n->t), n->plan->remote_dir,
				base ? base + 1 : local);
}

enum hoist_status run_backup_fetch(struct run *r, struct run_node *n, const char *local,
				   const char *remote, struct run_result *res,
				   struct hoist_error *err)
{
	struct hoist_evidence *ev = &res->evidence;
	char there[65], here[65];
	long long size = -1, local_size = -1;
	enum hoist_status st = hoist_transport_file_sha256(n->t, remote, HASH_TIMEOUT_MS, there,
							   &size, err);
	free(ev->path);
	free(ev->sha256);
	ev->path = NULL;
	ev->sha256 = NULL;
	ev->time_ms = (long long)time(NULL) * 1000;
	if (st == HOIST_OK && size == 0)
		st = hoist_error_set(err, HOIST_STATE, _("the backup %s on %s is empty"), remote,
				     n->plan->name);
	if (st != HOIST_OK)
		return st;
	if (!hoist_config_backup_copy(r->cfg)) {
		ev->path = hoist_xasprintf("%s:%s", n->plan->name, remote);
		ev->sha256 = hoist_xstrdup(there);
		ev->size = size;
		run_say(res, N_("database backed up to %s on %s, kept there (size "
				"and SHA-256 computed on the node)"),
			remote, n->plan->name);
		return HOIST_OK;
	}
	st = hoist_transport_get(n->t, remote, local, COPY_TIMEOUT_MS, err);
	if (st == HOIST_OK) {
		chmod(local, 0600);
		st = hoist_sha256_file(local, here, &local_size, err);
	}
	if (st == HOIST_OK && strcmp(here, there))
		st = hoist_error_set(err, HOIST_CHECKSUM,
				     _("the backup copied back from %s has SHA-256 %s, but %s on "
				       "the node has %s: the copy is damaged"),
				     n->plan->name, here, remote, there);
	if (st != HOIST_OK)
		return st;
	ev->path = hoist_xstrdup(local);
	ev->sha256 = hoist_xstrdup(here);
	ev->size = local_size;
	run_say(res, N_("database backed up to %s on %s and copied back to %s "
			"(SHA-256 checked on both sides)"),
		remote, n->plan->name, local);
	return HOIST_OK;
}

enum hoist_status run_backup_to_node(struct run *r, struct run_node *n, const char *backup,
				     char **on_node, struct hoist_error *err)
{
	size_t nl = strlen(n->plan->name);
	char here[65], there[65];
	long long size = -1, rsize = -1;
	enum hoist_status st;
	*on_node = NULL;
	if (!remote_node(n))
		return HOIST_OK;
	if (!strncmp(backup, n->plan->name, nl) && backup[nl] == ':') {
		/* Kept on the node by backup_copy = false: it must still be there, whole. */
		st = hoist_transport_file_sha256(n->t, backup + nl + 1, HASH_TIMEOUT_MS, there,
						 &rsize, err);
		if (st == HOIST_OK && rsize == 0)
			st = hoist_error_set(err, HOIST_STATE, _("the backup %s on %s is empty"),
					     backup + nl + 1, n->plan->name);
		if (st == HOIST_OK)
			*on_node = hoist_xstrdup(backup + nl + 1);
		return st;
	}
	st = hoist_sha256_file(backup, here, &size, err);
	if (st == HOIST_OK && size == 0)
		st = hoist_error_set(err, HOIST_STATE, _("the backup %s is empty"), backup);
	if (st != HOIST_OK)
		return st;
	*on_node = run_node_backup_path(r, n, backup);
	st = hoist_transport_mkdir(n->t, n->plan->remote_dir, HASH_TIMEOUT_MS, err);
	if (st == HOIST_OK)
		st = hoist_transport_put(n->t, backup, *on_node, COPY_TIMEOUT_MS, err);
	if (st == HOIST_OK)
		st = hoist_transport_file_sha256(n->t, *on_node, HASH_TIMEOUT_MS, there, &rsize, err);
	if (st == HOIST_OK && strcmp(here, there))
		st = hoist_error_set(err, HOIST_CHECKSUM,
				     _("on node %s, the backup %s has SHA-256 %s, not %s: the copy "
				       "is damaged"),
				     n->plan->name, *on_node, there, here);
	if (st == HOIST_OK)
		run_log(r, "db-restore", n->plan->name,
			N_("%s: copied to %s, SHA-256 %s checked on the node"), backup, *on_node, there);
	if (st != HOIST_OK) {
		free(*on_node);
		*on_node = NULL;
	}
	return st;
}

/* legacy.c: the plan of the 2.6 to 3.x upgrade (seed 002), its manual steps and check-offs. */
#include "config.h"
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "feed.h"
#include "feed_load.h"
#include "http_config.h"
#include "i18n.h"
#include "journeys.h"
#include "legacy.h"
#include "octopus.h"
#include "prepare.h"
#include "rundir.h"
#include "text.h"
#include "xalloc.h"

/* What the vendor's 2.6 and 3.x installations use by default (seed 002). */
#define OLD_PACKAGES "C:\\Octopus\\OctopusServer\\Repository\\Packages"
#define NEW_PACKAGES "C:\\Octopus\\Packages"
#define MIGRATOR "\"C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Migrator.exe\""

static const char *const manual_steps[] = { "backup-license-key", "move-packages",
					    "install-tentacles", "clean-up-home", NULL };

bool hoist_legacy_is_2x(const struct hoist_version *server)
{
	return server->major < 3;
}

bool hoist_legacy_manual(const char *id)
{
	for (size_t i = 0; id && manual_steps[i]; i++)
		if (!strcmp(manual_steps[i], id))
			return true;
	return false;
}

static const char *step_arg(const struct hoist_plan *p, const char *id)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (!strcmp(p->steps[i].id, id))
			return p->steps[i].arg;
	return NULL;
}

/* "maxage=90" or "maxage=all" in the migrate-data step: the days, or NULL for all. */
static const char *maxage_of(const struct hoist_plan *p)
{
	const char *a = step_arg(p, "migrate-data"), *days;
	if (!a || !hoist_skip_prefix(a, "maxage=", &days) || !strcmp(days, "all"))
		return NULL;
	return days;
}

char *hoist_legacy_migrator_command(const struct hoist_plan *p, const struct hoist_profile *prof)
{
	const char *days = maxage_of(p);
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	if (prof && hoist_profile_has(prof, "migrate-data")) {
		struct hoist_profile_vars v;
		struct hoist_profile_cmds c;
		const struct hoist_plan_node *n = hoist_plan_primary(p);
		hoist_profile_vars_init(&v);
		hoist_profile_cmds_init(&c);
		hoist_profile_vars_set(&v, "node", n->name, NULL);
		hoist_profile_vars_set(&v, "version", p->to.text, NULL);
		hoist_profile_vars_set(&v, "maxage", days ? days : "all", NULL);
		if (hoist_profile_expand(prof, "migrate-data", &v, &c, NULL) == HOIST_OK)
			for (size_t i = 0; i < c.n; i++)
				for (size_t k = 0; c.argv[i][k]; k++)
					hoist_buf_printf(&b, "%s%s", i || k ? " " : "", c.argv[i][k]);
		hoist_profile_cmds_done(&c);
		hoist_profile_vars_done(&v);
	}
	if (!b.len) {
		/* The vendor's migrator, as its wizard's "Show script" gives it. */
		hoist_buf_printf(&b, "%s migrate --instance=OctopusServer --file=<%s> "
			      "--master-key=<%s>", MIGRATOR, _("the 2.6 backup"),
			      _("the 2.6 master key"));
		if (days)
			hoist_buf_printf(&b, " --maxage=%s", days);
	}
	return hoist_buf_detach(&b, NULL);
}

char *hoist_legacy_instruction(const struct hoist_plan *p, const char *id, const char *node)
{
	(void)node;
	if (!strcmp(id, "backup-license-key"))
		return hoist_xasprintf(_("Save the license key of the %s server: in its web portal, "
					 "Configuration > License, copy the key into a file. The "
					 "migration does not import it; you enter it on the %s "
					 "server. Then: hoist legacy --confirm backup-license-key "
					 "--file FILE"), p->from.text, p->to.text);
	if (!strcmp(id, "move-packages"))
		return hoist_xasprintf(_("If you use the built-in package repository: copy the "
					 "files under %s on the 2.6 server to %s on the %s server; "
					 "they are not part of the backup. The service re-indexes "
					 "them when it starts (5 to 20 minutes for many packages). "
					 "Then: hoist legacy --confirm move-packages"),
				       OLD_PACKAGES, NEW_PACKAGES, p->to.text);
	if (!strcmp(id, "install-tentacles"))
		return hoist_xasprintf(_("On every deployment target that ran Tentacle 2.6, install "
					 "the Tentacle 3.x MSI: a 3.x server cannot upgrade a 2.x "
					 "Tentacle. With Octopus 3.0.1, also click Reinstall in the "
					 "Tentacle Manager, so the service runs the 3.x Tentacle.exe "
					 "(then put back custom credentials or recovery options). "
					 "Then: hoist legacy --confirm install-tentacles"));
	if (!strcmp(id, "clean-up-home"))
		return hoist_xstrdup(_("Optional: clean up the Octopus Home folder of the 2.6 "
				       "installation as the vendor's page on server configuration "
				       "and file storage says (Clean up). Then: hoist legacy "
				       "--confirm clean-up-home"));
	return hoist_xasprintf(_("Do the step %s by hand, then: hoist legacy --confirm %s"), id,
			       id);
}

static enum hoist_status add_pkg(const struct hoist_feed *feed, const char *platform,
				 const struct hoist_version *v, bool required,
				 struct hoist_plan *p, struct hoist_error *err)
{
	const struct hoist_release *rel = hoist_feed_find(feed, v);
	const struct hoist_package *pkg = rel && platform ? hoist_release_package(rel, platform)
							  : NULL;
	struct hoist_plan_package *x;
	if (!pkg)
		return required ? hoist_error_set(err, HOIST_FEED,
						  _("the feed %s has no %s package of %s; choose "
						    "another version or another feed"),
						  feed->source, platform ? platform : "-", v->text)
				: HOIST_OK;
	p->packages = hoist_xrealloc(p->packages, (p->n_packages + 1) * sizeof *p->packages);
	x = &p->packages[p->n_packages++];
	memset(x, 0, sizeof *x);
	x->version = *v;
	x->url = hoist_feed_resolve_url(feed, pkg->url);
	x->sha256 = hoist_xstrdup(pkg->sha256);
	x->size = pkg->size;
	return HOIST_OK;
}

enum hoist_status hoist_plan_prepare_legacy(const struct hoist_config *cfg,
					    const struct hoist_legacy_options *o,
					    struct hoist_plan **out, struct hoist_error *err)
{
	struct hoist_http_options ho;
	struct hoist_octopus *oc;
	struct hoist_octopus_tentacles m = { NULL, 0 };
	struct hoist_version current, to;
	struct hoist_feed *feed = NULL;
	struct hoist_plan *p;
	const char *platform = hoist_profile_platform(cfg->profile);
	const char *primary;
	char *arg;
	enum hoist_status st;

	*out = NULL;
	if (!cfg->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured: set [server] url or "
					 "HOIST_SERVER_URL"));
	if (!o->target || hoist_version_parse(o->target, &to, err) != HOIST_OK)
		return o->target ? HOIST_USAGE
				 : hoist_error_set(err, HOIST_USAGE,
						   _("say which 3.x version to upgrade to"));
	if (to.major != 3)
		return hoist_error_set(err, HOIST_USAGE,
				       _("the legacy upgrade goes from 2.6 to a 3.x version, not to "
					 "%s; from 3.x on, use hoist upgrade"), to.text);
	if (cfg->n_nodes > 1)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("Octopus 2.x has no high-availability cluster; name only the "
					 "server's own node in the configuration"));
	hoist_http_options_from_config(cfg, &ho);
	oc = hoist_octopus_new(cfg->server_url, cfg->api_key, &ho);
	st = hoist_octopus_version(oc, &current, err);
	if (st == HOIST_OK && !hoist_legacy_is_2x(&current))
		st = hoist_error_set(err, HOIST_STATE,
				     _("the server runs %s, not Octopus 2.x: use hoist upgrade"),
				     current.text);
	/* 2.x has no maintenance resource: reading its machines checks the key. */
	if (st == HOIST_OK)
		st = hoist_octopus_tentacles(oc, "", &m, err);
	hoist_octopus_tentacles_done(&m);
	hoist_octopus_free(oc);
	if (st == HOIST_OK)
		st = hoist_feed_load_configured(cfg, &feed, err);
	if (st == HOIST_OK && !hoist_feed_find(feed, &to))
		st = hoist_error_set(err, HOIST_FEED, _("the feed has no release %s"), to.text);
	if (st != HOIST_OK) {
		hoist_feed_free(feed);
		return st;
	}
	p = hoist_xcalloc(1, sizeof *p);
	p->server_url = hoist_xstrdup(cfg->server_url);
	p->profile = hoist_xstrdup(hoist_profile_configured(cfg));
	p->feed = cfg->feed ? hoist_xstrdup(cfg->feed) : NULL;
	p->from = current;
	p->to = to;
	p->kind = hoist_version_kind(&current, &to);
	p->strategy = HOIST_STRATEGY_ALL_AT_ONCE;
	p->window_estimate_ms = -1;
	p->journey = hoist_xstrdup(HOIST_JOURNEY_LEGACY);
	p->nodes = hoist_xcalloc(1, sizeof *p->nodes);
	p->n_nodes = 1;
	/* No url: a 2.x node has no ping to ask; the journey's validate asks its /api. */
	p->nodes[0].name = hoist_xstrdup(cfg->n_nodes ? cfg->nodes[0].name : "octopus");
	p->nodes[0].role = hoist_xstrdup("primary");
	p->nodes[0].transport = hoist_xstrdup(cfg->n_nodes && cfg->nodes[0].transport ?
					      cfg->nodes[0].transport : "local");
	p->nodes[0].version = current;
	st = add_pkg(feed, platform, &to, true, p, err);
	if (st == HOIST_OK)
		st = add_pkg(feed, platform, &current, false, p, err);
	hoist_feed_free(feed);
	if (st != HOIST_OK) {
		hoist_plan_free(p);
		return st;
	}
	primary = p->nodes[0].name;
	hoist_plan_add_step(p, "stage", NULL, &to, NULL);
	hoist_plan_add_step(p, "backup-db", primary, &current, NULL);
	hoist_plan_add_step(p, "backup-master-key", primary, &current, NULL);
	hoist_plan_add_step(p, "backup-license-key", primary, &current, NULL);
	hoist_plan_add_step(p, "stop", primary, &current, NULL);
	hoist_plan_add_step(p, "install", primary, &to, NULL);
	arg = o->maxage_days >= 0 ? hoist_xasprintf("maxage=%d", o->maxage_days)
				  : hoist_xstrdup("maxage=all");
	hoist_plan_add_step(p, "migrate-data", primary, &to, arg);
	free(arg);
	p->steps[p->n_steps - 1].point_of_no_return = true;
	hoist_plan_add_step(p, "move-packages", primary, &to, NULL);
	hoist_plan_add_step(p, "start", primary, &to, NULL);
	hoist_plan_add_step(p, "validate", primary, &to, NULL);
	hoist_plan_add_step(p, "install-tentacles", NULL, &to, NULL);
	hoist_plan_add_step(p, "health-check", NULL, &to, "batch=10");
	if (o->clean_up)
		hoist_plan_add_step(p, "clean-up-home", primary, &to, NULL);
	*out = p;
	return HOIST_OK;
}

enum hoist_status hoist_legacy_detect(const struct hoist_config *cfg,
				      struct hoist_version *server, struct hoist_version *target,
				      struct hoist_error *err)
{
	struct hoist_http_options ho;
	struct hoist_octopus *oc;
	struct hoist_feed *feed = NULL;
	enum hoist_status st;
	bool found = false;
	if (!cfg->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured: set [server] url or "
					 "HOIST_SERVER_URL"));
	hoist_http_options_from_config(cfg, &ho);
	oc = hoist_octopus_new(cfg->server_url, cfg->api_key, &ho);
	st = hoist_octopus_version(oc, server, err);
	hoist_octopus_free(oc);
	if (st == HOIST_OK && !hoist_legacy_is_2x(server))
		st = hoist_error_set(err, HOIST_STATE,
				     _("the server runs %s, not Octopus 2.x: use hoist upgrade"),
				     server->text);
	if (st == HOIST_OK)
		st = hoist_feed_load_configured(cfg, &feed, err);
	for (size_t i = 0; st == HOIST_OK && i < feed->n_releases; i++)
		if (feed->releases[i].version.major == 3 && !feed->releases[i].version.pre[0] &&
		    (!found || hoist_version_cmp(&feed->releases[i].version, target) > 0)) {
			*target = feed->releases[i].version;
			found = true;
		}
	if (st == HOIST_OK && !found)
		st = hoist_error_set(err, HOIST_FEED, _("the feed %s has no 3.x release"),
				     feed->source);
	hoist_feed_free(feed);
	return st;
}

static char *who(void)
{
	struct passwd *pw = getpwuid(getuid());
	return hoist_xstrdup(pw && pw->pw_name ? pw->pw_name : "?");
}

enum hoist_status hoist_legacy_confirm(const struct hoist_config *cfg, const char *run_id,
				       const char *step, const char *path,
				       struct hoist_error *err)
{
	char *state = hoist_config_state_dir(cfg), *id = NULL, *dir = NULL, *file, *text, *by;
	char when[32];
	time_t now = time(NULL);
	struct stat sb;
	enum hoist_status st = HOIST_OK;
	if (!hoist_legacy_manual(step)) {
		free(state);
		return hoist_error_set(err, HOIST_USAGE,
				       _("%s is not a step you check off (those are: "
					 "backup-license-key, move-packages, install-tentacles, "
					 "clean-up-home)"), step);
	}
	if (!strcmp(step, "backup-license-key") && !path)
		st = hoist_error_set(err, HOIST_USAGE,
				     _("name the file that holds the license key with --file"));
	if (st == HOIST_OK && path && (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)))
		st = hoist_error_set(err, HOIST_STATE, _("%s is not a file: %s"), path,
				     strerror(errno ? errno : ENOENT));
	else if (st == HOIST_OK && path && sb.st_size == 0)
		st = hoist_error_set(err, HOIST_STATE, _("%s is empty"), path);
	if (st == HOIST_OK && run_id)
		id = hoist_xstrdup(run_id);
	else if (st == HOIST_OK)
		st = hoist_rundir_latest(state, &id, err);
	if (st == HOIST_OK && !hoist_rundir_id_valid(id))
		st = hoist_error_set(err, HOIST_USAGE, _("not a run id: %s"), id);
	if (st == HOIST_OK) {
		char *run = hoist_rundir_path(state, id);
		struct stat rs;
		if (stat(run, &rs) != 0)
			st = hoist_error_set(err, HOIST_STATE, _("there is no run %s"), id);
		dir = hoist_xasprintf("%s/confirm", run);
		free(run);
		if (st == HOIST_OK)
			st = hoist_rundir_make_dirs(dir, 0700, err);
	}
	if (st == HOIST_OK) {
		char *real = path ? realpath(path, NULL) : NULL;
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
		by = who();
		text = hoist_xasprintf("by=%s\ntime=%s\n%s%s%s", by, when, real ? "path=" : "",
				       real ? real : "", real ? "\n" : "");
		file = hoist_xasprintf("%s/%s", dir, step);
		st = hoist_rundir_write_atomic(file, text, strlen(text), 0600, err);
		free(real);
		free(by);
		free(text);
		free(file);
	}
	free(dir);
	free(id);
	free(state);
	return st;
}

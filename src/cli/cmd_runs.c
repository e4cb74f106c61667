/* cmd_runs.c: hoist runs (the state folder's runs with kind, outcome and size) and hoist prune. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "i18n.h"
#include "retention.h"
#include "rundir.h"
#include "xalloc.h"

static int judge(struct cli *cli, long keep, struct hoist_retention *r)
{
	struct hoist_error err;
	char *state = hoist_config_state_dir(&cli->conf);
	int rc = 0;
	hoist_error_init(&err);
	if (hoist_retention_judge(state, keep >= 0 ? (size_t)keep : (size_t)cli->conf.keep_runs,
				  NULL, HOIST_CACHE_MAX_AGE_S, r, &err) != HOIST_OK)
		rc = cli_fail(&err);
	hoist_error_done(&err);
	free(state);
	return rc;
}

static void json_str(const char *k, const char *v, bool comma)
{
	printf("\"%s\": ", k);
	cli_json_string(v ? v : "");
	printf("%s", comma ? ", " : "");
}

static void print_json(const struct hoist_retention *r)
{
	printf("{\"runs\": [");
	for (size_t i = 0; i < r->n_runs; i++) {
		const struct hoist_retained_run *u = &r->runs[i];
		printf("%s{", i ? ", " : "");
		json_str("id", u->id, true);
		json_str("kind", u->kind, true);
		printf("\"dry_run\": %s, ", u->dry ? "true" : "false");
		json_str("from", u->from, true);
		json_str("to", u->to, true);
		json_str("outcome", u->outcome, true);
		printf("\"bytes\": %llu, \"db_backup\": %s, \"master_key\": %s, \"kept\": %s}", u->bytes,
		       u->has_db_backup ? "true" : "false", u->has_master_key ? "true" : "false",
		       u->keep != HOIST_KEEP_NONE ? "true" : "false");
	}
	printf("], \"packages\": [");
	for (size_t i = 0; i < r->n_packages; i++) {
		printf("%s{", i ? ", " : "");
		json_str("path", r->packages[i].path, true);
		json_str("version", r->packages[i].version, true);
		printf("\"bytes\": %llu, \"kept\": %s}", r->packages[i].bytes,
		       r->packages[i].keep != HOIST_KEEP_NONE ? "true" : "false");
	}
	printf("], \"free_bytes\": %llu}\n", r->free_bytes);
}

static void print_table(const struct hoist_retention *r, bool only_free)
{
	for (size_t i = 0; i < r->n_runs; i++) {
		const struct hoist_retained_run *u = &r->runs[i];
		char *size = cli_size_text(u->bytes), *what;
		if (only_free && u->keep != HOIST_KEEP_NONE) {
			free(size);
			continue;
		}
		what = u->dry ? hoist_xasprintf(_("dry run %s to %s"), u->from, u->to)
		       : !strcmp(u->kind, "none") || !*u->kind
			       ? hoist_xasprintf(_("backup at %s"), u->from)
			       : hoist_xasprintf(_("%s %s to %s"), u->kind, u->from, u->to);
		printf("  %s  ", u->id);
		cli_pad(what, 30);
		cli_pad(*u->outcome ? u->outcome : "-", 10);
		cli_pad(size, 9);
		if (u->keep == HOIST_KEEP_DB_BACKUP || u->keep == HOIST_KEEP_MASTER_KEY)
			printf(_("kept: %s (%s)\n"), hoist_keep_text(u->keep), u->keep_version);
		else if (u->keep != HOIST_KEEP_NONE)
			printf(_("kept: %s\n"), hoist_keep_text(u->keep));
		else
			printf(_("may go\n"));
		free(what);
		free(size);
	}
	for (size_t i = 0; i < r->n_packages; i++) {
		const struct hoist_cached_package *p = &r->packages[i];
		char *size = cli_size_text(p->bytes);
		if (only_free && p->keep != HOIST_KEEP_NONE) {
			free(size);
			continue;
		}
		printf(_("  installer %s, %s, %lld days old: %s\n"), p->version, size, p->age_s / 86400,
		       p->keep != HOIST_KEEP_NONE ? hoist_keep_text(p->keep) : _("may go"));
		free(size);
	}
}

static const char runs_usage[] = N_("usage: hoist [--config FILE] runs [--keep N] [--json]\n");
static const char runs_about[] =
	N_("Lists the runs in the state folder, newest first: the run id, what it\n"
	   "was (an upgrade and its kind, a dry run, a backup), its outcome, its size\n"
	   "on disk, and whether hoist prune would keep it and why (the newest\n"
	   "database backup and master key of every version the server ran are\n"
	   "always kept). The cached installers follow.\n");

static const char prune_usage[] = N_("usage: hoist [--config FILE] prune [--keep N] [--yes]\n");
static const char prune_about[] =
	N_("Shows what removing old runs and cached installers would free, and with\n"
	   "--yes removes them. Dry runs do not count against keep_runs; the newest\n"
	   "database backup and master key of every version the server ran, and the\n"
	   "installers of the running version and of those versions, are never\n"
	   "removed; other cached installers go after 30 days.\n");

/* --keep N into the long o->data. */
static int set_keep(const struct cli_parse *p, const struct cli_option *o, const char *arg)
{
	long *keep = o->data;
	char *end;
	*keep = strtol(arg, &end, 10);
	if (*end || *keep < 0)
		return cli_usage(p->command, _("--keep takes a count, not '%s'"), arg);
	return -1;
}

int cmd_runs(struct cli *cli, int argc, char **argv)
{
	struct hoist_retention r;
	long keep = -1;
	bool json = false;
	const struct cli_option opts[] = {
		CLI_CALL_INTO("keep", 0, N_("N"),
			      N_("judge with N runs kept (default: [upgrade] keep_runs)"), set_keep,
			      &keep),
		CLI_FLAG("json", 0, N_("print the list as JSON"), &json),
		CLI_END,
	};
	const struct cli_parse p = { .command = "runs", .cli = cli, .usage = runs_usage,
				     .about = runs_about, .options = opts };
	int rc = cli_parse_args(&p, argc, argv);
	if (rc >= 0)
		return rc;
	if ((rc = judge(cli, keep, &r)) != 0)
		return rc;
	if (json) {
		print_json(&r);
	} else if (!r.n_runs && !r.n_packages) {
		printf(_("No runs yet.\n"));
	} else {
		char *size = cli_size_text(r.free_bytes);
		print_table(&r, false);
		printf(_("hoist prune would free %s (%zu runs, %zu installers).\n"), size,
		       r.n_free_runs, r.n_free_packages);
		free(size);
	}
	hoist_retention_done(&r);
	return 0;
}

int cmd_prune(struct cli *cli, int argc, char **argv)
{
	struct hoist_retention r;
	struct hoist_error err;
	unsigned long long freed = 0;
	long keep = -1;
	bool json = false, yes = false;
	const struct cli_option opts[] = {
		CLI_CALL_INTO("keep", 0, N_("N"), N_("keep N runs (default: [upgrade] keep_runs)"),
			      set_keep, &keep),
		CLI_FLAG("yes", 0, N_("remove them (without it, nothing is removed)"), &yes),
		/* Taken and ignored, as it always was: prune prints no JSON. */
		CLI_FLAG("json", 0, NULL, &json),
		CLI_END,
	};
	const struct cli_parse p = { .command = "prune", .cli = cli, .usage = prune_usage,
				     .about = prune_about, .options = opts };
	char *size;
	int rc = cli_parse_args(&p, argc, argv);
	if (rc >= 0)
		return rc;
	if ((rc = judge(cli, keep, &r)) != 0)
		return rc;
	size = cli_size_text(r.free_bytes);
	if (!r.n_free_runs && !r.n_free_packages) {
		printf(_("Nothing to remove: every run and installer is kept.\n"));
	} else if (!yes) {
		print_table(&r, true);
		printf(_("This would free %s (%zu runs, %zu installers). Remove them with: hoist "
			 "prune --yes\n"),
		       size, r.n_free_runs, r.n_free_packages);
	} else {
		hoist_error_init(&err);
		if (hoist_retention_apply(&r, &freed, &err) != HOIST_OK)
			rc = cli_fail(&err);
		hoist_error_done(&err);
		free(size);
		size = cli_size_text(freed);
		if (rc == 0)
			printf(_("Removed %zu runs and %zu installers: %s freed.\n"), r.n_free_runs,
			       r.n_free_packages, size);
	}
	free(size);
	hoist_retention_done(&r);
	return rc;
}

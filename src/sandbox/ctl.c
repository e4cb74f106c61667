/* ctl.c: `hoist-sandbox ctl`: what an operator does on the nodes, with the vendor's rules. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "i18n.h"
#include "sandbox.h"
#include "sha256.h"
#include "version.h"
#include "xalloc.h"

typedef int (*verb_fn)(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);

enum hoist_status sb_refuse(struct hoist_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hoist_error_vset(err, HOIST_STATE, fmt, ap);
	va_end(ap);
	return HOIST_STATE;
}

enum hoist_status sb_faulted(struct hoist_error *err, enum sb_fault_mode m, const char *verb,
				 const char *node)
{
	if (m == SB_FAULT_NONE)
		return HOIST_OK;
	return hoist_error_set(err, HOIST_COMMAND, _("%s failed on node %s (fault injected)."),
			       verb, node ? node : "-");
}

/* With serve running, waits until the node's port follows the change (a stop really closes it). */
static void await_port(struct sb *sb, const char *node, bool listening)
{
	struct sb_node n;
	for (int i = 0; i < 300 && sb_serve_alive(sb); i++) {
		if (sb_node_get(sb, node, &n) && n.listening == listening)
			return;
		sb_sleep_ms(10);
	}
}

static int do_stop(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	if (!n->running)
		return HOIST_OK;
	if (sb_faulted(err, sb_fault_apply(sb, "stop", n->version, n->name, NULL), "stop", n->name))
		return HOIST_COMMAND;
	sb_begin(sb);
	sb_node_get(sb, n->name, n);
	sb_node_set_running(sb, n, false);
	sb_commit(sb);
	await_port(sb, n->name, false);
	return HOIST_OK;
}

/* A node starts only against a database at exactly the schema its version expects. */
static enum hoist_status start_check(struct sb *sb, struct sb_node *n, struct hoist_error *err)
{
	char *schema = NULL, *want = sb_schema_of(n->version);
	enum hoist_status st = sb_db_schema(sb, &schema, err);
	if (st == HOIST_OK && strchr(schema, '-'))
		st = sb_refuse(err, _("Octopus Server %s on node %s cannot start: the database upgrade"
				   " did not complete and the schema is %s. Restore the database"
				   " backup taken before the upgrade, then start the node."),
			    n->version, n->name, schema);
	else if (st == HOIST_OK && sb_schema_cmp(schema, want) > 0)
		st = sb_refuse(err, _("Octopus Server %s on node %s cannot start: the database schema"
				   " %s is newer than this version expects (%s). A node must never"
				   " run against a newer database; install the matching version"
				   " first."),
			    n->version, n->name, schema, want);
	else if (st == HOIST_OK && sb_schema_cmp(schema, want) < 0)
		st = sb_refuse(err, _("Octopus Server %s on node %s cannot start: the database schema"
				   " %s is older than this version expects (%s). Upgrade the database"
				   " first (Octopus.Server database --upgrade)."),
			    n->version, n->name, schema, want);
	free(schema);
	free(want);
	return st;
}

static int do_start(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	enum hoist_status st;
	if (n->running)
		return HOIST_OK;
	if (!sb_host_up(sb, n->name))
		return sb_refuse(err, _("The host of node %s is not up (it was rebooted and has not"
				     " come back); the service cannot start."), n->name);
	if ((st = start_check(sb, n, err)) != HOIST_OK)
		return st;
	if (sb_faulted(err, sb_fault_apply(sb, "start", n->version, n->name, NULL), "start", n->name))
		return HOIST_COMMAND;
	sb_begin(sb);
	sb_node_get(sb, n->name, n);
	if ((st = start_check(sb, n, err)) == HOIST_OK)
		sb_node_set_running(sb, n, true);
	sb_commit(sb);
	if (st == HOIST_OK)
		await_port(sb, n->name, true);
	return st;
}

static int do_install(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	char *pkg = NULL, *from = NULL, sha[65], real[65];
	enum hoist_status st;
	if (!hoist_version_valid(args[0]))
		return hoist_error_set(err, HOIST_USAGE, _("not a version: %s"), args[0]);
	if (n->running)
		return sb_refuse(err, _("Octopus Server is running on node %s. The setup was unable"
				     " to automatically close all requested applications: stop the"
				     " Octopus Server service before installing %s."),
				 n->name, args[0]);
	if ((st = sb_feed_release(sb, args[0], &pkg, sha, &from, err)) != HOIST_OK)
		return st;
	if (hoist_sha256_file(pkg, real, NULL, err) == HOIST_OK && strcmp(sha, real))
		st = hoist_error_set(err, HOIST_CHECKSUM, _("The package %s is corrupt: its SHA-256"
							    " is %s, the feed says %s."),
				     pkg, real, sha);
	else if (sb_faulted(err, sb_fault_apply(sb, "install", args[0], n->name, NULL), "install",
			 n->name))
		st = HOIST_COMMAND;
	free(pkg);
	free(from);
	if (st != HOIST_OK)
		return st;
	sb_begin(sb);
	sb_node_get(sb, n->name, n);
	if (n->running) {
		sb_rollback(sb);
		return sb_refuse(err, _("Node %s was started during the installation; stop it and"
				     " install again."), n->name);
	}
	from = hoist_xstrdup(n->version);
	snprintf(n->version, sizeof n->version, "%s", args[0]);
	sb_node_save(sb, n);
	sb_timeline(sb, "install", n->name, "version", n->version, "from", from, NULL);
	sb_commit(sb);
	free(from);
	return HOIST_OK;
}



/* The same change as the PUT of the node, for profiles that drain from the command line. */
static int set_drain(struct sb *sb, struct sb_node *n, bool on, struct hoist_error *err)
{
	if (sb_faulted(err, sb_fault_apply(sb, "drain", n->version, n->name, NULL), "drain", n->name))
		return HOIST_COMMAND;
	sb_begin(sb);
	sb_node_get(sb, n->name, n);
	sb_node_set_drained(sb, n, on);
	sb_commit(sb);
	return HOIST_OK;
}

static int do_drain(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	return set_drain(sb, n, true, err);
}

static int do_undrain(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	return set_drain(sb, n, false, err);
}

static int do_maintenance(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	bool on = !strcmp(args[0], "on");
	if (!on && strcmp(args[0], "off"))
		return hoist_error_set(err, HOIST_USAGE, _("maintenance takes on or off"));
	if (sb_faulted(err, sb_fault_apply(sb, "maintenance", NULL, NULL, NULL), "maintenance", NULL))
		return HOIST_COMMAND;
	sb_begin(sb);
	sb_set_maintenance(sb, on);
	sb_commit(sb);
	return HOIST_OK;
}





static const struct verb {
	const char *name;
	verb_fn fn;
	int node; /* 0: no node, 1: a node, 2: an optional node */
	int args; /* further arguments: exact count, -1 for at most one, -2 for any */
} verbs[] = {
	{ "stop", do_stop, 1, 0 },        { "start", do_start, 1, 0 },
	{ "install", do_install, 1, 1 },  { "db-upgrade", sb_ctl_db_upgrade, 1, 0 },
	{ "db-backup", sb_ctl_backup, 0, 1 }, { "db-restore", sb_ctl_restore, 0, 1 },
	{ "os-patch", sb_ctl_os_patch, 1, 0 }, { "show-master-key", sb_ctl_show_key, 2, 0 },
	{ "check-master-key", sb_ctl_check_key, 0, 0 }, { "status", sb_ctl_status, 0, -1 },
	{ "drain", do_drain, 1, 0 },      { "undrain", do_undrain, 1, 0 },
	{ "maintenance", do_maintenance, 0, 1 },
	{ "snapshot", sb_ctl_snapshot, 1, 0 }, { "reboot", sb_ctl_reboot, 1, 0 },
	{ "host-up", sb_ctl_host_up, 1, 0 },   { "migrate", sb_ctl_migrate, 1, -2 },
	{ "tentacle-install", sb_ctl_tentacle_install, 0, 2 },
};

static int usage(void)
{
	fprintf(stderr, _("usage: hoist-sandbox ctl DIR stop|start|db-upgrade|os-patch|drain|undrain"
			  " NODE\n"
			  "       hoist-sandbox ctl DIR snapshot|reboot|host-up NODE\n"
			  "       hoist-sandbox ctl DIR migrate NODE [maxage=DAYS]\n"
			  "       hoist-sandbox ctl DIR tentacle-install MACHINE|all VERSION\n"
			  "       hoist-sandbox ctl DIR install NODE VERSION\n"
			  "       hoist-sandbox ctl DIR db-backup|db-restore FILE\n"
			  "       hoist-sandbox ctl DIR show-master-key [NODE]\n"
			  "       hoist-sandbox ctl DIR check-master-key < KEYFILE\n"
			  "       hoist-sandbox ctl DIR maintenance on|off\n"
			  "       hoist-sandbox ctl DIR status [--json]\n"));
	return 2;
}

int sb_cmd_ctl(int argc, char **argv)
{
	const struct verb *v = NULL;
	struct sb sb;
	struct sb_node node = { 0 };
	struct hoist_error err;
	char **rest;
	int nrest, rc;
	if (argc < 3)
		return usage();
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (!strcmp(verbs[i].name, argv[2]))
			v = &verbs[i];
	rest = argv + 3;
	nrest = argc - 3;
	if (!v || (v->node == 1 && nrest < 1))
		return usage();
	if (v->node == 1 || (v->node == 2 && nrest > 0))
		rest++, nrest--;
	if ((v->args >= 0 && nrest != v->args) || (v->args == -1 && nrest > 1))
		return usage();
	if (!sb_open_cmd(&sb, argv[1]))
		return 1;
	hoist_error_init(&err);
	if (rest > argv + 3 && !sb_node_get(&sb, argv[3], &node)) {
		fprintf(stderr, _("hoist-sandbox: there is no node %s in %s\n"), argv[3], argv[1]);
		sb_close(&sb);
		hoist_error_done(&err);
		return 1;
	}
	rc = v->fn(&sb, &node, rest, &err);
	if (rc != HOIST_OK)
		fprintf(stderr, "hoist-sandbox: %s\n", hoist_error_message(&err));
	sb_close(&sb);
	hoist_error_done(&err);
	return rc == HOIST_OK ? 0 : rc == HOIST_USAGE ? 2 : 1;
}

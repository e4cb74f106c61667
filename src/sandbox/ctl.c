/* ctl.c: `hoist-sandbox ctl`: what an operator does on the nodes, with the vendor's rules. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "i18n.h"
#include "sandbox.h"
#include "version.h"
#include "xalloc.h"

typedef int (*verb_fn)(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);

static enum hoist_status refuse(struct hoist_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static enum hoist_status refuse(struct hoist_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hoist_error_vset(err, HOIST_STATE, fmt, ap);
	va_end(ap);
	return HOIST_STATE;
}

static enum hoist_status faulted(struct hoist_error *err, enum sb_fault_mode m, const char *verb,
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
	if (faulted(err, sb_fault_apply(sb, "stop", n->version, n->name, NULL), "stop", n->name))
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
		st = refuse(err, _("Octopus Server %s on node %s cannot start: the database upgrade"
				   " did not complete and the schema is %s. Restore the database"
				   " backup taken before the upgrade, then start the node."),
			    n->version, n->name, schema);
	else if (st == HOIST_OK && sb_schema_cmp(schema, want) > 0)
		st = refuse(err, _("Octopus Server %s on node %s cannot start: the database schema"
				   " %s is newer than this version expects (%s). A node must never"
				   " run against a newer database; install the matching version first."),
			    n->version, n->name, schema, want);
	else if (st == HOIST_OK && sb_schema_cmp(schema, want) < 0)
		st = refuse(err, _("Octopus Server %s on node %s cannot start: the database schema"
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
	if ((st = start_check(sb, n, err)) != HOIST_OK)
		return st;
	if (faulted(err, sb_fault_apply(sb, "start", n->version, n->name, NULL), "start", n->name))
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
		return refuse(err, _("The Octopus Deploy service on node %s is running. Stop it"
				     " before installing %s: the installer cannot replace files that"
				     " are in use."), n->name, args[0]);
	if ((st = sb_feed_release(sb, args[0], &pkg, sha, &from, err)) != HOIST_OK)
		return st;
	if (sb_sha256_file(pkg, real, NULL, err) == HOIST_OK && strcmp(sha, real))
		st = hoist_error_set(err, HOIST_CHECKSUM, _("The package %s is corrupt: its SHA-256"
							    " is %s, the feed says %s."),
				     pkg, real, sha);
	else if (faulted(err, sb_fault_apply(sb, "install", args[0], n->name, NULL), "install",
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
		return refuse(err, _("Node %s was started during the installation; stop it and"
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

static char *running_others(struct sb *sb, const char *except)
{
	struct sb_node *nodes;
	size_t n = sb_nodes_load(sb, &nodes);
	char *list = NULL;
	for (size_t i = 0; i < n; i++) {
		char *next;
		if (!nodes[i].running || (except && !strcmp(nodes[i].name, except)))
			continue;
		next = hoist_xasprintf("%s%s%s", list ? list : "", list ? ", " : "", nodes[i].name);
		free(list);
		list = next;
	}
	free(nodes);
	return list;
}

static int do_db_upgrade(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	char *others = running_others(sb, n->name), *schema = NULL, *want, *pkg = NULL;
	char *from = NULL, sha[65], *partial;
	enum hoist_status st = HOIST_OK;
	enum sb_fault_mode m;
	if (others) {
		st = refuse(err, _("As of 2023.2.9755, a database upgrade will abort if Octopus"
				   " detects there are nodes still running. Stop these nodes first:"
				   " %s."), others);
		free(others);
		return st;
	}
	if ((st = sb_db_schema(sb, &schema, err)) != HOIST_OK)
		return st;
	want = sb_schema_of(n->version);
	if (strchr(schema, '-'))
		st = refuse(err, _("The database is part-way through an upgrade (schema %s). Restore"
				   " the backup taken before the upgrade and try again."), schema);
	else if (sb_schema_cmp(schema, want) > 0)
		st = refuse(err, _("The database schema %s is newer than Octopus Server %s on node %s;"
				   " a database cannot be downgraded. Restore a backup instead."),
			    schema, n->version, n->name);
	else if (!sb_schema_cmp(schema, want))
		goto done; /* a patch: nothing to migrate */
	if (st != HOIST_OK)
		goto done;
	/* A required stop: the release names the oldest version it upgrades from. */
	if (sb_feed_release(sb, n->version, &pkg, sha, &from, NULL) == HOIST_OK && from) {
		char *from_schema = sb_schema_of(from);
		if (sb_schema_cmp(schema, from_schema) < 0)
			st = refuse(err, _("Octopus Server %s cannot upgrade a database from %s"
					   " directly: upgrade to %s or newer first."),
				    n->version, schema, from);
		free(from_schema);
		if (st != HOIST_OK)
			goto done;
	}
	m = sb_fault_apply(sb, "db-upgrade", n->version, n->name, NULL);
	if (m == SB_FAULT_HALF) {
		partial = hoist_xasprintf("%s-partial", want);
		sb_db_set_schema(sb, partial, true, NULL);
		sb_timeline(sb, "schema", n->name, "schema", partial, "from", schema, NULL);
		st = hoist_error_set(err, HOIST_COMMAND, _("The database upgrade to %s failed half-way"
							   " on node %s; the schema is now %s. Restore"
							   " the backup taken before the upgrade."),
				     want, n->name, partial);
		free(partial);
	} else if ((st = faulted(err, m, "db-upgrade", n->name)) == HOIST_OK &&
		   (st = sb_db_set_schema(sb, want, true, err)) == HOIST_OK) {
		sb_timeline(sb, "schema", n->name, "schema", want, "from", schema, NULL);
	}
done:
	free(pkg);
	free(from);
	free(schema);
	free(want);
	return st;
}

static int do_os_patch(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	if (n->running)
		return refuse(err, _("Node %s is running. Drain and stop it before patching its"
				     " operating system."), n->name);
	if (faulted(err, sb_fault_apply(sb, "os-patch", n->version, n->name, NULL), "os-patch",
		    n->name))
		return HOIST_COMMAND;
	sb_begin(sb);
	sb_node_get(sb, n->name, n);
	n->os_patches++;
	sb_node_save(sb, n);
	sb_timeline(sb, "os-patch", n->name, NULL);
	sb_commit(sb);
	return HOIST_OK;
}

static int do_show_key(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	unsigned char key[16];
	char *b64;
	if (sb_master_key(sb, key, err) != HOIST_OK)
		return HOIST_IO;
	b64 = sb_base64(key, sizeof key);
	printf("%s\n", b64);
	free(b64);
	return HOIST_OK;
}

/* Reads a base64 master key on stdin (never from the command line) and tries the canary. */
static int do_check_key(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	char line[256] = "";
	unsigned char key[16];
	if (!fgets(line, sizeof line, stdin))
		return hoist_error_set(err, HOIST_USAGE, _("no master key on standard input"));
	line[strcspn(line, "\r\n")] = '\0';
	if (sb_unbase64(line, key, sizeof key) != 16)
		return hoist_error_set(err, HOIST_STATE, _("the master key is not 128 bits of base64."));
	return sb_db_canary(sb, key, err);
}

static int do_backup(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	char *db = sb_path(sb, "octopus.db");
	enum hoist_status st = faulted(err, sb_fault_apply(sb, "db-backup", NULL, NULL, NULL),
				       "db-backup", NULL);
	if (st == HOIST_OK) {
		remove(args[0]);
		if ((st = sb_db_copy(db, args[0], err)) == HOIST_OK) {
			chmod(args[0], 0600);
			sb_timeline(sb, "db-backup", NULL, "file", args[0], NULL);
		}
	}
	free(db);
	return st;
}

static int do_restore(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	char *running = running_others(sb, NULL), *db, *schema = NULL;
	struct sb probe = { (char *)args[0], NULL };
	enum hoist_status st;
	sqlite3_stmt *s = NULL;
	if (running) {
		st = refuse(err, _("Stop every Octopus Server node before restoring the database;"
				   " still running: %s."), running);
		free(running);
		return st;
	}
	/* Only a database of this kind is restored: it must carry a schema version. */
	if (sqlite3_open_v2(args[0], &probe.st, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(probe.st, "SELECT Version FROM SchemaVersion", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		st = hoist_error_set(err, HOIST_IO, _("%s is not a backup of an Octopus database."),
				     args[0]);
	else
		st = faulted(err, sb_fault_apply(sb, "db-restore", NULL, NULL, NULL), "db-restore",
			     NULL);
	sqlite3_finalize(s);
	sqlite3_close(probe.st);
	if (st != HOIST_OK)
		return st;
	db = sb_path(sb, "octopus.db");
	if ((st = sb_db_copy(args[0], db, err)) == HOIST_OK && sb_db_schema(sb, &schema, NULL) ==
	    HOIST_OK) {
		sb_timeline(sb, "db-restore", NULL, "file", args[0], NULL);
		sb_timeline(sb, "schema", NULL, "schema", schema, NULL);
	}
	free(schema);
	free(db);
	return st;
}

static const struct verb {
	const char *name;
	verb_fn fn;
	int node; /* 0: no node, 1: a node, 2: an optional node */
	int args; /* further arguments: exact count, or -1 for at most one */
} verbs[] = {
	{ "stop", do_stop, 1, 0 },        { "start", do_start, 1, 0 },
	{ "install", do_install, 1, 1 },  { "db-upgrade", do_db_upgrade, 1, 0 },
	{ "db-backup", do_backup, 0, 1 }, { "db-restore", do_restore, 0, 1 },
	{ "os-patch", do_os_patch, 1, 0 }, { "show-master-key", do_show_key, 2, 0 },
	{ "check-master-key", do_check_key, 0, 0 }, { "status", sb_ctl_status, 0, -1 },
};

static int usage(void)
{
	fprintf(stderr, _("usage: hoist-sandbox ctl DIR stop|start|db-upgrade|os-patch NODE\n"
			  "       hoist-sandbox ctl DIR install NODE VERSION\n"
			  "       hoist-sandbox ctl DIR db-backup|db-restore FILE\n"
			  "       hoist-sandbox ctl DIR show-master-key [NODE]\n"
			  "       hoist-sandbox ctl DIR check-master-key < KEYFILE\n"
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
	if ((v->args >= 0 && nrest != v->args) || (v->args < 0 && nrest > 1))
		return usage();
	hoist_error_init(&err);
	if (sb_open(&sb, argv[1], false, &err) != HOIST_OK) {
		fprintf(stderr, "hoist-sandbox: %s\n", hoist_error_message(&err));
		hoist_error_done(&err);
		return 1;
	}
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

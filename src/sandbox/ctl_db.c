/* ctl_db.c: the ctl verbs on the database and the master key: upgrade, backup, restore. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "i18n.h"
#include "sandbox.h"
#include "xalloc.h"

char *sb_running_others(struct sb *sb, const char *except)
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

int sb_ctl_db_upgrade(struct sb *sb, struct sb_node *n, char **args,
		struct hoist_error *err)
{
	char *others = sb_running_others(sb, n->name), *schema = NULL, *want, *pkg = NULL;
	char *from = NULL, sha[65], *partial;
	enum hoist_status st = HOIST_OK;
	enum sb_fault_mode m;
	if (others) {
		st = sb_refuse(err, _("As of 2023.2.9755, a database upgrade will abort if Octopus"
				   " detects there are nodes still running. Stop these nodes first:"
				   " %s."), others);
		free(others);
		return st;
	}
	if ((st = sb_db_schema(sb, &schema, err)) != HOIST_OK)
		return st;
	want = sb_schema_of(n->version);
	if (atoi(schema) == 2 && atoi(n->version) >= 3)
		st = sb_refuse(err, _("Octopus Server %s cannot upgrade an Octopus 2.x database"
				      " (schema %s); import the 2.6 data with the migrator"
				      " instead."), n->version, schema);
	else if (strchr(schema, '-'))
		st = sb_refuse(err, _("The database is part-way through an upgrade (schema %s). Restore"
				   " the backup taken before the upgrade and try again."), schema);
	else if (sb_schema_cmp(schema, want) > 0)
		st = sb_refuse(err, _("The database schema %s is newer than Octopus Server %s on"
				      " node %s; a database cannot be downgraded. Restore a backup"
				      " instead."),
			    schema, n->version, n->name);
	else if (!sb_schema_cmp(schema, want))
		goto done; /* a patch: nothing to migrate */
	if (st != HOIST_OK)
		goto done;
	/* A required stop: the release names the oldest version it upgrades from. */
	if (sb_feed_release(sb, n->version, &pkg, sha, &from, NULL) == HOIST_OK && from) {
		char *from_schema = sb_schema_of(from);
		if (sb_schema_cmp(schema, from_schema) < 0)
			st = sb_refuse(err, _("Octopus Server %s cannot upgrade a database from %s"
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
	} else if ((st = sb_faulted(err, m, "db-upgrade", n->name)) == HOIST_OK &&
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

int sb_ctl_show_key(struct sb *sb, struct sb_node *n, char **args,
		struct hoist_error *err)
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
int sb_ctl_check_key(struct sb *sb, struct sb_node *n, char **args,
		struct hoist_error *err)
{
	char line[256] = "";
	unsigned char key[16];
	if (!fgets(line, sizeof line, stdin))
		return hoist_error_set(err, HOIST_USAGE, _("no master key on standard input"));
	line[strcspn(line, "\r\n")] = '\0';
	if (sb_unbase64(line, key, sizeof key) != 16)
		return hoist_error_set(err, HOIST_STATE,
				       _("the master key is not 128 bits of base64."));
	return sb_db_canary(sb, key, err);
}

int sb_ctl_backup(struct sb *sb, struct sb_node *n, char **args,
		struct hoist_error *err)
{
	char *db = sb_path(sb, "octopus.db");
	enum hoist_status st = sb_faulted(err, sb_fault_apply(sb, "db-backup", NULL, NULL, NULL),
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

int sb_ctl_restore(struct sb *sb, struct sb_node *n, char **args,
		struct hoist_error *err)
{
	char *running = sb_running_others(sb, NULL), *db, *schema = NULL;
	struct sb probe = { (char *)args[0], NULL };
	enum hoist_status st;
	sqlite3_stmt *s = NULL;
	if (running) {
		st = sb_refuse(err, _("Stop every Octopus Server node before restoring the database;"
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
		st = sb_faulted(err, sb_fault_apply(sb, "db-restore", NULL, NULL, NULL), "db-restore",
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

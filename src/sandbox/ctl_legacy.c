/* ctl_legacy.c: the vendor's migrator from Octopus 2.6 to 3.x (seed 002), with maxage. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "sandbox.h"
#include "text.h"
#include "version.h"
#include "xalloc.h"

/* `migrate NODE [maxage=DAYS]`: imports the 2.6 data into the 3.x database of a stopped node. */
int sb_ctl_migrate(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	char *schema = NULL, *want, *partial, *days = NULL;
	long long maxage = -1;
	enum sb_fault_mode m;
	enum hoist_status st;
	for (size_t i = 0; args[i]; i++) {
		char *end;
		const char *arg;
		if (!hoist_skip_prefix(args[i], "maxage=", &arg))
			return hoist_error_set(err, HOIST_USAGE, _("migrate takes maxage=DAYS, not"
								   " %s"), args[i]);
		if (!strcmp(arg, "all")) {
			maxage = -1;
			continue;
		}
		errno = 0;
		maxage = strtoll(arg, &end, 10);
		if (!*arg || *end || errno || maxage < 0 || maxage > 36500)
			return hoist_error_set(err, HOIST_USAGE, _("maxage needs a number of days,"
								   " not %s"), arg);
	}
	if (atoi(n->version) < 3)
		return sb_refuse(err, _("Node %s runs Octopus %s: install Octopus 3.x first; its"
				     " migrator imports the 2.6 data."), n->name, n->version);
	if (n->running)
		return sb_refuse(err, _("Node %s is running; stop the Octopus Server service before"
				     " importing the 2.6 data."), n->name);
	if ((st = sb_db_schema(sb, &schema, err)) != HOIST_OK)
		return st;
	if (atoi(schema) != 2) {
		st = sb_refuse(err, _("The database holds schema %s, not Octopus 2.x data: there is"
				   " nothing to migrate."), schema);
		free(schema);
		return st;
	}
	want = sb_schema_of(n->version);
	days = maxage < 0 ? hoist_xstrdup("all") : hoist_xasprintf("%lld", maxage);
	m = sb_fault_apply(sb, "migrate", n->version, n->name, NULL);
	if (m == SB_FAULT_HALF) {
		partial = hoist_xasprintf("%s-partial", want);
		sb_db_set_schema(sb, partial, true, NULL);
		sb_timeline(sb, "migrate", n->name, "schema", partial, "maxage", days, NULL);
		st = hoist_error_set(err, HOIST_COMMAND, _("The migration of the 2.6 data failed"
							   " half-way on node %s; the database is now"
							   " %s. Restore the 2.6 backup and run the"
							   " migrator again."),
				     n->name, partial);
		free(partial);
	} else if ((st = sb_faulted(err, m, "migrate", n->name)) == HOIST_OK &&
		   (st = sb_db_set_schema(sb, want, true, err)) == HOIST_OK) {
		sb_timeline(sb, "migrate", n->name, "schema", want, "from", schema, "maxage", days,
			    NULL);
		printf("Imported the Octopus 2.6 data into schema %s (history kept: %s days)\n", want,
		       days);
	}
	free(days);
	free(schema);
	free(want);
	return st;
}

/* `tentacle-install MACHINE|all VERSION`: the Tentacle MSI installed on the machine by hand. */
int sb_ctl_tentacle_install(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err)
{
	sqlite3_stmt *s;
	bool all = !strcmp(args[0], "all");
	int changed;
	(void)n;
	if (!hoist_version_valid(args[1]))
		return hoist_error_set(err, HOIST_USAGE, _("not a version: %s"), args[1]);
	sb_begin(sb);
	sqlite3_prepare_v2(sb->st, "UPDATE machines SET version = ?1 WHERE ?2 OR name = ?3", -1, &s,
			   NULL);
	sqlite3_bind_text(s, 1, args[1], -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, all);
	sqlite3_bind_text(s, 3, args[0], -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
	changed = sqlite3_changes(sb->st);
	if (changed)
		sb_timeline(sb, "tentacle-install", NULL, "machine", args[0], "version", args[1],
			    NULL);
	sb_commit(sb);
	if (!changed)
		return hoist_error_set(err, HOIST_USAGE, _("there is no machine %s"), args[0]);
	return HOIST_OK;
}

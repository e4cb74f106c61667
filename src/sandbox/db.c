/* db.c: the Octopus database of the sandbox (DIR/octopus.db): schema version and real rows. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "i18n.h"
#include "sandbox.h"
#include "version.h"
#include "xalloc.h"

static const char create_sql[] =
	"CREATE TABLE SchemaVersion(Id INTEGER PRIMARY KEY CHECK (Id = 1), Version TEXT NOT NULL);"
	"CREATE TABLE SchemaMigration(Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);"
	"CREATE TABLE Project(Id TEXT PRIMARY KEY, Name TEXT NOT NULL, SpaceId TEXT NOT NULL);"
	"CREATE TABLE Release(Id TEXT PRIMARY KEY, ProjectId TEXT NOT NULL, Version TEXT NOT NULL);"
	"CREATE TABLE Deployment(Id TEXT PRIMARY KEY, ReleaseId TEXT NOT NULL,"
	" EnvironmentId TEXT NOT NULL, State TEXT NOT NULL);"
	"CREATE TABLE Variable(Id TEXT PRIMARY KEY, OwnerId TEXT NOT NULL, Name TEXT NOT NULL,"
	" Value TEXT NOT NULL, IsSensitive INTEGER NOT NULL);";

static const char *const project_names[] = {
	"Web Portal", "Billing API", "Payments Worker", "Identity", "Reporting",
	"Mobile Backend", "Search Indexer", "Notifications",
};
static const char *const environments[] = { "Environments-1", "Environments-2",
					    "Environments-3" };
static const char *const states[] = { "Success", "Success", "Success", "Failed" };

#define CANARY_PLAIN "hoist-sandbox canary: the master key decrypts this"

static enum hoist_status open_db(struct sb *sb, sqlite3 **db, struct hoist_error *err)
{
	char *path = sb_path(sb, "octopus.db");
	int rc = sqlite3_open(path, db);
	free(path);
	if (rc != SQLITE_OK) {
		hoist_error_set(err, HOIST_IO, _("cannot open the Octopus database: %s"),
				sqlite3_errmsg(*db));
		sqlite3_close(*db);
		return HOIST_IO;
	}
	sqlite3_busy_timeout(*db, 10000);
	return HOIST_OK;
}

static void insert(sqlite3 *db, const char *sql, const char *a, const char *b, const char *c,
		   const char *d, int e)
{
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c, -1, SQLITE_STATIC);
	if (d)
		sqlite3_bind_text(s, 4, d, -1, SQLITE_STATIC);
	if (e >= 0)
		sqlite3_bind_int(s, 5, e);
	sqlite3_step(s);
	sqlite3_finalize(s);
}

/* A few dozen rows, all drawn from the seed: two sandboxes with one seed hold the same data. */
static void seed_rows(sqlite3 *db, unsigned long long seed, const unsigned char key[16])
{
	unsigned long long r = seed;
	int nproj = 4 + (int)(sb_rand(&r) % 4), rel = 0, dep = 0, var = 0;
	char *sealed;
	for (int p = 1; p <= nproj; p++) {
		char pid[32], name[64];
		int nrel = 2 + (int)(sb_rand(&r) % 3);
		snprintf(pid, sizeof pid, "Projects-%d", p);
		insert(db, "INSERT INTO Project VALUES(?,?,?)", pid, project_names[p - 1],
		       "Spaces-1", NULL, -1);
		for (int i = 1; i <= nrel; i++) {
			char rid[32], ver[32];
			int ndep = 1 + (int)(sb_rand(&r) % 3);
			snprintf(rid, sizeof rid, "Releases-%d", ++rel);
			snprintf(ver, sizeof ver, "1.%d.%d", i, (int)(sb_rand(&r) % 20));
			insert(db, "INSERT INTO Release VALUES(?,?,?)", rid, pid, ver, NULL, -1);
			for (int d = 0; d < ndep; d++) {
				char did[32];
				snprintf(did, sizeof did, "Deployments-%d", ++dep);
				insert(db, "INSERT INTO Deployment VALUES(?,?,?,?)", did, rid,
				       environments[d % 3], states[sb_rand(&r) % 4], -1);
			}
		}
		for (int v = 0; v < 3; v++) {
			char vid[32], value[64];
			snprintf(vid, sizeof vid, "Variables-%d", ++var);
			snprintf(name, sizeof name, v == 2 ? "DatabasePassword" :
				 v ? "ConnectionTimeout" : "ApiBaseUrl");
			snprintf(value, sizeof value, v == 1 ? "%d" : "https://%d.example.test",
				 (int)(sb_rand(&r) % 90) + 10);
			if (v == 2) {
				snprintf(value, sizeof value, "pw-%016llx", sb_rand(&r));
				sealed = sb_encrypt(key, value);
				insert(db, "INSERT INTO Variable VALUES(?,?,?,?,?)", vid, pid, name,
				       sealed, 1);
				free(sealed);
			} else {
				insert(db, "INSERT INTO Variable VALUES(?,?,?,?,?)", vid, pid, name,
				       value, 0);
			}
		}
	}
	sealed = sb_encrypt(key, CANARY_PLAIN);
	insert(db, "INSERT INTO Variable VALUES(?,?,?,?,?)", "Variables-Canary", "Configuration",
	       "Octopus.MasterKey.Canary", sealed, 1);
	free(sealed);
}

enum hoist_status sb_db_create(struct sb *sb, const char *version, unsigned long long seed,
			       const unsigned char key[16], struct hoist_error *err)
{
	sqlite3 *db;
	char *schema = sb_schema_of(version), *msg = NULL;
	sqlite3_stmt *s;
	if (open_db(sb, &db, err) != HOIST_OK) {
		free(schema);
		return HOIST_IO;
	}
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (sqlite3_exec(db, create_sql, NULL, NULL, &msg) != SQLITE_OK) {
		hoist_error_set(err, HOIST_IO, _("cannot create the Octopus database: %s"), msg);
		sqlite3_free(msg);
		sqlite3_close(db);
		free(schema);
		return HOIST_IO;
	}
	sqlite3_prepare_v2(db, "INSERT INTO SchemaVersion VALUES(1, ?)", -1, &s, NULL);
	sqlite3_bind_text(s, 1, schema, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
	seed_rows(db, seed, key);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	free(schema);
	return HOIST_OK;
}

enum hoist_status sb_db_schema(struct sb *sb, char **schema, struct hoist_error *err)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	*schema = NULL;
	if (open_db(sb, &db, err) != HOIST_OK)
		return HOIST_IO;
	if (sqlite3_prepare_v2(db, "SELECT Version FROM SchemaVersion WHERE Id = 1", -1, &s,
			       NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		*schema = hoist_xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	if (!*schema)
		return hoist_error_set(err, HOIST_STATE,
				       _("the Octopus database has no schema version; restore a"
					 " backup."));
	return HOIST_OK;
}

enum hoist_status sb_db_set_schema(struct sb *sb, const char *schema, bool migrate,
				   struct hoist_error *err)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	if (open_db(sb, &db, err) != HOIST_OK)
		return HOIST_IO;
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (migrate) {
		char *name = hoist_xasprintf("Upgrade to %s", schema);
		sqlite3_prepare_v2(db, "INSERT INTO SchemaMigration(Name) VALUES(?)", -1, &s, NULL);
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_step(s);
		sqlite3_finalize(s);
		free(name);
	}
	sqlite3_prepare_v2(db, "UPDATE SchemaVersion SET Version = ? WHERE Id = 1", -1, &s, NULL);
	sqlite3_bind_text(s, 1, schema, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return HOIST_OK;
}

/* Every row of every table, tables by name and rows by rowid, each value typed. */
enum hoist_status sb_db_hash(struct sb *sb, char out[65], struct hoist_error *err)
{
	sqlite3 *db;
	sqlite3_stmt *t, *s;
	EVP_MD_CTX *ctx;
	unsigned char md[32];
	unsigned int mdlen = 0;
	if (open_db(sb, &db, err) != HOIST_OK)
		return HOIST_IO;
	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	/* Data rows only: the schema's own bookkeeping changes with every upgrade, the
	 * customer's data must not. A restore that lost a row changes the digest. */
	sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
			   " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'Schema%'"
			   " ORDER BY name", -1, &t, NULL);
	while (sqlite3_step(t) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(t, 0);
		char *sql = hoist_xasprintf("SELECT * FROM \"%s\" ORDER BY rowid", name);
		EVP_DigestUpdate(ctx, name, strlen(name) + 1);
		sqlite3_prepare_v2(db, sql, -1, &s, NULL);
		free(sql);
		while (sqlite3_step(s) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(s); c++) {
				char type = (char)('0' + sqlite3_column_type(s, c));
				const unsigned char *v = sqlite3_column_text(s, c);
				EVP_DigestUpdate(ctx, &type, 1);
				if (v)
					EVP_DigestUpdate(ctx, v, strlen((const char *)v));
				EVP_DigestUpdate(ctx, "\x1f", 1);
			}
			EVP_DigestUpdate(ctx, "\x1e", 1);
		}
		sqlite3_finalize(s);
	}
	sqlite3_finalize(t);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	return HOIST_OK;
}

/* SQLite's online backup: a consistent copy even while another process writes. */
enum hoist_status sb_db_copy(const char *from, const char *to, struct hoist_error *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	int rc = SQLITE_ERROR;
	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_open(to, &dst) == SQLITE_OK) {
		sqlite3_busy_timeout(src, 10000);
		sqlite3_busy_timeout(dst, 10000);
		if ((b = sqlite3_backup_init(dst, "main", src, "main"))) {
			while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
			       rc == SQLITE_LOCKED)
				sb_sleep_ms(10);
			sqlite3_backup_finish(b);
		}
		if (rc == SQLITE_DONE)
			rc = sqlite3_errcode(dst);
	}
	if (rc != SQLITE_OK)
		hoist_error_set(err, HOIST_IO, _("cannot copy the database from %s to %s: %s"),
				from, to, sqlite3_errmsg(dst ? dst : src));
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? HOIST_OK : HOIST_IO;
}

enum hoist_status sb_db_canary(struct sb *sb, const unsigned char key[16], struct hoist_error *err)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *plain = NULL;
	if (open_db(sb, &db, err) != HOIST_OK)
		return HOIST_IO;
	if (sqlite3_prepare_v2(db, "SELECT Value FROM Variable WHERE Id = 'Variables-Canary'", -1,
			       &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		plain = sb_decrypt(key, (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	if (!plain || strcmp(plain, CANARY_PLAIN)) {
		free(plain);
		return hoist_error_set(err, HOIST_STATE,
				       _("the master key does not decrypt the database's sensitive"
					 " values."));
	}
	free(plain);
	return HOIST_OK;
}

char *sb_schema_of(const char *version)
{
	struct hoist_version v;
	if (hoist_version_parse(version, &v, NULL) != HOIST_OK)
		return hoist_xstrdup(version);
	return hoist_xasprintf("%lu.%lu", v.major, v.minor);
}

/* Orders "MAJOR.MINOR" schemas; "2024.2-partial" sorts between 2024.1 and 2024.2. */
int sb_schema_cmp(const char *a, const char *b)
{
	unsigned long am = 0, an = 0, bm = 0, bn = 0;
	sscanf(a, "%lu.%lu", &am, &an);
	sscanf(b, "%lu.%lu", &bm, &bn);
	if (am != bm)
		return am < bm ? -1 : 1;
	if (an != bn)
		return an < bn ? -1 : 1;
	return (strchr(b, '-') != NULL) - (strchr(a, '-') != NULL);
}

/* check_checklist.c: the backup checklist: items, verified evidence files, blocking, recording. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "checklist.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hoist-checklist.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A file under dir with text, its mtime age_s seconds ago; returns its path (static). */
static const char *file(const char *name, const char *text, long age_s)
{
	static char path[128];
	struct timeval tv[2];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= age_s;
	tv[1] = tv[0];
	ck_assert_int_eq(utimes(path, tv), 0);
	return path;
}

START_TEST(test_checklist_items)
{
	size_t required = 0;
	for (size_t i = 0; i < HOIST_CHECKLIST_ITEMS; i++) {
		const struct hoist_checklist_info *info = hoist_checklist_info(i);
		ck_assert_ptr_nonnull(info);
		ck_assert_int_eq(hoist_checklist_find(info->id), (int)i);
		required += info->required;
	}
	ck_assert_uint_eq(required, 2);
	ck_assert(hoist_checklist_info((size_t)hoist_checklist_find("backup-db"))->required);
	ck_assert(hoist_checklist_info((size_t)hoist_checklist_find("master-key"))->required);
	ck_assert_int_eq(hoist_checklist_find("nothing"), -1);
	ck_assert_ptr_null(hoist_checklist_info(HOIST_CHECKLIST_ITEMS));
}
END_TEST

START_TEST(test_checklist_verify_file)
{
	struct hoist_evidence e;
	struct hoist_error err;
	const char *p = file("db.bak", "abc", 60);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_checklist_verify_file("backup-db", p, 3600, &e, &err), HOIST_OK);
	ck_assert_str_eq(e.item, "backup-db");
	ck_assert_str_eq(e.path, p);
	ck_assert_int_eq(e.size, 3);
	/* SHA-256 of "abc". */
	ck_assert_str_eq(e.sha256,
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_ptr_nonnull(e.time);
	ck_assert(!e.by_engine);
	hoist_checklist_evidence_done(&e);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_checklist_blocks_and_records)
{
	struct hoist_checklist cl;
	struct hoist_plan plan;
	int db = hoist_checklist_find("backup-db"), mk = hoist_checklist_find("master-key");
	int warned = hoist_checklist_find("users-warned");
	hoist_checklist_init(&cl);
	ck_assert_int_eq(cl.max_age_s, 24 * 3600);
	ck_assert_int_eq(hoist_checklist_missing(&cl), db);
	ck_assert_int_eq(hoist_checklist_give_file(&cl, (size_t)db, file("db.bak", "x", 10), NULL),
			 HOIST_OK);
	ck_assert_int_eq(hoist_checklist_missing(&cl), mk);
	ck_assert_int_eq(hoist_checklist_give_file(&cl, (size_t)mk, file("key", "k", 10), NULL),
			 HOIST_OK);
	ck_assert_int_eq(hoist_checklist_missing(&cl), -1);
	hoist_checklist_confirm(&cl, (size_t)warned, true);
	memset(&plan, 0, sizeof plan);
	hoist_checklist_record(&cl, &plan);
	ck_assert_uint_eq(plan.n_evidence, 3);
	ck_assert_str_eq(plan.evidence[2].item, "users-warned");
	ck_assert_ptr_null(plan.evidence[2].path);
	/* Taken back: recorded no more. */
	hoist_checklist_confirm(&cl, (size_t)warned, false);
	ck_assert(!cl.entries[warned].done);
	for (size_t i = 0; i < plan.n_evidence; i++)
		hoist_checklist_evidence_done(&plan.evidence[i]);
	free(plan.evidence);
	hoist_checklist_done(&cl);
}
END_TEST

/* A file of len bytes starting with head (binary: may hold NUL); returns its path (static). */
static const char *binary(const char *name, const void *head, size_t len)
{
	static char path[128];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(head, 1, len, f);
	fputs("...the rest of the file", f);
	fclose(f);
	return path;
}

START_TEST(test_checklist_evidence_means_what_it_says)
{
	struct hoist_checklist cl;
	int db = hoist_checklist_find("backup-db");
	char *text;
	hoist_checklist_init(&cl);
	/* echo hello > fake.bak: given, not checked; never "verified". */
	ck_assert_int_eq(hoist_checklist_give_file(&cl, (size_t)db, file("fake.bak", "hello\n", 0),
						   NULL),
			 HOIST_OK);
	ck_assert(!cl.entries[db].evidence.verified);
	text = hoist_checklist_state_text(&cl, (size_t)db);
	ck_assert_ptr_nonnull(strstr(text, "given by the operator, not checked: fake.bak (6 bytes)"));
	ck_assert_ptr_null(strstr(text, "verified"));
	free(text);
	/* The sandbox's SQLite header and SQL Server's "TAPE" are recognised. */
	ck_assert_int_eq(hoist_checklist_give_file(&cl, (size_t)db,
						   binary("db.sqlite", "SQLite format 3", 16), NULL),
			 HOIST_OK);
	ck_assert(cl.entries[db].evidence.verified);
	text = hoist_checklist_state_text(&cl, (size_t)db);
	ck_assert_ptr_nonnull(strstr(text, "verified: db.sqlite (SQLite database"));
	free(text);
	ck_assert_int_eq(hoist_checklist_give_file(&cl, (size_t)db, binary("db.bak", "TAPE\0\0", 6),
						   NULL),
			 HOIST_OK);
	ck_assert(cl.entries[db].evidence.verified);
	/* A master key hoist could not check against the canary (no configuration) is given. */
	ck_assert_int_eq(hoist_checklist_give_file(&cl, (size_t)hoist_checklist_find("master-key"),
						   file("key", "k", 0), NULL),
			 HOIST_OK);
	ck_assert(!cl.entries[hoist_checklist_find("master-key")].evidence.verified);
	hoist_checklist_done(&cl);
}
END_TEST

START_TEST(test_checklist_major_needs_file_storage)
{
	struct hoist_checklist cl;
	struct hoist_plan plan;
	struct hoist_error err;
	int db = hoist_checklist_find("backup-db"), mk = hoist_checklist_find("master-key");
	int fs = hoist_checklist_find("file-storage");
	hoist_error_init(&err);
	hoist_checklist_init(&cl);
	hoist_checklist_give_file(&cl, (size_t)db, file("db.bak", "x", 0), NULL);
	hoist_checklist_give_file(&cl, (size_t)mk, file("key", "k", 0), NULL);
	ck_assert_int_eq(hoist_checklist_missing(&cl), -1);
	cl.kind = HOIST_KIND_MAJOR;
	ck_assert(hoist_checklist_required(&cl, (size_t)fs));
	ck_assert_int_eq(hoist_checklist_missing(&cl), fs);
	/* The backups that are the way back cannot be waived; file storage can, with a reason. */
	ck_assert_int_eq(hoist_checklist_waive(&cl, (size_t)db, "no time", &err), HOIST_USAGE);
	ck_assert_int_eq(hoist_checklist_waive(&cl, (size_t)fs, "no attachments", &err), HOIST_OK);
	ck_assert_int_eq(hoist_checklist_missing(&cl), -1);
	memset(&plan, 0, sizeof plan);
	hoist_checklist_record(&cl, &plan);
	ck_assert_uint_eq(plan.n_overrides, 1);
	ck_assert_ptr_nonnull(strstr(plan.overrides[0], "no attachments"));
	for (size_t i = 0; i < plan.n_evidence; i++)
		hoist_checklist_evidence_done(&plan.evidence[i]);
	free(plan.evidence);
	free(plan.overrides[0]);
	free(plan.overrides);
	hoist_checklist_done(&cl);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_checklist_refusals)
{
	struct hoist_evidence e;
	struct hoist_error err;
	struct hoist_checklist cl;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_checklist_verify_file("backup-db", "/nonexistent/db.bak", 3600, &e,
						     &err),
			 HOIST_NOTFOUND);
	ck_assert_int_eq(hoist_checklist_verify_file("backup-db", file("empty", "", 0), 3600, &e,
						     &err),
			 HOIST_STATE);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "empty"));
	ck_assert_int_eq(hoist_checklist_verify_file("backup-db", file("old", "x", 7200), 3600,
						     &e, &err),
			 HOIST_STATE);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "older than"));
	ck_assert_int_eq(hoist_checklist_verify_file("backup-db", dir, 3600, &e, &err),
			 HOIST_STATE);
	ck_assert_int_eq(hoist_checklist_verify_file("backup-db", "", 3600, &e, &err), HOIST_USAGE);
	hoist_checklist_init(&cl);
	/* A yes item takes no file; a refused file leaves the item open. */
	ck_assert_int_eq(hoist_checklist_give_file(&cl, (size_t)hoist_checklist_find("users-warned"),
						   file("f", "x", 0), &err),
			 HOIST_USAGE);
	ck_assert_int_eq(hoist_checklist_give_file(&cl, 0, "/nonexistent", &err), HOIST_NOTFOUND);
	ck_assert(!cl.entries[0].done);
	hoist_checklist_done(&cl);
	hoist_error_done(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("checklist");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(core, test_checklist_items);
	tcase_add_test(core, test_checklist_verify_file);
	tcase_add_test(core, test_checklist_blocks_and_records);
	tcase_add_test(core, test_checklist_evidence_means_what_it_says);
	tcase_add_test(core, test_checklist_major_needs_file_storage);
	tcase_add_test(errors, test_checklist_refusals);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

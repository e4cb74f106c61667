/* check_rundir.c: the state folder, run folders, listing, pruning, atomic private files. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rundir.h"

static char state[64];

static void setup(void)
{
	snprintf(state, sizeof state, "/tmp/hoist-state.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(state));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", state);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *path, size_t size)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < size; i++)
		fputc('x', f);
	fclose(f);
}

static mode_t mode_of(const char *path)
{
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

START_TEST(test_rundir_ids)
{
	char *a = hoist_rundir_new_id(), *b = hoist_rundir_new_id();
	ck_assert(hoist_rundir_id_valid(a));
	ck_assert(hoist_rundir_id_valid(b));
	ck_assert_uint_eq(strlen(a), HOIST_RUN_ID_LEN);
	ck_assert_int_eq(a[8], 'T');
	ck_assert(strncmp(a, "2020", 4) > 0);
	free(a);
	free(b);
	ck_assert(hoist_rundir_id_valid("20261122T014233Z-1a2b"));
	ck_assert(!hoist_rundir_id_valid("20261122T014233Z-1A2B"));
	ck_assert(!hoist_rundir_id_valid("../../etc/passwd/xxxx"));
	ck_assert(!hoist_rundir_id_valid("20261122T014233Z-1a2b/"));
	ck_assert(!hoist_rundir_id_valid("20261122-014233Z-1a2b"));
	ck_assert(!hoist_rundir_id_valid(NULL));
}
END_TEST

START_TEST(test_rundir_create_private)
{
	char *path, sub[256];
	mode_t old = umask(0);
	char nested[128];
	snprintf(nested, sizeof nested, "%s/deep/state", state);
	ck_assert_int_eq(hoist_rundir_create(nested, "20261122T014233Z-1a2b", &path, NULL), HOIST_OK);
	umask(old);
	ck_assert_int_eq(mode_of(path), 0700);
	snprintf(sub, sizeof sub, "%s/backups", path);
	ck_assert_int_eq(mode_of(sub), 0700);
	ck_assert_int_eq(mode_of(nested), 0700);
	free(path);
	ck_assert_int_eq(hoist_rundir_create(nested, "20261122T014233Z-1a2b", &path, NULL), HOIST_STATE);
	ck_assert_ptr_null(path);
}
END_TEST

START_TEST(test_rundir_list_latest_prune)
{
	static const char *ids[] = { "20261120T000000Z-0001", "20261122T014233Z-beef",
				     "20261121T120000Z-00aa" };
	struct hoist_run_entry *runs;
	size_t n, removed;
	char *path, file[256], *latest;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(hoist_rundir_create(state, ids[i], &path, NULL), HOIST_OK);
		snprintf(file, sizeof file, "%s/journal.jsonl", path);
		put(file, 100 * (size_t)(i + 1));
		snprintf(file, sizeof file, "%s/backups/db.bak", path);
		put(file, 1000);
		free(path);
	}
	snprintf(file, sizeof file, "%s/runs/not-a-run", state);
	mkdir(file, 0700);

	ck_assert_int_eq(hoist_rundir_list(state, &runs, &n, NULL), HOIST_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(runs[0].id, "20261122T014233Z-beef");
	ck_assert_uint_eq(runs[0].bytes, 1200);
	ck_assert_str_eq(runs[1].id, "20261121T120000Z-00aa");
	ck_assert_uint_eq(runs[1].bytes, 1300);
	ck_assert_str_eq(runs[2].id, "20261120T000000Z-0001");
	ck_assert_uint_eq(runs[2].bytes, 1100);
	hoist_rundir_list_free(runs, n);

	ck_assert_int_eq(hoist_rundir_latest(state, &latest, NULL), HOIST_OK);
	ck_assert_str_eq(latest, "20261122T014233Z-beef");
	free(latest);

	/* Keep one, and never the protected (current) run even though it is the oldest. */
	ck_assert_int_eq(hoist_rundir_prune(state, 1, "20261120T000000Z-0001", &removed, NULL), HOIST_OK);
	ck_assert_uint_eq(removed, 1);
	ck_assert_int_eq(hoist_rundir_list(state, &runs, &n, NULL), HOIST_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(runs[0].id, "20261122T014233Z-beef");
	ck_assert_str_eq(runs[1].id, "20261120T000000Z-0001");
	hoist_rundir_list_free(runs, n);
	snprintf(file, sizeof file, "%s/runs/20261121T120000Z-00aa", state);
	ck_assert_int_ne(access(file, F_OK), 0);
	snprintf(file, sizeof file, "%s/runs/not-a-run", state);
	ck_assert_int_eq(access(file, F_OK), 0);
}
END_TEST

START_TEST(test_rundir_file_names)
{
	/* The names on disk that plans, guides and bundles of earlier runs were written with. */
	static const struct { enum hoist_rundir_file f; const char *path; } want[] = {
		{ HOIST_RUNDIR_PLAN, "/r/plan.json" },
		{ HOIST_RUNDIR_JOURNAL, "/r/journal.jsonl" },
		{ HOIST_RUNDIR_GUIDE, "/r/guide.txt" },
		{ HOIST_RUNDIR_ACTIONS, "/r/actions" },
		{ HOIST_RUNDIR_BACKUPS, "/r/backups" },
		{ HOIST_RUNDIR_MASTER_KEY, "/r/backups/master-key" },
	};
	char *p;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		p = hoist_rundir_file("/r", want[i].f);
		ck_assert_str_eq(p, want[i].path);
		free(p);
	}
	p = hoist_rundir_db_backup("/r", "2024.1.5");
	ck_assert_str_eq(p, "/r/backups/db-2024.1.5.bak");
	free(p);
	p = hoist_rundir_db_backup_name("2024.1.5");
	ck_assert_str_eq(p, "db-2024.1.5.bak");
	free(p);
}
END_TEST

START_TEST(test_rundir_write_atomic)
{
	char path[128];
	char *text;
	FILE *f;
	DIR *d;
	struct dirent *de;
	int files = 0;
	mode_t old = umask(0);
	snprintf(path, sizeof path, "%s/master-key.txt", state);
	ck_assert_int_eq(hoist_rundir_write_atomic(path, "first", 5, 0600, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_rundir_write_atomic(path, "SECRET-KEY\n", 11, 0600, NULL), HOIST_OK);
	umask(old);
	ck_assert_int_eq(mode_of(path), 0600);
	text = calloc(1, 64);
	f = fopen(path, "r");
	ck_assert_uint_eq(fread(text, 1, 63, f), 11);
	fclose(f);
	ck_assert_str_eq(text, "SECRET-KEY\n");
	free(text);
	ck_assert_int_eq(hoist_rundir_write_atomic(path, "", 0, 0640, NULL), HOIST_OK);
	ck_assert_int_eq(mode_of(path), 0640);
	d = opendir(state);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			files++;
	closedir(d);
	ck_assert_int_eq(files, 1); /* no temporary file left behind */
}
END_TEST

START_TEST(test_rundir_refusals)
{
	char *path, *id, other[128], link_state[128];
	struct hoist_run_entry *runs;
	struct hoist_error err;
	size_t n;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_rundir_create(state, "../escape", &path, &err), HOIST_USAGE);
	ck_assert_ptr_null(path);

	ck_assert_int_eq(hoist_rundir_list(state, &runs, &n, NULL), HOIST_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(hoist_rundir_latest(state, &id, &err), HOIST_NOTFOUND);
	ck_assert_ptr_null(id);

	/* A state folder anyone can write to is refused with what to do. */
	snprintf(other, sizeof other, "%s/open", state);
	mkdir(other, 0700);
	chmod(other, 0777);
	ck_assert_int_eq(hoist_rundir_create(other, "20261122T014233Z-1a2b", &path, &err), HOIST_UNSAFE);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "chmod go-w"));

	/* runs/ as a symbolic link is refused. */
	snprintf(link_state, sizeof link_state, "%s/linked", state);
	mkdir(link_state, 0700);
	snprintf(other, sizeof other, "%s/linked/runs", state);
	ck_assert_int_eq(symlink("/tmp", other), 0);
	ck_assert_int_eq(hoist_rundir_create(link_state, "20261122T014233Z-1a2b", &path, &err), HOIST_UNSAFE);

	snprintf(other, sizeof other, "%s/missing/dir/file", state);
	ck_assert_int_eq(hoist_rundir_write_atomic(other, "x", 1, 0600, &err), HOIST_IO);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "cannot write"));

	snprintf(other, sizeof other, "%s/afile", state);
	put(other, 1);
	snprintf(link_state, sizeof link_state, "%s/afile/sub", state);
	ck_assert_int_eq(hoist_rundir_make_dirs(link_state, 0700, &err), HOIST_IO);
	hoist_error_done(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rundir");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(core, test_rundir_ids);
	tcase_add_test(core, test_rundir_create_private);
	tcase_add_test(core, test_rundir_list_latest_prune);
	tcase_add_test(core, test_rundir_write_atomic);
	tcase_add_test(core, test_rundir_file_names);
	tcase_add_test(errors, test_rundir_refusals);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

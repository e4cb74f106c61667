/* check_bundle.c: support bundles (written without secrets, read back, compared) and plan targets. */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "bundle.h"
#include "journal.h"
#include "plan.h"
#include "run.h"
#include "rundir.h"
#include "xalloc.h"

#define API_KEY "API-KNOWNKEY1234567890ABCDEFGHIJ"
#define MASTER_KEY "bWFzdGVyLWtleS1zZWNyZXQ="
#define DB_MARKER "row: Project-Marker-5f1e2d"
#define SERVER_PW "s3cretpw"
#define SSH_PW "hunter22"

static char state[64];
static char *run_dir, *run_id;

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = hoist_xcalloc((size_t)n + 1, 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static struct hoist_plan *make_plan(const char *server)
{
	struct hoist_plan_node nodes[2];
	struct hoist_plan_input in;
	struct hoist_plan *p = NULL;
	memset(nodes, 0, sizeof nodes);
	memset(&in, 0, sizeof in);
	nodes[0].name = "node1";
	nodes[0].role = "primary";
	nodes[0].transport = "ssh://admin:" SSH_PW "@db1:22";
	nodes[0].url = "http://127.0.0.1:9";
	nodes[1].name = "node2";
	nodes[1].role = "base";
	nodes[1].transport = "local";
	hoist_version_parse("2024.1.2", &nodes[0].version, NULL);
	nodes[1].version = nodes[0].version;
	in.server_url = server;
	in.profile = "sandbox";
	in.from = nodes[0].version;
	hoist_version_parse("2024.2.1", &in.to, NULL);
	in.nodes = nodes;
	in.n_nodes = 2;
	ck_assert_int_eq(hoist_plan_build(&in, &p, NULL), HOIST_OK);
	return p;
}

/* A failed run in the state folder: plan, journal, a master key and a database backup. */
static void setup(void)
{
	struct hoist_journal *j;
	struct hoist_event ev;
	struct hoist_plan *p;
	char *path;
	unsetenv("HOIST_STATE_DIR");
	snprintf(state, sizeof state, "/tmp/hoist-bundle.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(state));
	run_id = hoist_rundir_new_id();
	ck_assert_int_eq(hoist_rundir_create(state, run_id, &run_dir, NULL), HOIST_OK);
	p = make_plan("http://op:" SERVER_PW "@127.0.0.1:1");
	path = hoist_xasprintf("%s/plan.json", run_dir);
	ck_assert_int_eq(hoist_plan_save(p, path, NULL), HOIST_OK);
	free(path);
	path = hoist_xasprintf("%s/journal.jsonl", run_dir);
	ck_assert_int_eq(hoist_journal_open(path, &j, NULL), HOIST_OK);
	free(path);
	hoist_event_init(&ev, HOIST_EVENT_RUN_START);
	ev.run_id = hoist_xstrdup(run_id);
	ev.from_version = hoist_xstrdup("2024.1.2");
	ev.to_version = hoist_xstrdup("2024.2.1");
	for (size_t i = 0; i < p->n_steps; i++)
		hoist_event_add_step(&ev, p->steps[i].id, p->steps[i].node, p->steps[i].hop);
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	hoist_journal_step_start(j, "preflight", NULL, NULL);
	hoist_journal_step_end(j, "preflight", NULL, HOIST_OUTCOME_OK, -1, "ok", NULL);
	hoist_journal_step_start(j, "db-upgrade", "node1", NULL);
	hoist_journal_step_end(j, "db-upgrade", "node1", HOIST_OUTCOME_FAILED, 3, "boom", NULL);
	hoist_journal_close(j, NULL);
	hoist_plan_free(p);
	path = hoist_xasprintf("%s/backups/master-key", run_dir);
	put(path, MASTER_KEY "\n");
	free(path);
	path = hoist_xasprintf("%s/backups/db-2024.1.2.bak", run_dir);
	put(path, DB_MARKER "\n");
	free(path);
	path = hoist_xasprintf("%s/feed.json", state);
	put(path, "{\"format\": \"hoist-feed/1\", \"releases\": ["
		  "{\"version\": \"2024.1.2\"},"
		  "{\"version\": \"2024.2.0\", \"upgrade_from\": \"2024.1.0\","
		  " \"notes\": [{\"kind\": \"breaking\", \"text\": \"Removed the old endpoint.\"}]},"
		  "{\"version\": \"2024.2.1\"}, {\"version\": \"2024.3.0\"}]}");
	free(path);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", state);
	ck_assert_int_eq(system(cmd), 0);
	free(run_dir);
	free(run_id);
}

static void config(struct hoist_config *c)
{
	hoist_config_init(c);
	c->server_url = hoist_xstrdup("http://op:" SERVER_PW "@127.0.0.1:1");
	c->api_key = hoist_xstrdup(API_KEY);
	c->state_dir = hoist_xstrdup(state);
	c->feed = hoist_xasprintf("%s/feed.json", state);
	c->profile = hoist_xstrdup("sandbox");
	ck_assert_int_eq(hoist_config_set(c, "profile.db-backup",
					  "sqlcmd -S db -U sa -P Hunter2pw -Q BACKUP", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_config_set(c, "profile.db_conn",
					  "Server=db;User Id=sa;Password=Hunter3pw;", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_config_set(c, "profile.api_token", "tok-123", NULL), HOIST_OK);
}

START_TEST(test_bundle_write_without_secrets)
{
	struct hoist_config c;
	struct hoist_bundle *b = NULL;
	struct stat sb;
	char *out = hoist_xasprintf("%s/out.json", state), *written = NULL, *text;
	cJSON *root;
	config(&c);
	ck_assert_int_eq(hoist_bundle_write(&c, NULL, out, &written, NULL), HOIST_OK);
	ck_assert_str_eq(written, out);
	ck_assert_int_eq(stat(out, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	text = slurp(out);
	ck_assert_ptr_null(strstr(text, API_KEY));
	ck_assert_ptr_null(strstr(text, MASTER_KEY));
	ck_assert_ptr_null(strstr(text, DB_MARKER));
	ck_assert_ptr_null(strstr(text, SERVER_PW));
	ck_assert_ptr_null(strstr(text, SSH_PW));
	/* Passwords given as arguments of a command or in a connection string go too. */
	ck_assert_ptr_null(strstr(text, "Hunter2pw"));
	ck_assert_ptr_null(strstr(text, "Hunter3pw"));
	ck_assert_ptr_null(strstr(text, "tok-123"));
	ck_assert_ptr_nonnull(strstr(text, "sqlcmd -S db -U sa -P [removed] -Q BACKUP"));
	ck_assert_ptr_nonnull(strstr(text, "Server=db;User Id=sa;Password=[removed];"));
	root = cJSON_Parse(text);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "format")->valuestring, HOIST_BUNDLE_FORMAT);
	/* The feed slice: origin to target, with notes and stops; nothing after the target. */
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "feed"),
								"releases")), 3);
	ck_assert_ptr_nonnull(strstr(text, "Removed the old endpoint."));
	ck_assert_ptr_null(strstr(text, "2024.3.0"));
	/* Transports keep their host, not their user info. */
	ck_assert_ptr_nonnull(strstr(text, "ssh://db1:22"));
	cJSON_Delete(root);
	free(text);

	ck_assert_int_eq(hoist_bundle_load(out, &b, NULL), HOIST_OK);
	ck_assert_str_eq(b->run_id, run_id);
	ck_assert_uint_eq(b->plan->n_nodes, 2);
	ck_assert_int_eq(b->journal.state, HOIST_RUN_RUNNING);
	ck_assert_ptr_nonnull(b->failure);
	ck_assert_str_eq(b->failure->step, "db-upgrade");
	ck_assert_str_eq(b->failure->node, "node1");
	ck_assert_str_eq(b->failure->version.text, "2024.2.1");
	ck_assert_uint_eq(b->feed->n_releases, 3);
	ck_assert_int_ge(hoist_bundle_mean_ms(b, "db-upgrade"), 0);
	ck_assert_int_eq(hoist_bundle_mean_ms(b, "install"), -1);
	hoist_bundle_free(b);
	free(written);
	free(out);
	hoist_config_done(&c);
}
END_TEST

START_TEST(test_bundle_default_path_in_run)
{
	struct hoist_config c;
	char *written = NULL, *want = hoist_xasprintf("%s/support-bundle.json", run_dir);
	config(&c);
	ck_assert_int_eq(hoist_bundle_write(&c, run_id, NULL, &written, NULL), HOIST_OK);
	ck_assert_str_eq(written, want);
	free(written);
	free(want);
	hoist_config_done(&c);
}
END_TEST

static void apply(struct hoist_run_summary *s, enum hoist_event_type type, const char *step,
		  const char *node, enum hoist_outcome o, long long t)
{
	struct hoist_event ev;
	hoist_event_init(&ev, type);
	ev.step = step ? hoist_xstrdup(step) : NULL;
	ev.node = node ? hoist_xstrdup(node) : NULL;
	ev.outcome = o;
	ev.t_ms = t;
	if (type == HOIST_EVENT_RUN_START) {
		hoist_event_add_step(&ev, "stop", "node1", NULL);
		hoist_event_add_step(&ev, "db-upgrade", "node1", NULL);
	}
	hoist_run_summary_apply(s, &ev);
	hoist_event_done(&ev);
}

static void run(struct hoist_run_summary *s, enum hoist_outcome db, long long scale)
{
	hoist_run_summary_init(s);
	apply(s, HOIST_EVENT_RUN_START, NULL, NULL, HOIST_OUTCOME_NONE, 1000);
	apply(s, HOIST_EVENT_STEP_START, "stop", "node1", HOIST_OUTCOME_NONE, 1000);
	apply(s, HOIST_EVENT_STEP_END, "stop", "node1", HOIST_OUTCOME_OK, 1000 + 10 * scale);
	apply(s, HOIST_EVENT_STEP_START, "db-upgrade", "node1", HOIST_OUTCOME_NONE, 2000);
	apply(s, HOIST_EVENT_STEP_END, "db-upgrade", "node1", db, 2000 + 20 * scale);
	apply(s, HOIST_EVENT_RUN_END, NULL, NULL, db, 3000);
}

START_TEST(test_bundle_compare)
{
	struct hoist_run_summary theirs, ours, other;
	struct hoist_bundle_row *rows;
	size_t n;
	run(&theirs, HOIST_OUTCOME_FAILED, 1);
	run(&ours, HOIST_OUTCOME_FAILED, 3);
	run(&other, HOIST_OUTCOME_OK, 1);
	ck_assert(hoist_bundle_compare(&theirs, &ours, &rows, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(rows[1].step, "db-upgrade");
	ck_assert_int_eq(rows[1].theirs, HOIST_STEP_FAILED);
	ck_assert_int_eq(rows[1].ours, HOIST_STEP_FAILED);
	ck_assert_int_eq(rows[1].theirs_ms, 20);
	ck_assert_int_eq(rows[1].ours_ms, 60);
	free(rows);
	ck_assert(!hoist_bundle_compare(&theirs, &other, &rows, &n));
	ck_assert(rows[0].same);
	ck_assert(!rows[1].same);
	free(rows);
	/* A step only one side has is a difference too. */
	apply(&other, HOIST_EVENT_STEP_START, "start", "node1", HOIST_OUTCOME_NONE, 4000);
	ck_assert(hoist_bundle_compare(&other, &other, &rows, &n));
	free(rows);
	run(&ours, HOIST_OUTCOME_FAILED, 1);
	apply(&ours, HOIST_EVENT_STEP_START, "start", "node1", HOIST_OUTCOME_NONE, 4000);
	ck_assert(!hoist_bundle_compare(&theirs, &ours, &rows, &n));
	ck_assert_uint_eq(n, 3);
	ck_assert(!rows[2].in_theirs && rows[2].in_ours);
	free(rows);
	hoist_run_summary_done(&theirs);
	hoist_run_summary_done(&ours);
	hoist_run_summary_done(&other);
}
END_TEST

START_TEST(test_bundle_plan_target)
{
	struct hoist_config c;
	struct hoist_plan *p = make_plan("http://127.0.0.1:8080/");
	struct hoist_error err;
	char *record = NULL;
	ck_assert(hoist_run_same_server("HTTP://127.0.0.1:8080/", "http://127.0.0.1:8080"));
	ck_assert(!hoist_run_same_server("http://127.0.0.1:8080", "http://127.0.0.1:8081"));
	ck_assert(!hoist_run_same_server(NULL, "http://127.0.0.1:8081"));
	hoist_config_init(&c);
	c.server_url = hoist_xstrdup("http://127.0.0.1:8080");
	ck_assert_int_eq(hoist_run_check_target(&c, p, false, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_plan_retarget(&c, p, false, &record, NULL), HOIST_OK);
	ck_assert_ptr_null(record);
	free(c.server_url);
	c.server_url = hoist_xstrdup("http://127.0.0.1:9090");
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_run_check_target(&c, p, false, &err), HOIST_USAGE);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "http://127.0.0.1:8080/"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "--retarget"));
	hoist_error_done(&err);
	/* Retargeting reads the configured server first: here nothing answers. */
	hoist_error_init(&err);
	ck_assert_int_ne(hoist_plan_retarget(&c, p, true, &record, &err), HOIST_OK);
	ck_assert_ptr_null(record);
	ck_assert_str_eq(p->server_url, "http://127.0.0.1:8080/");
	hoist_error_done(&err);
	hoist_plan_free(p);
	hoist_config_done(&c);
}
END_TEST

START_TEST(test_bundle_errors)
{
	struct hoist_config c;
	struct hoist_bundle *b = NULL;
	char *path = hoist_xasprintf("%s/not-a-bundle.json", state);
	ck_assert_int_eq(hoist_bundle_load("/nonexistent/bundle.json", &b, NULL), HOIST_IO);
	put(path, "{\"format\": \"hoist-feed/1\"}");
	ck_assert_int_eq(hoist_bundle_load(path, &b, NULL), HOIST_PARSE);
	ck_assert_ptr_null(b);
	put(path, "{\"format\": \"hoist-bundle/1\", \"plan\": 3}");
	ck_assert_int_ne(hoist_bundle_load(path, &b, NULL), HOIST_OK);
	config(&c);
	ck_assert_int_eq(hoist_bundle_write(&c, "../../etc", NULL, NULL, NULL), HOIST_USAGE);
	ck_assert_int_ne(hoist_bundle_write(&c, "20200101T000000Z-abcd", NULL, NULL, NULL),
			 HOIST_OK);
	hoist_config_done(&c);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bundle");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	SRunner *sr;
	int failed;
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_set_timeout(core, 30);
	tcase_add_test(core, test_bundle_write_without_secrets);
	tcase_add_test(core, test_bundle_default_path_in_run);
	tcase_add_test(core, test_bundle_compare);
	tcase_add_test(core, test_bundle_plan_target);
	tcase_add_test(errors, test_bundle_errors);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

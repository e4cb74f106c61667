/*
 * check_octopus.c: the Octopus API client against a real hoist-sandbox, started once for
 * the suite on a free loopback port and read through the configuration it writes.
 */
#include "config.h"
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "conf.h"
#include "octopus.h"

#define SANDBOX TEST_BUILDDIR "/src/sandbox/hoist-sandbox"

static char dir[64];
static pid_t serve_pid;
static struct hoist_config cfg;

/* Runs `hoist-sandbox VERB DIR/sb ARGS`, quietly. */
static int sandbox(const char *verb, const char *args)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s %s %s/sb %s >/dev/null", SANDBOX, verb, dir, args);
	return system(cmd);
}

static void sandbox_up(void)
{
	char out[128], conf[128], url[256] = "";
	struct hoist_error err;
	FILE *f;
	strcpy(dir, "/tmp/check_octopus.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(sandbox("init", "--nodes 2 --tentacles 3"), 0);
	snprintf(out, sizeof out, "%s/serve.out", dir);
	serve_pid = fork();
	if (serve_pid == 0) {
		char sb[96];
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		snprintf(sb, sizeof sb, "%s/sb", dir);
		dup2(fd, 1);
		execl(SANDBOX, SANDBOX, "serve", sb, "--port", "0", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && !url[0]; i++) {
		usleep(25000);
		if ((f = fopen(out, "r"))) {
			if (!fgets(url, sizeof url, f))
				url[0] = '\0';
			fclose(f);
		}
	}
	ck_assert_msg(url[0], "the sandbox did not start");
	/* serve rewrites hoist.conf with the ports it took before printing its address. */
	snprintf(conf, sizeof conf, "%s/sb/hoist.conf", dir);
	hoist_config_init(&cfg);
	hoist_error_init(&err);
	ck_assert_msg(hoist_config_load_file(&cfg, conf, true, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	ck_assert_int_eq(hoist_config_read_key_file(cfg.api_key_file, &cfg.api_key, &err), HOIST_OK);
	hoist_error_done(&err);
}

static void sandbox_down(void)
{
	if (serve_pid > 0) {
		kill(serve_pid, SIGTERM);
		waitpid(serve_pid, NULL, 0);
	}
	hoist_config_done(&cfg);
	{
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return;
	}
}

static struct hoist_octopus *client(const char *key)
{
	return hoist_octopus_new(cfg.server_url, key, NULL);
}

static const char *node_url(const char *name)
{
	for (size_t i = 0; i < cfg.n_nodes; i++)
		if (!strcmp(cfg.nodes[i].name, name))
			return cfg.nodes[i].url;
	ck_abort_msg("no node %s in the sandbox's configuration", name);
	return NULL;
}

START_TEST(test_octopus_version_and_key)
{
	struct hoist_octopus *c = client(cfg.api_key);
	struct hoist_version v;
	ck_assert_int_eq(hoist_octopus_version(c, &v, NULL), HOIST_OK);
	ck_assert_str_eq(v.text, "2024.1.2");
	ck_assert_int_eq(hoist_octopus_check_key(c, NULL), HOIST_OK);
	hoist_octopus_free(c);
}
END_TEST

START_TEST(test_octopus_maintenance_changes_once)
{
	struct hoist_octopus *c = client(cfg.api_key);
	bool on = true, changed = false;
	ck_assert_int_eq(hoist_octopus_maintenance_get(c, &on, NULL), HOIST_OK);
	ck_assert(!on);
	ck_assert_int_eq(hoist_octopus_maintenance_set(c, true, &changed, NULL), HOIST_OK);
	ck_assert(changed);
	/* Already on: nothing to change, and the caller learns it did not change it. */
	ck_assert_int_eq(hoist_octopus_maintenance_set(c, true, &changed, NULL), HOIST_OK);
	ck_assert(!changed);
	ck_assert_int_eq(hoist_octopus_maintenance_get(c, &on, NULL), HOIST_OK);
	ck_assert(on);
	ck_assert_int_eq(hoist_octopus_maintenance_set(c, false, &changed, NULL), HOIST_OK);
	ck_assert(changed);
	hoist_octopus_free(c);
}
END_TEST

START_TEST(test_octopus_nodes_drain_and_ping)
{
	struct hoist_octopus *c = client(cfg.api_key);
	struct hoist_octopus_nodes nodes;
	const struct hoist_octopus_node *n2;
	enum hoist_ping ping;
	bool changed = false;
	ck_assert_int_eq(hoist_octopus_nodes(c, &nodes, NULL), HOIST_OK);
	ck_assert_uint_eq(nodes.n, 2);
	ck_assert_ptr_nonnull(hoist_octopus_nodes_find(&nodes, "node1"));
	n2 = hoist_octopus_nodes_find(&nodes, "node2");
	ck_assert_ptr_nonnull(n2);
	ck_assert(!n2->drained && !n2->offline);
	ck_assert_str_eq(n2->link, "/api/octopusservernodes/OctopusServerNodes-node2");
	hoist_octopus_nodes_done(&nodes);

	ck_assert_int_eq(hoist_octopus_drain(c, "node2", true, &changed, NULL), HOIST_OK);
	ck_assert(changed);
	ck_assert_int_eq(hoist_octopus_ping(c, node_url("node2"), &ping, NULL), HOIST_OK);
	ck_assert_int_eq(ping, HOIST_PING_DRAINING);
	ck_assert_int_eq(hoist_octopus_ping(c, node_url("node1"), &ping, NULL), HOIST_OK);
	ck_assert_int_eq(ping, HOIST_PING_UP);
	ck_assert_int_eq(hoist_octopus_nodes(c, &nodes, NULL), HOIST_OK);
	ck_assert(hoist_octopus_nodes_find(&nodes, "node2")->drained);
	hoist_octopus_nodes_done(&nodes);
	ck_assert_int_eq(hoist_octopus_drain(c, "node2", false, &changed, NULL), HOIST_OK);
	ck_assert(changed);
	ck_assert_int_eq(hoist_octopus_drain(c, "node2", false, &changed, NULL), HOIST_OK);
	ck_assert(!changed);
	hoist_octopus_free(c);
}
END_TEST

/* Drained through the node's own link, and through the summary when that link is wrong. */
START_TEST(test_octopus_drain_at_the_nodes_link)
{
	struct hoist_octopus *c = client(cfg.api_key);
	struct hoist_octopus_nodes nodes;
	const char *link = "/api/octopusservernodes/OctopusServerNodes-node1";
	bool changed = false;
	ck_assert_int_eq(hoist_octopus_drain_at(c, link, "node1", true, &changed, NULL), HOIST_OK);
	ck_assert(changed);
	ck_assert_int_eq(hoist_octopus_drain_at(c, link, "node1", true, &changed, NULL), HOIST_OK);
	ck_assert(!changed);
	ck_assert_int_eq(hoist_octopus_nodes(c, &nodes, NULL), HOIST_OK);
	ck_assert(hoist_octopus_nodes_find(&nodes, "node1")->drained);
	hoist_octopus_nodes_done(&nodes);
	ck_assert_int_eq(hoist_octopus_drain_at(c, "/api/octopusservernodes/OctopusServerNodes-gone",
						"node1", false, &changed, NULL),
			 HOIST_OK);
	ck_assert(changed);
	ck_assert_int_eq(hoist_octopus_nodes(c, &nodes, NULL), HOIST_OK);
	ck_assert(!hoist_octopus_nodes_find(&nodes, "node1")->drained);
	hoist_octopus_nodes_done(&nodes);
	hoist_octopus_free(c);
}
END_TEST

START_TEST(test_octopus_stopped_node_pings_down)
{
	struct hoist_octopus *c = client(cfg.api_key);
	enum hoist_ping ping = HOIST_PING_UP;
	ck_assert_int_eq(sandbox("ctl", "stop node2"), 0);
	ck_assert_int_eq(hoist_octopus_ping(c, node_url("node2"), &ping, NULL), HOIST_OK);
	ck_assert_int_eq(ping, HOIST_PING_DOWN);
	ck_assert_int_eq(sandbox("ctl", "start node2"), 0);
	ck_assert_int_eq(hoist_octopus_ping(c, node_url("node2"), &ping, NULL), HOIST_OK);
	ck_assert_int_eq(ping, HOIST_PING_UP);
	hoist_octopus_free(c);
}
END_TEST

START_TEST(test_octopus_tasks_health_and_tentacles)
{
	struct hoist_octopus *c = client(cfg.api_key);
	struct hoist_octopus_tentacles t;
	const char *ids[] = { "Machines-1" };
	char *id = NULL, *state = NULL;
	bool completed = true, ok = false;
	int active = -1;
	ck_assert_int_eq(hoist_octopus_active_tasks(c, NULL, &active, NULL), HOIST_OK);
	ck_assert_int_ge(active, 0);
	ck_assert_int_eq(hoist_octopus_active_tasks(c, "node1", &active, NULL), HOIST_OK);
	ck_assert_int_ge(active, 0);
	ck_assert_int_eq(hoist_octopus_task_create(c, "Health", "check", ids, 1, &id, NULL), HOIST_OK);
	ck_assert_ptr_nonnull(id);
	ck_assert_int_eq(hoist_octopus_task_state(c, id, &state, &completed, NULL, NULL), HOIST_OK);
	ck_assert_ptr_nonnull(state);
	ck_assert(strstr("Queued Executing Success", state) != NULL);
	ck_assert_int_eq(hoist_octopus_health(c, &ok, NULL, NULL), HOIST_OK);
	ck_assert(ok);
	ck_assert_int_eq(hoist_octopus_tentacles(c, "Spaces-1", &t, NULL), HOIST_OK);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_ptr_nonnull(t.v[0].version);
	ck_assert_str_eq(t.v[0].id, "Machines-1");
	hoist_octopus_tentacles_done(&t);
	free(id);
	free(state);
	hoist_octopus_free(c);
}
END_TEST

START_TEST(test_octopus_wrong_key_refused)
{
	struct hoist_octopus *c = client("API-WRONGWRONGWRONGWRONGWRONGWRONG");
	struct hoist_version v;
	struct hoist_error err;
	hoist_error_init(&err);
	/* GET /api needs no key: the version still reads; everything else is refused. */
	ck_assert_int_eq(hoist_octopus_version(c, &v, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_octopus_check_key(c, &err), HOIST_AUTH);
	ck_assert_msg(strstr(hoist_error_message(&err), "refused the API key") != NULL, "%s",
		      hoist_error_message(&err));
	ck_assert(strstr(hoist_error_message(&err), "WRONGWRONG") == NULL);
	hoist_error_done(&err);
	hoist_octopus_free(c);
}
END_TEST

START_TEST(test_octopus_unknown_node_and_no_server)
{
	struct hoist_octopus *c = client(cfg.api_key), *gone;
	struct hoist_http_options o;
	struct hoist_error err;
	struct hoist_version v;
	bool changed;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_octopus_drain(c, "node9", true, &changed, &err), HOIST_NOTFOUND);
	ck_assert(strstr(hoist_error_message(&err), "node9") != NULL);
	hoist_http_options_init(&o);
	o.retries = 0;
	gone = hoist_octopus_new("http://127.0.0.1:1", cfg.api_key, &o);
	ck_assert_int_eq(hoist_octopus_version(gone, &v, &err), HOIST_NETWORK);
	ck_assert(strstr(hoist_error_message(&err), "127.0.0.1") != NULL);
	hoist_error_done(&err);
	hoist_octopus_free(gone);
	hoist_octopus_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("octopus");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	SRunner *sr;
	int failed;
	tcase_add_unchecked_fixture(core, sandbox_up, NULL);
	tcase_add_unchecked_fixture(errors, NULL, sandbox_down);
	tcase_add_test(core, test_octopus_version_and_key);
	tcase_add_test(core, test_octopus_maintenance_changes_once);
	tcase_add_test(core, test_octopus_nodes_drain_and_ping);
	tcase_add_test(core, test_octopus_drain_at_the_nodes_link);
	tcase_add_test(core, test_octopus_stopped_node_pings_down);
	tcase_add_test(core, test_octopus_tasks_health_and_tentacles);
	tcase_add_test(errors, test_octopus_wrong_key_refused);
	tcase_add_test(errors, test_octopus_unknown_node_and_no_server);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

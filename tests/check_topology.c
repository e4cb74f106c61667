/*
 * check_topology.c: reading a server's state against a small routing fake forked in the
 * test (one port for the server, one for a node's own address).
 */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testsrv.h"
#include "topology.h"
#include "xalloc.h"

struct route {
	const char *prefix; /* of the request target */
	int status;
	const char *body;
};

static struct testsrv servers[2] = { { 0, 0, -1 }, { 0, 0, -1 } };
static int n_servers;

/* Answers by the first route whose prefix matches the request target. */
static void route(const char *request, struct hoist_buf *answer, void *ctx)
{
	const struct route *r;
	char target[1024] = "";
	sscanf(request, "%*s %1023s", target);
	for (r = ctx; r->prefix; r++)
		if (!strncmp(target, r->prefix, strlen(r->prefix)) &&
		    (r->prefix[strlen(r->prefix) - 1] != '$' || !strcmp(target, r->prefix)))
			break;
	if (!r->prefix)
		hoist_buf_puts(answer, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
				       "Connection: close\r\n\r\n");
	else
		testsrv_answer(answer, r->status, "application/json", r->body, strlen(r->body));
}

/* A peer that answers every connection by routes until stopped; returns its port. */
static int serve(const struct route *routes)
{
	struct testsrv *s = &servers[n_servers++];
	testsrv_start(s, 0, route, (void *)routes);
	return s->port;
}

static void stop_servers(void)
{
	for (int i = 0; i < n_servers; i++)
		testsrv_stop(&servers[i]);
	n_servers = 0;
}

/* Routes are matched in order: the longer paths first, "/api" itself last. */
static const struct route server_routes[] = {
	{ "/api/maintenanceconfiguration", 200, "{\"IsInMaintenanceMode\":true}" },
	{ "/api/tasks", 200, "{\"TotalResults\":3,\"Items\":[]}" },
	{ "/api/octopusservernodes/summary", 200,
	  "{\"Nodes\":[{\"Id\":\"OctopusServerNodes-a\",\"Name\":\"octo1\",\"IsInMaintenanceMode\":false,"
	  "\"IsOffline\":false,\"RunningTaskCount\":2,\"MaxConcurrentTasks\":5},"
	  "{\"Id\":\"OctopusServerNodes-b\",\"Name\":\"octo2\",\"IsInMaintenanceMode\":true,"
	  "\"IsOffline\":true,\"RunningTaskCount\":0,\"MaxConcurrentTasks\":5}]}" },
	{ "/api", 200, "{\"Application\":\"Octopus Deploy\",\"Version\":\"2024.1.2\"}" },
	{ NULL, 0, NULL }
};

static const struct route node_routes[] = {
	{ "/api", 200, "{\"Version\":\"2024.1.1\"}" },
	{ NULL, 0, NULL }
};

static void config_for(struct hoist_config *c, int port)
{
	memset(c, 0, sizeof *c);
	c->server_url = hoist_xasprintf("http://127.0.0.1:%d/", port);
	c->api_key = hoist_xstrdup("API-TOPOLOGYTEST");
	c->tls_verify = true;
}

static void config_free(struct hoist_config *c)
{
	for (size_t i = 0; i < c->n_nodes; i++) {
		free(c->nodes[i].name);
		free(c->nodes[i].role);
		free(c->nodes[i].url);
	}
	free(c->nodes);
	free(c->server_url);
	free(c->api_key);
}

START_TEST(test_topology_joins_server_and_config)
{
	struct hoist_config c;
	struct hoist_topology t;
	struct hoist_error err;
	int port = serve(server_routes), node_port = serve(node_routes);
	config_for(&c, port);
	c.n_nodes = 3;
	c.nodes = hoist_xcalloc(3, sizeof *c.nodes);
	c.nodes[0].name = hoist_xstrdup("octo2");
	c.nodes[0].role = hoist_xstrdup("primary");
	c.nodes[1].name = hoist_xstrdup("octo1");
	c.nodes[1].role = hoist_xstrdup("dea");
	c.nodes[1].url = hoist_xasprintf("http://127.0.0.1:%d", node_port);
	c.nodes[2].name = hoist_xstrdup("octo9");
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_topology_read(&c, &t, &err), HOIST_OK);
	ck_assert_str_eq(t.version.text, "2024.1.2");
	ck_assert(t.maintenance);
	ck_assert_int_eq(t.active_tasks, 3);
	ck_assert_uint_eq(t.n_nodes, 3);
	/* The server's order first, then the configured node it does not know. */
	ck_assert_str_eq(t.nodes[0].name, "octo1");
	ck_assert_str_eq(t.nodes[0].role, "dea");
	ck_assert(t.nodes[0].has_version);
	ck_assert_str_eq(t.nodes[0].version.text, "2024.1.1");
	ck_assert_int_eq(t.nodes[0].running_tasks, 2);
	ck_assert_str_eq(t.nodes[1].name, "octo2");
	ck_assert_str_eq(t.nodes[1].role, "primary");
	ck_assert(t.nodes[1].drained && t.nodes[1].offline);
	ck_assert(!t.nodes[1].has_version);
	ck_assert_ptr_nonnull(t.nodes[1].version_problem);
	ck_assert_str_eq(t.nodes[2].name, "octo9");
	ck_assert(t.nodes[2].in_config && !t.nodes[2].on_server);
	ck_assert(!hoist_topology_uniform(&t));
	hoist_topology_done(&t);
	hoist_error_done(&err);
	config_free(&c);
	stop_servers();
}
END_TEST

START_TEST(test_topology_single_node_is_the_server)
{
	static const struct route one[] = {
		{ "/api/maintenanceconfiguration", 200, "{\"IsInMaintenanceMode\":false}" },
		{ "/api/tasks", 200, "{\"TotalResults\":0}" },
		{ "/api/octopusservernodes/summary", 200,
		  "{\"Nodes\":[{\"Id\":\"N-1\",\"Name\":\"solo\",\"RunningTaskCount\":0}]}" },
		{ "/api", 200, "{\"Version\":\"2023.4.1\"}" },
		{ NULL, 0, NULL }
	};
	struct hoist_config c;
	struct hoist_topology t;
	config_for(&c, serve(one));
	ck_assert_int_eq(hoist_topology_read(&c, &t, NULL), HOIST_OK);
	ck_assert_uint_eq(t.n_nodes, 1);
	ck_assert(t.nodes[0].has_version);
	ck_assert_str_eq(t.nodes[0].version.text, "2023.4.1");
	ck_assert(!t.maintenance);
	ck_assert(hoist_topology_uniform(&t));
	hoist_topology_done(&t);
	config_free(&c);
	stop_servers();
}
END_TEST

START_TEST(test_topology_refused_key_is_auth)
{
	static const struct route refuse[] = {
		{ "/api/maintenanceconfiguration", 401, "{\"ErrorMessage\":\"no\"}" },
		{ "/api", 200, "{\"Version\":\"2024.1.2\"}" },
		{ NULL, 0, NULL }
	};
	struct hoist_config c;
	struct hoist_topology t;
	struct hoist_error err;
	config_for(&c, serve(refuse));
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_topology_read(&c, &t, &err), HOIST_AUTH);
	ck_assert_ptr_null(strstr(hoist_error_message(&err), "API-TOPOLOGYTEST"));
	ck_assert_uint_eq(t.n_nodes, 0);
	hoist_error_done(&err);
	config_free(&c);
	stop_servers();
}
END_TEST

START_TEST(test_topology_missing_url_or_key_is_config)
{
	struct hoist_config c;
	struct hoist_topology t;
	struct hoist_error err;
	memset(&c, 0, sizeof c);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_topology_read(&c, &t, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "HOIST_SERVER_URL"));
	c.server_url = (char *)"http://127.0.0.1:1";
	ck_assert_int_eq(hoist_topology_read(&c, &t, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "api_key_file"));
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_topology_unreachable_is_network)
{
	struct hoist_config c;
	struct hoist_topology t;
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	/* A port that was just free and is closed again: nothing listens there. */
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	getsockname(s, (struct sockaddr *)&a, &len);
	close(s);
	config_for(&c, ntohs(a.sin_port));
	ck_assert_int_eq(hoist_topology_read(&c, &t, NULL), HOIST_NETWORK);
	config_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("topology");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_topology_joins_server_and_config);
	tcase_add_test(core, test_topology_single_node_is_the_server);
	tcase_add_test(errors, test_topology_refused_key_is_auth);
	tcase_add_test(errors, test_topology_missing_url_or_key_is_config);
	tcase_add_test(errors, test_topology_unreachable_is_network);
	tcase_set_timeout(core, 30);
	tcase_set_timeout(errors, 30);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

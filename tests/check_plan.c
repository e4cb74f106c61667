/* check_plan.c: plans: strategy, role order, the point of no return, JSON round trips. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plan.h"

static struct hoist_plan_node nodes3[3];

static void setup_nodes(void)
{
	static char *names[] = { "n1", "n2", "n3" }, *roles[] = { "primary", "base", "dea" };
	for (int i = 0; i < 3; i++) {
		nodes3[i].name = names[i];
		nodes3[i].role = roles[i];
		nodes3[i].transport = "local";
		nodes3[i].url = NULL;
		nodes3[i].version = tests_version("2024.1.2");
	}
}

static struct hoist_plan *build(const char *from, const char *to, size_t n_nodes,
				enum hoist_strategy s, const char *order)
{
	struct hoist_plan_input in = { 0 };
	struct hoist_plan *p = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	setup_nodes();
	in.server_url = "http://127.0.0.1:1";
	in.profile = "sandbox";
	in.from = tests_version(from);
	in.to = tests_version(to);
	in.nodes = nodes3;
	in.n_nodes = n_nodes;
	in.strategy = s;
	in.role_order = order;
	ck_assert_msg(hoist_plan_build(&in, &p, &err) == HOIST_OK, "%s", hoist_error_message(&err));
	hoist_error_done(&err);
	return p;
}

static long find(const struct hoist_plan *p, const char *id, const char *node)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (!strcmp(p->steps[i].id, id) &&
		    (node ? p->steps[i].node && !strcmp(p->steps[i].node, node) : !p->steps[i].node))
			return (long)i;
	return -1;
}

START_TEST(test_plan_minor_all_at_once_order)
{
	struct hoist_plan *p = build("2024.1.2", "2024.2.1", 3, HOIST_STRATEGY_AUTO, NULL);
	long pnr = hoist_plan_pnr_index(p);
	ck_assert_int_eq(p->strategy, HOIST_STRATEGY_ALL_AT_ONCE);
	ck_assert_int_eq(p->kind, HOIST_KIND_MINOR);
	/* Seed 004's role order: dea, ..., base, primary. */
	ck_assert_str_eq(p->nodes[0].name, "n3");
	ck_assert_str_eq(p->nodes[1].name, "n2");
	ck_assert_str_eq(p->nodes[2].name, "n1");
	ck_assert_str_eq(hoist_plan_primary(p)->name, "n1");
	ck_assert_int_ge(pnr, 0);
	ck_assert_str_eq(p->steps[pnr].id, "db-upgrade");
	ck_assert_str_eq(p->steps[pnr].node, "n1");
	/* Every node is stopped and installed before the database upgrade; none starts before. */
	for (int i = 0; i < 3; i++) {
		const char *n = nodes3[i].name;
		ck_assert_int_lt(find(p, "stop", n), pnr);
		ck_assert_int_lt(find(p, "install", n), pnr);
		ck_assert_int_gt(find(p, "start", n), pnr);
		ck_assert_int_lt(find(p, "drain", n), find(p, "stop", n));
	}
	ck_assert_int_lt(find(p, "maintenance-on", NULL), find(p, "drain", "n3"));
	ck_assert_int_lt(find(p, "wait-tasks", NULL), find(p, "stop", "n3"));
	ck_assert_int_lt(find(p, "backup-db", "n1"), find(p, "install", "n3"));
	ck_assert_int_gt(find(p, "backup-db", "n1"), find(p, "stop", "n1"));
	ck_assert_int_eq(find(p, "maintenance-off", NULL), (long)p->n_steps - 1);
	/* The primary starts first. */
	ck_assert_int_lt(find(p, "start", "n1"), find(p, "start", "n3"));
	ck_assert_int_lt(find(p, "stage", NULL), find(p, "maintenance-on", NULL));
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_plan_patch_rolling_keeps_cluster_serving)
{
	struct hoist_plan *p = build("2024.1.2", "2024.1.5", 3, HOIST_STRATEGY_AUTO, NULL);
	ck_assert_int_eq(p->strategy, HOIST_STRATEGY_ROLLING);
	ck_assert_int_eq(find(p, "maintenance-on", NULL), -1);
	ck_assert_int_eq(hoist_plan_pnr_index(p), -1);
	/* One node at a time: n3 is back (undrained) before n2 is drained. */
	ck_assert_int_lt(find(p, "undrain", "n3"), find(p, "drain", "n2"));
	ck_assert_int_lt(find(p, "undrain", "n2"), find(p, "drain", "n1"));
	ck_assert_int_lt(find(p, "backup-db", "n1"), find(p, "drain", "n3"));
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_plan_role_order_override)
{
	struct hoist_plan *p = build("2024.1.2", "2024.2.1", 3, HOIST_STRATEGY_AUTO,
				     "primary, base ,dea");
	ck_assert_str_eq(p->nodes[0].name, "n1");
	ck_assert_str_eq(p->nodes[1].name, "n2");
	ck_assert_str_eq(p->nodes[2].name, "n3");
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_plan_stops_make_hops)
{
	struct hoist_plan_input in = { 0 };
	struct hoist_version stops[1];
	struct hoist_plan *p = NULL;
	long first = -1, second = -1;
	setup_nodes();
	stops[0] = tests_version("2024.2.4");
	in.profile = "sandbox";
	in.from = tests_version("2024.1.2");
	in.to = tests_version("2024.3.1");
	in.stops = stops;
	in.n_stops = 1;
	in.nodes = nodes3;
	in.n_nodes = 1;
	ck_assert_int_eq(hoist_plan_build(&in, &p, NULL), HOIST_OK);
	for (size_t i = 0; i < p->n_steps; i++)
		if (!strcmp(p->steps[i].id, "db-upgrade")) {
			if (first < 0)
				first = (long)i;
			else
				second = (long)i;
		}
	ck_assert_int_ge(second, 0);
	ck_assert_str_eq(p->steps[first].version.text, "2024.2.4");
	ck_assert_str_eq(p->steps[second].version.text, "2024.3.1");
	ck_assert_int_eq(hoist_plan_pnr_index(p), first);
	ck_assert(!p->steps[second].point_of_no_return);
	hoist_plan_free(p);
}
END_TEST

/* A required stop goes through the primary alone: install, upgrade, start, validate, stop. */
START_TEST(test_plan_stops_through_the_primary_only)
{
	struct hoist_plan_input in = { 0 };
	struct hoist_version stops[1];
	struct hoist_plan *p = NULL, *q = NULL;
	const char *primary;
	char *json;
	size_t on_hop = 0;
	setup_nodes();
	stops[0] = tests_version("2024.2.4");
	in.profile = "sandbox";
	in.from = tests_version("2024.1.2");
	in.to = tests_version("2024.3.1");
	in.stops = stops;
	in.n_stops = 1;
	in.nodes = nodes3;
	in.n_nodes = 3;
	ck_assert_int_eq(hoist_plan_build(&in, &p, NULL), HOIST_OK);
	primary = hoist_plan_primary(p)->name;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct hoist_plan_step *s = &p->steps[i];
		if (!s->hop || strcmp(s->hop, "2024.2.4"))
			continue;
		on_hop++;
		ck_assert_str_eq(s->node, primary);
		ck_assert_str_eq(s->version.text, "2024.2.4");
	}
	ck_assert_uint_eq(on_hop, 5);
	ck_assert_ptr_nonnull(hoist_plan_find_step(p, "validate", primary, "2024.2.4"));
	ck_assert_ptr_nonnull(hoist_plan_find_step(p, "start", primary, "2024.2.4"));
	ck_assert_ptr_nonnull(hoist_plan_find_step(p, "stop", primary, "2024.2.4"));
	for (size_t i = 0; i < p->n_nodes; i++)
		ck_assert_ptr_nonnull(hoist_plan_find_step(p, "install", p->nodes[i].name, "2024.3.1"));
	/* The hop and the mode survive plan.json. */
	p->dry_run = true;
	json = hoist_plan_to_json(p);
	ck_assert_int_eq(hoist_plan_from_json(json, strlen(json), &q, NULL), HOIST_OK);
	ck_assert(q->dry_run);
	ck_assert_ptr_nonnull(hoist_plan_find_step(q, "validate", primary, "2024.2.4"));
	free(json);
	hoist_plan_free(q);
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_plan_json_round_trip)
{
	struct hoist_plan *p = build("2024.1.2", "2024.2.1", 3, HOIST_STRATEGY_AUTO, NULL), *q;
	struct hoist_evidence e = { .item = "backup-db", .path = "/tmp/x.db", .size = 1234,
				    .sha256 = "ab", .time = "2026-11-22T01:00:00Z", .by_engine = true };
	char path[] = "/tmp/check_plan.XXXXXX";
	char *a, *b;
	int fd = mkstemp(path);
	close(fd);
	hoist_plan_add_step(p, "db-restore", "n1", &p->from, "/var/lib/hoist/runs/x/backups/db.bak");
	hoist_plan_add_evidence(p, &e);
	e.size = 99;
	hoist_plan_add_evidence(p, &e); /* replaces, not duplicates */
	ck_assert_uint_eq(p->n_evidence, 1);
	ck_assert_int_eq(hoist_plan_save(p, path, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_plan_load(path, &q, NULL), HOIST_OK);
	a = hoist_plan_to_json(p);
	b = hoist_plan_to_json(q);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(q->evidence[0].size, 99);
	ck_assert_str_eq(q->steps[q->n_steps - 1].id, "db-restore");
	ck_assert_str_eq(q->steps[q->n_steps - 1].arg, "/var/lib/hoist/runs/x/backups/db.bak");
	ck_assert_str_eq(q->steps[q->n_steps - 1].version.text, "2024.1.2");
	free(a);
	free(b);
	unlink(path);
	hoist_plan_free(p);
	hoist_plan_free(q);
}
END_TEST

START_TEST(test_plan_rolling_minor_refused)
{
	struct hoist_plan_input in = { 0 };
	struct hoist_plan *p = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	setup_nodes();
	in.from = tests_version("2024.1.2");
	in.to = tests_version("2024.2.1");
	in.nodes = nodes3;
	in.n_nodes = 3;
	in.strategy = HOIST_STRATEGY_ROLLING;
	ck_assert_int_eq(hoist_plan_build(&in, &p, &err), HOIST_UNSAFE);
	ck_assert_ptr_null(p);
	ck_assert(strstr(hoist_error_message(&err), "minor") != NULL);
	in.strategy = HOIST_STRATEGY_AUTO;
	in.to = tests_version("2024.1.1");
	ck_assert_int_eq(hoist_plan_build(&in, &p, &err), HOIST_STATE);
	in.to = tests_version("2024.2.1");
	in.n_nodes = 0;
	ck_assert_int_eq(hoist_plan_build(&in, &p, &err), HOIST_CONFIG);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_plan_bad_node_names_refused)
{
	struct hoist_plan_input in = { 0 };
	struct hoist_plan_node bad[2] = { { .name = "n1;rm -rf /", .transport = "local" },
					  { .name = "n1", .transport = "local" } };
	struct hoist_plan *p = NULL;
	in.from = tests_version("2024.1.2");
	in.to = tests_version("2024.2.1");
	in.nodes = bad;
	in.n_nodes = 1;
	ck_assert_int_eq(hoist_plan_build(&in, &p, NULL), HOIST_CONFIG);
	bad[0].name = "n1";
	in.n_nodes = 2;
	ck_assert_int_eq(hoist_plan_build(&in, &p, NULL), HOIST_CONFIG);
}
END_TEST

START_TEST(test_plan_bad_json_named)
{
	static const char *bad[] = {
		"", "[]", "{\"format\":\"hoist-plan/9\"}",
		"{\"format\":\"hoist-plan/1\",\"profile\":\"sandbox\",\"from\":\"2024.1\",\"to\":\"2024.2.1\"}",
		"{\"format\":\"hoist-plan/1\",\"profile\":\"sandbox\",\"from\":\"2024.1.2\",\"to\":\"2024.2.1\","
		"\"strategy\":\"all-at-once\",\"stops\":[],\"nodes\":[{\"name\":\"n1\",\"transport\":\"local\","
		"\"version\":\"2024.1.2\"}],\"packages\":[],\"steps\":[{\"id\":\"reboot\",\"version\":\"2024.2.1\"}]}",
		"{\"format\":\"hoist-plan/1\",\"profile\":\"sandbox\",\"from\":\"2024.1.2\",\"to\":\"2024.2.1\","
		"\"strategy\":\"all-at-once\",\"stops\":[],\"nodes\":[{\"name\":\"n1\",\"transport\":\"local\","
		"\"version\":\"2024.1.2\"}],\"packages\":[],\"steps\":[{\"id\":\"stop\",\"node\":\"n9\","
		"\"version\":\"2024.2.1\"}]}",
	};
	static const char *said[] = { "JSON", "JSON", "hoist-plan/9", "from", "reboot", "n9" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct hoist_plan *p = NULL;
		struct hoist_error err;
		hoist_error_init(&err);
		ck_assert_int_ne(hoist_plan_from_json(bad[i], strlen(bad[i]), &p, &err), HOIST_OK);
		ck_assert_ptr_null(p);
		ck_assert_msg(strstr(hoist_error_message(&err), said[i]) || i < 2,
			      "case %zu: %s", i, hoist_error_message(&err));
		hoist_error_done(&err);
	}
	ck_assert_int_eq(hoist_plan_load("/nonexistent/plan.json", &(struct hoist_plan *){ 0 }, NULL),
			 HOIST_IO);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_plan_minor_all_at_once_order);
	tcase_add_test(core, test_plan_patch_rolling_keeps_cluster_serving);
	tcase_add_test(core, test_plan_role_order_override);
	tcase_add_test(core, test_plan_stops_make_hops);
	tcase_add_test(core, test_plan_stops_through_the_primary_only);
	tcase_add_test(core, test_plan_json_round_trip);
	tcase_add_test(errors, test_plan_rolling_minor_refused);
	tcase_add_test(errors, test_plan_bad_node_names_refused);
	tcase_add_test(errors, test_plan_bad_json_named);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

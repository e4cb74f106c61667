/* check_guide.c: the rollback guide for every failing step × kind × one or three nodes. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guide.h"
#include "journal.h"
#include "plan.h"
#include "profile.h"
#include "xalloc.h"

#define BACKUP_MS 1795311753000LL /* 2026-11-22 01:42:33 UTC */
#define BACKUP_TIME "2026-11-22 01:42:33 UTC"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hoist-guide.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char *cmd = hoist_xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static struct hoist_plan *make_plan(const char *from, const char *to, size_t n_nodes,
				    enum hoist_strategy strategy)
{
	static const char *const names[] = { "node1", "node2", "node3" };
	static const char *const roles[] = { "primary", "base", "base" };
	struct hoist_plan_node nodes[3];
	struct hoist_plan_package pkgs[2];
	struct hoist_plan_input in;
	struct hoist_plan *p;
	struct hoist_error err;
	memset(&in, 0, sizeof in);
	memset(nodes, 0, sizeof nodes);
	memset(pkgs, 0, sizeof pkgs);
	for (size_t i = 0; i < n_nodes; i++) {
		nodes[i].name = (char *)names[i];
		nodes[i].role = (char *)roles[i];
		nodes[i].transport = (char *)"local";
		nodes[i].version = tests_version(from);
	}
	pkgs[0].version = tests_version(to);
	pkgs[0].url = (char *)"http://127.0.0.1:1/packages/new.msi";
	pkgs[0].size = -1;
	pkgs[1].version = tests_version(from);
	pkgs[1].url = (char *)"http://127.0.0.1:1/packages/old.msi";
	pkgs[1].size = -1;
	in.server_url = "http://127.0.0.1:8080";
	in.profile = "sandbox";
	in.from = tests_version(from);
	in.to = tests_version(to);
	in.nodes = nodes;
	in.n_nodes = n_nodes;
	in.strategy = strategy;
	in.packages = pkgs;
	in.n_packages = 2;
	hoist_error_init(&err);
	if (hoist_plan_build(&in, &p, &err) != HOIST_OK)
		ck_abort_msg("plan: %s", hoist_error_message(&err));
	return p;
}

/* OS patching (seed 003): one node at a time, no database step. */
static struct hoist_plan *make_os_plan(size_t n_nodes)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.1.3", n_nodes, HOIST_STRATEGY_ROLLING);
	static const char *const per[] = { "drain", "wait-tasks", "stop", "os-patch", "start",
					   "validate", "undrain" };
	for (size_t i = 0; i < p->n_steps; i++) {
		free(p->steps[i].id);
		free(p->steps[i].node);
		free(p->steps[i].arg);
	}
	p->n_steps = 0;
	p->to = p->from;
	p->kind = HOIST_KIND_NONE;
	hoist_plan_add_step(p, "preflight", NULL, NULL, NULL);
	for (size_t i = 0; i < p->n_nodes; i++)
		for (size_t k = 0; k < sizeof per / sizeof *per; k++)
			hoist_plan_add_step(p, per[k], p->nodes[i].name, NULL, NULL);
	return p;
}

static void end_step(struct hoist_journal *j, const struct hoist_plan_step *s,
		     enum hoist_outcome o, const char *message)
{
	struct hoist_event ev;
	hoist_event_init(&ev, HOIST_EVENT_STEP_END);
	ev.step = strdup(s->id);
	ev.node = s->node ? strdup(s->node) : NULL;
	ev.outcome = o;
	ev.exit_code = o == HOIST_OUTCOME_OK ? 0 : 1;
	ev.message = message ? strdup(message) : NULL;
	if (o == HOIST_OUTCOME_OK && !strcmp(s->id, "backup-db")) {
		ev.evidence.path = hoist_xasprintf("%s/backups/octopus-2024.db", dir);
		ev.evidence.size = 73728;
		ev.evidence.time_ms = BACKUP_MS;
	} else if (o == HOIST_OUTCOME_OK && !strcmp(s->id, "backup-master-key")) {
		ev.evidence.path = hoist_xasprintf("%s/backups/master-key", dir);
		ev.evidence.size = 24;
		ev.evidence.time_ms = BACKUP_MS - 60000;
	}
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
}

/*
 * Writes the journal of a run of p that fails at the first step `fail` on node `node`
 * (NULL: the first of that id; fail NULL: the run ends well). interrupt: the journal
 * ends with the step running (a crash). Folds it into s.
 */
static void run(const struct hoist_plan *p, const char *fail, const char *node, bool interrupt,
		struct hoist_run_summary *s)
{
	char *path = hoist_xasprintf("%s/journal.jsonl", dir);
	struct hoist_journal *j;
	struct hoist_event ev;
	bool failed = false;
	unlink(path);
	ck_assert_int_eq(hoist_journal_open(path, &j, NULL), HOIST_OK);
	hoist_event_init(&ev, HOIST_EVENT_RUN_START);
	ev.run_id = strdup("20261122T014233Z-beef");
	ev.from_version = strdup(p->from.text);
	ev.to_version = strdup(p->to.text);
	ev.kind = strdup(hoist_kind_name(p->kind));
	ev.strategy = strdup(hoist_strategy_name(p->strategy));
	ev.profile = strdup(p->profile);
	for (size_t i = 0; i < p->n_steps; i++)
		hoist_event_add_step(&ev, p->steps[i].id, p->steps[i].node, p->steps[i].hop);
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	for (size_t i = 0; i < p->n_steps && !failed; i++) {
		const struct hoist_plan_step *st = &p->steps[i];
		ck_assert_int_eq(hoist_journal_step_start(j, st->id, st->node, NULL), HOIST_OK);
		if (fail && !strcmp(st->id, fail) && (!node || (st->node && !strcmp(st->node, node)))) {
			failed = true;
			if (!interrupt)
				end_step(j, st, HOIST_OUTCOME_FAILED, "injected failure");
		} else {
			end_step(j, st, HOIST_OUTCOME_OK, NULL);
		}
	}
	if (!interrupt) {
		hoist_event_init(&ev, HOIST_EVENT_RUN_END);
		ev.outcome = failed ? HOIST_OUTCOME_FAILED : HOIST_OUTCOME_OK;
		ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
		hoist_event_done(&ev);
	}
	ck_assert_int_eq(hoist_journal_close(j, NULL), HOIST_OK);
	hoist_run_summary_init(s);
	ck_assert_int_eq(hoist_journal_fold(path, s, NULL), HOIST_OK);
	free(path);
}

static struct hoist_profile *sandbox_profile(void)
{
	struct hoist_profile_setting set[] = { { "sandbox_dir", "/tmp/sb" } };
	struct hoist_profile *pr;
	ck_assert_int_eq(hoist_profile_new("sandbox", set, 1, &pr, NULL), HOIST_OK);
	return pr;
}

static struct hoist_guide *guide_for(const struct hoist_plan *p, const struct hoist_run_summary *s)
{
	struct hoist_profile *pr = sandbox_profile();
	struct hoist_guide *g;
	struct hoist_error err;
	hoist_error_init(&err);
	if (hoist_guide_build(p, s, pr, NULL, dir, &g, &err) != HOIST_OK)
		ck_abort_msg("guide: %s", hoist_error_message(&err));
	hoist_profile_free(pr);
	return g;
}

static size_t count(const struct hoist_guide *g, const char *step, const char *node)
{
	size_t n = 0;
	for (size_t i = 0; i < g->n_steps; i++)
		if ((step ? g->steps[i].step && !strcmp(g->steps[i].step, step) : !g->steps[i].step) &&
		    (!node || (g->steps[i].node && !strcmp(g->steps[i].node, node))))
			n++;
	return n;
}

static long index_of(const struct hoist_guide *g, const char *step, const char *node)
{
	for (size_t i = 0; i < g->n_steps; i++)
		if (g->steps[i].step && !strcmp(g->steps[i].step, step) &&
		    (!node || (g->steps[i].node && !strcmp(g->steps[i].node, node))))
			return (long)i;
	return -1;
}

/* Was step (on node) reached by a run of p failing at fail? */
static const char *fail_at; /* the node of the failing step, NULL: the first */

static bool reached(const struct hoist_plan *p, const char *fail, const char *step,
		    const char *node)
{
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct hoist_plan_step *st = &p->steps[i];
		bool is_fail = fail && !strcmp(st->id, fail) &&
			       (!fail_at || (st->node && !strcmp(st->node, fail_at)));
		if (!strcmp(st->id, step) && (!node || (st->node && !strcmp(st->node, node))))
			return true;
		if (is_fail)
			return false;
	}
	return false;
}

/* The checks every case shares: what the rules of seed 001 say the guide must hold. */
static void check_case(const char *from, const char *to, enum hoist_strategy strategy,
		       size_t n_nodes, const char *fail)
{
	struct hoist_plan *p = make_plan(from, to, n_nodes, strategy);
	struct hoist_run_summary s;
	struct hoist_guide *g;
	struct hoist_plan *rb;
	char *text, *backup;
	bool pnr, restore, major = p->kind == HOIST_KIND_MAJOR;
	const char *fail_node = NULL;

	/* A per-node step fails on the last node: the earlier ones went through. */
	if (strcmp(fail, "stage") && strcmp(fail, "backup-db") && strcmp(fail, "db-upgrade") &&
	    strcmp(fail, "wait-tasks") && strcmp(fail, "maintenance-on"))
		fail_node = p->nodes[n_nodes - 1].name;
	fail_at = fail_node;
	run(p, fail, fail_node, false, &s);
	g = guide_for(p, &s);
	text = hoist_guide_to_text(g);
	backup = hoist_xasprintf("%s/backups/octopus-2024.db", dir);
	pnr = reached(p, fail, "db-upgrade", NULL);
	restore = pnr && (p->kind == HOIST_KIND_MINOR || major);

	ck_assert_msg(g->failed_step && !strcmp(g->failed_step, fail), "failed step %s", fail);
	ck_assert_int_eq(g->pnr_passed, pnr);
	ck_assert_int_eq(count(g, "db-restore", NULL), (restore ? 1 : 0));
	ck_assert_int_eq(count(g, "master-key-restore", NULL), (restore && major ? 1 : 0));
	/* By hand: only the file storage of a major rollback. */
	ck_assert_int_eq(count(g, NULL, NULL), (restore && major ? 1 : 0));
	if (restore) {
		long r = index_of(g, "db-restore", NULL);
		ck_assert_str_eq(g->steps[r].arg, backup);
		ck_assert_str_eq(g->steps[r].node, "node1");
		ck_assert_ptr_nonnull(strstr(g->steps[r].command, "db-restore"));
		ck_assert_ptr_nonnull(strstr(text, backup));
		ck_assert_ptr_nonnull(strstr(text, BACKUP_TIME));
		ck_assert_ptr_nonnull(strstr(text, "will be lost"));
		/* Still on from the run: it stays on, no step turns it on again. */
		ck_assert_int_eq(count(g, "maintenance-on", NULL), 0);
		ck_assert_ptr_nonnull(strstr(text, "it stays on until every node runs"));
		/* Every node is stopped before the restore, started after it. */
		for (size_t i = 0; i < n_nodes; i++) {
			const char *n = p->nodes[i].name;
			if (reached(p, fail, "start", n))
				ck_assert_int_lt(index_of(g, "stop", n), r);
			ck_assert_int_gt(index_of(g, "start", n), r);
			ck_assert_int_gt(index_of(g, "install", n), r);
		}
	} else {
		ck_assert_ptr_null(strstr(text, "will be lost"));
		ck_assert_ptr_null(strstr(text, "db-restore"));
	}
	if (major && restore)
		ck_assert_ptr_nonnull(strstr(text, "https://octopus.com/docs/administration/upgrading"));
	else
		ck_assert_ptr_null(strstr(text, "https://octopus.com/docs"));

	for (size_t i = 0; i < n_nodes; i++) {
		const char *n = p->nodes[i].name;
		bool installed = reached(p, fail, "install", n);
		bool drained = reached(p, fail, "drain", n) && !(reached(p, fail, "undrain", n) &&
								 strcmp(fail, "undrain"));
		bool stopped = reached(p, fail, "stop", n);
		/* Reinstall the old version exactly where the new one went. */
		ck_assert_int_eq(count(g, "install", n), (installed ? 1 : 0));
		if (installed) {
			long k = index_of(g, "install", n);
			ck_assert_str_eq(g->steps[k].version.text, from);
			ck_assert_ptr_nonnull(strstr(g->steps[k].command, from));
			ck_assert_ptr_nonnull(strstr(g->steps[k].command, n));
		}
		/* Drained again only to stop a node that runs the new version. */
		ck_assert_int_eq(count(g, "drain", n),
				 (installed && !drained && reached(p, fail, "start", n) ? 1 : 0));
		ck_assert_int_eq(count(g, "undrain", n), (drained || count(g, "drain", n) ? 1 : 0));
		if (stopped || installed)
			ck_assert_int_eq(count(g, "start", n), 1);
		if (!stopped && !installed && !drained)
			ck_assert_int_eq(count(g, NULL, n) + count(g, "stop", n) + count(g, "start", n),
					 0);
		if (drained)
			ck_assert_ptr_nonnull(strstr(text, n));
	}
	/* Maintenance: off at the end exactly when this run turned it on. */
	if (reached(p, fail, "maintenance-on", NULL)) {
		ck_assert_int_eq(index_of(g, "maintenance-off", NULL), (long)g->n_steps - 1);
		ck_assert_ptr_nonnull(strstr(text, "turned maintenance mode on"));
	} else {
		ck_assert_int_eq(count(g, "maintenance-off", NULL), 0);
		ck_assert_int_eq(count(g, "maintenance-on", NULL), 0);
	}
	if (!strcmp(fail, "stage"))
		ck_assert_uint_eq(g->n_steps, 0);
	for (size_t i = 0; i < g->n_steps; i++) {
		ck_assert_uint_eq(g->steps[i].number, i + 1);
		ck_assert_ptr_nonnull(g->steps[i].reason);
		ck_assert_ptr_null(strchr(g->steps[i].reason, '\n'));
		if (g->steps[i].node)
			ck_assert_ptr_nonnull(strstr(g->steps[i].reason, g->steps[i].node));
		if (g->steps[i].step)
			ck_assert_ptr_nonnull(g->steps[i].command);
	}
	/* The rollback plan: the same steps minus the ones done by hand, back to from. */
	rb = hoist_guide_to_plan(g, p);
	ck_assert_uint_eq(rb->n_steps, g->n_steps - count(g, NULL, NULL));
	ck_assert_str_eq(rb->to.text, from);
	ck_assert_str_eq(rb->from.text, to);
	/* The rollback plan records which run it rolls back. */
	ck_assert_uint_eq(rb->n_overrides, 1);
	ck_assert(!strncmp(rb->overrides[0], "rollback of run ", 16));
	for (size_t i = 0, k = 0; i < g->n_steps; i++) {
		if (!g->steps[i].step)
			continue;
		ck_assert_str_eq(rb->steps[k].id, g->steps[i].step);
		ck_assert_str_eq(rb->steps[k].version.text, from);
		k++;
	}
	hoist_plan_free(rb);
	free(backup);
	free(text);
	hoist_guide_free(g);
	hoist_run_summary_done(&s);
	hoist_plan_free(p);
}

static const char *const aao_fails[] = { "stage", "backup-db", "drain", "stop", "install",
					 "db-upgrade", "start", "validate", NULL };
static const char *const rolling_fails[] = { "stage", "backup-db", "drain", "stop", "install",
					     "start", "validate", NULL };

START_TEST(test_guide_matrix_minor)
{
	for (size_t n = 1; n <= 3; n += 2)
		for (const char *const *f = aao_fails; *f; f++)
			check_case("2024.1.2", "2024.2.1", HOIST_STRATEGY_AUTO, n, *f);
}
END_TEST

START_TEST(test_guide_matrix_major)
{
	for (size_t n = 1; n <= 3; n += 2)
		for (const char *const *f = aao_fails; *f; f++)
			check_case("2024.3.1", "2025.1.0", HOIST_STRATEGY_AUTO, n, *f);
}
END_TEST

START_TEST(test_guide_matrix_patch)
{
	for (size_t n = 1; n <= 3; n += 2) {
		for (const char *const *f = rolling_fails; *f; f++)
			check_case("2024.1.2", "2024.1.5", HOIST_STRATEGY_ROLLING, n, *f);
		for (const char *const *f = aao_fails; *f; f++)
			check_case("2024.1.2", "2024.1.5", HOIST_STRATEGY_ALL_AT_ONCE, n, *f);
	}
}
END_TEST

START_TEST(test_guide_half_db_upgrade_text)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.2.1", 3, HOIST_STRATEGY_AUTO);
	struct hoist_run_summary s;
	struct hoist_guide *g;
	char *text, *json;
	run(p, "db-upgrade", NULL, false, &s);
	g = guide_for(p, &s);
	text = hoist_guide_to_text(g);
	ck_assert(g->pnr_half);
	ck_assert_int_eq(g->rule, HOIST_GUIDE_RESTORE);
	ck_assert_ptr_nonnull(strstr(text, "did not finish"));
	ck_assert_ptr_nonnull(strstr(text, "The step db-upgrade failed on node node1"));
	ck_assert_ptr_nonnull(strstr(text, "This run drained these nodes: node2, node3, node1."));
	ck_assert_ptr_nonnull(strstr(text, "$ hoist-sandbox ctl /tmp/sb db-restore "));
	ck_assert_ptr_nonnull(strstr(text, "$ hoist-sandbox ctl /tmp/sb install node2 2024.1.2"));
	ck_assert_ptr_nonnull(strstr(text, "hoist rollback --run --run-id 20261122T014233Z-beef"));
	json = hoist_guide_to_json(g);
	ck_assert_ptr_nonnull(strstr(json, "\"rule\":\"restore\""));
	ck_assert_ptr_nonnull(strstr(json, "\"point_of_no_return_passed\":true"));
	free(json);
	free(text);
	hoist_guide_free(g);
	hoist_run_summary_done(&s);
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_guide_os_patch_never_restores_database)
{
	for (size_t n = 1; n <= 3; n += 2) {
		struct hoist_plan *p = make_os_plan(n);
		const char *last = p->nodes[n - 1].name;
		struct hoist_run_summary s;
		struct hoist_guide *g;
		char *text;
		run(p, "start", last, false, &s);
		g = guide_for(p, &s);
		text = hoist_guide_to_text(g);
		ck_assert_int_eq(g->rule, HOIST_GUIDE_OS_SNAPSHOT);
		ck_assert_int_eq(count(g, "db-restore", NULL), 0);
		ck_assert_int_eq(count(g, "install", NULL), 0);
		/* The snapshot is restored by hand, before the node starts again. */
		ck_assert_int_eq(count(g, NULL, last), 1);
		ck_assert_int_eq(count(g, NULL, NULL), n);
		ck_assert_int_eq(count(g, "start", last), 1);
		ck_assert_int_eq(count(g, "undrain", last), 1);
		ck_assert_ptr_nonnull(strstr(text, "snapshot"));
		ck_assert_ptr_nonnull(strstr(text, "never restore"));
		free(text);
		hoist_guide_free(g);
		hoist_run_summary_done(&s);
		hoist_plan_free(p);
	}
}
END_TEST

START_TEST(test_guide_interrupted_and_successful_runs)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.2.1", 3, HOIST_STRATEGY_AUTO);
	struct hoist_run_summary s;
	struct hoist_guide *g;
	char *text;
	/* A crash during the install of node3 (after node2's, by role order). */
	run(p, "install", "node3", true, &s);
	g = guide_for(p, &s);
	text = hoist_guide_to_text(g);
	ck_assert(g->interrupted);
	ck_assert_ptr_nonnull(strstr(text, "interrupted during the step install on node node3"));
	ck_assert_int_eq(count(g, "install", NULL), 2);
	ck_assert_int_eq(count(g, "db-restore", NULL), 0);
	ck_assert_int_eq(count(g, "start", NULL), 3);
	free(text);
	hoist_guide_free(g);
	hoist_run_summary_done(&s);
	/* A run that ended well is undone whole: stop, restore, reinstall, start. */
	run(p, NULL, NULL, false, &s);
	g = guide_for(p, &s);
	ck_assert(g->run_ok);
	ck_assert_int_eq(count(g, "stop", NULL), 3);
	ck_assert_int_eq(count(g, "drain", NULL), 3);
	ck_assert_int_eq(count(g, "db-restore", NULL), 1);
	ck_assert_int_eq(count(g, "undrain", NULL), 3);
	ck_assert_int_eq(count(g, "maintenance-on", NULL), 1);
	ck_assert_int_eq(count(g, "maintenance-off", NULL), 1);
	hoist_guide_free(g);
	hoist_run_summary_done(&s);
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_guide_save_and_installer)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.1.5", 1, HOIST_STRATEGY_ROLLING);
	struct hoist_run_summary s;
	struct hoist_guide *g;
	char *pk = hoist_xasprintf("%s/packages", dir), *inst, *gp, buf[8192];
	FILE *f;
	struct stat st;
	size_t n;
	ck_assert_int_eq(mkdir(pk, 0700), 0);
	inst = hoist_xasprintf("%s/Octopus.2024.1.2-x64.msi", pk);
	f = fopen(inst, "w");
	fputs("msi", f);
	fclose(f);
	run(p, "validate", "node1", false, &s);
	g = guide_for(p, &s);
	ck_assert_str_eq(g->installer, inst);
	ck_assert_ptr_nonnull(strstr(g->steps[index_of(g, "install", "node1")].command, "install node1 2024.1.2"));
	ck_assert_int_eq(hoist_guide_save(g, dir, NULL), HOIST_OK);
	gp = hoist_xasprintf("%s/guide.txt", dir);
	ck_assert_int_eq(stat(gp, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	f = fopen(gp, "r");
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, inst));
	ck_assert_ptr_nonnull(strstr(buf, "Nothing is lost"));
	free(gp);
	free(inst);
	free(pk);
	hoist_guide_free(g);
	hoist_run_summary_done(&s);
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_guide_downgrade)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.2.1", 3, HOIST_STRATEGY_AUTO);
	struct hoist_profile *pr = sandbox_profile();
	struct hoist_evidence ev = { .path = (char *)"/b/octopus.db", .size = 10, .time_ms = BACKUP_MS };
	struct hoist_guide_downgrade in = { p, tests_version("2024.2.1"), tests_version("2024.1.2"), &ev, NULL, "r1" };
	struct hoist_guide *g;
	char *text;
	ck_assert_int_eq(hoist_guide_build_downgrade(&in, pr, NULL, &g, NULL), HOIST_OK);
	text = hoist_guide_to_text(g);
	ck_assert_int_eq(count(g, "db-restore", "node1"), 1);
	ck_assert_int_eq(count(g, "install", NULL), 3);
	ck_assert_int_eq(count(g, "drain", NULL), 3);
	ck_assert_int_eq(index_of(g, "maintenance-on", NULL), 0);
	ck_assert_ptr_nonnull(strstr(text, BACKUP_TIME));
	free(text);
	hoist_guide_free(g);
	/* A patch apart: reinstall only. */
	in.current = tests_version("2024.1.5");
	ck_assert_int_eq(hoist_guide_build_downgrade(&in, pr, NULL, &g, NULL), HOIST_OK);
	ck_assert_int_eq(count(g, "db-restore", NULL), 0);
	ck_assert_int_eq(count(g, "install", NULL), 3);
	hoist_guide_free(g);
	hoist_profile_free(pr);
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_guide_downgrade_refused_without_backup)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.2.1", 1, HOIST_STRATEGY_AUTO);
	struct hoist_guide_downgrade in = { p, tests_version("2024.2.1"), tests_version("2024.1.2"), NULL, NULL, "r1" };
	struct hoist_guide *g = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_guide_build_downgrade(&in, NULL, NULL, &g, &err), HOIST_UNSAFE);
	ck_assert_ptr_null(g);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "no database backup taken at 2024.1.2"));
	in.target = tests_version("2024.3.0");
	ck_assert_int_eq(hoist_guide_build_downgrade(&in, NULL, NULL, &g, &err), HOIST_USAGE);
	hoist_error_done(&err);
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_guide_run_not_started)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.2.1", 1, HOIST_STRATEGY_AUTO);
	struct hoist_run_summary s;
	struct hoist_guide *g = NULL;
	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_guide_build(p, &s, NULL, NULL, NULL, &g, NULL), HOIST_STATE);
	ck_assert_ptr_null(g);
	hoist_run_summary_done(&s);
	hoist_plan_free(p);
}
END_TEST

/* Steps the engine started after the failure are its own revert: they count as undone. */
/* The revert journaled as its own phase, and run-end undone: nothing is left to do. */
START_TEST(test_guide_undone_run_needs_nothing)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.2.1", 3, HOIST_STRATEGY_AUTO);
	struct hoist_profile *pr = sandbox_profile();
	static const char *const rev[][2] = { { "install", "node1" }, { "start", "node2" },
					       { "start", "node3" }, { "start", "node1" },
					       { "undrain", "node2" }, { "undrain", "node3" },
					       { "undrain", "node1" }, { "maintenance-off", NULL } };
	char *path = hoist_xasprintf("%s/journal.jsonl", dir), *text, *json;
	struct hoist_run_summary s;
	struct hoist_journal *j;
	struct hoist_guide *g;
	struct hoist_event ev;
	run(p, "install", "node1", true, &s);
	hoist_run_summary_done(&s);
	ck_assert_int_eq(hoist_journal_open(path, &j, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_journal_step_end(j, "install", "node1", HOIST_OUTCOME_FAILED, 1,
						"injected", NULL), HOIST_OK);
	hoist_journal_set_revert(j, true);
	for (size_t i = 0; i < sizeof rev / sizeof *rev; i++) {
		ck_assert_int_eq(hoist_journal_step_start(j, rev[i][0], rev[i][1], NULL), HOIST_OK);
		ck_assert_int_eq(hoist_journal_step_end(j, rev[i][0], rev[i][1], HOIST_OUTCOME_OK, 0,
							NULL, NULL), HOIST_OK);
	}
	hoist_journal_set_revert(j, false);
	hoist_event_init(&ev, HOIST_EVENT_RUN_END);
	ev.end = HOIST_END_UNDONE;
	ev.outcome = HOIST_OUTCOME_FAILED;
	ev.message = strdup("stopped, everything undone");
	ck_assert_int_eq(hoist_journal_append(j, &ev, NULL), HOIST_OK);
	hoist_event_done(&ev);
	ck_assert_int_eq(hoist_journal_close(j, NULL), HOIST_OK);

	/* Both ways of building it: from the journal, and from its summary. */
	ck_assert_int_eq(hoist_guide_build_journal(p, path, pr, NULL, dir, &g, NULL), HOIST_OK);
	text = hoist_guide_to_text(g);
	json = hoist_guide_to_json(g);
	ck_assert(g->undone);
	ck_assert_uint_eq(g->n_steps, 0);
	ck_assert_int_eq(g->rule, HOIST_GUIDE_NOTHING);
	ck_assert_str_eq(g->failed_step, "install");
	ck_assert_ptr_nonnull(strstr(text, "Nothing is left to do"));
	ck_assert_ptr_null(strstr(text, "Steps:"));
	ck_assert_ptr_nonnull(strstr(json, "\"undone\":true"));
	free(text);
	free(json);
	hoist_guide_free(g);
	hoist_run_summary_init(&s);
	ck_assert_int_eq(hoist_journal_fold(path, &s, NULL), HOIST_OK);
	ck_assert_int_eq(s.state, HOIST_RUN_UNDONE);
	/* The revert's steps are the revert's: the plan's install of node1 stays failed. */
	ck_assert_int_eq(hoist_run_summary_find(&s, "install", "node1")->state, HOIST_STEP_FAILED);
	g = guide_for(p, &s);
	ck_assert(g->undone);
	ck_assert_uint_eq(g->n_steps, 0);
	hoist_guide_free(g);
	hoist_run_summary_done(&s);
	free(path);
	hoist_profile_free(pr);
	hoist_plan_free(p);
}
END_TEST

START_TEST(test_guide_engine_revert_is_undone)
{
	struct hoist_plan *p = make_plan("2024.1.2", "2024.2.1", 3, HOIST_STRATEGY_AUTO);
	struct hoist_profile *pr = sandbox_profile();
	static const char *const rev[][2] = { { "install", "node2" }, { "install", "node3" },
					       { "install", "node1" },
					       { "start", "node2" }, { "start", "node3" },
					       { "start", "node1" }, { "undrain", "node2" },
					       { "undrain", "node3" }, { "undrain", "node1" },
					       { "maintenance-off", NULL } };
	char *path = hoist_xasprintf("%s/journal.jsonl", dir), *text;
	struct hoist_run_summary s;
	struct hoist_journal *j;
	struct hoist_guide *g;
	size_t n = sizeof rev / sizeof *rev;
	/* The install of node1 fails; the engine reverts everything, then all but starting node1. */
	for (int partial = 0; partial < 2; partial++) {
		run(p, "install", "node1", true, &s);
		hoist_run_summary_done(&s);
		ck_assert_int_eq(hoist_journal_open(path, &j, NULL), HOIST_OK);
		ck_assert_int_eq(hoist_journal_step_end(j, "install", "node1", HOIST_OUTCOME_FAILED,
							1, "injected", NULL), HOIST_OK);
		for (size_t i = 0; i < n; i++) {
			bool bad = partial && !strcmp(rev[i][0], "start") && !strcmp(rev[i][1], "node1");
			ck_assert_int_eq(hoist_journal_step_start(j, rev[i][0], rev[i][1], NULL), HOIST_OK);
			ck_assert_int_eq(hoist_journal_step_end(j, rev[i][0], rev[i][1],
								bad ? HOIST_OUTCOME_FAILED : HOIST_OUTCOME_OK,
								bad, NULL, NULL), HOIST_OK);
		}
		ck_assert_int_eq(hoist_journal_close(j, NULL), HOIST_OK);
		ck_assert_int_eq(hoist_guide_build_journal(p, path, pr, NULL, dir, &g, NULL), HOIST_OK);
		text = hoist_guide_to_text(g);
		ck_assert(g->reverted);
		ck_assert_str_eq(g->failed_step, "install");
		ck_assert_str_eq(g->failed_node, "node1");
		if (!partial) {
			ck_assert_uint_eq(g->n_steps, 0);
			ck_assert_ptr_nonnull(strstr(text, "the server is as it was"));
		} else {
			/* node1 did not start again: that is what is left. */
			ck_assert_int_eq(count(g, "start", "node1"), 1);
			ck_assert_int_eq(count(g, "validate", "node1"), 1);
			ck_assert_int_eq(count(g, "install", NULL), 0);
			ck_assert_int_eq(count(g, "start", NULL), 1);
			ck_assert_int_eq(count(g, "undrain", NULL), 0);
			ck_assert_ptr_nonnull(strstr(text, "what is left"));
		}
		free(text);
		hoist_guide_free(g);
	}
	free(path);
	hoist_profile_free(pr);
	hoist_plan_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guide");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	/* The matrices write and fold many journals: a busy machine needs more than 4 s. */
	tcase_set_timeout(core, 30);
	tcase_add_test(core, test_guide_matrix_minor);
	tcase_add_test(core, test_guide_matrix_major);
	tcase_add_test(core, test_guide_matrix_patch);
	tcase_add_test(core, test_guide_half_db_upgrade_text);
	tcase_add_test(core, test_guide_os_patch_never_restores_database);
	tcase_add_test(core, test_guide_interrupted_and_successful_runs);
	tcase_add_test(core, test_guide_save_and_installer);
	tcase_add_test(core, test_guide_downgrade);
	tcase_add_test(core, test_guide_engine_revert_is_undone);
	tcase_add_test(core, test_guide_undone_run_needs_nothing);
	tcase_add_test(errors, test_guide_downgrade_refused_without_backup);
	tcase_add_test(errors, test_guide_run_not_started);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

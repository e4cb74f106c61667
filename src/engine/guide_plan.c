/* guide_plan.c: the rollback plan, the steps of a guide that hoist can do, as a plan to run. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "guide_int.h"
#include "xalloc.h"

/* The run's nodes and packages, as they are: a rollback goes back on the same ones. */
static void copy_nodes(struct hoist_plan *p, const struct hoist_plan *run)
{
	p->nodes = hoist_xcalloc(run->n_nodes ? run->n_nodes : 1, sizeof *p->nodes);
	for (size_t i = 0; i < run->n_nodes; i++) {
		p->nodes[i].name = hoist_xstrdup(run->nodes[i].name);
		p->nodes[i].role = guide_dup0(run->nodes[i].role);
		p->nodes[i].transport = guide_dup0(run->nodes[i].transport);
		p->nodes[i].url = guide_dup0(run->nodes[i].url);
		p->nodes[i].version = run->nodes[i].version;
		p->nodes[i].shell = guide_dup0(run->nodes[i].shell);
		p->nodes[i].remote_dir = guide_dup0(run->nodes[i].remote_dir);
	}
	p->n_nodes = run->n_nodes;
	if (run->n_packages) {
		p->packages = hoist_xcalloc(run->n_packages, sizeof *p->packages);
		for (size_t i = 0; i < run->n_packages; i++) {
			p->packages[i].version = run->packages[i].version;
			p->packages[i].url = guide_dup0(run->packages[i].url);
			p->packages[i].sha256 = guide_dup0(run->packages[i].sha256);
			p->packages[i].size = run->packages[i].size;
		}
		p->n_packages = run->n_packages;
	}
}

/* The guide's backups as the plan's evidence: what db-restore and master-key-restore use. */
static void add_backups(struct hoist_plan *p, const struct hoist_guide *g)
{
	for (size_t i = 0; i < g->n_backups; i++) {
		struct hoist_evidence e;
		char when[32] = "";
		memset(&e, 0, sizeof e);
		e.item = !strcmp(g->backups[i].item, "database") ? (char *)"backup-db"
								  : (char *)"master-key";
		e.path = g->backups[i].path;
		e.size = g->backups[i].size;
		e.sha256 = g->backups[i].sha256;
		if (g->backups[i].time_ms > 0)
			hoist_evidence_time(g->backups[i].time_ms, when);
		e.time = when;
		e.by_engine = true;
		hoist_plan_add_evidence(p, &e);
	}
}

struct hoist_plan *hoist_guide_to_plan(const struct hoist_guide *g, const struct hoist_plan *run)
{
	struct hoist_plan *p = hoist_xcalloc(1, sizeof *p);
	p->server_url = guide_dup0(run->server_url);
	p->profile = guide_dup0(run->profile);
	p->feed = guide_dup0(run->feed);
	p->from = g->to;
	p->to = g->from;
	p->kind = HOIST_KIND_DOWNGRADE;
	p->strategy = g->strategy;
	p->window_estimate_ms = -1;
	copy_nodes(p, run);
	add_backups(p, g);
	for (size_t i = 0; i < g->n_steps; i++) {
		const struct hoist_guide_step *s = &g->steps[i];
		if (!s->step)
			continue;
		hoist_plan_add_step(p, s->step, s->node, &s->version, s->arg);
		if (!strcmp(s->step, "db-restore") && hoist_plan_pnr_index(p) < 0)
			p->steps[p->n_steps - 1].point_of_no_return = true;
	}
	/* The plan says what it is: the run it rolls back (stable text, for the record). */
	p->overrides = hoist_xcalloc(1, sizeof *p->overrides);
	p->overrides[0] = hoist_xasprintf("rollback of run %s", g->run_id ? g->run_id : "-");
	p->n_overrides = 1;
	return p;
}

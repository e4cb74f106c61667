/* plan.h: the upgrade plan, the one document every face builds and every run follows (§6). */
#ifndef HOIST_PLAN_H
#define HOIST_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include "evidence.h"
#include "error.h"
#include "version.h"

enum hoist_strategy { HOIST_STRATEGY_AUTO, HOIST_STRATEGY_ALL_AT_ONCE, HOIST_STRATEGY_ROLLING };

/* What a step id means; the table is in plan.c, the ids are stable (journal, UI, docs). */
struct hoist_step_info {
	const char *id;       /* "preflight", "stage", ..., "maintenance-off" */
	bool per_node;        /* scope: node (true) or cluster */
	bool reversible;      /* the engine can undo it before the point of no return */
	bool repeatable;      /* safe to repeat on resume */
	bool in_window;       /* happens inside the maintenance window */
	const char *summary;  /* N_() text: what it does, for the plan screen */
};

const struct hoist_step_info *hoist_step_info(const char *id);
/* All known steps, in the order of an all-at-once run; NULL-terminated by id. */
const struct hoist_step_info *hoist_step_table(void);

struct hoist_plan_node {
	char *name;      /* owned */
	char *role;      /* owned; may be NULL */
	char *transport; /* owned: "local" or "ssh://..." */
	char *url;       /* owned: the node's own address; may be NULL */
	struct hoist_version version; /* what it ran when the plan was made */
	char *shell;      /* owned: "posix", "powershell" or "cmd"; NULL: posix */
	char *remote_dir; /* owned: the node's folder for installers and backups; NULL: none */
};

struct hoist_plan_package {
	struct hoist_version version;
	char *url;       /* owned */
	char *sha256;    /* owned; lower-case hex; NULL: no checksum was given */
	long long size;  /* -1: unknown */
	/* owned: where sha256 came from, "feed" or "checksums" (the [feed] file); NULL: none */
	char *checksum_source;
	/* owned: the installer's signature check, "osslsigncode", "off" or "unavailable";
	 * NULL: the package has none (an image, a sandbox package) */
	char *signature;
};

struct hoist_plan_step {
	char *id;        /* owned: a step id of the table */
	char *node;      /* owned; NULL for a cluster step */
	struct hoist_version version; /* the hop's version for install/db-upgrade, else to */
	bool point_of_no_return;
	char *arg;       /* owned; may be NULL: e.g. the backup file of db-restore */
	/*
	 * owned; may be NULL: in a chain with required stops, the version of the hop the step
	 * belongs to; a step is identified by (id, node, hop) in the journal and on resume.
	 */
	char *hop;
};

struct hoist_plan {
	char *server_url;  /* owned */
	char *profile;     /* owned */
	char *feed;        /* owned; may be NULL */
	struct hoist_version from, to;
	struct hoist_version *stops; /* owned array: intermediate versions */
	size_t n_stops;
	enum hoist_kind kind;
	enum hoist_strategy strategy;
	struct hoist_plan_node *nodes;   /* owned array, in upgrade (role) order */
	size_t n_nodes;
	struct hoist_plan_package *packages; /* owned array: one per hop and the current one */
	size_t n_packages;
	struct hoist_plan_step *steps;   /* owned array, in order */
	size_t n_steps;
	struct hoist_evidence *evidence; /* owned array: item, path, size, sha256, time, ... */
	size_t n_evidence;
	char **overrides;  /* owned array of owned strings: what the operator overrode, why */
	size_t n_overrides;
	long long window_estimate_ms; /* from earlier runs; -1: unknown; the longest of them */
	long long window_estimate_min_ms; /* the shortest comparable run's window */
	size_t window_estimate_runs;  /* how many comparable runs it comes from; 0: none */
	char *window_estimate_run;    /* owned: the newest of them (its run id); may be NULL */
	char *journey;     /* owned; NULL: the server upgrade, else one of the other journeys */
	bool dry_run;      /* a dry run: preflight and stage only, never resumed into a real run */
};

/* The other journeys of the seeds, as plan kinds of the same engine (plan.json "journey"). */
#define HOIST_JOURNEY_TENTACLES "tentacles" /* seed 001: Tentacles in batches, health check */
#define HOIST_JOURNEY_OS_PATCH "os-patch"   /* seed 003: operating-system patching */
#define HOIST_JOURNEY_LEGACY "legacy"       /* seed 002: 2.6 to 3.x */

/* What hoist_plan_build needs; everything borrowed. */
struct hoist_plan_input {
	const char *server_url;
	const char *profile;
	const char *feed;
	struct hoist_version from, to;
	const struct hoist_version *stops;
	size_t n_stops;
	const struct hoist_plan_node *nodes; /* any order; roles decide */
	size_t n_nodes;
	const char *role_order;  /* comma-separated; NULL: seed 004's default */
	enum hoist_strategy strategy; /* AUTO: rolling for a patch, else all-at-once */
	const struct hoist_plan_package *packages;
	size_t n_packages;
	const char *const *overrides;
	size_t n_overrides;
	bool force;              /* to may equal from: a repair (seed 004's --force) */
	const char *only_node;   /* NULL: every node; else that node alone (kato node upgrade) */
};

/* The default role order (seed 004): DEA, controller, router, base, primary. */
#define HOIST_DEFAULT_ROLE_ORDER "dea,controller,router,base,primary"

enum hoist_status hoist_plan_build(const struct hoist_plan_input *in, struct hoist_plan **out,
				   struct hoist_error *err);
void hoist_plan_free(struct hoist_plan *p);

/* The node that does the once-per-cluster work (role primary, else the first). */
const struct hoist_plan_node *hoist_plan_primary(const struct hoist_plan *p);
/* The index of the point of no return (the first db-upgrade), or -1. */
long hoist_plan_pnr_index(const struct hoist_plan *p);
const char *hoist_strategy_name(enum hoist_strategy s);
enum hoist_status hoist_strategy_parse(const char *text, enum hoist_strategy *s,
				       struct hoist_error *err);

/* The plan's step of (id, node, hop), or NULL. */
const struct hoist_plan_step *hoist_plan_find_step(const struct hoist_plan *p, const char *id,
						   const char *node, const char *hop);

/* Appends a step (copied); a rollback plan is built this way. */
void hoist_plan_add_step(struct hoist_plan *p, const char *id, const char *node,
			 const struct hoist_version *version, const char *arg);

/* Adds evidence (copied). */
void hoist_plan_add_evidence(struct hoist_plan *p, const struct hoist_evidence *e);
/* Adds an override (copied) unless the plan already records the same text. */
void hoist_plan_add_override(struct hoist_plan *p, const char *text);

/* JSON: the plan file. Secrets never appear in a plan. */
char *hoist_plan_to_json(const struct hoist_plan *p);
enum hoist_status hoist_plan_from_json(const char *text, size_t len, struct hoist_plan **out,
				       struct hoist_error *err);
enum hoist_status hoist_plan_save(const struct hoist_plan *p, const char *path,
				  struct hoist_error *err);
enum hoist_status hoist_plan_load(const char *path, struct hoist_plan **out,
				  struct hoist_error *err);

#endif

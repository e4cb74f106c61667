/* run_files.h: a run's files on remote nodes and its validation gates (run_files.c, run_validate.c). */
#ifndef HOIST_RUN_FILES_H
#define HOIST_RUN_FILES_H

#include "run_int.h"

/* run_files.c */
/* Shell, environment (proxy) and scp of a node's transport, from the plan and the config. */
void run_files_setup_node(struct run *r, struct run_node *n);
/* {package} on a node: the copy in its remote folder, else the cache here (a new string). */
char *run_node_package_path(struct run *r, struct run_node *n, const struct hoist_version *v);
/*
 * After the downloads: the SHA-256 of packages without a given checksum is recorded, MSIs'
 * Authenticode signatures are checked, installers are copied to each remote node and
 * their SHA-256 checked there, and images are pulled by each node.
 */
enum hoist_status run_stage_files(struct run *r, struct hoist_error *err);
/* Before install: the installer on the node still has its SHA-256. */
enum hoist_status run_check_installer(struct run *r, struct run_node *n,
				      const struct hoist_version *v, struct hoist_error *err);
/* {backup} on a node: a path in its remote folder, or NULL when it writes here (new string). */
char *run_node_backup_path(struct run *r, struct run_node *n, const char *local);
/*
 * A backup written on a node: copied back to local and checked against the SHA-256 the
 * node computed, or kept there ([upgrade] backup_copy = false) with the node's size and
 * SHA-256; res's evidence and message say which.
 */
enum hoist_status run_backup_fetch(struct run *r, struct run_node *n, const char *local,
				   const char *remote, struct run_result *res,
				   struct hoist_error *err);
/*
 * The backup a restore on a remote node reads: "NODE:PATH" kept on that node is used
 * there; a file here is copied into the node's folder and checked there. *on_node
 * (owned) is NULL for a node that reads files here.
 */
enum hoist_status run_backup_to_node(struct run *r, struct run_node *n, const char *backup,
				     char **on_node, struct hoist_error *err);

/* run_validate.c */
/* The pre-upgrade gate, at the end of preflight: every node answers, online, none failed. */
enum hoist_status run_validate_pre(struct run *r, struct hoist_error *err);
/* The post-upgrade gate of one node: target version, online. */
enum hoist_status run_validate_node(struct run *r, struct run_node *n,
				    const struct hoist_version *want, char **message,
				    struct hoist_error *err);
/* The health-check step: a Health task over the targets, followed to its end. */
enum hoist_status run_health_check(struct run *r, struct run_result *res, struct hoist_error *err);
enum hoist_status run_op_health_check(struct run *r, struct run_node *n,
				      const struct hoist_plan_step *s, struct run_result *res,
				      struct hoist_error *err);
/*
 * A failed gate: HOIST_STATE as it is; with --ignore-validation-failures, an error line
 * in the journal ("validation failure ignored: ...") and HOIST_OK.
 */
enum hoist_status run_gate(struct run *r, const char *step, const char *node,
			   enum hoist_status st, struct hoist_error *err);

#endif

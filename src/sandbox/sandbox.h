/* sandbox.h: the parts of hoist-sandbox, a local stand-in for an Octopus Server cluster. */
#ifndef HOIST_SANDBOX_H
#define HOIST_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>
#include "error.h"

#define SB_NAME_MAX 64
#define SB_NODES_MAX 32
#define SB_DEFAULT_VERSION "2024.1.2"
#define SB_TENTACLE_LATEST "8.2.2557"

/* An open sandbox: its folder and its state database (the single source of truth). */
struct sb {
	char *dir;   /* owned */
	sqlite3 *st; /* owned: DIR/state.db */
};

struct sb_node {
	char name[SB_NAME_MAX];
	char role[SB_NAME_MAX];
	char version[SB_NAME_MAX];
	int port;
	bool running, drained, listening;
	int max_tasks;
	long long changed_ms; /* last start or stop */
	int os_patches;
};

/* state.c */
enum hoist_status sb_open(struct sb *sb, const char *dir, bool create, struct hoist_error *err);
/* A command's sandbox DIR, which must exist; false after saying on stderr why not. */
bool sb_open_cmd(struct sb *sb, const char *dir);
void sb_close(struct sb *sb);
char *sb_path(const struct sb *sb, const char *name);
long long sb_now_ms(void);
void sb_sleep_ms(long long ms);
enum hoist_status sb_exec(struct sb *sb, const char *sql, struct hoist_error *err);
void sb_begin(struct sb *sb);
void sb_commit(struct sb *sb);
void sb_rollback(struct sb *sb);
char *sb_get(struct sb *sb, const char *key);
long long sb_get_int(struct sb *sb, const char *key, long long def);
void sb_set(struct sb *sb, const char *key, const char *value);
void sb_set_int(struct sb *sb, const char *key, long long value);
size_t sb_nodes_load(struct sb *sb, struct sb_node **out); /* caller frees *out */
bool sb_node_get(struct sb *sb, const char *name, struct sb_node *out);
void sb_node_save(struct sb *sb, const struct sb_node *n);
bool sb_name_valid(const char *s);
/* Is the serve process of this sandbox alive? */
bool sb_serve_alive(struct sb *sb);

/* timeline.c: appends {"t","event","node",key:value...} to DIR/timeline.jsonl. */
void sb_timeline(struct sb *sb, const char *event, const char *node, ...)
	__attribute__((sentinel));

/* keys.c: the master key and AES-128, API keys (SHA-256 is sha256.h's). */
char *sb_base64(const unsigned char *data, size_t len);
/* Decodes base64 into out (at most cap bytes); returns the length or -1. */
int sb_unbase64(const char *text, unsigned char *out, size_t cap);
char *sb_encrypt(const unsigned char key[16], const char *plain);
char *sb_decrypt(const unsigned char key[16], const char *sealed);
void sb_random(unsigned char *out, size_t n);
char *sb_new_api_key(void);
enum hoist_status sb_master_key(struct sb *sb, unsigned char key[16], struct hoist_error *err);
/* Seeded PRNG: runs with the same seed repeat. */
unsigned long long sb_rand(unsigned long long *state);

/* db.c: the Octopus database (DIR/octopus.db) with real rows. */
enum hoist_status sb_db_create(struct sb *sb, const char *version, unsigned long long seed,
			       const unsigned char key[16], struct hoist_error *err);
enum hoist_status sb_db_schema(struct sb *sb, char **schema, struct hoist_error *err);
enum hoist_status sb_db_set_schema(struct sb *sb, const char *schema, bool migrate,
				   struct hoist_error *err);
enum hoist_status sb_db_hash(struct sb *sb, char out[65], struct hoist_error *err);
enum hoist_status sb_db_copy(const char *from, const char *to, struct hoist_error *err);
enum hoist_status sb_db_canary(struct sb *sb, const unsigned char key[16], struct hoist_error *err);
/* "MAJOR.MINOR" of a version; caller frees. */
char *sb_schema_of(const char *version);
int sb_schema_cmp(const char *a, const char *b);

/* feedgen.c: DIR/feed.json (hoist-feed/1) and its packages. */
enum hoist_status sb_feed_write(struct sb *sb, bool write_packages, struct hoist_error *err);
/* The newest version in the feed, or NULL; caller frees. */
char *sb_feed_latest(struct sb *sb);
/* The feed's facts about one release: has a sandbox package; oldest version to upgrade from. */
enum hoist_status sb_feed_release(struct sb *sb, const char *version, char **package_path,
				  char *sha256, char **upgrade_from, struct hoist_error *err);

/* nodes.c: state changes shared by ctl and the API, each written to the timeline. */
void sb_node_set_running(struct sb *sb, struct sb_node *n, bool running);
void sb_node_set_drained(struct sb *sb, struct sb_node *n, bool drained);
void sb_set_maintenance(struct sb *sb, bool on);
int sb_running_count(struct sb *sb);
char *sb_base_url(struct sb *sb);
enum hoist_status sb_write_conf(struct sb *sb, const char *self, struct hoist_error *err);

/* fault.c: faults and durations per action. */
enum sb_fault_mode { SB_FAULT_NONE, SB_FAULT_FAIL, SB_FAULT_HANG, SB_FAULT_HALF, SB_FAULT_SLOW };
/* Waits the action's duration and any fault; returns the mode that still applies. */
enum sb_fault_mode sb_fault_apply(struct sb *sb, const char *action, const char *version,
				  const char *node, volatile int *abort_flag);
/* The fault set for an action without waiting (tasks, reboots); written to the timeline. */
enum sb_fault_mode sb_fault_find(struct sb *sb, const char *action, const char *version,
				 const char *node);
long long sb_duration(struct sb *sb, const char *action);
int sb_cmd_fault(int argc, char **argv);
int sb_cmd_config(int argc, char **argv);
bool sb_durations_set(struct sb *sb, const char *list);

/* tasks.c: the task queue, its tick and its JSON. */
void sb_tasks_tick(struct sb *sb, unsigned long long *prng, long long dt_ms);
void sb_tasks_fail_node(struct sb *sb, const char *node);
int sb_tasks_running(struct sb *sb, const char *node);
/* The machine ids (numbers) a Health or Upgrade task's arguments name; *ids owned. */
size_t sb_task_machines(struct sb *sb, const char *args, long long **ids);
/* api_machines.c: the Tentacle a server version bundles, and the oldest major it talks to. */
const char *sb_tentacle_latest(const char *server);
int sb_tentacle_minimum(const char *server);
/* ctl_legacy.c: installing a Tentacle by hand on a machine (its MSI). */
int sb_ctl_tentacle_install(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
/* api_machines.c: the three environments. */
bool sb_environment_exists(struct sb *sb, const char *id);

/* from_bundle.c: a sandbox that mirrors a customer's run from a support bundle. */
struct sb_from_bundle;
enum hoist_status sb_bundle_open(const char *path, struct sb_from_bundle **out,
				 struct hoist_error *err);
void sb_bundle_close(struct sb_from_bundle *fb); /* NULL is a no-op */
/* What init takes from the bundle (borrowed from fb): nodes, names, roles, versions, durations. */
void sb_bundle_settings(const struct sb_from_bundle *fb, long *nodes, const char **names,
			const char **roles, const char **version, const char **feed_to,
			const char **durations);
/* Before the feed is written: the customer's feed slice (notes, required stops). */
enum hoist_status sb_bundle_slice(const struct sb_from_bundle *fb, struct sb *sb,
				  struct hoist_error *err);
/* After: each node's version, the customer's failure as a fault, the bundle's plan. */
enum hoist_status sb_bundle_finish(struct sb_from_bundle *fb, struct sb *sb,
				   struct hoist_error *err);
/* What was built and how to replay it, on stdout. */
void sb_bundle_print(const struct sb_from_bundle *fb, const char *dir);
/* fault.c: one fault from a spec, as `fault DIR set SPEC` takes it; 0 or 2. */
int sb_fault_add(struct sb *sb, const char *spec);
/* compare.c: `report DIR --compare FILE`: the replay against the bundle's journal. */
int sb_report_compare(const char *dir, const char *bundle, bool json);

/* The commands. */
int sb_cmd_init(int argc, char **argv, const char *self);
int sb_cmd_serve(int argc, char **argv);
int sb_cmd_ctl(int argc, char **argv);
int sb_cmd_report(int argc, char **argv);
/* ctl.c and ctl_db.c: the verbs, each (sandbox, node or NULL, further arguments, error). */
enum hoist_status sb_refuse(struct hoist_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum hoist_status sb_faulted(struct hoist_error *err, enum sb_fault_mode m, const char *verb,
			     const char *node);
char *sb_running_others(struct sb *sb, const char *except);
int sb_ctl_status(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
int sb_ctl_db_upgrade(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
int sb_ctl_show_key(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
int sb_ctl_check_key(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
int sb_ctl_backup(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
/* ctl_host.c: a node's host (seed 003) */
bool sb_host_up(struct sb *sb, const char *node);
int sb_ctl_os_patch(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
int sb_ctl_snapshot(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
int sb_ctl_reboot(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
int sb_ctl_host_up(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
/* ctl_legacy.c: the 2.6 to 3.x data migration (seed 002) */
int sb_ctl_migrate(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);
int sb_ctl_restore(struct sb *sb, struct sb_node *n, char **args, struct hoist_error *err);

#endif

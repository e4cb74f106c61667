/*
 * conf.h (hoist_config): INI file, then environment, then command line; later wins (§8).
 *
 * The file format (man/hoist.conf.5), shared with `hoist-sandbox init`:
 *
 *   [server]
 *   url = https://octopus.example.com     ; or http:// on loopback
 *   api_key_file = /etc/hoist/api-key      ; mode 0600 or 0400; never the key itself
 *   tls_verify = true
 *   ca_file = /path/ca.pem
 *   allow_http = false                     ; plain http:// beyond loopback
 *   [feed]
 *   source = https://octopus.com/download/upgrade/v3   ; or file://, a path
 *   [policy]
 *   allow = patch|minor|major
 *   minor_after = 2
 *   major_after = 3
 *   pin = 2024.1.x
 *   exclude = 2024.1.3, 2024.1.4
 *   prerelease = false
 *   [upgrade]
 *   profile = octopus-windows|octopus-linux-docker|sandbox|custom
 *   state_dir = /var/lib/hoist
 *   keep_runs = 10
 *   role_order = dea,controller,router,base,primary
 *   poll_ms = 1000                         ; how often wait-tasks asks
 *   checklist_max_age = 24h                ; evidence the operator gives must be newer
 *   wait_tasks_timeout = 1800              ; seconds wait-tasks waits at most
 *   ssh_config = /etc/hoist/ssh_config     ; given to ssh as -F for ssh:// nodes
 *   [profile]                              ; what the profile needs, e.g. for sandbox:
 *   sandbox = /usr/bin/hoist-sandbox
 *   sandbox_dir = /tmp/sb
 *   ; custom: one template per action, e.g. stop = systemctl stop octopus@{node}
 *   [node "octo1"]
 *   role = primary
 *   transport = local | ssh://user@host:port
 *   url = http://127.0.0.1:8081             ; the node's own address (ping)
 *
 * Environment: HOIST_SERVER_URL, HOIST_API_KEY, HOIST_API_KEY_FILE, HOIST_FEED,
 * HOIST_STATE_DIR. The API key is never accepted on the command line.
 */
#ifndef HOIST_CONF_H
#define HOIST_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include "policy.h"
#include "error.h"

struct hoist_node_config {
	char *name;      /* owned */
	char *role;      /* owned; "primary", "dea", ...; NULL: none */
	char *transport; /* owned; "local" or "ssh://user@host[:port]" */
	char *url;       /* owned; the node's own API address; may be NULL */
};

struct hoist_kv {
	char *section; /* owned */
	char *key;     /* owned */
	char *value;   /* owned */
};

struct hoist_config {
	char *server_url;   /* owned */
	char *api_key;      /* owned; secret: never printed, logged or journaled */
	char *api_key_file; /* owned */
	bool tls_verify;
	char *ca_file;      /* owned */
	bool allow_http;
	char *feed;         /* owned */
	struct hoist_policy policy;
	char *profile;      /* owned */
	char *state_dir;    /* owned; NULL: the default of §8 */
	int keep_runs;
	char *role_order;   /* owned; comma-separated */
	int poll_ms;        /* wait-tasks' poll interval */
	long checklist_max_age_s; /* manual evidence older than this is refused */
	int wait_tasks_timeout_s;
	char *ssh_config;   /* owned; NULL: ssh's own configuration */
	struct hoist_node_config *nodes; /* owned array, in file order */
	size_t n_nodes;
	struct hoist_kv *extra; /* owned array: every other key, e.g. [profile] */
	size_t n_extra;
	char *loaded_from;  /* owned: the last file read, for messages */
};

void hoist_config_init(struct hoist_config *c);
void hoist_config_done(struct hoist_config *c);

/* Reads one INI file over what c holds; a missing file is an error only if must_exist. */
enum hoist_status hoist_config_load_file(struct hoist_config *c, const char *path,
					 bool must_exist, struct hoist_error *err);
/* Reads INI text from memory as if from a file called name (tests, fuzzing). */
enum hoist_status hoist_config_load_text(struct hoist_config *c, const char *name,
					 const char *text, size_t len, struct hoist_error *err);
/* Applies the environment variables. */
enum hoist_status hoist_config_load_env(struct hoist_config *c, struct hoist_error *err);
/*
 * The whole order of §8: /etc/hoist/hoist.conf, $XDG_CONFIG_HOME/hoist/hoist.conf,
 * explicit_path (--config; must exist), then the environment; then reads the key file.
 */
enum hoist_status hoist_config_load(struct hoist_config *c, const char *explicit_path,
				    struct hoist_error *err);
/* The same, with a key file given on the command line (NULL: none) that overrides every
 * other key source; a configured key file is then not even read. */
enum hoist_status hoist_config_load_with_key_file(struct hoist_config *c,
						  const char *explicit_path,
						  const char *key_file, struct hoist_error *err);
/* A command-line override "section.key" = value; refuses the API key itself. */
enum hoist_status hoist_config_set(struct hoist_config *c, const char *name,
				   const char *value, struct hoist_error *err);
/* Reads a key file; refuses one readable or writable by group or others. */
enum hoist_status hoist_config_read_key_file(const char *path, char **key,
					     struct hoist_error *err);
/* An [extra] value, or NULL. */
const char *hoist_config_get(const struct hoist_config *c, const char *section,
			     const char *key);
/*
 * The state folder (DESIGN.md §8), the one rule every caller uses: $HOIST_STATE_DIR when
 * it is an absolute path, else the config's state_dir, else /var/lib/hoist for root, else
 * $XDG_STATE_HOME/hoist (when absolute), else $HOME/.local/state/hoist, else
 * /var/lib/hoist. A relative HOIST_STATE_DIR or state_dir is never used: it would name a
 * different folder from each working folder (cron's is not the operator's), so
 * hoist_config_load_env and the INI reader refuse it with an error. A new string.
 */
char *hoist_config_state_dir(const struct hoist_config *c);

#endif

/* transport.h: where a node's commands run: here (`local`) or over OpenSSH (`ssh://`). */
#ifndef HOIST_TRANSPORT_H
#define HOIST_TRANSPORT_H

#include <stdbool.h>
#include "exec.h"
#include "shell_quote.h"
#include "error.h"

enum hoist_transport_kind {
	HOIST_TRANSPORT_LOCAL,
	HOIST_TRANSPORT_SSH
};

/* A parsed transport address: "local" or "ssh://[user@]host[:port]". */
struct hoist_transport_addr {
	enum hoist_transport_kind kind;
	char *user; /* owned; NULL: ssh's configuration decides */
	char *host; /* owned; a name, IPv4 or [IPv6] (without the brackets) */
	int port;   /* 0: ssh's configuration decides */
};

void hoist_transport_addr_init(struct hoist_transport_addr *a);
void hoist_transport_addr_done(struct hoist_transport_addr *a);
/*
 * Parses strictly: the user must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,31}, the host be a
 * DNS name, IPv4 or bracketed IPv6 address, the port 1..65535; nothing else may follow.
 */
enum hoist_status hoist_transport_parse(const char *text, struct hoist_transport_addr *a,
					struct hoist_error *err);

struct hoist_transport;

/*
 * A transport for one node. control_dir (the run folder) holds the SSH ControlMaster
 * socket "ssh-%C"; NULL, or a folder whose path is too long for a socket, turns
 * connection sharing off.
 */
enum hoist_status hoist_transport_new(const char *node, const char *text,
				      const char *control_dir, struct hoist_transport **out,
				      struct hoist_error *err);
void hoist_transport_free(struct hoist_transport *t);
enum hoist_transport_kind hoist_transport_kind(const struct hoist_transport *t);
/* The address as given, for messages ("ssh://hoist@10.0.0.5:22"). */
const char *hoist_transport_text(const struct hoist_transport *t);
/* The ssh program to run (default "ssh"; tests and odd installs). */
void hoist_transport_set_ssh_program(struct hoist_transport *t, const char *program);
/* Seconds ssh waits for the connection (ConnectTimeout; default 15). */
void hoist_transport_set_connect_timeout(struct hoist_transport *t, int seconds);
/*
 * Commands run by hoist_transport_run leave a record in dir while they run (see
 * hoist_exec_options.record_dir), over SSH with the remote process's id. NULL: none.
 */
void hoist_transport_set_record_dir(struct hoist_transport *t, const char *dir);
/* One more ssh argument, given before the destination ("-i", "KEY", "-F", "FILE", ...). */
void hoist_transport_add_ssh_arg(struct hoist_transport *t, const char *arg);

/*
 * Quotes one argument for a POSIX shell on the remote side: '...' with each embedded '
 * written as '\''. Refuses (NULL) text with control characters other than tab.
 */
char *hoist_transport_quote(const char *arg);

/*
 * The argument vector that runs argv on the node: argv itself for `local`; for SSH,
 * ssh with its options, the destination, "--" and the remote command, each word quoted.
 * The caller frees it with hoist_exec_argv_free().
 */
enum hoist_status hoist_transport_argv(const struct hoist_transport *t, const char *const *argv,
				       char ***out, struct hoist_error *err);

/*
 * Runs argv on the node (see hoist_exec_run; o->node is set to the node's name). When ssh
 * itself fails (exit 255 with ssh's own complaint), the status is HOIST_NETWORK and the
 * message names the node, the address and what to check.
 */
enum hoist_status hoist_transport_run(struct hoist_transport *t, const char *const *argv,
				      const struct hoist_exec_options *o,
				      struct hoist_exec_result *r, struct hoist_error *err);

/* Checks that the node answers (runs `true` there). */
enum hoist_status hoist_transport_probe(struct hoist_transport *t, long timeout_ms,
					struct hoist_error *err);

/*
 * The node's shell (default posix): it receives the remote command as one line, written
 * by hoist_shell_command's rules for that shell.
 */
void hoist_transport_set_shell(struct hoist_transport *t, enum hoist_shell shell);
enum hoist_shell hoist_transport_shell(const struct hoist_transport *t);
/* Asks the node which shell it runs (once: HOIST_SHELL_PROBE) and sets it; SSH only. */
enum hoist_status hoist_transport_detect_shell(struct hoist_transport *t, long timeout_ms,
					       enum hoist_shell *out, struct hoist_error *err);
/* The node's name, as given to hoist_transport_new. */
const char *hoist_transport_node(const struct hoist_transport *t);
/* NAME=VALUE for every command on the node (e.g. HTTPS_PROXY); `local` runs env(1). */
void hoist_transport_add_env(struct hoist_transport *t, const char *name, const char *value);
/* The scp program for file copies (default "scp"). */
void hoist_transport_set_scp_program(struct hoist_transport *t, const char *program);

/*
 * Copies a file to the node (put) or from it (get) with scp over the run's shared SSH
 * connection; for `local` a plain copy when the paths differ. Remote paths are taken
 * literally (SFTP), with forward slashes for Windows shells.
 */
enum hoist_status hoist_transport_put(struct hoist_transport *t, const char *local,
				      const char *remote, long timeout_ms,
				      struct hoist_error *err);
enum hoist_status hoist_transport_get(struct hoist_transport *t, const char *remote,
				      const char *local, long timeout_ms,
				      struct hoist_error *err);
/* Creates a folder on the node (and its parents) if it is not there. */
enum hoist_status hoist_transport_mkdir(struct hoist_transport *t, const char *dir,
					long timeout_ms, struct hoist_error *err);
/*
 * The SHA-256 (lower-case hex) and size (-1 if unknown) of a file, computed where it is:
 * on the node by its own tools (sha256sum, Get-FileHash, certutil), here for `local`.
 */
enum hoist_status hoist_transport_file_sha256(struct hoist_transport *t, const char *path,
					      long timeout_ms, char sha[65], long long *size,
					      struct hoist_error *err);

/*
 * Free bytes where path is (or would be: its nearest existing parent) on the node: posix
 * df -Pk, powershell Get-PSDrive of the path's drive letter; -1 in *bytes when the shell
 * cannot tell (cmd, a UNC path). Here for `local`.
 */
enum hoist_status hoist_transport_free_bytes(struct hoist_transport *t, const char *path,
					     long timeout_ms, long long *bytes,
					     struct hoist_error *err);

/*
 * Over SSH: whether process pid still runs on the node (`kill -0 pid` there); false for
 * local. HOIST_NETWORK when the node cannot be asked.
 */
enum hoist_status hoist_transport_remote_running(struct hoist_transport *t, long pid,
						  bool *running, struct hoist_error *err);

/* Ends the shared SSH connection (ssh -O exit) if one was opened; a no-op for local. */
enum hoist_status hoist_transport_close(struct hoist_transport *t, struct hoist_error *err);

#endif

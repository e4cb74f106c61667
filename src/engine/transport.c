/* transport.c: local commands, and remote ones through the system's OpenSSH client. */
#include "config.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "i18n.h"
#include "rundir.h"
#include "sha256.h"
#include "shell_quote.h"
#include "stage.h"
#include "text.h"
#include "transport.h"
#include "xalloc.h"

struct hoist_transport {
	char *node;          /* owned */
	char *text;          /* owned: the address as given */
	struct hoist_transport_addr addr;
	char *control_path;  /* owned; NULL: no connection sharing */
	char *ssh_program;   /* owned */
	int connect_timeout;
	char **ssh_args;     /* owned, NULL-terminated */
	size_t n_args;
	bool used;           /* an SSH command ran: a shared connection may be open */
	enum hoist_shell shell; /* the node's shell, which receives the remote command */
	char **env;          /* owned, NULL-terminated: NAME=VALUE set for every command */
	char *scp_program;   /* owned */
	char *record_dir;    /* owned; NULL: commands leave no record */
};

void hoist_transport_addr_init(struct hoist_transport_addr *a)
{
	memset(a, 0, sizeof *a);
}

void hoist_transport_addr_done(struct hoist_transport_addr *a)
{
	if (!a)
		return;
	free(a->user);
	free(a->host);
	hoist_transport_addr_init(a);
}

static bool valid_user(const char *s, size_t n)
{
	if (n < 1 || n > 32 || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* A DNS name (or dotted IPv4): labels of letters, digits and inner hyphens. */
static bool valid_hostname(const char *s, size_t n)
{
	size_t label = 0;
	if (n < 1 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && !(s[i] == '-' && label > 0))
			return false;
		label++;
	}
	return true;
}

static bool parse_port(const char *s, int *port)
{
	long v = 0;
	size_t n = strlen(s);
	if (n < 1 || n > 5 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = (int)v;
	return true;
}

enum hoist_status hoist_transport_parse(const char *text, struct hoist_transport_addr *a,
					struct hoist_error *err)
{
	const char *rest, *at, *host, *host_end, *port = NULL;
	hoist_transport_addr_init(a);
	if (!text || !*text)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no transport given: use `local` or ssh://user@host[:port]"));
	if (strcmp(text, "local") == 0) {
		a->kind = HOIST_TRANSPORT_LOCAL;
		return HOIST_OK;
	}
	if (!hoist_skip_prefix(text, "ssh://", &rest))
		return hoist_error_set(err, HOIST_CONFIG,
				       _("transport \"%s\" is not valid: use `local` or ssh://user@host[:port]"),
				       text);
	at = strchr(rest, '@');
	host = rest;
	if (at) {
		if (!valid_user(rest, (size_t)(at - rest)))
			return hoist_error_set(err, HOIST_CONFIG,
					       _("transport \"%s\": the user name is not allowed; use letters, digits, '.', '_' and '-', starting with a letter, digit or '_'"),
					       text);
		host = at + 1;
	}
	if (*host == '[') {
		char buf[INET6_ADDRSTRLEN];
		struct in6_addr in6;
		host_end = strchr(host, ']');
		if (!host_end || (size_t)(host_end - host - 1) >= sizeof buf)
			goto bad_host;
		memcpy(buf, host + 1, (size_t)(host_end - host - 1));
		buf[host_end - host - 1] = '\0';
		if (inet_pton(AF_INET6, buf, &in6) != 1)
			goto bad_host;
		if (host_end[1] == ':')
			port = host_end + 2;
		else if (host_end[1])
			goto bad_host;
		a->host = hoist_xstrdup(buf);
	} else {
		host_end = host + strcspn(host, ":");
		if (!valid_hostname(host, (size_t)(host_end - host)))
			goto bad_host;
		if (*host_end == ':')
			port = host_end + 1;
		a->host = hoist_xstrndup(host, (size_t)(host_end - host));
	}
	if (port && !parse_port(port, &a->port)) {
		hoist_transport_addr_done(a);
		return hoist_error_set(err, HOIST_CONFIG,
				       _("transport \"%s\": the port must be a number from 1 to 65535"),
				       text);
	}
	if (at)
		a->user = hoist_xstrndup(rest, (size_t)(at - rest));
	a->kind = HOIST_TRANSPORT_SSH;
	return HOIST_OK;
bad_host:
	hoist_transport_addr_done(a);
	return hoist_error_set(err, HOIST_CONFIG,
			       _("transport \"%s\": the host is not a valid name or address (use a DNS name, an IPv4 address or [IPv6], then :port if needed)"),
			       text);
}

/* A short, stable name for the socket when ssh's %C would make the path too long. */
static unsigned long fnv1a(const char *a, const char *b)
{
	uint32_t h = 2166136261u;
	for (const char *s = a; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	h = (h ^ 0) * 16777619u;
	for (const char *s = b; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

enum hoist_status hoist_transport_new(const char *node, const char *text,
				      const char *control_dir, struct hoist_transport **out,
				      struct hoist_error *err)
{
	struct hoist_transport *t;
	struct hoist_transport_addr a;
	/* ssh adds a 17-character random suffix while it sets the socket up; sun_path holds 107 bytes. */
	const size_t room = sizeof(((struct sockaddr_un *)0)->sun_path) - 1 - 17;
	enum hoist_status st;

	*out = NULL;
	st = hoist_transport_parse(text, &a, err);
	if (st != HOIST_OK) {
		hoist_error_prefix(err, _("node %s"), node ? node : "?");
		return st;
	}
	t = hoist_xcalloc(1, sizeof *t);
	t->node = hoist_xstrdup(node ? node : "localhost");
	t->text = hoist_xstrdup(text);
	t->addr = a;
	t->ssh_program = hoist_xstrdup("ssh");
	t->scp_program = hoist_xstrdup("scp");
	t->connect_timeout = 15;
	t->ssh_args = hoist_xcalloc(1, sizeof *t->ssh_args);
	t->env = hoist_xcalloc(1, sizeof *t->env);
	if (a.kind == HOIST_TRANSPORT_SSH && control_dir && *control_dir) {
		size_t n = strlen(control_dir);
		if (n + strlen("/ssh-") + 40 <= room)
			t->control_path = hoist_xasprintf("%s/ssh-%%C", control_dir);
		else if (n + strlen("/ssh-") + 8 <= room)
			t->control_path = hoist_xasprintf("%s/ssh-%08lx", control_dir,
							  fnv1a(t->node, text));
	}
	*out = t;
	return HOIST_OK;
}

void hoist_transport_free(struct hoist_transport *t)
{
	if (!t)
		return;
	free(t->node);
	free(t->text);
	hoist_transport_addr_done(&t->addr);
	free(t->control_path);
	free(t->ssh_program);
	free(t->scp_program);
	hoist_exec_argv_free(t->ssh_args);
	hoist_exec_argv_free(t->env);
	free(t->record_dir);
	free(t);
}

enum hoist_transport_kind hoist_transport_kind(const struct hoist_transport *t)
{
	return t->addr.kind;
}

const char *hoist_transport_text(const struct hoist_transport *t)
{
	return t->text;
}

void hoist_transport_set_ssh_program(struct hoist_transport *t, const char *program)
{
	free(t->ssh_program);
	t->ssh_program = hoist_xstrdup(program);
}

void hoist_transport_set_connect_timeout(struct hoist_transport *t, int seconds)
{
	t->connect_timeout = seconds > 0 ? seconds : 15;
}

void hoist_transport_set_record_dir(struct hoist_transport *t, const char *dir)
{
	free(t->record_dir);
	t->record_dir = dir ? hoist_xstrdup(dir) : NULL;
}

void hoist_transport_add_ssh_arg(struct hoist_transport *t, const char *arg)
{
	t->ssh_args = hoist_xrealloc(t->ssh_args, (t->n_args + 2) * sizeof *t->ssh_args);
	t->ssh_args[t->n_args++] = hoist_xstrdup(arg);
	t->ssh_args[t->n_args] = NULL;
}

char *hoist_transport_quote(const char *arg)
{
	struct hoist_buf b;
	for (const unsigned char *p = (const unsigned char *)arg; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return NULL;
	hoist_buf_init(&b, 0);
	hoist_buf_puts(&b, "'");
	for (const char *p = arg; *p; p++) {
		if (*p == '\'')
			hoist_buf_puts(&b, "'\\''");
		else
			hoist_buf_append(&b, p, 1);
	}
	hoist_buf_puts(&b, "'");
	return hoist_buf_detach(&b, NULL);
}

/* Everything ssh needs before the destination; used by run and by close. */
static void ssh_prefix(const struct hoist_transport *t, char ***v, size_t *n, size_t *alloc)
{
#define PUSH(s) do { \
		*v = hoist_xgrow(*v, alloc, *n + 2, sizeof **v); \
		(*v)[(*n)++] = (s); \
		(*v)[*n] = NULL; \
	} while (0)
	PUSH(hoist_xstrdup(t->ssh_program));
	PUSH(hoist_xstrdup("-o"));
	PUSH(hoist_xstrdup("BatchMode=yes"));
	PUSH(hoist_xstrdup("-o"));
	PUSH(hoist_xasprintf("ConnectTimeout=%d", t->connect_timeout));
	if (t->control_path) {
		PUSH(hoist_xstrdup("-o"));
		PUSH(hoist_xstrdup("ControlMaster=auto"));
		PUSH(hoist_xstrdup("-o"));
		PUSH(hoist_xasprintf("ControlPath=%s", t->control_path));
		PUSH(hoist_xstrdup("-o"));
		PUSH(hoist_xstrdup("ControlPersist=60"));
	}
	if (t->addr.port) {
		PUSH(hoist_xstrdup("-p"));
		PUSH(hoist_xasprintf("%d", t->addr.port));
	}
	for (size_t i = 0; i < t->n_args; i++)
		PUSH(hoist_xstrdup(t->ssh_args[i]));
	if (t->addr.user)
		PUSH(hoist_xasprintf("%s@%s", t->addr.user, t->addr.host));
	else
		PUSH(hoist_xstrdup(t->addr.host));
#undef PUSH
}

/*
 * With remote_pid, the remote shell first says who it is on stderr, then becomes the
 * command (exec keeps the pid): a killed engine's action can then be found on the node.
 */
static enum hoist_status build_argv(const struct hoist_transport *t, const char *const *argv,
				    bool remote_pid, char ***out, struct hoist_error *err)
{
	char **v = NULL, *line;
	size_t n = 0, alloc = 0;
	enum hoist_status st;

	*out = NULL;
	if (!argv || !argv[0] || !argv[0][0])
		return hoist_error_set(err, HOIST_USAGE, _("on node %s, there is no command to run"),
				       t->node);
	if (t->addr.kind == HOIST_TRANSPORT_LOCAL) {
		size_t ne = 0, na = 0;
		if (!t->env[0]) {
			*out = hoist_exec_argv_dup(argv);
			return HOIST_OK;
		}
		/* Here: env(1) sets the variables without a shell. */
		while (t->env[ne])
			ne++;
		while (argv[na])
			na++;
		v = hoist_xcalloc(ne + na + 2, sizeof *v);
		v[0] = hoist_xstrdup("env");
		for (size_t i = 0; i < ne; i++)
			v[1 + i] = hoist_xstrdup(t->env[i]);
		for (size_t i = 0; i < na; i++)
			v[1 + ne + i] = hoist_xstrdup(argv[i]);
		*out = v;
		return HOIST_OK;
	}
	if (remote_pid && t->shell == HOIST_SHELL_POSIX) {
		/* Says its pid, then becomes the command (exec keeps the pid); the
		 * environment goes before exec, as assignments, so the command gets it. */
		struct hoist_buf cmd;
		char *words;
		hoist_buf_init(&cmd, 0);
		hoist_buf_puts(&cmd, "echo hoist-remote-pid:$$ >&2; ");
		for (size_t i = 0; t->env[i]; i++) {
			const char *eq = strchr(t->env[i], '=');
			char *q = eq ? hoist_shell_quote(t->shell, eq + 1) : NULL;
			if (!q) {
				hoist_buf_done(&cmd);
				return hoist_error_set(err, HOIST_UNSAFE,
						       _("on node %s, the environment setting %s "
							 "cannot be passed safely"),
						       t->node, t->env[i]);
			}
			hoist_buf_printf(&cmd, "%.*s=%s ", (int)(eq - t->env[i]), t->env[i], q);
			free(q);
		}
		st = hoist_shell_command(t->shell, argv, NULL, &words, err);
		if (st != HOIST_OK) {
			hoist_buf_done(&cmd);
			hoist_error_prefix(err, _("on node %s"), t->node);
			return st;
		}
		hoist_buf_printf(&cmd, "exec %s", words);
		free(words);
		line = hoist_buf_detach(&cmd, NULL);
	} else {
		/* PowerShell and cmd have no exec: their commands leave no pid line. */
		st = hoist_shell_command(t->shell, argv, (const char *const *)t->env, &line, err);
		if (st != HOIST_OK) {
			hoist_error_prefix(err, _("on node %s"), t->node);
			return st;
		}
	}
	ssh_prefix(t, &v, &n, &alloc);
	v = hoist_xgrow(v, &alloc, n + 3, sizeof *v);
	v[n++] = hoist_xstrdup("--");
	v[n++] = line;
	v[n] = NULL;
	*out = v;
	return HOIST_OK;
}

enum hoist_status hoist_transport_argv(const struct hoist_transport *t, const char *const *argv,
				       char ***out, struct hoist_error *err)
{
	return build_argv(t, argv, false, out, err);
}

/* ssh's own failures (exit 255), told apart from a remote command exiting with 255. */
enum ssh_failure { SSH_NONE, SSH_AUTH, SSH_HOSTKEY, SSH_CONNECT, SSH_OTHER };

static enum ssh_failure classify(const struct hoist_exec_result *r)
{
	const char *s = r->last_stderr;
	if (!r->exited || r->exit_code != 255 || !s)
		return SSH_NONE;
	if (strstr(s, "Permission denied") || strstr(s, "Too many authentication failures"))
		return SSH_AUTH;
	if (strstr(s, "Host key verification failed") || strstr(s, "HOST IDENTIFICATION"))
		return SSH_HOSTKEY;
	if (strstr(s, "Connection refused") || strstr(s, "timed out") ||
	    strstr(s, "No route to host") || strstr(s, "Could not resolve hostname") ||
	    strstr(s, "Network is unreachable") || strstr(s, "Name or service not known"))
		return SSH_CONNECT;
	if (hoist_skip_prefix(s, "ssh:", NULL) || strstr(s, "kex_exchange_identification") ||
	    strstr(s, "Connection closed by") || strstr(s, "Connection reset") ||
	    strstr(s, "Control socket"))
		return SSH_OTHER;
	return SSH_NONE;
}

static enum hoist_status ssh_error(const struct hoist_transport *t, enum ssh_failure f,
				   const char *why, struct hoist_error *err)
{
	switch (f) {
	case SSH_AUTH:
		return hoist_error_set(err, HOIST_NETWORK,
				       _("cannot reach %s over SSH (%s): %s; check that the key is loaded in your agent or named with ssh_identity, and that this user may log in there"),
				       t->node, t->text, why);
	case SSH_HOSTKEY:
		return hoist_error_set(err, HOIST_NETWORK,
				       _("cannot reach %s over SSH (%s): %s; the node's host key is unknown or has changed: compare its fingerprint with the node's own and add it to known_hosts"),
				       t->node, t->text, why);
	case SSH_CONNECT:
		return hoist_error_set(err, HOIST_NETWORK,
				       _("cannot reach %s over SSH (%s): %s; check the host name and port, that sshd runs on the node and that no firewall is in the way"),
				       t->node, t->text, why);
	default:
		return hoist_error_set(err, HOIST_NETWORK,
				       _("cannot reach %s over SSH (%s): %s; try `ssh -v` to that address by hand to see why"),
				       t->node, t->text, why);
	}
}

enum hoist_status hoist_transport_run(struct hoist_transport *t, const char *const *argv,
				      const struct hoist_exec_options *o,
				      struct hoist_exec_result *r, struct hoist_error *err)
{
	struct hoist_exec_options opts;
	struct hoist_exec_result local;
	enum hoist_status st;
	enum ssh_failure f;
	char **v;

	if (o)
		opts = *o;
	else
		hoist_exec_options_init(&opts);
	if (!opts.record_dir)
		opts.record_dir = t->record_dir;
	opts.remote_pid_line = opts.record_dir && t->addr.kind == HOIST_TRANSPORT_SSH;
	st = build_argv(t, argv, opts.remote_pid_line, &v, err);
	if (st != HOIST_OK)
		return st;
	opts.node = t->node;
	if (!opts.action)
		opts.action = argv[0];
	if (!r) {
		hoist_exec_result_init(&local);
		r = &local;
	}
	if (t->addr.kind == HOIST_TRANSPORT_SSH)
		t->used = true;
	st = hoist_exec_run((const char *const *)v, &opts, r, err);
	hoist_exec_argv_free(v);
	if (t->addr.kind == HOIST_TRANSPORT_SSH && st == HOIST_COMMAND &&
	    (f = classify(r)) != SSH_NONE)
		st = ssh_error(t, f, r->last_stderr, err);
	if (r == &local)
		hoist_exec_result_done(&local);
	return st;
}

static enum hoist_status run_line(struct hoist_transport *t, const char *line,
				  const char *action, long timeout_ms,
				  struct hoist_exec_result *r, struct hoist_error *err);

enum hoist_status hoist_transport_probe(struct hoist_transport *t, long timeout_ms,
					struct hoist_error *err)
{
	const char *argv[] = { "true", NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	char *dir = t->record_dir;
	enum hoist_status st;
	if (t->addr.kind == HOIST_TRANSPORT_SSH && t->shell != HOIST_SHELL_POSIX) {
		/* Windows has no `true`: each shell's own way to succeed. */
		hoist_exec_result_init(&r);
		st = run_line(t, t->shell == HOIST_SHELL_CMD ? "exit /b 0" : "exit 0", "probe",
			      timeout_ms, &r, err);
		hoist_exec_result_done(&r);
		return st;
	}
	hoist_exec_options_init(&o);
	o.action = "probe";
	o.timeout_ms = timeout_ms;
	t->record_dir = NULL; /* `true` changes nothing: nobody needs to wait for it */
	st = hoist_transport_run(t, argv, &o, NULL, err);
	t->record_dir = dir;
	return st;
}

enum hoist_status hoist_transport_remote_running(struct hoist_transport *t, long pid,
						  bool *running, struct hoist_error *err)
{
	char num[32];
	const char *argv[] = { "kill", "-0", num, NULL };
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	char *dir = t->record_dir;
	enum hoist_status st;
	*running = false;
	if (t->addr.kind != HOIST_TRANSPORT_SSH || pid < 2)
		return HOIST_OK;
	snprintf(num, sizeof num, "%ld", pid);
	hoist_exec_options_init(&o);
	o.action = "kill -0";
	o.timeout_ms = 20000;
	hoist_exec_result_init(&r);
	t->record_dir = NULL; /* a probe leaves no record */
	st = hoist_transport_run(t, argv, &o, &r, err);
	t->record_dir = dir;
	if (st == HOIST_OK)
		*running = true;
	else if (st == HOIST_COMMAND)
		st = HOIST_OK; /* no such process */
	hoist_exec_result_done(&r);
	return st;
}

enum hoist_status hoist_transport_close(struct hoist_transport *t, struct hoist_error *err)
{
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	enum hoist_status st;
	char **v = NULL;
	size_t n = 0, alloc = 0;

	if (!t || t->addr.kind != HOIST_TRANSPORT_SSH || !t->control_path || !t->used)
		return HOIST_OK;
	ssh_prefix(t, &v, &n, &alloc);
	/* "-O exit" must come before the destination. */
	v = hoist_xgrow(v, &alloc, n + 3, sizeof *v);
	v[n + 1] = v[n - 1];
	v[n - 1] = hoist_xstrdup("-O");
	v[n] = hoist_xstrdup("exit");
	v[n + 2] = NULL;
	hoist_exec_options_init(&o);
	o.node = t->node;
	o.action = "ssh -O exit";
	o.timeout_ms = 10000;
	hoist_exec_result_init(&r);
	st = hoist_exec_run((const char *const *)v, &o, &r, NULL);
	hoist_exec_argv_free(v);
	/* No master to end (it timed out by itself, or never started) is fine. */
	if (st == HOIST_COMMAND && r.last_stderr &&
	    (strstr(r.last_stderr, "No such file") || strstr(r.last_stderr, "Connection refused")))
		st = HOIST_OK;
	if (st != HOIST_OK)
		st = hoist_error_set(err, st,
				     _("on node %s, the shared SSH connection did not close: %s"),
				     t->node, r.last_stderr ? r.last_stderr : hoist_strerror(st));
	else
		t->used = false;
	hoist_exec_result_done(&r);
	return st;
}

/* ---- the node's shell, its environment, and files to and from it ---- */

void hoist_transport_set_shell(struct hoist_transport *t, enum hoist_shell shell)
{
	t->shell = shell;
}

enum hoist_shell hoist_transport_shell(const struct hoist_transport *t)
{
	return t->shell;
}

const char *hoist_transport_node(const struct hoist_transport *t)
{
	return t->node;
}

void hoist_transport_add_env(struct hoist_transport *t, const char *name, const char *value)
{
	size_t n = 0;
	while (t->env[n])
		n++;
	t->env = hoist_xrealloc(t->env, (n + 2) * sizeof *t->env);
	t->env[n] = hoist_xasprintf("%s=%s", name, value);
	t->env[n + 1] = NULL;
}

void hoist_transport_set_scp_program(struct hoist_transport *t, const char *program)
{
	free(t->scp_program);
	t->scp_program = hoist_xstrdup(program);
}

/* Runs one line already in the node's shell syntax (SSH only). */
static enum hoist_status run_line(struct hoist_transport *t, const char *line,
				  const char *action, long timeout_ms,
				  struct hoist_exec_result *r, struct hoist_error *err)
{
	struct hoist_exec_options o;
	enum hoist_status st;
	enum ssh_failure f;
	char **v = NULL;
	size_t n = 0, alloc = 0;
	ssh_prefix(t, &v, &n, &alloc);
	v = hoist_xgrow(v, &alloc, n + 3, sizeof *v);
	v[n++] = hoist_xstrdup("--");
	v[n++] = hoist_xstrdup(line);
	v[n] = NULL;
	hoist_exec_options_init(&o);
	o.node = t->node;
	o.action = action;
	o.timeout_ms = timeout_ms;
	t->used = true;
	st = hoist_exec_run((const char *const *)v, &o, r, err);
	hoist_exec_argv_free(v);
	if (st == HOIST_COMMAND && (f = classify(r)) != SSH_NONE)
		st = ssh_error(t, f, r->last_stderr, err);
	return st;
}

/* The line that prints a file's SHA-256 and then its size, in the node's shell. */
static char *hash_line(const struct hoist_transport *t, const char *path)
{
	char *q = hoist_shell_quote(t->shell, path), *line;
	if (!q)
		return NULL;
	switch (t->shell) {
	case HOIST_SHELL_POWERSHELL:
		line = hoist_xasprintf("(Get-FileHash -Algorithm SHA256 -LiteralPath %s).Hash; "
				       "(Get-Item -LiteralPath %s).Length",
				       q, q);
		break;
	case HOIST_SHELL_CMD:
		line = hoist_xasprintf("certutil -hashfile %s SHA256 && for %%I in (%s) do @echo %%~zI",
				       q, q);
		break;
	default:
		line = hoist_xasprintf("sha256sum -- %s && wc -c < %s", q, q);
	}
	free(q);
	return line;
}

/* The first 64 hex digits in text (spaces between pairs allowed: old certutil), then a size. */
static bool parse_hash(const char *text, char sha[65], long long *size)
{
	for (const char *p = text; *p; p++) {
		size_t k = 0;
		const char *q = p;
		while (*q && k < 64) {
			char c = *q;
			if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
				sha[k++] = (char)(c >= 'A' && c <= 'F' ? c + 32 : c);
			else if (c != ' ' || !k)
				break;
			q++;
		}
		if (k == 64 && !((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f'))) {
			sha[64] = '\0';
			*size = -1;
			/* The size: the first line after the hash that is a number alone. */
			for (q = strchr(q, '\n'); q && *q; q = strchr(q, '\n')) {
				char *end;
				long long v;
				q++;
				while (*q == ' ' || *q == '\r')
					q++;
				v = strtoll(q, &end, 10);
				while (*end == ' ' || *end == '\r')
					end++;
				if (end != q && (*end == '\n' || !*end) && v >= 0) {
					*size = v;
					break;
				}
			}
			return true;
		}
	}
	return false;
}

enum hoist_status hoist_transport_file_sha256(struct hoist_transport *t, const char *path,
					      long timeout_ms, char sha[65], long long *size,
					      struct hoist_error *err)
{
	struct hoist_exec_result r;
	enum hoist_status st;
	char *line;
	if (t->addr.kind == HOIST_TRANSPORT_LOCAL)
		return hoist_sha256_file(path, sha, size, err);
	line = hash_line(t, path);
	if (!line)
		return hoist_error_set(err, HOIST_UNSAFE,
				       _("on node %s, the path %s cannot be passed safely to its %s "
					 "shell"),
				       t->node, path, hoist_shell_name(t->shell));
	hoist_exec_result_init(&r);
	st = run_line(t, line, "sha256", timeout_ms, &r, err);
	free(line);
	if (st == HOIST_OK && !parse_hash(hoist_buf_cstr(&r.out), sha, size))
		st = hoist_error_set(err, HOIST_STATE,
				     _("on node %s, the SHA-256 of %s could not be read from: %.200s"),
				     t->node, path, hoist_buf_cstr(&r.out));
	hoist_exec_result_done(&r);
	return st;
}

enum hoist_status hoist_transport_mkdir(struct hoist_transport *t, const char *dir,
					long timeout_ms, struct hoist_error *err)
{
	struct hoist_exec_result r;
	enum hoist_status st;
	char *q, *line;
	char *d;
	size_t n;
	if (t->addr.kind == HOIST_TRANSPORT_LOCAL)
		return hoist_rundir_make_dirs(dir, 0700, err);
	/* "C:\hoist\" would end PowerShell's quoting badly; the folder is the same without. */
	d = hoist_xstrdup(dir);
	n = strlen(d);
	while (n > 1 && (d[n - 1] == '\\' || d[n - 1] == '/') && d[n - 2] != ':')
		d[--n] = '\0';
	q = hoist_shell_quote(t->shell, d);
	free(d);
	if (!q)
		return hoist_error_set(err, HOIST_UNSAFE,
				       _("on node %s, the path %s cannot be passed safely to its %s "
					 "shell"),
				       t->node, dir, hoist_shell_name(t->shell));
	switch (t->shell) {
	case HOIST_SHELL_POWERSHELL:
		line = hoist_xasprintf("New-Item -ItemType Directory -Force -Path %s | Out-Null", q);
		break;
	case HOIST_SHELL_CMD:
		line = hoist_xasprintf("if not exist %s mkdir %s", q, q);
		break;
	default:
		line = hoist_xasprintf("mkdir -p -- %s", q);
	}
	free(q);
	hoist_exec_result_init(&r);
	st = run_line(t, line, "mkdir", timeout_ms, &r, err);
	free(line);
	hoist_exec_result_done(&r);
	return st;
}

/* Control characters, or a leading '-' that scp would take for an option. */
static bool has_bad_path_char(const char *s)
{
	if (!*s || *s == '-')
		return true;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

/* A local copy (a `local` node's folder that is not the cache), 0600. */
static enum hoist_status copy_file(const char *from, const char *to, struct hoist_error *err)
{
	char buf[65536];
	ssize_t n;
	enum hoist_status st = HOIST_OK;
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	if (in < 0)
		return hoist_error_set(err, HOIST_IO, _("cannot read %s: %s"), from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return hoist_error_set(err, HOIST_IO, _("cannot write %s: %s"), to, strerror(errno));
	}
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				st = hoist_error_set(err, HOIST_IO, _("cannot write %s: %s"), to,
						     strerror(errno));
				n = -2;
				break;
			}
			off += w;
		}
		if (n < 0)
			break;
	}
	if (n == -1)
		st = hoist_error_set(err, HOIST_IO, _("cannot read %s: %s"), from, strerror(errno));
	close(in);
	if (close(out) != 0 && st == HOIST_OK)
		st = hoist_error_set(err, HOIST_IO, _("cannot write %s: %s"), to, strerror(errno));
	return st;
}

/*
 * scp over the same ControlMaster socket as the commands: one connection per run.
 * SFTP (scp's default protocol) takes the remote path literally, without a shell;
 * Windows' sftp-server wants forward slashes.
 */
static enum hoist_status scp(struct hoist_transport *t, const char *from, const char *to,
			     bool upload, long timeout_ms, struct hoist_error *err)
{
	const char *remote = upload ? to : from;
	char **v = NULL, *rpath, *target;
	size_t n = 0, alloc = 0;
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	enum hoist_status st;
	enum ssh_failure f;

	rpath = hoist_xstrdup(remote);
	if (t->shell != HOIST_SHELL_POSIX)
		for (char *p = rpath; *p; p++)
			if (*p == '\\')
				*p = '/';
	if (has_bad_path_char(rpath)) {
		free(rpath);
		return hoist_error_set(err, HOIST_UNSAFE,
				       _("on node %s, the path %s cannot be copied safely"), t->node,
				       remote);
	}
	ssh_prefix(t, &v, &n, &alloc);
	/* scp: its own program, -P for the port, and user@host:path for the node's side. */
	free(v[0]);
	v[0] = hoist_xstrdup(t->scp_program);
	for (size_t i = 1; i + 1 < n; i++)
		if (!strcmp(v[i], "-p") && i + 1 < n - 1) {
			v[i][1] = 'P';
			break;
		}
	target = t->addr.user ? hoist_xasprintf(strchr(t->addr.host, ':') ? "%s@[%s]:%s" : "%s@%s:%s",
						t->addr.user, t->addr.host, rpath)
			      : hoist_xasprintf(strchr(t->addr.host, ':') ? "[%s]:%s" : "%s:%s",
						t->addr.host, rpath);
	free(v[n - 1]);
	v[n - 1] = hoist_xstrdup("-q");
	v = hoist_xgrow(v, &alloc, n + 6, sizeof *v);
	if (strcmp(t->ssh_program, "ssh")) {
		/* The same ssh program as the commands (-S). */
		v[n++] = hoist_xstrdup("-S");
		v[n++] = hoist_xstrdup(t->ssh_program);
	}
	v[n++] = hoist_xstrdup("--");
	v[n++] = upload ? hoist_xstrdup(from) : target;
	v[n++] = upload ? target : hoist_xstrdup(to);
	v[n] = NULL;
	free(rpath);
	hoist_exec_options_init(&o);
	o.node = t->node;
	o.action = upload ? "scp (to the node)" : "scp (from the node)";
	o.timeout_ms = timeout_ms;
	hoist_exec_result_init(&r);
	t->used = true;
	st = hoist_exec_run((const char *const *)v, &o, &r, err);
	hoist_exec_argv_free(v);
	if (st == HOIST_COMMAND && (f = classify(&r)) != SSH_NONE)
		st = ssh_error(t, f, r.last_stderr, err);
	hoist_exec_result_done(&r);
	return st;
}

enum hoist_status hoist_transport_put(struct hoist_transport *t, const char *local,
				      const char *remote, long timeout_ms,
				      struct hoist_error *err)
{
	if (t->addr.kind == HOIST_TRANSPORT_LOCAL)
		return strcmp(local, remote) ? copy_file(local, remote, err) : HOIST_OK;
	return scp(t, local, remote, true, timeout_ms, err);
}

enum hoist_status hoist_transport_get(struct hoist_transport *t, const char *remote,
				      const char *local, long timeout_ms,
				      struct hoist_error *err)
{
	if (t->addr.kind == HOIST_TRANSPORT_LOCAL)
		return strcmp(local, remote) ? copy_file(remote, local, err) : HOIST_OK;
	return scp(t, remote, local, false, timeout_ms, err);
}

enum hoist_status hoist_transport_detect_shell(struct hoist_transport *t, long timeout_ms,
					       enum hoist_shell *out, struct hoist_error *err)
{
	struct hoist_exec_result r;
	enum hoist_status st;
	*out = t->shell;
	if (t->addr.kind != HOIST_TRANSPORT_SSH)
		return HOIST_OK;
	hoist_exec_result_init(&r);
	st = run_line(t, HOIST_SHELL_PROBE, "shell probe", timeout_ms, &r, err);
	if (st == HOIST_OK)
		st = hoist_shell_detect_parse(hoist_buf_cstr(&r.out), out, err);
	if (st == HOIST_OK)
		t->shell = *out;
	else
		hoist_error_prefix(err, _("on node %s"), t->node);
	hoist_exec_result_done(&r);
	return st;
}

enum hoist_status hoist_transport_free_bytes(struct hoist_transport *t, const char *path,
					     long timeout_ms, long long *bytes,
					     struct hoist_error *err)
{
	struct hoist_exec_result r;
	enum hoist_status st;
	char *q, *line = NULL;
	*bytes = -1;
	if (t->addr.kind == HOIST_TRANSPORT_LOCAL) {
		*bytes = hoist_stage_free_bytes(path);
		return HOIST_OK;
	}
	if (t->shell == HOIST_SHELL_CMD)
		return HOIST_OK;
	if (t->shell == HOIST_SHELL_POWERSHELL) {
		if (!isalpha((unsigned char)path[0]) || path[1] != ':')
			return HOIST_OK;
		line = hoist_xasprintf("(Get-PSDrive -Name %c).Free", path[0]);
	} else {
		if (!(q = hoist_shell_quote(t->shell, path)))
			return hoist_error_set(err, HOIST_UNSAFE,
					       _("on node %s, the path %s cannot be passed safely to "
						 "its %s shell"),
					       t->node, path, hoist_shell_name(t->shell));
		/* The folder may not be there yet: the nearest parent that is tells. */
		line = hoist_xasprintf("d=%s; while [ ! -e \"$d\" ]; do d=$(dirname -- \"$d\"); done; "
				       "df -Pk -- \"$d\"",
				       q);
		free(q);
	}
	hoist_exec_result_init(&r);
	st = run_line(t, line, "free space", timeout_ms, &r, err);
	if (st == HOIST_OK) {
		const char *out = hoist_buf_cstr(&r.out);
		long long v[4];
		if (t->shell == HOIST_SHELL_POWERSHELL) {
			char *end;
			long long b = strtoll(out, &end, 10);
			if (end != out && b >= 0)
				*bytes = b;
		} else if ((out = strchr(out, '\n')) &&
			   sscanf(out + 1, "%*s %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3]) == 4) {
			*bytes = v[2] * 1024;
		}
	}
	hoist_exec_result_done(&r);
	free(line);
	return st;
}

/* transport.c: local commands, and remote ones through the system's OpenSSH client. */
#include "config.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include "i18n.h"
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
	if (strncmp(text, "ssh://", 6) != 0)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("transport \"%s\" is not valid: use `local` or ssh://user@host[:port]"),
				       text);
	rest = text + 6;
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
	t->connect_timeout = 15;
	t->ssh_args = hoist_xcalloc(1, sizeof *t->ssh_args);
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
	hoist_exec_argv_free(t->ssh_args);
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
	struct hoist_buf cmd;
	char **v = NULL;
	size_t n = 0, alloc = 0;

	*out = NULL;
	if (!argv || !argv[0] || !argv[0][0])
		return hoist_error_set(err, HOIST_USAGE, _("on node %s, there is no command to run"),
				       t->node);
	if (t->addr.kind == HOIST_TRANSPORT_LOCAL) {
		*out = hoist_exec_argv_dup(argv);
		return HOIST_OK;
	}
	hoist_buf_init(&cmd, 0);
	if (remote_pid)
		hoist_buf_puts(&cmd, "echo hoist-remote-pid:$$ >&2; exec ");
	for (size_t i = 0; argv[i]; i++) {
		char *q = hoist_transport_quote(argv[i]);
		if (!q) {
			hoist_buf_done(&cmd);
			return hoist_error_set(err, HOIST_UNSAFE,
					       _("on node %s, argument %zu of `%s` holds a control character and cannot be passed over SSH safely"),
					       t->node, i + 1, argv[0]);
		}
		if (i)
			hoist_buf_puts(&cmd, " ");
		hoist_buf_puts(&cmd, q);
		free(q);
	}
	ssh_prefix(t, &v, &n, &alloc);
	v = hoist_xgrow(v, &alloc, n + 3, sizeof *v);
	v[n++] = hoist_xstrdup("--");
	v[n++] = hoist_buf_detach(&cmd, NULL);
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
	if (strncmp(s, "ssh:", 4) == 0 || strstr(s, "kex_exchange_identification") ||
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

enum hoist_status hoist_transport_probe(struct hoist_transport *t, long timeout_ms,
					struct hoist_error *err)
{
	const char *argv[] = { "true", NULL };
	struct hoist_exec_options o;
	char *dir = t->record_dir;
	enum hoist_status st;
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

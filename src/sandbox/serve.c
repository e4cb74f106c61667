/* serve.c: `hoist-sandbox serve`: a load balancer port and one port per running node. */
#include "config.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "api.h"
#include "buf.h"
#include "i18n.h"
#include "xalloc.h"

#define TICK_MS 20
#define BODY_CAP (1 << 20)

/* One listening port: the load balancer (node "") or one node. */
struct listener {
	char node[SB_NAME_MAX];
	struct MHD_Daemon *d;
	volatile int closing; /* set before the daemon stops: hanging requests give up */
};

struct conn {
	struct hoist_buf body;
	bool too_big;
};

/* The server's settings, fixed once serve has started; read by every request thread. */
static struct {
	const char *dir;
	struct in_addr addr;
	double flaky;
	long long latency;
	unsigned long long seed;
	unsigned long counter; /* requests so far: drives flakiness and the balancer's turn */
} cfg;
static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static enum MHD_Result send_json(struct MHD_Connection *c, int status, cJSON *o, const char *node)
{
	char *text = cJSON_PrintUnformatted(o);
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), text,
								    MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	if (node && *node)
		MHD_add_response_header(resp, "X-Octopus-Node", node);
	ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
	struct sb_req r = { 0 };
	enum MHD_Result ret;
	sb_api_error(&r, status, msg);
	ret = send_json(c, status, r.out, NULL);
	cJSON_Delete(r.out);
	return ret;
}

/* /feed.json and /packages/NAME: what octopus.com's download site is to a real server. */
static bool send_file(struct MHD_Connection *c, const char *url, enum MHD_Result *ret)
{
	char *path;
	int fd;
	off_t size;
	struct MHD_Response *resp;
	if (!strcmp(url, "/feed.json")) {
		path = hoist_xasprintf("%s/feed.json", cfg.dir);
	} else if (!strncmp(url, "/packages/", 10) && url[10] != '.' &&
		   strspn(url + 10, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789._-") == strlen(url + 10) && url[10]) {
		path = hoist_xasprintf("%s%s", cfg.dir, url);
	} else {
		return false;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0 || (size = lseek(fd, 0, SEEK_END)) < 0) {
		if (fd >= 0)
			close(fd);
		*ret = send_error(c, 404, "The resource you requested was not found.");
		return true;
	}
	resp = MHD_create_response_from_fd((uint64_t)size, fd);
	MHD_add_response_header(resp, "Content-Type", url[1] == 'f' ? "application/json" :
				"application/octet-stream");
	*ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return true;
}

/* The balancer's choice: running nodes that take tasks first, then drained ones, in turn. */
static bool choose_node(struct sb *sb, const char *name, struct sb_node *out, unsigned long turn)
{
	struct sb_node *nodes;
	size_t n, pick = 0, candidates = 0;
	if (*name)
		return sb_node_get(sb, name, out) && out->running;
	n = sb_nodes_load(sb, &nodes);
	for (int pass = 0; pass < 2 && !candidates; pass++) {
		for (size_t i = 0; i < n; i++)
			candidates += nodes[i].running && nodes[i].drained == pass;
		for (size_t i = 0, k = 0; i < n && candidates; i++)
			if (nodes[i].running && nodes[i].drained == pass && k++ == turn % candidates)
				pick = i;
	}
	if (candidates)
		*out = nodes[pick];
	free(nodes);
	return candidates > 0;
}

static int authorise(struct sb *sb, struct MHD_Connection *c)
{
	const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Octopus-ApiKey");
	char hex[65], *admin, *user;
	int level = 0;
	if (!key)
		key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ApiKey");
	if (!key || !*key)
		return 0;
	sb_sha256_hex(key, strlen(key), hex);
	admin = sb_get(sb, "key_admin_sha256");
	user = sb_get(sb, "key_user_sha256");
	level = admin && !strcmp(admin, hex) ? 2 : user && !strcmp(user, hex) ? 1 : 0;
	free(admin);
	free(user);
	return level;
}

static enum MHD_Result dispatch(struct listener *l, struct MHD_Connection *c, const char *url,
				const char *method, struct conn *cn)
{
	struct sb sb;
	struct sb_req r = { 0 };
	char *path = hoist_xstrdup(url), *p;
	unsigned long n = __atomic_fetch_add(&cfg.counter, 1, __ATOMIC_RELAXED);
	unsigned long long rs = cfg.seed ^ (n * 0x9e3779b97f4a7c15ULL);
	enum MHD_Result ret;
	int level;
	size_t len = strlen(path);
	sb_sleep_ms(cfg.latency);
	if (cfg.flaky > 0 && (double)(sb_rand(&rs) % 1000000) / 1e6 < cfg.flaky) {
		free(path);
		return send_error(c, 503, "Service Unavailable: the load balancer dropped this"
				  " request (hoist-sandbox --flaky).");
	}
	if (send_file(c, url, &ret)) {
		free(path);
		return ret;
	}
	if (sb_open(&sb, cfg.dir, false, NULL) != HOIST_OK) {
		free(path);
		return send_error(c, 500, "The sandbox state cannot be opened.");
	}
	if (!choose_node(&sb, l->node, &r.node, n)) {
		sb_close(&sb);
		free(path);
		/* A node that was just stopped drops the connection like a closed port would. */
		return *l->node ? MHD_NO : send_error(c, 503, "Service Unavailable: no Octopus Server"
						     " node is running behind the load balancer.");
	}
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	/* /api/Spaces-1/x is /api/x: the sandbox has one space. */
	if (!strncasecmp(path, "/api/Spaces-", 12)) {
		p = path + 5 + strcspn(path + 5, "/");
		if (strncasecmp(path + 5, "Spaces-1", 8) || (path[13] && path[13] != '/'))
			r.status = 404;
		memmove(path + 4, p, strlen(p) + 1);
	}
	r.sb = &sb;
	r.conn = c;
	r.method = method;
	r.path = path;
	r.body = cn->body.data;
	r.body_len = cn->body.len;
	r.stopping = &l->closing;
	level = authorise(&sb, c);
	r.admin = level == 2;
	if (!level && !sb_api_anonymous(method, path))
		sb_api_error(&r, 401, "You must be logged in to perform this action. Please provide"
			     " a valid API key or log in again.");
	else if (r.status == 404)
		sb_api_error(&r, 404, "The space you requested was not found.");
	else if (cn->too_big)
		sb_api_error(&r, 413, "The request body is too large.");
	else
		sb_api_handle(&r);
	ret = send_json(c, r.status, r.out, r.node.name);
	cJSON_Delete(r.out);
	sb_close(&sb);
	free(path);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct conn *cn = *con_cls;
	if (!cn) {
		cn = hoist_xcalloc(1, sizeof *cn);
		hoist_buf_init(&cn->body, BODY_CAP);
		*con_cls = cn;
		return MHD_YES;
	}
	if (*upload_size) {
		if (hoist_buf_append(&cn->body, upload, *upload_size) != HOIST_OK)
			cn->too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	return dispatch(cls, c, url, method, cn);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;
	if (cn) {
		hoist_buf_done(&cn->body);
		free(cn);
	}
	*con_cls = NULL;
}

static struct MHD_Daemon *listen_on(struct listener *l, int port)
{
	struct sockaddr_in sa = { 0 };
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr = cfg.addr;
	l->closing = 0;
	return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_ITC, (uint16_t)port, NULL, NULL, handle, l,
				MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
				MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				MHD_OPTION_CONNECTION_TIMEOUT, 60U, MHD_OPTION_END);
}

/* The port closes at once (quiesce), then in-flight requests finish. */
static void stop_listening(struct listener *l)
{
	MHD_socket fd;
	if (!l->d)
		return;
	l->closing = 1;
	fd = MHD_quiesce_daemon(l->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	MHD_stop_daemon(l->d);
	l->d = NULL;
}

static int bound_port(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

static void set_listening(struct sb *sb, const char *node, bool on, int port)
{
	sqlite3_stmt *s;
	sqlite3_prepare_v2(sb->st, "UPDATE nodes SET listening = ?, port = ? WHERE name = ?", -1,
			   &s, NULL);
	sqlite3_bind_int(s, 1, on);
	sqlite3_bind_int(s, 2, port);
	sqlite3_bind_text(s, 3, node, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
}

/* Makes the listening ports follow the state: a stopped node's port really closes. */
static void sync_nodes(struct sb *sb, struct listener **ls, size_t *nls)
{
	struct sb_node *nodes;
	size_t n = sb_nodes_load(sb, &nodes);
	/* The listeners never move: their addresses are the daemons' closures. */
	if (!*ls)
		*ls = hoist_xcalloc(SB_NODES_MAX, sizeof **ls);
	if (n > SB_NODES_MAX)
		n = SB_NODES_MAX;
	if (n > *nls)
		*nls = n;
	for (size_t i = 0; i < n; i++) {
		struct listener *l = &(*ls)[i];
		snprintf(l->node, sizeof l->node, "%s", nodes[i].name);
		if (nodes[i].running && !l->d) {
			int port = nodes[i].port;
			if (!(l->d = listen_on(l, port)) && (l->d = listen_on(l, 0))) {
				char *self = sb_get(sb, "self");
				port = bound_port(l->d);
				fprintf(stderr, _("hoist-sandbox: port %d was taken; node %s now"
						  " listens on port %d\n"), nodes[i].port,
					nodes[i].name, port);
				set_listening(sb, nodes[i].name, true, port);
				sb_write_conf(sb, self ? self : "hoist-sandbox", NULL);
				free(self);
			}
			set_listening(sb, nodes[i].name, l->d != NULL, port);
		} else if (!nodes[i].running && l->d) {
			stop_listening(l);
			set_listening(sb, nodes[i].name, false, nodes[i].port);
		}
	}
	free(nodes);
}

static int usage(void)
{
	fprintf(stderr, _("usage: hoist-sandbox serve DIR [--port P] [--flaky FRACTION]"
			  " [--latency MS] [--listen ADDR]\n"));
	return 2;
}

int sb_cmd_serve(int argc, char **argv)
{
	struct sb sb;
	struct hoist_error err;
	struct listener lb = { "", NULL, 0 }, *ls = NULL;
	size_t nls = 0;
	long port = -1;
	const char *listen_addr = "127.0.0.1";
	char *url, *path, *self;
	unsigned long long prng;
	FILE *f;
	struct sigaction sa = { 0 };
	if (argc < 2)
		return usage();
	for (int i = 2; i < argc; i++) {
		char *end = NULL;
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--port"))
			port = strtol(argv[++i], &end, 10);
		else if (!strcmp(argv[i], "--flaky"))
			cfg.flaky = strtod(argv[++i], &end);
		else if (!strcmp(argv[i], "--latency"))
			cfg.latency = strtoll(argv[++i], &end, 10);
		else if (!strcmp(argv[i], "--listen"))
			listen_addr = argv[++i], end = (char *)"";
		else
			return usage();
		if (*end || port > 65535 || cfg.flaky < 0 || cfg.flaky > 1 || cfg.latency < 0)
			return usage();
	}
	if (inet_pton(AF_INET, listen_addr, &cfg.addr) != 1) {
		fprintf(stderr, _("hoist-sandbox: --listen needs an IPv4 address, not %s\n"), listen_addr);
		return 2;
	}
	hoist_error_init(&err);
	if (sb_open(&sb, argv[1], false, &err) != HOIST_OK) {
		fprintf(stderr, "hoist-sandbox: %s\n", hoist_error_message(&err));
		hoist_error_done(&err);
		return 1;
	}
	if (sb_serve_alive(&sb)) {
		fprintf(stderr, _("hoist-sandbox: %s is already served by process %lld\n"), argv[1],
			sb_get_int(&sb, "serve_pid", 0));
		sb_close(&sb);
		return 1;
	}
	cfg.dir = sb.dir;
	cfg.seed = (unsigned long long)sb_get_int(&sb, "seed", 1);
	prng = cfg.seed;
	if (port < 0)
		port = sb_get_int(&sb, "lb_port", 0);
	if (!(lb.d = listen_on(&lb, (int)port)) && !(lb.d = listen_on(&lb, 0))) {
		fprintf(stderr, _("hoist-sandbox: cannot listen on %s\n"), listen_addr);
		sb_close(&sb);
		return 1;
	}
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sb_begin(&sb);
	sb_set(&sb, "listen", listen_addr);
	if (sb_get_int(&sb, "lb_port", 0) != bound_port(lb.d)) {
		sb_set_int(&sb, "lb_port", bound_port(lb.d));
		self = sb_get(&sb, "self");
		sb_write_conf(&sb, self ? self : "hoist-sandbox", NULL);
		sb_feed_write(&sb, false, NULL);
		free(self);
	}
	sb_set_int(&sb, "serve_pid", getpid());
	sb_exec(&sb, "UPDATE nodes SET listening = 0", NULL);
	sb_commit(&sb);
	url = sb_base_url(&sb);
	path = sb_path(&sb, "url");
	if ((f = fopen(path, "w"))) {
		fprintf(f, "%s\n", url);
		fclose(f);
	}
	sync_nodes(&sb, &ls, &nls);
	sb_timeline(&sb, "serve-start", NULL, "url", url, NULL);
	if (sb_running_count(&sb))
		sb_timeline(&sb, "lb-available", NULL, NULL);
	printf("%s\n", url);
	fflush(stdout);
	while (!stopping) {
		sb_sleep_ms(TICK_MS);
		sync_nodes(&sb, &ls, &nls);
		sb_tasks_tick(&sb, &prng, TICK_MS);
	}
	stop_listening(&lb);
	for (size_t i = 0; i < nls; i++)
		stop_listening(&ls[i]);
	sb_begin(&sb);
	sb_exec(&sb, "UPDATE nodes SET listening = 0", NULL);
	sb_set_int(&sb, "serve_pid", 0);
	sb_commit(&sb);
	if (sb_running_count(&sb))
		sb_timeline(&sb, "lb-unavailable", NULL, NULL);
	sb_timeline(&sb, "serve-stop", NULL, NULL);
	unlink(path);
	free(path);
	free(url);
	free(ls);
	sb_close(&sb);
	hoist_error_done(&err);
	return 0;
}

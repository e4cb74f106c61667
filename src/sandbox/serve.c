/* serve.c: `hoist-sandbox serve`: a load balancer port and one port per running node. */
#include "config.h"
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "serve.h"
#include "i18n.h"
#include "xalloc.h"

#define TICK_MS 20
/* Global: the request threads of libmicrohttpd read it without a closure of their own. */
struct serve_config sb_serve_cfg;
static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static struct MHD_Daemon *listen_on(struct listener *l, int port)
{
	struct sockaddr_in sa = { 0 };
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr = sb_serve_cfg.addr;
	l->closing = 0;
	return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_ITC, (uint16_t)port, NULL, NULL, sb_serve_handle, l,
				MHD_OPTION_SOCK_ADDR, &sa,
				MHD_OPTION_NOTIFY_COMPLETED, sb_serve_completed, NULL,
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
		if (nodes[i].running && !l->d) {
			int port = nodes[i].port;
			/* Named only while no daemon reads it. */
			snprintf(l->node, sizeof l->node, "%s", nodes[i].name);
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
	bool explicit_port;
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
			sb_serve_cfg.flaky = strtod(argv[++i], &end);
		else if (!strcmp(argv[i], "--latency"))
			sb_serve_cfg.latency = strtoll(argv[++i], &end, 10);
		else if (!strcmp(argv[i], "--listen"))
			listen_addr = argv[++i], end = (char *)"";
		else
			return usage();
		if (*end || port > 65535 || sb_serve_cfg.flaky < 0 || sb_serve_cfg.flaky > 1 ||
		    sb_serve_cfg.latency < 0)
			return usage();
	}
	if (inet_pton(AF_INET, listen_addr, &sb_serve_cfg.addr) != 1) {
		fprintf(stderr, _("hoist-sandbox: --listen needs an IPv4 address, not %s\n"),
			listen_addr);
		return 2;
	}
	if (!sb_open_cmd(&sb, argv[1]))
		return 1;
	hoist_error_init(&err);
	if (sb_serve_alive(&sb)) {
		fprintf(stderr, _("hoist-sandbox: %s is already served by process %lld\n"), argv[1],
			sb_get_int(&sb, "serve_pid", 0));
		sb_close(&sb);
		return 1;
	}
	sb_serve_cfg.dir = sb.dir;
	sb_serve_cfg.seed = (unsigned long long)sb_get_int(&sb, "seed", 1);
	prng = sb_serve_cfg.seed;
	explicit_port = port >= 0;
	if (port < 0)
		port = sb_get_int(&sb, "lb_port", 0);
	if (!(lb.d = listen_on(&lb, (int)port))) {
		/* A port asked for is a promise; the one remembered from init is only a wish. */
		if (explicit_port) {
			fprintf(stderr, _("hoist-sandbox: cannot listen on %s port %ld\n"),
				listen_addr, port);
			sb_close(&sb);
			return 1;
		}
		fprintf(stderr, _("hoist-sandbox: port %ld is taken; choosing another\n"), port);
		if (!(lb.d = listen_on(&lb, 0))) {
			fprintf(stderr, _("hoist-sandbox: cannot listen on %s\n"), listen_addr);
			sb_close(&sb);
			return 1;
		}
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

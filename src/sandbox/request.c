/* request.c: one HTTP request: feed files, flakiness, the balancer's choice, keys, the API. */
#include "config.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "api.h"
#include "buf.h"
#include "serve.h"
#include "sha256.h"
#include "text.h"
#include "xalloc.h"

#define BODY_CAP (1 << 20)

struct conn {
	struct hoist_buf body;
	bool too_big;
};

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
	const char *name;
	int fd;
	off_t size;
	struct MHD_Response *resp;
	if (!strcmp(url, "/feed.json")) {
		path = hoist_xasprintf("%s/feed.json", sb_serve_cfg.dir);
	} else if (hoist_skip_prefix(url, "/packages/", &name) && *name != '.' &&
		   strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"0123456789._-") == strlen(name) && *name) {
		path = hoist_xasprintf("%s%s", sb_serve_cfg.dir, url);
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
	hoist_sha256_hex(key, strlen(key), hex);
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
	unsigned long n = __atomic_fetch_add(&sb_serve_cfg.counter, 1, __ATOMIC_RELAXED);
	unsigned long long rs = sb_serve_cfg.seed ^ (n * 0x9e3779b97f4a7c15ULL);
	enum MHD_Result ret;
	int level;
	size_t len = strlen(path);
	sb_sleep_ms(sb_serve_cfg.latency);
	if (sb_serve_cfg.flaky > 0 && (double)(sb_rand(&rs) % 1000000) / 1e6 < sb_serve_cfg.flaky) {
		free(path);
		return send_error(c, 503, "Service Unavailable: the load balancer dropped this"
				  " request (hoist-sandbox --flaky).");
	}
	if (send_file(c, url, &ret)) {
		free(path);
		return ret;
	}
	if (sb_open(&sb, sb_serve_cfg.dir, false, NULL) != HOIST_OK) {
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
	if (!level && !sb_api_anonymous(method, path) && !strncasecmp(path, "/api", 4))
		sb_api_error(&r, 401, "You must be logged in to perform this action. Please provide"
			     " a valid API key or log in again.");
	else if (r.status == 404)
		sb_api_error(&r, 404, "The space you requested was not found.");
	else if (cn->too_big)
		sb_api_error(&r, 413, "The request body is too large.");
	else
		sb_api_handle(&r);
	if (r.text) {
		struct MHD_Response *resp = MHD_create_response_from_buffer(
			strlen(r.text), r.text, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
		MHD_add_response_header(resp, "X-Octopus-Node", r.node.name);
		ret = MHD_queue_response(c, (unsigned)r.status, resp);
		MHD_destroy_response(resp);
	} else {
		ret = send_json(c, r.status, r.out, r.node.name);
	}
	cJSON_Delete(r.out);
	sb_close(&sb);
	free(path);
	return ret;
}

enum MHD_Result sb_serve_handle(void *cls, struct MHD_Connection *c, const char *url,
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

void sb_serve_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;
	if (cn) {
		hoist_buf_done(&cn->body);
		free(cn);
	}
	*con_cls = NULL;
}


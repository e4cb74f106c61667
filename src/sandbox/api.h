/* api.h: one HTTP request as the API handlers see it, and the handlers' entry points. */
#ifndef HOIST_SANDBOX_API_H
#define HOIST_SANDBOX_API_H

#include <stdbool.h>
#include <microhttpd.h>
#include <cjson/cJSON.h>
#include "sandbox.h"

struct sb_req {
	struct sb *sb;                /* this request's own connection to the state */
	struct MHD_Connection *conn;
	const char *method;
	const char *path;             /* without the query, trailing '/' and space prefix */
	const char *body;
	size_t body_len;
	struct sb_node node;          /* the node answering */
	bool admin;                   /* the key belongs to an administrator */
	volatile int *stopping;       /* set when the server or the node shuts down */
	int status;                   /* out */
	cJSON *out;                   /* out: owned */
	char *text;                   /* out: owned; a plain-text answer instead of out */
};

/* Answers r; the caller has checked the key (when one is needed) and chosen the node. */
void sb_api_handle(struct sb_req *r);
/* May this request go without a key (GET /api, the ping)? */
bool sb_api_anonymous(const char *method, const char *path);
void sb_api_error(struct sb_req *r, int status, const char *message);
const char *sb_api_arg(struct sb_req *r, const char *name);
void sb_iso_time(long long ms, char out[40]);
cJSON *sb_node_json(struct sb *sb, const struct sb_node *n, bool summary);

/* api_tasks.c and api_machines.c: true when the path was theirs. */
bool sb_api_tasks(struct sb_req *r);
bool sb_api_machines(struct sb_req *r);

#endif

/*
 * testsrv.h: a small HTTP peer forked inside one module's unit test, on loopback. A fake
 * is fine inside a unit test; features are shown working against hoist-sandbox.
 */
#ifndef HOIST_TESTSRV_H
#define HOIST_TESTSRV_H

#include <stddef.h>
#include <sys/types.h>
#include "buf.h"

/* Writes the whole HTTP answer to one request into answer. */
typedef void (*testsrv_fn)(const char *request, struct hoist_buf *answer, void *ctx);

struct testsrv {
	pid_t pid;  /* 0: not running */
	int port;
	int report; /* read end: the requests the peer received; -1 when none */
};

/* Starts the peer on a free port; it answers `connections` requests (0: until stopped). */
void testsrv_start(struct testsrv *s, int connections, testsrv_fn fn, void *ctx);
/* Stops it with SIGKILL and reaps it; a no-op when it is not running. */
void testsrv_stop(struct testsrv *s);
/* Stops it, first reading the requests it received into buf (NUL-terminated). */
void testsrv_collect(struct testsrv *s, char *buf, size_t size);
/* A whole answer: status line, Content-Type, Content-Length, Connection: close, body. */
void testsrv_answer(struct hoist_buf *answer, int status, const char *type, const void *body,
		    size_t len);
/* The peer's address with path, in a static buffer. */
const char *testsrv_url(const struct testsrv *s, const char *path);

#endif

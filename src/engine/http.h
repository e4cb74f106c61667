/* http.h: the engine's one HTTP layer (libcurl): timeouts, TLS, proxy, caps, retries. */
#ifndef HOIST_HTTP_H
#define HOIST_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "error.h"

/* The defaults of hoist_http_options_init. */
/* Milliseconds to wait for a TCP and TLS connection: a server that is there answers in far less. */
#define HOIST_HTTP_CONNECT_TIMEOUT_MS 10000
/* Seconds a transfer may stay below the low-speed limit before it is given up. */
#define HOIST_HTTP_STALL_TIMEOUT_S 30
/* Milliseconds before the first retry, doubled for each next one: a restarting proxy's pause. */
#define HOIST_HTTP_RETRY_DELAY_MS 250

struct hoist_http_options {
	bool insecure;          /* skip TLS verification: only when the operator says so */
	bool allow_plain_http;  /* http:// to a host that is not loopback */
	long connect_timeout_ms; /* default HOIST_HTTP_CONNECT_TIMEOUT_MS */
	/* Give up on a transfer slower than low_speed_bytes a second for stall_timeout_s. */
	long stall_timeout_s;   /* default HOIST_HTTP_STALL_TIMEOUT_S */
	long low_speed_bytes;   /* default 512; a peer trickling a byte a second is given up */
	/*
	 * The deadline of one request, every retry included, unless the request sets its
	 * own: 0 means HOIST_HTTP_API_DEADLINE_MS for a body kept in memory and none for a
	 * streamed one (a package: the low-speed limit guards it). Default 0.
	 */
	long total_timeout_ms;
	size_t max_body;        /* cap on a body kept in memory; default 16 MiB */
	int retries;            /* extra tries for idempotent requests; default 2 */
	long retry_delay_ms;    /* first back-off, doubled; default HOIST_HTTP_RETRY_DELAY_MS */
	const char *ca_file;    /* borrowed; NULL: the system's store */
};

/* Receives a streamed body; a non-OK return aborts the transfer with that status. */
typedef enum hoist_status (*hoist_http_sink_fn)(void *ctx, const void *data, size_t n);
/* Reports transfer progress: bytes so far and the total (0 when unknown). */
typedef void (*hoist_http_progress_fn)(void *ctx, long long now, long long total);

struct hoist_http_request {
	const char *method;   /* "GET" (NULL), "PUT", "POST", "DELETE" */
	const char *url;
	const char *api_key;  /* sent as X-Octopus-ApiKey; never logged nor put in errors */
	const char *body;     /* JSON or NULL */
	size_t body_len;
	bool idempotent;      /* retried on network errors and 502/503/504; GET and PUT are */
	hoist_http_sink_fn sink; /* stream a 2xx body there instead of response->body */
	void *sink_ctx;
	/* Called once with the status before the first byte reaches the sink (206 or 200). */
	void (*on_start)(void *ctx, long status);
	long long resume_from; /* > 0: ask for bytes from there (Range) */
	hoist_http_progress_fn progress;
	void *progress_ctx;
	/* This call's deadline, retries included (short for a first look, long for a
	 * package); 0: the handle's total_timeout_ms; < 0: none. */
	long deadline_ms;
};

/* The deadline of a request whose body is kept in memory, when nobody chose one. */
#define HOIST_HTTP_API_DEADLINE_MS 30000

struct hoist_http_response {
	long status;          /* HTTP status code */
	struct hoist_buf body; /* owned; empty when a sink took the body */
	char *content_type;   /* owned; may be NULL */
	long long content_length; /* -1 when unknown */
};

struct hoist_http;

void hoist_http_options_init(struct hoist_http_options *opts);
/* A handle keeps connections alive between requests; one per thread. */
struct hoist_http *hoist_http_new(const struct hoist_http_options *opts);
void hoist_http_free(struct hoist_http *h);

void hoist_http_response_init(struct hoist_http_response *r);
void hoist_http_response_done(struct hoist_http_response *r);

/*
 * Performs one request (with retries when idempotent). Any HTTP status is HOIST_OK here;
 * transport failures are HOIST_NETWORK, HOIST_TLS, HOIST_TIMEOUT or HOIST_TOOBIG with a
 * message naming the host and what to do.
 */
enum hoist_status hoist_http_perform(struct hoist_http *h, const struct hoist_http_request *req,
				     struct hoist_http_response *resp, struct hoist_error *err);

/* True for localhost, 127.0.0.0/8 and ::1. */
bool hoist_http_is_loopback(const char *url);
/* Checks the scheme (http/https) and the plain-http rule; an error names the URL. */
enum hoist_status hoist_http_check_url(const char *url, bool allow_plain_http,
				       struct hoist_error *err);
/* The error message for an HTTP status from an Octopus server (401, 403, 404, 5xx...). */
enum hoist_status hoist_http_status_error(long status, const char *what, const char *url,
					  const struct hoist_buf *body, struct hoist_error *err);

/*
 * An address in one spelling: scheme and host in lower case, no user:password@, no
 * trailing slashes (a new string); two spellings of one server compare equal.
 */
char *hoist_url_normalise(const char *url);

#endif

/* http.c: libcurl behind one function, with the manners DESIGN §4 asks for. */
#include "config.h"
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <pthread.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "curl_lazy.h"
#include "http.h"
#include "buf.h"
#include "i18n.h"
#include "text.h"
#include "xalloc.h"

/* libcurl's receive buffer for a streamed body (its largest allowed is 512 KiB). */
#define STREAM_BUFFER (512L * 1024)
/*
 * Milliseconds: a transfer that ended this close to its deadline ran out of time (curl
 * stops it a little before or after the mark), rather than stalling.
 */
#define DEADLINE_SLACK_MS 50

struct hoist_http {
	CURL *curl;
	struct hoist_http_options opts;
};

void hoist_http_options_init(struct hoist_http_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->connect_timeout_ms = HOIST_HTTP_CONNECT_TIMEOUT_MS;
	opts->stall_timeout_s = HOIST_HTTP_STALL_TIMEOUT_S;
	opts->low_speed_bytes = 512;
	opts->max_body = 16u << 20;
	opts->retries = 2;
	opts->retry_delay_ms = HOIST_HTTP_RETRY_DELAY_MS;
}

struct hoist_http *hoist_http_new(const struct hoist_http_options *opts)
{
	struct hoist_http *h;
	h = hoist_xcalloc(1, sizeof *h);
	if (opts)
		h->opts = *opts;
	else
		hoist_http_options_init(&h->opts);
	h->curl = curl_easy_init();
	if (!h->curl) {
		free(h);
		return NULL;
	}
	return h;
}

void hoist_http_free(struct hoist_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

void hoist_http_response_init(struct hoist_http_response *r)
{
	r->status = 0;
	hoist_buf_init(&r->body, 0);
	r->content_type = NULL;
	r->content_length = -1;
}

void hoist_http_response_done(struct hoist_http_response *r)
{
	if (!r)
		return;
	hoist_buf_done(&r->body);
	free(r->content_type);
	r->content_type = NULL;
}

static char *url_host(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *out = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		out = hoist_xstrdup(host);
		curl_free(host);
	}
	curl_url_cleanup(u);
	return out;
}

/* The port a URL names, or its scheme's default. */
static long url_port(const char *url)
{
	CURLU *u = curl_url();
	char *port = NULL;
	long p = hoist_skip_prefix(url, "https:", NULL) ? 443 : 80;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		p = strtol(port, NULL, 10);
		curl_free(port);
	}
	curl_url_cleanup(u);
	return p;
}

bool hoist_http_is_loopback(const char *url)
{
	char *host = url_host(url);
	bool yes = false;
	if (host) {
		struct in_addr a4;
		/* A real IPv4 literal in 127/8, not a name that merely starts with "127.". */
		yes = !strcasecmp(host, "localhost") || !strcmp(host, "[::1]") ||
		      !strcmp(host, "::1") ||
		      (inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127);
		free(host);
	}
	return yes;
}

enum hoist_status hoist_http_check_url(const char *url, bool allow_plain_http,
				       struct hoist_error *err)
{
	char *host;
	if (!url || !*url)
		return hoist_error_set(err, HOIST_CONFIG, _("no URL given"));
	host = url_host(url);
	if (!host)
		return hoist_error_set(err, HOIST_CONFIG, _("\"%s\" is not a valid URL"), url);
	free(host);
	if (!strncasecmp(url, "https://", 8))
		return HOIST_OK;
	if (!strncasecmp(url, "http://", 7)) {
		if (allow_plain_http || hoist_http_is_loopback(url))
			return HOIST_OK;
		return hoist_error_set(err, HOIST_CONFIG,
				       _("%s uses plain http:// to a host that is not loopback; "
					 "use https://, or allow it explicitly (allow_http = true)"),
				       url);
	}
	return hoist_error_set(err, HOIST_CONFIG,
			       _("%s: only http:// and https:// addresses are supported"), url);
}

struct xfer {
	CURL *curl;
	const struct hoist_http_request *req;
	struct hoist_http_response *resp;
	size_t max_body;
	enum hoist_status abort_status; /* why the write callback stopped the transfer */
	bool started;                   /* on_start was called */
};

static size_t on_write(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct xfer *x = ctx;
	size_t n = size * nmemb;
	long code = 0;
	curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
	/* Only a 2xx body goes to the sink; an error page is kept for the message. */
	if (x->req->sink && code >= 200 && code < 300) {
		enum hoist_status st;
		if (!x->started && x->req->on_start)
			x->req->on_start(x->req->sink_ctx, code);
		x->started = true;
		st = x->req->sink(x->req->sink_ctx, data, n);
		if (st != HOIST_OK) {
			x->abort_status = st;
			return 0;
		}
		return n;
	}
	if (hoist_buf_append(&x->resp->body, data, n) != HOIST_OK) {
		x->abort_status = HOIST_TOOBIG;
		return 0;
	}
	return n;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = ctx;
	if (x->req->progress && dlnow > 0)
		x->req->progress(x->req->progress_ctx, (long long)dlnow + x->req->resume_from,
				 dltotal > 0 ? (long long)dltotal + x->req->resume_from : 0);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Copies the body into the error message only when it is a short Octopus error. */
static const char *octopus_error_text(const struct hoist_buf *body, char **owned)
{
	cJSON *j, *m;
	*owned = NULL;
	if (!body || !body->len)
		return NULL;
	j = cJSON_ParseWithLength(body->data, body->len);
	if (!j)
		return NULL;
	m = cJSON_GetObjectItemCaseSensitive(j, "ErrorMessage");
	if (cJSON_IsString(m) && m->valuestring[0]) {
		/* The key out first: cut at 300 bytes, a part of it would stay. */
		char *clean = hoist_secret_scrub(m->valuestring);
		*owned = hoist_xstrndup(clean, strnlen(clean, 300));
		free(clean);
	}
	cJSON_Delete(j);
	return *owned;
}

enum hoist_status hoist_http_status_error(long status, const char *what, const char *url,
					  const struct hoist_buf *body, struct hoist_error *err)
{
	char *owned;
	const char *detail = octopus_error_text(body, &owned);
	enum hoist_status st;
	if (status == 401)
		st = hoist_error_set(err, HOIST_AUTH,
				     _("%s: the server at %s refused the API key (HTTP 401); "
				       "check the key file or HOIST_API_KEY"),
				     what, url);
	else if (status == 403)
		st = hoist_error_set(err, HOIST_AUTH,
				     _("%s: the API key is not allowed to do this on %s (HTTP 403); "
				       "it needs the Administer System permission"),
				     what, url);
	else if (status == 404)
		st = hoist_error_set(err, HOIST_NOTFOUND, _("%s: %s was not found (HTTP 404)"),
				     what, url);
	else if (status == 503 || status == 502 || status == 504)
		st = hoist_error_set(err, HOIST_NETWORK,
				     _("%s: %s is unavailable (HTTP %ld); is any server node running?"),
				     what, url, status);
	else
		st = hoist_error_set(err, HOIST_HTTP, _("%s: %s answered HTTP %ld%s%s"), what, url,
				     status, detail ? ": " : "", detail ? detail : "");
	free(owned);
	return st;
}

/* What happened, for the message: the real numbers, not the settings' names. */
struct xfer_stats {
	long stall_s, low_speed, connect_ms, deadline_ms;
	long long elapsed_ms; /* all tries */
	long long received;   /* bytes of the last try */
	int tries;
	bool connected;
};

static enum hoist_status timeout_error(const char *h, const struct xfer_stats *x,
				       struct hoist_error *err)
{
	double secs = (double)x->elapsed_ms / 1000.0;
	if (!x->connected) {
		long limit = x->deadline_ms > 0 && x->deadline_ms < x->connect_ms ? x->deadline_ms
										    : x->connect_ms;
		return hoist_error_set(err, HOIST_TIMEOUT,
				       _("%s did not accept a connection within %.1f s (%d tries, "
					 "%.1f s in all)"),
				       h, (double)limit / 1000.0, x->tries, secs);
	}
	if (x->deadline_ms > 0 && x->elapsed_ms + DEADLINE_SLACK_MS >= x->deadline_ms)
		return hoist_error_set(err, HOIST_TIMEOUT,
				       _("%s did not finish its answer within the %.1f s allowed "
					 "(%lld bytes received, %d tries)"),
				       h, (double)x->deadline_ms / 1000.0, x->received, x->tries);
	return hoist_error_set(err, HOIST_TIMEOUT,
			       _("%s sent less than %ld bytes a second for %ld s (%lld bytes "
				 "received, %d tries, %.1f s in all)"),
			       h, x->low_speed, x->stall_s, x->received, x->tries, secs);
}

static enum hoist_status curl_error(CURLcode rc, const char *url, enum hoist_status abort_st,
				    const struct xfer_stats *stats, struct hoist_error *err)
{
	char *host = url_host(url);
	const char *h = host ? host : url;
	enum hoist_status st;
	switch (rc) {
	case CURLE_WRITE_ERROR:
		if (abort_st == HOIST_TOOBIG)
			st = hoist_error_set(err, HOIST_TOOBIG,
					     _("the answer from %s is larger than allowed"), h);
		else
			st = hoist_error_set(err, abort_st ? abort_st : HOIST_IO,
					     _("could not keep the data received from %s"), h);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		st = hoist_error_set(err, HOIST_TOOBIG,
				     _("the answer from %s is larger than allowed"), h);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		st = hoist_error_set(err, HOIST_NETWORK,
				     _("cannot resolve %s; check the address and the DNS or proxy "
				       "settings"),
				     h);
		break;
	case CURLE_COULDNT_CONNECT:
		/* The whole address and the port tried, and where the address is set. */
		st = hoist_error_set(err, HOIST_NETWORK,
				     _("cannot connect to %s, port %ld (%s); is the server running "
				       "and the port open? The server's address is set by [server] "
				       "url or HOIST_SERVER_URL, the feed's by [feed] source"),
				     h, url_port(url), url);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		st = timeout_error(h, stats, err);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		st = hoist_error_set(err, HOIST_TLS,
				     _("the TLS certificate of %s could not be verified (%s); fix the "
				       "certificate or name a CA file (ca_file), or turn verification "
				       "off (tls_verify = false) at your own risk"),
				     h, curl_easy_strerror(rc));
		break;
	default:
		st = hoist_error_set(err, HOIST_NETWORK, _("talking to %s failed: %s"), h,
				     curl_easy_strerror(rc));
		break;
	}
	free(host);
	return st;
}

static bool retryable(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		return status == 502 || status == 503 || status == 504;
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

enum hoist_status hoist_http_perform(struct hoist_http *h, const struct hoist_http_request *req,
				     struct hoist_http_response *resp, struct hoist_error *err)
{
	const struct hoist_http_options *o = &h->opts;
	const char *method = req->method ? req->method : "GET";
	struct curl_slist *headers = NULL;
	char *key_header = NULL;
	long delay = o->retry_delay_ms > 0 ? o->retry_delay_ms : HOIST_HTTP_RETRY_DELAY_MS;
	int tries = req->idempotent ? 1 + (o->retries > 0 ? o->retries : 0) : 1;
	enum hoist_status st, abort_st = HOIST_OK;
	CURLcode rc = CURLE_OK;
	CURL *c = h->curl;
	long deadline = req->deadline_ms ? req->deadline_ms : o->total_timeout_ms;
	long long t0 = now_ms();
	struct xfer_stats stats = { o->stall_timeout_s, o->low_speed_bytes > 0 ? o->low_speed_bytes : 1,
				    o->connect_timeout_ms, 0, 0, 0, 0, false };
	if (deadline == 0 && !req->sink)
		deadline = HOIST_HTTP_API_DEADLINE_MS;
	if (deadline < 0)
		deadline = 0;
	stats.deadline_ms = deadline;

	st = hoist_http_check_url(req->url, o->allow_plain_http, err);
	if (st != HOIST_OK)
		return st;
	if (req->api_key) {
		key_header = hoist_xasprintf("X-Octopus-ApiKey: %s", req->api_key);
		headers = curl_slist_append(headers, key_header);
	}
	headers = curl_slist_append(headers, "Accept: application/json");
	if (req->body)
		headers = curl_slist_append(headers, "Content-Type: application/json");

	for (int attempt = 0; attempt < tries; attempt++) {
		struct xfer x = { c, req, resp, o->max_body, HOIST_OK, false };
		char *ct = NULL;
		curl_off_t cl = -1;
		long left = deadline ? deadline - (long)(now_ms() - t0) : 0;
		if (attempt > 0) {
			if (req->sink)
				break; /* a streamed body cannot be taken back; the caller resumes */
			if (deadline && left <= delay)
				break; /* no time left for another try */
			sleep_ms(delay);
			delay *= 2;
			left = deadline ? deadline - (long)(now_ms() - t0) : 0;
		}
		stats.tries = attempt + 1;
		hoist_buf_done(&resp->body);
		hoist_buf_init(&resp->body, req->sink ? 65536 : o->max_body);
		resp->status = 0;
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, req->url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE "/" VERSION);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, stats.low_speed);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->stall_timeout_s);
		if (deadline)
			curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left > 1 ? left : 1L);
		if (!req->sink && o->max_body)
			curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
		if (o->ca_file)
			curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
		if (!strcmp(method, "GET")) {
			curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
			curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
		} else {
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		}
		if (req->body) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		}
		char range[32];
		if (req->resume_from > 0) {
			/* CURLOPT_RANGE, not RESUME_FROM: a server that ignores it answers 200 and
			 * the caller starts over (on_start) instead of failing. */
			snprintf(range, sizeof range, "%lld-", req->resume_from);
			curl_easy_setopt(c, CURLOPT_RANGE, range);
		}
		/* A streamed body (a package) in large reads: a sixteenth of the system calls
		 * of libcurl's default 16 KiB, and fewer, larger writes and digest updates. */
		if (req->sink)
			curl_easy_setopt(c, CURLOPT_BUFFERSIZE, STREAM_BUFFER);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
		if (req->progress) {
			curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
			curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
			curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		}
		rc = curl_easy_perform(c);
		abort_st = x.abort_status;
		{
			curl_off_t got = 0;
			long hdr = 0, sent = 0;
			curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &got);
			curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &hdr);
			curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &sent);
			stats.received = (long long)got + hdr;
			stats.connected = sent > 0; /* the request went out */
		}
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
		if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) {
			free(resp->content_type);
			resp->content_type = hoist_xstrdup(ct);
		}
		if (curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK)
			resp->content_length = (long long)cl;
		if (!retryable(rc, resp->status))
			break;
	}
	curl_slist_free_all(headers);
	if (key_header) {
		/* The key leaves no copy behind in freed memory. */
		memset(key_header, 0, strlen(key_header));
		free(key_header);
	}
	stats.elapsed_ms = now_ms() - t0;
	if (rc != CURLE_OK)
		return curl_error(rc, req->url, abort_st, &stats, err);
	return HOIST_OK;
}

char *hoist_url_normalise(const char *url)
{
	const char *rest = strstr(url, "://"), *host, *at, *path;
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	hoist_buf_append(&b, "", 0);
	if (!rest) {
		hoist_buf_puts(&b, url);
	} else {
		for (const char *p = url; p < rest; p++) {
			char c = (char)tolower((unsigned char)*p);
			hoist_buf_append(&b, &c, 1);
		}
		hoist_buf_puts(&b, "://");
		host = rest + 3;
		path = host + strcspn(host, "/?#");
		at = memchr(host, '@', (size_t)(path - host));
		if (at)
			host = at + 1;
		for (const char *p = host; p < path; p++) {
			char c = (char)tolower((unsigned char)*p);
			hoist_buf_append(&b, &c, 1);
		}
		hoist_buf_puts(&b, path);
	}
	while (b.len > 1 && b.data[b.len - 1] == '/')
		b.data[--b.len] = '\0';
	return hoist_buf_detach(&b, NULL);
}

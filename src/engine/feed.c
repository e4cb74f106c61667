/* feed.c: the release feed: loading it (a file, mapped or read, or an http(s) address) and looking things up in it. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "feed.h"
#include "feed_int.h"
#include "i18n.h"
#include "jsonread.h"
#include "text.h"
#include "xalloc.h"

#define COMPARE_URL "https://octopus.com/downloads/compare"

void hoist_feed_options_init(struct hoist_feed_options *o)
{
	hoist_http_options_init(&o->http);
	o->max_bytes = 64u << 20;
	o->max_releases = 100000;
}

void hoist_feed_free(struct hoist_feed *feed)
{
	if (!feed)
		return;
	hoist_json_arena_free(feed->strings);
	free(feed->releases);
	free(feed->source);
	free(feed);
}

const struct hoist_feed_options *feed_options_or_default(const struct hoist_feed_options *o,
							 struct hoist_feed_options *def)
{
	if (o)
		return o;
	hoist_feed_options_init(def);
	return def;
}

enum hoist_status feed_too_big(size_t len, const char *source, size_t max,
			       struct hoist_error *err)
{
	return hoist_error_say(err, HOIST_FEED,
			       N_("%s: the feed is %zu bytes, more than the %zu allowed"),
			       source ? source : "-", len, max);
}

static enum hoist_status load_http(const char *url, const struct hoist_feed_options *o,
				   struct hoist_feed **out, struct hoist_error *err)
{
	struct hoist_http_options ho = o->http;
	struct hoist_http_request req = { 0 };
	struct hoist_http_response resp;
	struct hoist_http *h;
	enum hoist_status st;
	size_t len;
	char *body;

	if (o->max_bytes)
		ho.max_body = o->max_bytes; /* the feed's own cap, not the API's */
	h = hoist_http_new(&ho);
	if (!h)
		return hoist_error_say(err, HOIST_NETWORK,
				       N_("cannot start an HTTP client to read %s"), url);
	hoist_http_response_init(&resp);
	req.url = url;
	req.idempotent = true;
	st = hoist_http_perform(h, &req, &resp, err);
	hoist_http_free(h);
	if (st == HOIST_NETWORK || st == HOIST_TIMEOUT || st == HOIST_TLS) {
		/* Say that it is the feed that did not answer, not the server. */
		char *why = hoist_xstrdup(hoist_error_message(err));
		st = hoist_error_say(err, st, N_("the release feed could not be read: %s"), why);
		free(why);
	} else if (st == HOIST_TOOBIG) {
		st = hoist_error_say(err, HOIST_FEED,
				     N_("%s: the feed is larger than the %zu bytes allowed"), url,
				     ho.max_body);
	} else if (st == HOIST_OK && (resp.status < 200 || resp.status > 299)) {
		st = hoist_error_say(err, HOIST_FEED,
				     N_("%s answered HTTP %ld instead of the release feed; check "
				        "the feed's address"),
				     url, resp.status);
	}
	if (st != HOIST_OK) {
		hoist_http_response_done(&resp);
		return st;
	}
	body = hoist_buf_detach(&resp.body, &len);
	hoist_http_response_done(&resp);
	st = hoist_feed_parse(body, len, url, o, out, err);
	free(body);
	return st;
}

static enum hoist_status read_error(const char *path, int e, struct hoist_error *err)
{
	return hoist_error_say(err, HOIST_FEED, N_("cannot read the feed %s: %s"), path,
			       strerror(e));
}

/* Reads a whole file, refusing one above max before reading it. */
static enum hoist_status read_file(const char *path, size_t max, char **text, size_t *len,
				   struct hoist_error *err)
{
	struct stat sb;
	size_t alloc, n = 0;
	char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return read_error(path, errno, err);
	if (fstat(fd, &sb) != 0) {
		int e = errno;
		close(fd);
		return read_error(path, e, err);
	}
	if (S_ISDIR(sb.st_mode)) {
		close(fd);
		return hoist_error_say(err, HOIST_FEED,
				       N_("%s is a directory, not a release feed"), path);
	}
	if (S_ISREG(sb.st_mode) && max && (unsigned long long)sb.st_size > max) {
		close(fd);
		return feed_too_big((size_t)sb.st_size, path, max, err);
	}
	/* The size is a hint only: the file may grow, or be a pipe with no size at all. */
	alloc = S_ISREG(sb.st_mode) ? (size_t)sb.st_size + 1 : 65536;
	data = hoist_xmalloc(alloc);
	for (;;) {
		ssize_t got;
		if (n + 1 >= alloc) {
			alloc *= 2;
			data = hoist_xrealloc(data, alloc);
		}
		got = read(fd, data + n, alloc - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(data);
			close(fd);
			return read_error(path, e, err);
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (max && n > max) {
			free(data);
			close(fd);
			return hoist_error_say(err, HOIST_FEED,
					       N_("%s: the feed is larger than the %zu bytes allowed"),
					       path, max);
		}
	}
	close(fd);
	data[n] = '\0';
	*text = data;
	*len = n;
	return HOIST_OK;
}

/*
 * A regular file is read through a private mapping (see drop_behind): the text never
 * needs a copy of its own. False when the file is no regular file or cannot be mapped:
 * read_file reads it then, and gives the errors.
 */
static bool load_mapped(const char *path, const char *source, const struct hoist_feed_options *o,
			struct hoist_feed **out, enum hoist_status *st, struct hoist_error *err)
{
	struct stat sb;
	void *text;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0 ||
	    (o->max_bytes && (unsigned long long)sb.st_size > o->max_bytes)) {
		close(fd);
		return false;
	}
	text = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (text == MAP_FAILED)
		return false;
	madvise(text, (size_t)sb.st_size, MADV_SEQUENTIAL);
	*st = feed_parse_text(text, (size_t)sb.st_size, true, source, o, out, err);
	munmap(text, (size_t)sb.st_size);
	return true;
}

/* The path of a file:// address: file:///p or file://localhost/p, %XX decoded. */
static char *file_url_path(const char *url)
{
	const char *p = url + 7;
	char *out, *w;
	if (!strncasecmp(p, "localhost/", 10))
		p += 9;
	if (*p != '/')
		return NULL;
	out = w = hoist_xmalloc(strlen(p) + 1);
	for (; *p; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], 0 };
			*w = (char)strtol(hex, NULL, 16);
			if (!*w)
				break; /* %00 would cut the path short: refuse it */
			w++;
			p += 2;
		} else if (*p == '?' || *p == '#') {
			break;
		} else {
			*w++ = *p;
		}
	}
	if (*p) {
		free(out);
		return NULL;
	}
	*w = '\0';
	return out;
}

/* True when text starts with "scheme://" (RFC 3986 scheme characters). */
static bool has_scheme(const char *s)
{
	const char *p = s;
	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return hoist_skip_prefix(p, "://", NULL);
}

enum hoist_status hoist_feed_load(const char *source, const struct hoist_feed_options *o,
				  struct hoist_feed **out, struct hoist_error *err)
{
	struct hoist_feed_options def;
	enum hoist_status st;
	char *text = NULL, *path = NULL;
	size_t len = 0;
	o = feed_options_or_default(o, &def);
	*out = NULL;
	if (!source || !*source)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("no release feed given; name one with --feed or "
					  "[feed] source"));
	if (!strncasecmp(source, "http://", 7) || !strncasecmp(source, "https://", 8))
		return load_http(source, o, out, err);
	if (!strncasecmp(source, "file://", 7)) {
		path = file_url_path(source);
		if (!path)
			return hoist_error_say(err, HOIST_CONFIG,
					       N_("%s: a file:// address must name a local absolute "
						  "path, like file:///srv/feed.json"),
					       source);
	} else if (has_scheme(source)) {
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("%s: a release feed is read from https://, http://, "
					  "file:// or a path"),
				       source);
	}
	if (!load_mapped(path ? path : source, source, o, out, &st, err)) {
		st = read_file(path ? path : source, o->max_bytes, &text, &len, err);
		if (st == HOIST_OK)
			st = hoist_feed_parse(text, len, source, o, out, err);
		free(text);
	}
	free(path);
	return st;
}

char *hoist_feed_resolve_url(const struct hoist_feed *feed, const char *url)
{
	const char *base = feed ? feed->source : NULL, *auth, *path, *end, *slash;
	if (!url)
		return NULL;
	if (!base || has_scheme(url))
		return hoist_xstrdup(url);
	if (!has_scheme(base)) {
		/* A feed read from a path: packages sit next to it. */
		slash = strrchr(base, '/');
		if (url[0] == '/' || !slash)
			return hoist_xstrdup(url);
		return hoist_xasprintf("%.*s%s", (int)(slash - base + 1), base, url);
	}
	auth = strstr(base, "://") + 3;
	path = auth + strcspn(auth, "/?#");
	end = path + strcspn(path, "?#");
	if (url[0] == '/' && url[1] == '/') /* same scheme, another host */
		return hoist_xasprintf("%.*s%s", (int)(auth - 2 - base), base, url);
	if (url[0] == '/')
		return hoist_xasprintf("%.*s%s", (int)(path - base), base, url);
	for (slash = end; slash > path && slash[-1] != '/'; slash--)
		;
	if (slash == path) /* no path at all: the host's root */
		return hoist_xasprintf("%.*s/%s", (int)(path - base), base, url);
	return hoist_xasprintf("%.*s%s", (int)(slash - base), base, url);
}

const struct hoist_release *hoist_feed_find(const struct hoist_feed *feed,
					    const struct hoist_version *v)
{
	size_t lo = 0, hi;
	if (!feed || !v)
		return NULL;
	hi = feed->n_releases;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = hoist_version_cmp(&feed->releases[mid].version, v);
		if (c == 0)
			return &feed->releases[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct hoist_package *hoist_release_package(const struct hoist_release *r,
						  const char *platform)
{
	if (!r || !platform)
		return NULL;
	for (size_t i = 0; i < r->n_packages; i++)
		if (!strcmp(r->packages[i].platform, platform))
			return &r->packages[i];
	return NULL;
}

char *hoist_feed_compare_url(const struct hoist_version *from, const struct hoist_version *to)
{
	/* Version text is [0-9A-Za-z.-] only, so it needs no escaping in a query. */
	return hoist_xasprintf("%s?from=%s&to=%s", COMPARE_URL, from->text, to->text);
}

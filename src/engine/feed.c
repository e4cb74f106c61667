/* feed.c: reads a release feed (vendor array or hoist-feed/1) once into typed structs. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "feed.h"
#include "i18n.h"
#include "xalloc.h"

#define FEED_FORMAT "hoist-feed/1"
#define COMPARE_URL "https://octopus.com/downloads/compare"
/* cJSON refuses deeper input; we say so instead of calling it malformed. */
#define NESTING_LIMIT 1000
/* Sizes above 2^53 cannot be told apart in a JSON number (a double). */
#define MAX_EXACT_SIZE 9007199254740992.0

void hoist_feed_options_init(struct hoist_feed_options *o)
{
	hoist_http_options_init(&o->http);
	o->max_bytes = 32u << 20;
	o->max_releases = 100000;
}

static const char *const kind_names[] = {
	[HOIST_NOTE_BREAKING] = "breaking",
	[HOIST_NOTE_DEPENDENCY] = "dependency",
	[HOIST_NOTE_SECURITY] = "security",
	[HOIST_NOTE_FEATURE] = "feature",
	[HOIST_NOTE_FIX] = "fix",
};

const char *hoist_note_kind_name(enum hoist_note_kind k)
{
	if ((unsigned)k >= sizeof kind_names / sizeof kind_names[0])
		return "unknown";
	return kind_names[k];
}

static bool note_kind_parse(const char *s, enum hoist_note_kind *k)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
		if (!strcmp(s, kind_names[i])) {
			*k = (enum hoist_note_kind)i;
			return true;
		}
	return false;
}

/* What a JSON value is, as a noun for messages ("a string", "null"). */
static const char *json_type(const cJSON *j)
{
	if (!j)
		return _("missing");
	if (cJSON_IsNull(j))
		return _("null");
	if (cJSON_IsBool(j))
		return _("true or false");
	if (cJSON_IsNumber(j))
		return _("a number");
	if (cJSON_IsString(j))
		return _("a string");
	if (cJSON_IsArray(j))
		return _("an array");
	if (cJSON_IsObject(j))
		return _("an object");
	return _("something else");
}

static void release_done(struct hoist_release *r)
{
	free(r->date);
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i].text);
	free(r->notes);
	for (size_t i = 0; i < r->n_packages; i++) {
		free(r->packages[i].platform);
		free(r->packages[i].url);
	}
	free(r->packages);
}

void hoist_feed_free(struct hoist_feed *feed)
{
	if (!feed)
		return;
	for (size_t i = 0; i < feed->n_releases; i++)
		release_done(&feed->releases[i]);
	free(feed->releases);
	free(feed->source);
	free(feed);
}

/* Line and column (both from 1) of a byte offset, for messages about the text. */
static void line_col(const char *text, size_t off, size_t *line, size_t *col)
{
	const char *nl;
	*line = 1;
	*col = off + 1;
	for (const char *p = text; (nl = memchr(p, '\n', (size_t)(text + off - p))); p = nl + 1) {
		(*line)++;
		*col = (size_t)(text + off - nl);
	}
}

/*
 * Tells apart "cut off" from "wrong" and "too deep" when cJSON fails: a scan of strings
 * and brackets. Only run on failure, so it costs nothing on good feeds.
 */
enum scan_result { SCAN_COMPLETE, SCAN_TRUNCATED, SCAN_TOO_DEEP };

static enum scan_result scan_json(const char *text, size_t len)
{
	size_t depth = 0;
	bool in_string = false, escaped = false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > NESTING_LIMIT)
				return SCAN_TOO_DEEP;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return (in_string || depth > 0) ? SCAN_TRUNCATED : SCAN_COMPLETE;
}

/* Parses the text into a cJSON tree, or explains where and why it is not JSON. */
static enum hoist_status parse_json(const char *text, size_t len, cJSON **out,
				    struct hoist_error *err)
{
	const char *end = NULL, *at;
	size_t line, col, off;
	cJSON *root;

	*out = NULL;
	off = 0;
	while (off < len && isspace((unsigned char)text[off]))
		off++;
	if (off == len)
		return hoist_error_set(err, HOIST_FEED,
				       _("the feed is empty; expected a JSON array of releases or "
					 "a hoist-feed/1 document"));
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root) {
		/* The error pointer is cJSON's global: trust it only inside our text. */
		at = cJSON_GetErrorPtr();
		switch (scan_json(text, len)) {
		case SCAN_TRUNCATED:
			line_col(text, len, &line, &col);
			return hoist_error_set(err, HOIST_FEED,
					       _("the feed is truncated: it ends at line %zu, "
						 "column %zu before the JSON is complete"),
					       line, col);
		case SCAN_TOO_DEEP:
			return hoist_error_set(err, HOIST_FEED,
					       _("the feed is nested more than %d levels deep; it is "
						 "not a release feed"),
					       NESTING_LIMIT);
		default:
			break;
		}
		off = (at && at >= text && at <= text + len) ? (size_t)(at - text) : 0;
		line_col(text, off, &line, &col);
		return hoist_error_set(err, HOIST_FEED,
				       _("the feed is not valid JSON: error near line %zu, "
					 "column %zu"),
				       line, col);
	}
	/* cJSON stops after the first value; anything but blanks after it is an error. */
	off = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
	for (size_t i = off; i < len; i++)
		if (!isspace((unsigned char)text[i])) {
			cJSON_Delete(root);
			line_col(text, i, &line, &col);
			return hoist_error_set(err, HOIST_FEED,
					       _("the feed is not valid JSON: unexpected data after "
						 "its end at line %zu, column %zu"),
					       line, col);
		}
	*out = root;
	return HOIST_OK;
}

/* A version from a JSON string, with the entry named in the message. */
static enum hoist_status entry_version(const cJSON *j, const char *field, size_t entry,
				       struct hoist_version *v, struct hoist_error *err)
{
	if (!cJSON_IsString(j))
		return hoist_error_set(err, HOIST_FEED,
				       _("entry %zu: \"%s\" must be a string, not %s"), entry,
				       field, json_type(j));
	if (hoist_version_parse(j->valuestring, v, NULL) != HOIST_OK)
		return hoist_error_set(err, HOIST_FEED, _("entry %zu: \"%.*s\" is not a version"),
				       entry, HOIST_VERSION_MAX, j->valuestring);
	return HOIST_OK;
}

/* An optional string: absent or null is fine; another type is an error. */
static enum hoist_status opt_string(const cJSON *obj, const char *field, size_t entry,
				    const char *version, const cJSON **out,
				    struct hoist_error *err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, field);
	*out = NULL;
	if (!j || cJSON_IsNull(j))
		return HOIST_OK;
	if (!cJSON_IsString(j))
		return hoist_error_set(err, HOIST_FEED,
				       _("entry %zu (%s): \"%s\" must be a string, not %s"), entry,
				       version, field, json_type(j));
	*out = j;
	return HOIST_OK;
}

static enum hoist_status vendor_release(const cJSON *item, size_t entry,
					struct hoist_release *r, struct hoist_error *err)
{
	/* The vendor's date field is not documented; take the first that is a string. */
	static const char *const date_fields[] = { "ReleaseDate", "Date", "ReleasedOn",
						   "releaseDate", "date" };
	enum hoist_status st;
	if (!cJSON_IsObject(item))
		return hoist_error_set(err, HOIST_FEED,
				       _("entry %zu: expected an object with \"Version\", not %s"),
				       entry, json_type(item));
	st = entry_version(cJSON_GetObjectItemCaseSensitive(item, "Version"), "Version", entry,
			   &r->version, err);
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; i < sizeof date_fields / sizeof date_fields[0]; i++) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(item, date_fields[i]);
		if (cJSON_IsString(d)) {
			r->date = hoist_xstrdup(d->valuestring);
			break;
		}
	}
	return HOIST_OK;
}

static enum hoist_status notes_read(const cJSON *notes, size_t entry,
					  struct hoist_release *r, struct hoist_error *err)
{
	const char *v = r->version.text;
	const cJSON *n;
	size_t i = 0;
	if (!notes || cJSON_IsNull(notes))
		return HOIST_OK;
	if (!cJSON_IsArray(notes))
		return hoist_error_set(err, HOIST_FEED,
				       _("entry %zu (%s): \"notes\" must be an array, not %s"),
				       entry, v, json_type(notes));
	r->notes = hoist_xcalloc((size_t)cJSON_GetArraySize(notes), sizeof *r->notes);
	cJSON_ArrayForEach(n, notes) {
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(n, "kind");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(n, "text");
		i++;
		if (!cJSON_IsObject(n))
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): note %zu must be an object with "
						 "\"kind\" and \"text\", not %s"),
					       entry, v, i, json_type(n));
		if (!cJSON_IsString(kind))
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): note %zu: \"kind\" must be a "
						 "string, not %s"),
					       entry, v, i, json_type(kind));
		if (!note_kind_parse(kind->valuestring, &r->notes[r->n_notes].kind))
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): note %zu has an unknown kind "
						 "\"%.40s\" (expected breaking, dependency, security, "
						 "feature or fix)"),
					       entry, v, i, kind->valuestring);
		if (!cJSON_IsString(text))
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): note %zu: \"text\" must be a "
						 "string, not %s"),
					       entry, v, i, json_type(text));
		r->notes[r->n_notes++].text = hoist_xstrdup(text->valuestring);
	}
	return HOIST_OK;
}

static bool sha256_hex(const char *s, char out[65])
{
	size_t i;
	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[64] = '\0';
	return s[64] == '\0';
}

static enum hoist_status packages_read(const cJSON *pkgs, size_t entry,
				       struct hoist_release *r, struct hoist_error *err)
{
	const char *v = r->version.text;
	const cJSON *p;
	size_t i = 0;
	if (!pkgs || cJSON_IsNull(pkgs))
		return HOIST_OK;
	if (!cJSON_IsArray(pkgs))
		return hoist_error_set(err, HOIST_FEED,
				       _("entry %zu (%s): \"packages\" must be an array, not %s"),
				       entry, v, json_type(pkgs));
	r->packages = hoist_xcalloc((size_t)cJSON_GetArraySize(pkgs), sizeof *r->packages);
	cJSON_ArrayForEach(p, pkgs) {
		const cJSON *platform = cJSON_GetObjectItemCaseSensitive(p, "platform");
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(p, "url");
		const cJSON *sha = cJSON_GetObjectItemCaseSensitive(p, "sha256");
		const cJSON *size = cJSON_GetObjectItemCaseSensitive(p, "size");
		struct hoist_package *pk = &r->packages[r->n_packages];
		i++;
		if (!cJSON_IsObject(p))
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): package %zu must be an object, "
						 "not %s"),
					       entry, v, i, json_type(p));
		if (!cJSON_IsString(platform) || !platform->valuestring[0])
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): package %zu needs a \"platform\" "
						 "string"),
					       entry, v, i);
		if (!cJSON_IsString(url) || !url->valuestring[0])
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): package %zu needs a \"url\" string"),
					       entry, v, i);
		if (!cJSON_IsString(sha))
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): package %zu needs a \"sha256\" "
						 "string"),
					       entry, v, i);
		if (!sha256_hex(sha->valuestring, pk->sha256))
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): package %zu: \"%.80s\" is not a "
						 "SHA-256 checksum (64 hexadecimal digits)"),
					       entry, v, i, sha->valuestring);
		pk->size = -1;
		if (size && !cJSON_IsNull(size)) {
			double d = cJSON_IsNumber(size) ? size->valuedouble : -1;
			if (!isfinite(d) || d < 0 || d > MAX_EXACT_SIZE || d != floor(d))
				return hoist_error_set(err, HOIST_FEED,
						       _("entry %zu (%s): package %zu: \"size\" must "
							 "be a whole number of bytes"),
						       entry, v, i);
			pk->size = (long long)d;
		}
		pk->platform = hoist_xstrdup(platform->valuestring);
		pk->url = hoist_xstrdup(url->valuestring);
		r->n_packages++;
	}
	return HOIST_OK;
}

static enum hoist_status release_read(const cJSON *item, size_t entry,
					    struct hoist_release *r, struct hoist_error *err)
{
	const cJSON *date, *lts, *from;
	enum hoist_status st;
	if (!cJSON_IsObject(item))
		return hoist_error_set(err, HOIST_FEED,
				       _("entry %zu: expected an object with \"version\", not %s"),
				       entry, json_type(item));
	st = entry_version(cJSON_GetObjectItemCaseSensitive(item, "version"), "version", entry,
			   &r->version, err);
	if (st != HOIST_OK)
		return st;
	if ((st = opt_string(item, "date", entry, r->version.text, &date, err)) != HOIST_OK)
		return st;
	if (date)
		r->date = hoist_xstrdup(date->valuestring);
	lts = cJSON_GetObjectItemCaseSensitive(item, "lts");
	if (lts && !cJSON_IsNull(lts) && !cJSON_IsBool(lts))
		return hoist_error_set(err, HOIST_FEED,
				       _("entry %zu (%s): \"lts\" must be true or false, not %s"),
				       entry, r->version.text, json_type(lts));
	r->lts = cJSON_IsTrue(lts);
	if ((st = opt_string(item, "upgrade_from", entry, r->version.text, &from, err)))
		return st;
	if (from) {
		if (hoist_version_parse(from->valuestring, &r->upgrade_from, NULL) != HOIST_OK)
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): upgrade_from \"%.*s\" is not a "
						 "version"),
					       entry, r->version.text, HOIST_VERSION_MAX,
					       from->valuestring);
		if (hoist_version_cmp(&r->upgrade_from, &r->version) >= 0)
			return hoist_error_set(err, HOIST_FEED,
					       _("entry %zu (%s): upgrade_from %s is not older than "
						 "the release itself"),
					       entry, r->version.text, r->upgrade_from.text);
		r->has_upgrade_from = true;
	}
	st = notes_read(cJSON_GetObjectItemCaseSensitive(item, "notes"), entry, r, err);
	if (st != HOIST_OK)
		return st;
	return packages_read(cJSON_GetObjectItemCaseSensitive(item, "packages"), entry, r, err);
}

static int cmp_release(const void *a, const void *b)
{
	const struct hoist_release *x = a, *y = b;
	return hoist_version_cmp(&x->version, &y->version);
}

/* Index sort that keeps the original position, to name both entries of a duplicate. */
struct ranked {
	const struct hoist_release *r;
	size_t index;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c = hoist_version_cmp(&x->r->version, &y->r->version);
	if (c)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

/* Sorts oldest first; two entries with one version are an error naming both. */
static enum hoist_status sort_releases(struct hoist_feed *f, struct hoist_error *err)
{
	struct ranked *rk;
	size_t i, n = f->n_releases;
	bool sorted = true;
	for (i = 1; i < n && sorted; i++)
		sorted = hoist_version_cmp(&f->releases[i - 1].version, &f->releases[i].version) < 0;
	if (sorted)
		return HOIST_OK; /* strictly ascending: no duplicates either */
	rk = hoist_xmalloc(n * sizeof *rk);
	for (i = 0; i < n; i++) {
		rk[i].r = &f->releases[i];
		rk[i].index = i;
	}
	qsort(rk, n, sizeof *rk, cmp_ranked);
	for (i = 1; i < n; i++)
		if (hoist_version_cmp(&rk[i - 1].r->version, &rk[i].r->version) == 0) {
			enum hoist_status st = hoist_error_set(
				err, HOIST_FEED, _("%s appears twice: entries %zu and %zu"),
				rk[i].r->version.text, rk[i - 1].index + 1, rk[i].index + 1);
			free(rk);
			return st;
		}
	free(rk);
	qsort(f->releases, n, sizeof *f->releases, cmp_release);
	return HOIST_OK;
}

/* Turns the tree into typed releases, deleting each entry's subtree once it is read. */
static enum hoist_status convert(cJSON *root, const struct hoist_feed_options *o,
				 struct hoist_feed *f, struct hoist_error *err)
{
	cJSON *list, *item;
	size_t n, entry = 0;
	if (cJSON_IsArray(root)) {
		f->format = HOIST_FEED_VENDOR;
		list = root;
	} else if (cJSON_IsObject(root)) {
		const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "format");
		if (!format)
			return hoist_error_set(err, HOIST_FEED,
					       _("the feed is an object without \"format\"; expected "
						 "\"format\": \"%s\" or the vendor's JSON array"),
					       FEED_FORMAT);
		if (!cJSON_IsString(format))
			return hoist_error_set(err, HOIST_FEED,
					       _("the feed's \"format\" must be a string, not %s"),
					       json_type(format));
		if (strcmp(format->valuestring, FEED_FORMAT) != 0)
			return hoist_error_set(err, HOIST_FEED,
					       _("unknown feed format \"%.40s\"; this hoist reads "
						 "\"%s\" and the vendor's JSON array"),
					       format->valuestring, FEED_FORMAT);
		f->format = HOIST_FEED_HOIST;
		list = cJSON_GetObjectItemCaseSensitive(root, "releases");
		if (!cJSON_IsArray(list))
			return hoist_error_set(err, HOIST_FEED,
					       _("the feed's \"releases\" must be an array, not %s"),
					       json_type(list));
	} else {
		return hoist_error_set(err, HOIST_FEED,
				       _("the feed is %s; expected a JSON array of releases or a "
					 "hoist-feed/1 object"),
				       json_type(root));
	}
	n = (size_t)cJSON_GetArraySize(list);
	if (n > o->max_releases)
		return hoist_error_set(err, HOIST_FEED,
				       _("the feed lists %zu releases, more than the %zu allowed"),
				       n, o->max_releases);
	f->releases = hoist_xcalloc(n, sizeof *f->releases);
	while ((item = list->child)) {
		struct hoist_release *r = &f->releases[f->n_releases];
		enum hoist_status st;
		entry++;
		st = f->format == HOIST_FEED_VENDOR ? vendor_release(item, entry, r, err)
						    : release_read(item, entry, r, err);
		f->n_releases++; /* counted even on failure, so that free() sees its parts */
		if (st != HOIST_OK)
			return st;
		cJSON_Delete(cJSON_DetachItemViaPointer(list, item));
	}
	return sort_releases(f, err);
}

static enum hoist_status finish(cJSON *root, const char *source,
				const struct hoist_feed_options *o, struct hoist_feed **out,
				struct hoist_error *err)
{
	struct hoist_feed *f = hoist_xcalloc(1, sizeof *f);
	enum hoist_status st = convert(root, o, f, err);
	cJSON_Delete(root);
	if (st != HOIST_OK) {
		hoist_feed_free(f);
		if (source)
			hoist_error_prefix(err, "%s", source);
		return st;
	}
	f->source = source ? hoist_xstrdup(source) : NULL;
	*out = f;
	return HOIST_OK;
}

static const struct hoist_feed_options *options_or_default(const struct hoist_feed_options *o,
							   struct hoist_feed_options *def)
{
	if (o)
		return o;
	hoist_feed_options_init(def);
	return def;
}

static enum hoist_status too_big(size_t len, const char *source, size_t max,
				 struct hoist_error *err)
{
	return hoist_error_set(err, HOIST_FEED,
			       _("%s: the feed is %zu bytes, more than the %zu allowed"),
			       source ? source : "-", len, max);
}

enum hoist_status hoist_feed_parse(const char *text, size_t len, const char *source,
				   const struct hoist_feed_options *o, struct hoist_feed **out,
				   struct hoist_error *err)
{
	struct hoist_feed_options def;
	cJSON *root;
	enum hoist_status st;
	o = options_or_default(o, &def);
	*out = NULL;
	if (o->max_bytes && len > o->max_bytes)
		return too_big(len, source, o->max_bytes, err);
	st = parse_json(text ? text : "", text ? len : 0, &root, err);
	if (st != HOIST_OK) {
		if (source)
			hoist_error_prefix(err, "%s", source);
		return st;
	}
	return finish(root, source, o, out, err);
}

/* Parses text the caller hands over; it is freed as soon as the tree exists. */
static enum hoist_status parse_owned(char *text, size_t len, const char *source,
				     const struct hoist_feed_options *o, struct hoist_feed **out,
				     struct hoist_error *err)
{
	cJSON *root;
	enum hoist_status st = parse_json(text, len, &root, err);
	free(text);
	if (st != HOIST_OK) {
		hoist_error_prefix(err, "%s", source);
		return st;
	}
	return finish(root, source, o, out, err);
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

	if (o->max_bytes && (!ho.max_body || ho.max_body > o->max_bytes))
		ho.max_body = o->max_bytes;
	h = hoist_http_new(&ho);
	if (!h)
		return hoist_error_set(err, HOIST_NETWORK,
				       _("cannot start an HTTP client to read %s"), url);
	hoist_http_response_init(&resp);
	req.url = url;
	req.idempotent = true;
	st = hoist_http_perform(h, &req, &resp, err);
	hoist_http_free(h);
	if (st == HOIST_TOOBIG) {
		st = hoist_error_set(err, HOIST_FEED,
				     _("%s: the feed is larger than the %zu bytes allowed"), url,
				     ho.max_body);
	} else if (st == HOIST_OK && (resp.status < 200 || resp.status > 299)) {
		st = hoist_error_set(err, HOIST_FEED,
				     _("%s answered HTTP %ld instead of the release feed; check "
				       "the feed's address"),
				     url, resp.status);
	}
	if (st != HOIST_OK) {
		hoist_http_response_done(&resp);
		return st;
	}
	body = hoist_buf_detach(&resp.body, &len);
	hoist_http_response_done(&resp);
	return parse_owned(body, len, url, o, out, err);
}

static enum hoist_status read_error(const char *path, int e, struct hoist_error *err)
{
	return hoist_error_set(err, HOIST_FEED, _("cannot read the feed %s: %s"), path,
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
		return hoist_error_set(err, HOIST_FEED,
				       _("%s is a directory, not a release feed"), path);
	}
	if (S_ISREG(sb.st_mode) && max && (unsigned long long)sb.st_size > max) {
		close(fd);
		return too_big((size_t)sb.st_size, path, max, err);
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
			return hoist_error_set(err, HOIST_FEED,
					       _("%s: the feed is larger than the %zu bytes allowed"),
					       path, max);
		}
	}
	close(fd);
	data[n] = '\0';
	*text = data;
	*len = n;
	return HOIST_OK;
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
	return !strncmp(p, "://", 3);
}

enum hoist_status hoist_feed_load(const char *source, const struct hoist_feed_options *o,
				  struct hoist_feed **out, struct hoist_error *err)
{
	struct hoist_feed_options def;
	enum hoist_status st;
	char *text = NULL, *path = NULL;
	size_t len = 0;
	o = options_or_default(o, &def);
	*out = NULL;
	if (!source || !*source)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no release feed given; name one with --feed or "
					 "[feed] source"));
	if (!strncasecmp(source, "http://", 7) || !strncasecmp(source, "https://", 8))
		return load_http(source, o, out, err);
	if (!strncasecmp(source, "file://", 7)) {
		path = file_url_path(source);
		if (!path)
			return hoist_error_set(err, HOIST_CONFIG,
					       _("%s: a file:// address must name a local absolute "
						 "path, like file:///srv/feed.json"),
					       source);
	} else if (has_scheme(source)) {
		return hoist_error_set(err, HOIST_CONFIG,
				       _("%s: a release feed is read from https://, http://, "
					 "file:// or a path"),
				       source);
	}
	st = read_file(path ? path : source, o->max_bytes, &text, &len, err);
	free(path);
	if (st != HOIST_OK)
		return st;
	return parse_owned(text, len, source, o, out, err);
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

/* feed_parse.c: reads a release feed's text (vendor array or hoist-feed/1) once into typed structs. */
#include "config.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "feed.h"
#include "feed_int.h"
#include "i18n.h"
#include "jsonread.h"
#include "xalloc.h"

#define FEED_FORMAT "hoist-feed/1"
/* cJSON (and jsonread.c) refuse deeper input; we say so instead of calling it malformed. */
#define NESTING_LIMIT 1000
/* Sizes above 2^53 cannot be told apart in a JSON number (a double). */
#define MAX_EXACT_SIZE 9007199254740992.0

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
		if (s[0] == kind_names[i][0] && !strcmp(s, kind_names[i])) {
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

/*
 * Picks the named members of an object in one pass over it (the first of a repeated
 * name wins, as with cJSON_GetObjectItem); out[i] is NULL for a missing name.
 */
static void members(const cJSON *obj, const char *const *names, const cJSON **out, size_t n)
{
	const cJSON *c;
	memset(out, 0, n * sizeof *out);
	cJSON_ArrayForEach(c, obj) {
		for (size_t i = 0; c->string && i < n; i++)
			if (!out[i] && c->string[0] == names[i][0] && !strcmp(c->string, names[i])) {
				out[i] = c;
				break;
			}
	}
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

/* A version from a JSON string, with the entry named in the message. */
static enum hoist_status entry_version(const cJSON *j, const char *field, size_t entry,
				       struct hoist_version *v, struct hoist_error *err)
{
	if (!j)
		return hoist_error_say(err, HOIST_FEED, N_("entry %zu has no \"%s\""), entry, field);
	if (!cJSON_IsString(j))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu: \"%s\" must be a string, not %s"), entry,
				       field, json_type(j));
	if (hoist_version_parse(j->valuestring, v, NULL) != HOIST_OK)
		return hoist_error_say(err, HOIST_FEED, N_("entry %zu: \"%.*s\" is not a version"),
				       entry, HOIST_VERSION_MAX, j->valuestring);
	return HOIST_OK;
}

/* An optional string: absent or null is fine; another type is an error. */
static enum hoist_status opt_string(const cJSON *j, const char *field, size_t entry,
				    const char *version, const cJSON **out,
				    struct hoist_error *err)
{
	*out = NULL;
	if (!j || cJSON_IsNull(j))
		return HOIST_OK;
	if (!cJSON_IsString(j))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): \"%s\" must be a string, not %s"), entry,
				       version, field, json_type(j));
	*out = j;
	return HOIST_OK;
}

static enum hoist_status vendor_release(const cJSON *item, size_t entry,
					struct hoist_release *r, struct hoist_json_arena *keep,
					struct hoist_error *err)
{
	/* The vendor's date field is not documented; take the first that is a string. */
	static const char *const date_fields[] = { "ReleaseDate", "Date", "ReleasedOn",
						   "releaseDate", "date" };
	enum hoist_status st;
	if (!cJSON_IsObject(item))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu: expected an object with \"Version\", not %s"),
				       entry, json_type(item));
	st = entry_version(cJSON_GetObjectItemCaseSensitive(item, "Version"), "Version", entry,
			   &r->version, err);
	if (st != HOIST_OK)
		return st;
	for (size_t i = 0; i < sizeof date_fields / sizeof date_fields[0]; i++) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(item, date_fields[i]);
		if (cJSON_IsString(d)) {
			r->date = hoist_json_arena_strdup(keep, d->valuestring);
			break;
		}
	}
	return HOIST_OK;
}

static enum hoist_status notes_read(const cJSON *notes, size_t entry, struct hoist_release *r,
				   struct hoist_json_arena *keep, struct hoist_error *err)
{
	const char *v = r->version.text;
	const cJSON *n;
	size_t i = 0;
	if (!notes || cJSON_IsNull(notes))
		return HOIST_OK;
	if (!cJSON_IsArray(notes))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): \"notes\" must be an array, not %s"),
				       entry, v, json_type(notes));
	r->notes = hoist_json_arena_alloc(keep, (size_t)cJSON_GetArraySize(notes) *
						      sizeof *r->notes);
	cJSON_ArrayForEach(n, notes) {
		static const char *const names[] = { "kind", "text" };
		const cJSON *m[2], *kind, *text;
		i++;
		if (!cJSON_IsObject(n))
			return hoist_error_say(err, HOIST_FEED,
					       N_("entry %zu (%s): note %zu must be an object with "
						  "\"kind\" and \"text\", not %s"),
					       entry, v, i, json_type(n));
		members(n, names, m, 2);
		kind = m[0];
		text = m[1];
		if (!cJSON_IsString(kind))
			return hoist_error_say(err, HOIST_FEED,
					       N_("entry %zu (%s): note %zu: \"kind\" must be a "
						  "string, not %s"),
					       entry, v, i, json_type(kind));
		if (!note_kind_parse(kind->valuestring, &r->notes[r->n_notes].kind))
			return hoist_error_say(err, HOIST_FEED,
					       N_("entry %zu (%s): note %zu has an unknown kind "
						  "\"%.40s\" (expected breaking, dependency, security, "
						  "feature or fix)"),
					       entry, v, i, kind->valuestring);
		if (!cJSON_IsString(text))
			return hoist_error_say(err, HOIST_FEED,
					       N_("entry %zu (%s): note %zu: \"text\" must be a "
						  "string, not %s"),
					       entry, v, i, json_type(text));
		r->notes[r->n_notes++].text = hoist_json_arena_strdup(keep, text->valuestring);
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

/* Package i of entry (release v): platform, url, sha256 and an optional size. */
static enum hoist_status package_read(const cJSON *p, size_t entry, const char *v, size_t i,
				      struct hoist_package *pk, struct hoist_json_arena *keep,
				      struct hoist_error *err)
{
	static const char *const names[] = { "platform", "url", "sha256", "size" };
	const cJSON *m[4], *platform, *url, *sha, *size;
	if (!cJSON_IsObject(p))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): package %zu must be an object, "
					  "not %s"),
				       entry, v, i, json_type(p));
	members(p, names, m, 4);
	platform = m[0];
	url = m[1];
	sha = m[2];
	size = m[3];
	if (!cJSON_IsString(platform) || !platform->valuestring[0])
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): package %zu needs a \"platform\" "
					  "string"),
				       entry, v, i);
	if (!cJSON_IsString(url) || !url->valuestring[0])
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): package %zu needs a \"url\" string"),
				       entry, v, i);
	if (!cJSON_IsString(sha))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): package %zu needs a \"sha256\" "
					  "string"),
				       entry, v, i);
	if (!sha256_hex(sha->valuestring, pk->sha256))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): package %zu: \"%.80s\" is not a "
					  "SHA-256 checksum (64 hexadecimal digits)"),
				       entry, v, i, sha->valuestring);
	pk->size = -1;
	if (size && !cJSON_IsNull(size)) {
		double d = cJSON_IsNumber(size) ? size->valuedouble : -1;
		/* In range, the cast is exact: a whole number without libm's floor. */
		if (!isfinite(d) || d < 0 || d > MAX_EXACT_SIZE || d != (double)(long long)d)
			return hoist_error_say(err, HOIST_FEED,
					       N_("entry %zu (%s): package %zu: \"size\" must "
						  "be a whole number of bytes"),
					       entry, v, i);
		pk->size = (long long)d;
	}
	pk->platform = hoist_json_arena_strdup(keep, platform->valuestring);
	pk->url = hoist_json_arena_strdup(keep, url->valuestring);
	return HOIST_OK;
}

static enum hoist_status packages_read(const cJSON *pkgs, size_t entry,
				       struct hoist_release *r, struct hoist_json_arena *keep,
				       struct hoist_error *err)
{
	const char *v = r->version.text;
	const cJSON *p;
	size_t i = 0;
	enum hoist_status st;
	if (!pkgs || cJSON_IsNull(pkgs))
		return HOIST_OK;
	if (!cJSON_IsArray(pkgs))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): \"packages\" must be an array, not %s"),
				       entry, v, json_type(pkgs));
	r->packages = hoist_json_arena_alloc(keep, (size_t)cJSON_GetArraySize(pkgs) *
							 sizeof *r->packages);
	cJSON_ArrayForEach(p, pkgs) {
		st = package_read(p, entry, v, ++i, &r->packages[r->n_packages], keep, err);
		if (st != HOIST_OK)
			return st;
		r->n_packages++;
	}
	return HOIST_OK;
}

static enum hoist_status release_read(const cJSON *item, size_t entry,
				      struct hoist_release *r, struct hoist_json_arena *keep,
				      struct hoist_error *err)
{
	enum { F_VERSION, F_DATE, F_LTS, F_FROM, F_NOTES, F_PACKAGES, F_N_FIELDS };
	static const char *const names[F_N_FIELDS] = { "version", "date", "lts",
						       "upgrade_from", "notes", "packages" };
	const cJSON *m[F_N_FIELDS], *date, *from;
	enum hoist_status st;
	if (!cJSON_IsObject(item))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu: expected an object with \"version\", not %s"),
				       entry, json_type(item));
	members(item, names, m, F_N_FIELDS);
	st = entry_version(m[F_VERSION], "version", entry, &r->version, err);
	if (st != HOIST_OK)
		return st;
	if ((st = opt_string(m[F_DATE], "date", entry, r->version.text, &date, err)) != HOIST_OK)
		return st;
	if (date)
		r->date = hoist_json_arena_strdup(keep, date->valuestring);
	if (m[F_LTS] && !cJSON_IsNull(m[F_LTS]) && !cJSON_IsBool(m[F_LTS]))
		return hoist_error_say(err, HOIST_FEED,
				       N_("entry %zu (%s): \"lts\" must be true or false, not %s"),
				       entry, r->version.text, json_type(m[F_LTS]));
	r->lts = cJSON_IsTrue(m[F_LTS]);
	st = opt_string(m[F_FROM], "upgrade_from", entry, r->version.text, &from, err);
	if (st != HOIST_OK)
		return st;
	if (from) {
		if (hoist_version_parse(from->valuestring, &r->upgrade_from, NULL) != HOIST_OK)
			return hoist_error_say(err, HOIST_FEED,
					       N_("entry %zu (%s): upgrade_from \"%.*s\" is not a "
						  "version"),
					       entry, r->version.text, HOIST_VERSION_MAX,
					       from->valuestring);
		if (hoist_version_cmp(&r->upgrade_from, &r->version) >= 0)
			return hoist_error_say(err, HOIST_FEED,
					       N_("entry %zu (%s): upgrade_from %s is not older than "
						  "the release itself"),
					       entry, r->version.text, r->upgrade_from.text);
		r->has_upgrade_from = true;
	}
	if ((st = notes_read(m[F_NOTES], entry, r, keep, err)) != HOIST_OK)
		return st;
	return packages_read(m[F_PACKAGES], entry, r, keep, err);
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
			enum hoist_status st = hoist_error_say(
				err, HOIST_FEED, N_("%s appears twice: entries %zu and %zu"),
				rk[i].r->version.text, rk[i - 1].index + 1, rk[i].index + 1);
			free(rk);
			return st;
		}
	free(rk);
	qsort(f->releases, n, sizeof *f->releases, cmp_release);
	return HOIST_OK;
}

/*
 * The reader walks the top level of the feed itself and reads each release entry on its
 * own into nodes in an arena (jsonread.c), converts it, then empties the arena: the
 * whole document never exists as one tree, and no node is allocated or freed alone.
 */
struct reader {
	const char *text; /* borrowed: the whole feed */
	const char *end;
	const struct hoist_feed_options *o;
	struct hoist_feed *f;
	size_t alloc; /* capacity of f->releases */
	struct hoist_json_arena *arena; /* owned: the nodes of the value being read */
	struct hoist_error *err;
	bool mapped;          /* text is a file's private mapping: read pages may be dropped */
	const char *dropped;  /* the mapping's pages before this are given back */
};

/*
 * A mapped feed's pages that the reader has passed are given back every few MiB, so
 * that a large feed does not stay in memory beside its structs; should an error message
 * need them again (line and column), they are read from the file once more.
 */
#define DROP_EVERY (4L << 20)

static void drop_behind(struct reader *rd, const char *p)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)rd->dropped + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	uintptr_t to = (uintptr_t)p & ~((uintptr_t)page - 1);
	if (page <= 0 || to <= from || to - from < (uintptr_t)DROP_EVERY)
		return;
	if (madvise((void *)from, to - from, MADV_DONTNEED) == 0)
		rd->dropped = (const char *)to;
}

/* Blanks between values: what cJSON skips inside an entry (any control byte), alike. */
static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ')
		p++;
	return p;
}

/* Explains why the text is not JSON at `at`: cut off, too deep, or wrong there. */
static enum hoist_status json_error(const struct reader *rd, const char *at)
{
	size_t len = (size_t)(rd->end - rd->text), line, col;
	switch (scan_json(rd->text, len)) {
	case SCAN_TRUNCATED:
		line_col(rd->text, len, &line, &col);
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed is truncated: it ends at line %zu, column %zu "
					  "before the JSON is complete"),
				       line, col);
	case SCAN_TOO_DEEP:
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed is nested more than %d levels deep; it is not "
					  "a release feed"),
				       NESTING_LIMIT);
	default:
		break;
	}
	if (!at || at < rd->text || at > rd->end)
		at = rd->text;
	line_col(rd->text, (size_t)(at - rd->text), &line, &col);
	return hoist_error_say(rd->err, HOIST_FEED,
			       N_("the feed is not valid JSON: error near line %zu, column %zu"),
			       line, col);
}

/* Reads the one JSON value at p into the arena; *next points just past it. */
static enum hoist_status parse_value(const struct reader *rd, const char *p, cJSON **out,
				     const char **next)
{
	const char *stop = NULL;
	/* cJSON skipped a byte-order mark at its start; inside the feed it is an error. */
	if (p >= rd->end || (unsigned char)*p == 0xEF)
		return json_error(rd, p);
	*out = hoist_json_read(rd->arena, p, rd->end, &stop);
	if (!*out)
		return json_error(rd, stop);
	*next = stop;
	return HOIST_OK;
}

/* The end of the array or object at p, by brackets and strings only; NULL if none. */
static const char *skip_structure(const char *p, const char *end)
{
	size_t depth = 0;
	for (; p < end; p++) {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			if (p >= end)
				return NULL;
		} else if (*p == '[' || *p == '{') {
			depth++;
		} else if (*p == ']' || *p == '}') {
			if (depth == 0 || --depth == 0)
				return p + 1;
		}
	}
	return NULL;
}

/* Reads and converts one entry at *p, then empties the arena. */
static enum hoist_status read_entry(struct reader *rd, const char **p)
{
	struct hoist_feed *f = rd->f;
	size_t entry = f->n_releases + 1;
	struct hoist_release *r;
	enum hoist_status st;
	cJSON *item;
	if (f->n_releases >= rd->o->max_releases)
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed lists more than the %zu releases allowed"),
				       rd->o->max_releases);
	st = parse_value(rd, *p, &item, p);
	if (st == HOIST_OK) {
		f->releases = hoist_xgrow(f->releases, &rd->alloc, entry, sizeof *f->releases);
		r = &f->releases[f->n_releases++]; /* counted now, so that free() sees its parts */
		memset(r, 0, sizeof *r);
		st = f->format == HOIST_FEED_VENDOR
			     ? vendor_release(item, entry, r, f->strings, rd->err)
			     : release_read(item, entry, r, f->strings, rd->err);
	}
	hoist_json_arena_reset(rd->arena);
	if (rd->mapped)
		drop_behind(rd, *p);
	return st;
}

/* Reads the array of releases at p (its '['), one entry at a time. */
static enum hoist_status read_releases(struct reader *rd, const char *p, const char **next)
{
	enum hoist_status st;
	p = skip_ws(p + 1, rd->end);
	if (p < rd->end && *p == ']') {
		*next = p + 1;
		return HOIST_OK;
	}
	for (;;) {
		if ((st = read_entry(rd, &p)) != HOIST_OK)
			return st;
		p = skip_ws(p, rd->end);
		if (p < rd->end && *p == ',') {
			p = skip_ws(p + 1, rd->end);
		} else if (p < rd->end && *p == ']') {
			*next = p + 1;
			return HOIST_OK;
		} else {
			return json_error(rd, p);
		}
	}
}

static enum hoist_status check_format(const struct reader *rd, const cJSON *format)
{
	if (!cJSON_IsString(format))
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed's \"format\" must be a string, not %s"),
				       json_type(format));
	if (strcmp(format->valuestring, FEED_FORMAT) != 0)
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("unknown feed format \"%.40s\"; this hoist reads \"%s\" "
					  "and the vendor's JSON array"),
				       format->valuestring, FEED_FORMAT);
	return HOIST_OK;
}

/*
 * Reads a hoist-feed/1 object at p (its '{'). "format" is checked before any release
 * is read; when "releases" comes first, it is skipped and read after the object.
 */
/* What read_object has seen of the hoist-feed/1 object so far. */
struct object_seen {
	bool format, releases;
	const char *releases_at; /* where the array starts, while format is unknown */
};

/* One member's value at *p (its key already read); *p moves past it. */
static enum hoist_status read_member(struct reader *rd, const cJSON *key, const char **p,
				     struct object_seen *seen)
{
	cJSON *value;
	enum hoist_status st;
	/* A repeated member counts once, the first time, as cJSON would have it. */
	if (!strcmp(key->valuestring, "releases") && !seen->releases && *p < rd->end &&
	    **p == '[') {
		seen->releases = true;
		if (seen->format)
			return read_releases(rd, *p, p);
		seen->releases_at = *p;
		*p = skip_structure(*p, rd->end);
		return *p ? HOIST_OK : json_error(rd, rd->end);
	}
	if ((st = parse_value(rd, *p, &value, p)) != HOIST_OK)
		return st;
	if (!strcmp(key->valuestring, "format") && !seen->format) {
		seen->format = true;
		return check_format(rd, value);
	}
	if (!strcmp(key->valuestring, "releases") && !seen->releases)
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed's \"releases\" must be an array, "
					  "not %s"),
				       json_type(value));
	return HOIST_OK;
}

static enum hoist_status read_object(struct reader *rd, const char *p, const char **next)
{
	struct object_seen seen = { false, false, NULL };
	cJSON *key;
	enum hoist_status st;

	bool more;
	rd->f->format = HOIST_FEED_HOIST;
	p = skip_ws(p + 1, rd->end);
	more = !(p < rd->end && *p == '}');
	if (!more)
		*next = p + 1;
	while (more) {
		if (p >= rd->end || *p != '"')
			return json_error(rd, p);
		if ((st = parse_value(rd, p, &key, &p)) != HOIST_OK)
			return st;
		p = skip_ws(p, rd->end);
		if (p >= rd->end || *p != ':')
			return json_error(rd, p);
		p = skip_ws(p + 1, rd->end);
		if ((st = read_member(rd, key, &p, &seen)) != HOIST_OK)
			return st;
		p = skip_ws(p, rd->end);
		if (p < rd->end && *p == ',') {
			p = skip_ws(p + 1, rd->end);
		} else if (p < rd->end && *p == '}') {
			*next = p + 1;
			more = false;
		} else {
			return json_error(rd, p);
		}
	}
	if (!seen.format)
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed is an object without \"format\"; expected "
					  "\"format\": \"%s\" or the vendor's JSON array"),
				       FEED_FORMAT);
	if (!seen.releases)
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed has no \"releases\" array"));
	if (seen.releases_at)
		return read_releases(rd, seen.releases_at, &p);
	return HOIST_OK;
}

/* Reads the one JSON value of the document: the vendor's array or a hoist-feed/1. */
static enum hoist_status read_document(struct reader *rd)
{
	const char *p = rd->text, *next = NULL;
	enum hoist_status st;
	size_t line, col;
	cJSON *root;

	/* A byte-order mark, as some Windows tools write, is not part of the JSON. */
	if (rd->end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	p = skip_ws(p, rd->end);
	if (p == rd->end)
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed is empty; expected a JSON array of releases or "
					  "a hoist-feed/1 document"));
	if (*p == '[') {
		rd->f->format = HOIST_FEED_VENDOR;
		st = read_releases(rd, p, &next);
	} else if (*p == '{') {
		st = read_object(rd, p, &next);
	} else if ((st = parse_value(rd, p, &root, &next)) == HOIST_OK) {
		st = hoist_error_say(rd->err, HOIST_FEED,
				     N_("the feed is %s; expected a JSON array of releases or a "
				        "hoist-feed/1 object"),
				     json_type(root));
	}
	if (st != HOIST_OK)
		return st;
	next = skip_ws(next, rd->end);
	if (next < rd->end) {
		line_col(rd->text, (size_t)(next - rd->text), &line, &col);
		return hoist_error_say(rd->err, HOIST_FEED,
				       N_("the feed is not valid JSON: unexpected data after its end "
					  "at line %zu, column %zu"),
				       line, col);
	}
	return HOIST_OK;
}

/* Reads the whole feed into f, then sorts it oldest first. */
static enum hoist_status read_feed(const char *text, size_t len, bool mapped,
				   const struct hoist_feed_options *o, struct hoist_feed *f,
				   struct hoist_error *err)
{
	struct reader rd = { text, text + len, o, f, 0, hoist_json_arena_new(), err, mapped,
			     text };
	enum hoist_status st;

	st = read_document(&rd);
	hoist_json_arena_free(rd.arena);
	if (st != HOIST_OK)
		return st;
	if (f->n_releases < rd.alloc)
		f->releases = hoist_xrealloc(f->releases, f->n_releases * sizeof *f->releases);
	return sort_releases(f, err);
}


enum hoist_status feed_parse_text(const char *text, size_t len, bool mapped, const char *source,
				  const struct hoist_feed_options *o, struct hoist_feed **out,
				  struct hoist_error *err)
{
	struct hoist_feed_options def;
	struct hoist_feed *f;
	enum hoist_status st;
	o = feed_options_or_default(o, &def);
	*out = NULL;
	if (o->max_bytes && len > o->max_bytes)
		return feed_too_big(len, source, o->max_bytes, err);
	f = hoist_xcalloc(1, sizeof *f);
	f->strings = hoist_json_arena_new();
	st = read_feed(text ? text : "", text ? len : 0, mapped, o, f, err);
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

enum hoist_status hoist_feed_parse(const char *text, size_t len, const char *source,
				   const struct hoist_feed_options *o, struct hoist_feed **out,
				   struct hoist_error *err)
{
	return feed_parse_text(text, len, false, source, o, out, err);
}

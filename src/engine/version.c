/* version.c: strict parsing and numeric ordering of versions. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "version.h"

/* Reads one decimal component; no sign, no leading zero, at most 9 digits. */
static const char *component(const char *s, unsigned long *out)
{
	const char *p = s;
	unsigned long n = 0;
	if (!isdigit((unsigned char)*p))
		return NULL;
	if (*p == '0' && isdigit((unsigned char)p[1]))
		return NULL;
	while (isdigit((unsigned char)*p)) {
		if (p - s >= 9)
			return NULL;
		n = n * 10 + (unsigned long)(*p - '0');
		p++;
	}
	*out = n;
	return p;
}

static bool pre_valid(const char *s)
{
	const char *id = s;
	if (!*s)
		return false;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == id)
				return false; /* empty identifier */
			if (*p == '\0')
				return true;
			id = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '-') {
			return false;
		}
	}
}

enum hoist_status hoist_version_parse(const char *text, struct hoist_version *v,
				      struct hoist_error *err)
{
	const char *p = text;
	struct hoist_version out;
	memset(&out, 0, sizeof out);
	if (!text || !*text)
		return hoist_error_say(err, HOIST_VERSION, N_("empty version"));
	if (strlen(text) >= HOIST_VERSION_MAX)
		goto bad;
	if (!(p = component(p, &out.major)) || *p++ != '.')
		goto bad;
	if (!(p = component(p, &out.minor)) || *p++ != '.')
		goto bad;
	if (!(p = component(p, &out.patch)))
		goto bad;
	if (*p == '-') {
		if (!pre_valid(p + 1))
			goto bad;
		strcpy(out.pre, p + 1);
	} else if (*p) {
		goto bad;
	}
	strcpy(out.text, text);
	*v = out;
	return HOIST_OK;
bad:
	return hoist_error_say(err, HOIST_VERSION,
			       N_("\"%.*s\" is not a version (expected MAJOR.MINOR.PATCH, "
				  "like 2024.2.1)"),
			       HOIST_VERSION_MAX, text);
}

bool hoist_version_valid(const char *text)
{
	struct hoist_version v;
	return hoist_version_parse(text, &v, NULL) == HOIST_OK;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* Semantic-versioning precedence of two prerelease strings, both non-empty. */
static int pre_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		bool na = all_digits(a, la), nb = all_digits(b, lb);
		int c;
		if (na && nb) {
			c = (la > lb) - (la < lb); /* no leading zeros expected; longer is larger */
			if (!c)
				c = strncmp(a, b, la);
		} else if (na != nb) {
			c = na ? -1 : 1;
		} else {
			size_t m = la < lb ? la : lb;
			c = strncmp(a, b, m);
			if (!c)
				c = (la > lb) - (la < lb);
		}
		if (c)
			return c;
		a += la + (a[la] == '.');
		b += lb + (b[lb] == '.');
	}
	return (*a != '\0') - (*b != '\0');
}

int hoist_version_cmp(const struct hoist_version *a, const struct hoist_version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	if (!a->pre[0] && !b->pre[0])
		return 0;
	if (!a->pre[0] || !b->pre[0])
		return a->pre[0] ? -1 : 1; /* a prerelease sorts before its release */
	return pre_cmp(a->pre, b->pre);
}

bool hoist_version_is_prerelease(const struct hoist_version *v)
{
	return v->pre[0] != '\0';
}

enum hoist_kind hoist_version_kind(const struct hoist_version *from,
				   const struct hoist_version *to)
{
	int c = hoist_version_cmp(from, to);
	if (c == 0)
		return HOIST_KIND_NONE;
	if (c > 0)
		return HOIST_KIND_DOWNGRADE;
	if (from->major != to->major)
		return HOIST_KIND_MAJOR;
	if (from->minor != to->minor)
		return HOIST_KIND_MINOR;
	return HOIST_KIND_PATCH;
}

const char *hoist_kind_name(enum hoist_kind k)
{
	switch (k) {
	case HOIST_KIND_PATCH: return "patch";
	case HOIST_KIND_MINOR: return "minor";
	case HOIST_KIND_MAJOR: return "major";
	case HOIST_KIND_DOWNGRADE: return "downgrade";
	default: return "none";
	}
}

const char *hoist_kind_rollback(enum hoist_kind k)
{
	switch (k) {
	case HOIST_KIND_PATCH:
		return _("Patch upgrade: no database schema change; roll back by reinstalling "
			 "the previous version over the top.");
	case HOIST_KIND_MINOR:
		return _("Minor upgrade: the database schema changes; rolling back means "
			 "restoring the database backup taken before the upgrade.");
	case HOIST_KIND_MAJOR:
		return _("Major upgrade: breaking changes and a schema change; rolling back "
			 "means restoring the database, the master key and the file storage.");
	case HOIST_KIND_DOWNGRADE:
		return _("Downgrade: needs a database backup taken at the older version.");
	default:
		return _("Already at this version: nothing to do.");
	}
}

enum hoist_status hoist_version_pattern_parse(const char *text,
					      struct hoist_version_pattern *p,
					      struct hoist_error *err)
{
	struct hoist_version v;
	struct hoist_version_pattern out;
	const char *s = text;
	unsigned long *fields[3];
	memset(&out, 0, sizeof out);
	fields[0] = &out.major;
	fields[1] = &out.minor;
	fields[2] = &out.patch;
	if (text && hoist_version_parse(text, &v, NULL) == HOIST_OK) {
		out.major = v.major;
		out.minor = v.minor;
		out.patch = v.patch;
		strcpy(out.pre, v.pre);
		out.depth = 3;
		strcpy(out.text, v.text);
		*p = out;
		return HOIST_OK;
	}
	if (!text || strlen(text) >= HOIST_VERSION_MAX)
		goto bad;
	for (int i = 0; i < 3; i++) {
		if ((*s == 'x' || *s == 'X' || *s == '*') && s[1] == '\0') {
			if (i == 0)
				goto bad;
			out.depth = i;
			strcpy(out.text, text);
			*p = out;
			return HOIST_OK;
		}
		if (!(s = component(s, fields[i])) || *s++ != '.')
			goto bad;
	}
bad:
	return hoist_error_say(err, HOIST_VERSION,
			       N_("\"%.*s\" is not a version or a version line "
				  "(expected 2024.1.3, 2024.1.x or 2024.x)"),
			       HOIST_VERSION_MAX, text ? text : "");
}

bool hoist_version_pattern_match(const struct hoist_version_pattern *p,
				 const struct hoist_version *v)
{
	if (v->major != p->major)
		return false;
	if (p->depth >= 2 && v->minor != p->minor)
		return false;
	if (p->depth >= 3 && (v->patch != p->patch || strcmp(v->pre, p->pre) != 0))
		return false;
	return true;
}

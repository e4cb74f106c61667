/* policy.c: seed 000's upgrade rules, as its prose states them, applied to a feed. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "i18n.h"
#include "policy.h"
#include "xalloc.h"

/* Highest value minor_after / major_after accept; beyond it a number is a typo. */
#define AFTER_MAX 100000

void hoist_policy_init(struct hoist_policy *p)
{
	memset(p, 0, sizeof *p);
	p->allow = HOIST_ALLOW_MINOR;
	p->minor_after = -1;
	p->major_after = -1;
	p->prerelease = false;
}

void hoist_policy_done(struct hoist_policy *p)
{
	if (!p)
		return;
	free(p->exclude);
	p->exclude = NULL;
	p->n_exclude = 0;
}

static char *trim(char *s)
{
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

enum hoist_status hoist_policy_set_allow(struct hoist_policy *p, const char *text,
					 struct hoist_error *err)
{
	static const struct {
		const char *name;
		enum hoist_allow allow;
	} names[] = {
		{ "patch", HOIST_ALLOW_PATCH },
		{ "minor", HOIST_ALLOW_MINOR },
		{ "major", HOIST_ALLOW_MAJOR },
	};
	char *copy = hoist_xstrdup(text ? text : ""), *t = trim(copy);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcasecmp(t, names[i].name)) {
			p->allow = names[i].allow;
			free(copy);
			return HOIST_OK;
		}
	free(copy);
	return hoist_error_say(err, HOIST_CONFIG,
			       N_("allow: \"%.40s\" is not an upgrade kind (expected patch, minor "
				  "or major)"),
			       text ? text : "");
}

enum hoist_status hoist_policy_set_pin(struct hoist_policy *p, const char *text,
				       struct hoist_error *err)
{
	struct hoist_version_pattern pin;
	char *copy = hoist_xstrdup(text ? text : ""), *t = trim(copy);
	enum hoist_status st = HOIST_OK;
	if (!*t) {
		p->has_pin = false; /* an empty pin removes it */
	} else if (hoist_version_pattern_parse(t, &pin, err) == HOIST_OK) {
		p->pin = pin;
		p->has_pin = true;
	} else {
		st = HOIST_VERSION;
		hoist_error_prefix(err, "pin");
	}
	free(copy);
	return st;
}

enum hoist_status hoist_policy_add_exclude(struct hoist_policy *p, const char *text,
					   struct hoist_error *err)
{
	char *copy = hoist_xstrdup(text ? text : ""), *save = NULL, *item;
	struct hoist_version *added = NULL;
	size_t n = 0, alloc = 0;
	/* All or nothing: a bad item leaves the list as it was. */
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *t = trim(item);
		if (!*t)
			continue;
		added = hoist_xgrow(added, &alloc, n + 1, sizeof *added);
		if (hoist_version_parse(t, &added[n], err) != HOIST_OK) {
			hoist_error_prefix(err, "exclude");
			free(added);
			free(copy);
			return HOIST_VERSION;
		}
		n++;
	}
	free(copy);
	if (n) {
		p->exclude = hoist_xrealloc(p->exclude, (p->n_exclude + n) * sizeof *p->exclude);
		memcpy(p->exclude + p->n_exclude, added, n * sizeof *added);
		p->n_exclude += n;
	}
	free(added);
	return HOIST_OK;
}

enum hoist_status hoist_policy_set_after(int *field, const char *text, struct hoist_error *err)
{
	char *copy = hoist_xstrdup(text ? text : ""), *t = trim(copy), *end;
	long n;
	if (!*t || !strcasecmp(t, "off") || !strcasecmp(t, "none") || !strcmp(t, "-1")) {
		*field = -1;
		free(copy);
		return HOIST_OK;
	}
	n = isdigit((unsigned char)*t) ? strtol(t, &end, 10) : -1;
	if (n < 0 || *end || n > AFTER_MAX) {
		free(copy);
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("\"%.40s\" is not a release number (expected 0 to %d, "
					  "or \"off\")"),
				       text ? text : "", AFTER_MAX);
	}
	*field = (int)n;
	free(copy);
	return HOIST_OK;
}

const char *hoist_hold_name(enum hoist_hold h)
{
	switch (h) {
	case HOIST_HOLD_NONE: return "none";
	case HOIST_HOLD_KIND: return "kind";
	case HOIST_HOLD_WAITING: return "waiting";
	case HOIST_HOLD_PIN: return "pin";
	case HOIST_HOLD_EXCLUDED: return "excluded";
	case HOIST_HOLD_PRERELEASE: return "prerelease";
	case HOIST_HOLD_STOP: return "stop";
	}
	return "unknown";
}

static bool excluded(const struct hoist_policy *p, const struct hoist_version *v)
{
	for (size_t i = 0; i < p->n_exclude; i++)
		if (hoist_version_cmp(&p->exclude[i], v) == 0)
			return true;
	return false;
}

/* The minor_after / major_after rules alone; the other rules are checked apart. */
enum after_rule { AFTER_OK, AFTER_MINOR, AFTER_MAJOR };

static enum after_rule after_rule(const struct hoist_policy *p, const struct hoist_version *cur,
				  const struct hoist_version *v)
{
	bool new_major = v->major != cur->major;
	bool new_line = new_major || v->minor != cur->minor;
	/* A new major starts a new minor line too, so both rules apply to it. */
	if (new_major && p->major_after >= 0 && v->minor < (unsigned long)p->major_after)
		return AFTER_MAJOR;
	if (new_line && p->minor_after >= 0 && v->patch < (unsigned long)p->minor_after)
		return AFTER_MINOR;
	return AFTER_OK;
}

/*
 * The first version that would satisfy the rule r is waiting on: the oldest release
 * of the same line (or major) in the feed that passes, else the first that could.
 */
static char *waiting_for(const struct hoist_policy *p, const struct hoist_feed *feed, size_t i,
			 const struct hoist_version *cur, enum after_rule rule)
{
	const struct hoist_version *v = &feed->releases[i].version;
	unsigned long minor, patch;
	for (size_t j = i + 1; j < feed->n_releases; j++) {
		const struct hoist_version *q = &feed->releases[j].version;
		if (q->major != v->major || (rule == AFTER_MINOR && q->minor != v->minor))
			break;
		if (!hoist_version_is_prerelease(q) && !excluded(p, q) &&
		    after_rule(p, cur, q) == AFTER_OK)
			return hoist_xstrdup(q->text);
	}
	if (rule == AFTER_MAJOR) {
		minor = (unsigned long)p->major_after;
		patch = p->minor_after > 0 ? (unsigned long)p->minor_after : 0;
	} else {
		minor = v->minor;
		patch = (unsigned long)p->minor_after;
	}
	return hoist_xasprintf("%lu.%lu.%lu", v->major, minor, patch);
}

/* The reason of every eligible release: one shared "", not an allocation per release. */
static char no_reason[] = "";

/* The first rule that holds release i back, with its reason; HOIST_HOLD_NONE if none. */
static enum hoist_hold judge(const struct hoist_policy *p, const struct hoist_feed *feed,
			     size_t i, const struct hoist_version *cur, enum hoist_kind kind,
			     char **reason)
{
	const struct hoist_version *v = &feed->releases[i].version;
	bool pinned_exactly = p->has_pin && p->pin.depth == 3 &&
			      hoist_version_pattern_match(&p->pin, v);
	enum after_rule rule;
	if (excluded(p, v)) {
		*reason = hoist_xstrdup(_("excluded by the policy"));
		return HOIST_HOLD_EXCLUDED;
	}
	/* Pinning one prerelease by its exact version is asking for it. */
	if (hoist_version_is_prerelease(v) && !p->prerelease && !pinned_exactly) {
		*reason = hoist_xstrdup(_("prerelease"));
		return HOIST_HOLD_PRERELEASE;
	}
	if (p->has_pin && !hoist_version_pattern_match(&p->pin, v)) {
		*reason = hoist_xasprintf(_("outside the pin %s"), p->pin.text);
		return HOIST_HOLD_PIN;
	}
	if (kind == HOIST_KIND_MAJOR && p->allow < HOIST_ALLOW_MAJOR) {
		*reason = hoist_xstrdup(_("major upgrades off"));
		return HOIST_HOLD_KIND;
	}
	if (kind == HOIST_KIND_MINOR && p->allow < HOIST_ALLOW_MINOR) {
		*reason = hoist_xstrdup(_("minor upgrades off"));
		return HOIST_HOLD_KIND;
	}
	rule = after_rule(p, cur, v);
	if (rule != AFTER_OK) {
		char *x = waiting_for(p, feed, i, cur, rule);
		*reason = hoist_xasprintf(_("waiting for %s"), x);
		free(x);
		return HOIST_HOLD_WAITING;
	}
	*reason = no_reason;
	return HOIST_HOLD_NONE;
}

/* Index of the first release newer than v. */
static size_t first_newer(const struct hoist_feed *feed, const struct hoist_version *v)
{
	size_t lo = 0, hi = feed->n_releases;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (hoist_version_cmp(&feed->releases[mid].version, v) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

enum hoist_status hoist_policy_evaluate(const struct hoist_policy *p,
					const struct hoist_feed *feed,
					const struct hoist_version *current,
					struct hoist_selection *out, struct hoist_error *err)
{
	size_t first;
	memset(out, 0, sizeof *out);
	if (!p || !feed || !current)
		return hoist_error_say(err, HOIST_USAGE,
				       N_("a policy, a feed and the current version are needed"));
	if (p->allow < HOIST_ALLOW_PATCH || p->allow > HOIST_ALLOW_MAJOR)
		return hoist_error_say(err, HOIST_CONFIG,
				       N_("allow must be patch, minor or major"));
	out->current = *current;
	first = first_newer(feed, current);
	out->n = feed->n_releases - first;
	out->verdicts = out->n ? hoist_xcalloc(out->n, sizeof *out->verdicts) : NULL;
	for (size_t i = first; i < feed->n_releases; i++) {
		const struct hoist_release *r = &feed->releases[i];
		struct hoist_verdict *v = &out->verdicts[i - first];
		v->release = r;
		v->kind = hoist_version_kind(current, &r->version);
		v->hold = judge(p, feed, i, current, v->kind, &v->reason);
		v->eligible = v->hold == HOIST_HOLD_NONE;
		/* A required stop does not hold a target back: the chain goes through it. */
		v->needs_stop = r->has_upgrade_from &&
				hoist_version_cmp(current, &r->upgrade_from) < 0;
		if (v->eligible)
			out->recommended = r;
	}
	return HOIST_OK;
}

void hoist_selection_done(struct hoist_selection *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->verdicts[i].reason != no_reason)
			free(s->verdicts[i].reason);
	free(s->verdicts);
	s->verdicts = NULL;
	s->n = 0;
	s->recommended = NULL;
}

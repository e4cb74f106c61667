/* version.h: Octopus versions (MAJOR.MINOR.PATCH[-PRERELEASE]), their order and kind. */
#ifndef HOIST_VERSION_H
#define HOIST_VERSION_H

#include <stdbool.h>
#include "error.h"

#define HOIST_VERSION_MAX 64 /* longest accepted text, NUL included */

struct hoist_version {
	unsigned long major, minor, patch;
	char pre[HOIST_VERSION_MAX];  /* "" for a release */
	char text[HOIST_VERSION_MAX]; /* the canonical text, as parsed */
};

enum hoist_kind {
	HOIST_KIND_NONE,  /* same version */
	HOIST_KIND_PATCH, /* same major.minor */
	HOIST_KIND_MINOR, /* same major */
	HOIST_KIND_MAJOR,
	HOIST_KIND_DOWNGRADE /* the target is older */
};

/*
 * Parses text strictly: three decimal components without leading zeros, an optional
 * prerelease of [0-9A-Za-z.-]. Anything else is HOIST_VERSION with a message naming it.
 */
enum hoist_status hoist_version_parse(const char *text, struct hoist_version *v,
				      struct hoist_error *err);
bool hoist_version_valid(const char *text);
/* <0, 0, >0 like strcmp; prereleases sort before their release. */
int hoist_version_cmp(const struct hoist_version *a, const struct hoist_version *b);
bool hoist_version_is_prerelease(const struct hoist_version *v);
enum hoist_kind hoist_version_kind(const struct hoist_version *from,
				   const struct hoist_version *to);
/* "patch", "minor", "major", "none", "downgrade": stable, for JSON. */
const char *hoist_kind_name(enum hoist_kind k);
/* A translated sentence: what this kind means for rollback. */
const char *hoist_kind_rollback(enum hoist_kind k);

/* A version pattern: "2024.1.3" (exact) or "2024.1.x" / "2024.x" (a line). */
struct hoist_version_pattern {
	unsigned long major, minor, patch;
	int depth; /* components fixed: 1, 2 or 3 */
	char pre[HOIST_VERSION_MAX];
	char text[HOIST_VERSION_MAX];
};
enum hoist_status hoist_version_pattern_parse(const char *text,
					      struct hoist_version_pattern *p,
					      struct hoist_error *err);
bool hoist_version_pattern_match(const struct hoist_version_pattern *p,
				 const struct hoist_version *v);

#endif

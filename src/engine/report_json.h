/*
 * report_json.h: the JSON documents every face prints about versions, rendered once in
 * the engine: a selection, a check, the notes of a chain.
 */
#ifndef HOIST_REPORT_JSON_H
#define HOIST_REPORT_JSON_H

#include <stddef.h>
#include "notes.h"
#include "policy.h"
#include "error.h"

/*
 * {"current": V, "recommended": V|null, "releases": [{"version", "kind", "eligible",
 * "reason", "date"}]}, releases oldest first; reason "" when eligible, date null when
 * the feed gives none. Caller frees.
 */
char *hoist_report_selection_json(const struct hoist_selection *s);
/* Receives a piece of a document; a non-OK return stops the writing with that status. */
typedef enum hoist_status (*hoist_report_sink_fn)(void *ctx, const char *data, size_t n);
/* The same document as hoist_report_selection_json, handed to sink in pieces. */
enum hoist_status hoist_report_selection_json_write(const struct hoist_selection *s,
						    hoist_report_sink_fn sink, void *ctx);
/* {"current": V, "recommended": V|null, "eligible": [V...]}. Caller frees. */
char *hoist_report_check_json(const struct hoist_selection *s);
/*
 * {"from", "to", "kind", "stops": [V...], "notes": [{"version", "kind", "text"}]}, the
 * "read first" notes (breaking, dependency, security) first. Caller frees.
 */
char *hoist_report_notes_json(const struct hoist_notes *n);

#endif

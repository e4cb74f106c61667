/*
 * report.h: what every face shows about versions, rendered once in the engine: the
 * server's current version, the feed as configured, and the JSON of selections and notes.
 */
#ifndef HOIST_REPORT_H
#define HOIST_REPORT_H

#include "conf.h"
#include "feed.h"
#include "http.h"
#include "notes.h"
#include "policy.h"
#include "status.h"
#include "version.h"

/* HTTP options from the configuration: TLS verification, CA file, plain http. */
void hoist_report_http_options(const struct hoist_config *c, struct hoist_http_options *o);
/* Loads the configured feed (c->feed) with the configuration's HTTP options. */
enum hoist_status hoist_report_feed_load(const struct hoist_config *c, struct hoist_feed **out,
					 struct hoist_error *err);
/*
 * The version the configured server runs (GET /api, field Version). A refused key is
 * HOIST_AUTH, an unreachable server HOIST_NETWORK naming the host; no server configured
 * is HOIST_CONFIG.
 */
enum hoist_status hoist_report_server_version(const struct hoist_config *c,
					      struct hoist_version *out, struct hoist_error *err);

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

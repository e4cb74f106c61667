/* server_version.c: the version the configured server runs, asked through octopus.c. */
#include "config.h"
#include "http_config.h"
#include "i18n.h"
#include "octopus.h"
#include "server_version.h"

#define API_MAX_BODY (1024 * 1024)

enum hoist_status hoist_server_version(const struct hoist_config *c, struct hoist_version *out,
				       struct hoist_error *err)
{
	struct hoist_http_options o;
	struct hoist_octopus *oc;
	enum hoist_status st;
	if (!c->server_url)
		return hoist_error_set(err, HOIST_CONFIG,
				       _("no server is configured; give the current version with "
					 "--current, or set [server] url in hoist.conf or "
					 "HOIST_SERVER_URL"));
	st = hoist_http_check_url(c->server_url, c->allow_http, err);
	if (st != HOIST_OK)
		return st;
	hoist_http_options_from_config(c, &o);
	o.max_body = API_MAX_BODY;
	/* The same client as a plan's: the same answer gets the same message and code. */
	oc = hoist_octopus_new(c->server_url, c->api_key, &o);
	st = hoist_octopus_probe(oc, out, err);
	hoist_octopus_free(oc);
	return st;
}

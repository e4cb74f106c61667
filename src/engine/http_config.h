/* http_config.h: the HTTP options the configuration asks for (TLS, CA file, plain http). */
#ifndef HOIST_HTTP_CONFIG_H
#define HOIST_HTTP_CONFIG_H

#include "conf.h"
#include "http.h"

/* Defaults, then TLS verification, CA file and plain http as c says. */
void hoist_http_options_from_config(const struct hoist_config *c, struct hoist_http_options *o);

#endif

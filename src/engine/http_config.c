/* http_config.c: the HTTP options the configuration asks for. */
#include "config.h"
#include "http_config.h"

void hoist_http_options_from_config(const struct hoist_config *c, struct hoist_http_options *o)
{
	hoist_http_options_init(o);
	o->insecure = !c->tls_verify;
	o->allow_plain_http = c->allow_http;
	o->ca_file = c->ca_file;
}

/* conf_int.h: what the config's files share (conf.c, conf_ini.c, conf_load.c); not for other modules. */
#ifndef HOIST_CONF_INT_H
#define HOIST_CONF_INT_H

#include "conf.h"

/* One setting, from a file line, the environment or an override; where names it for messages. */
enum hoist_status conf_set_one(struct hoist_config *c, const char *section, const char *key,
			       const char *value, const char *where, struct hoist_error *err);
/* Replaces an owned string with a copy of value. */
void conf_replace(char **field, const char *value);
/* Zeroes a secret before it is freed (NULL: nothing). */
void conf_wipe(char *secret);
/* $var/hoist<leaf>, else $HOME/<fallback>/hoist<leaf>; NULL without an absolute HOME. */
char *conf_xdg_path(const char *var, const char *fallback, const char *leaf);
/* Reads the configured api_key_file into api_key (conf_load.c). */
enum hoist_status conf_use_key_file(struct hoist_config *c, struct hoist_error *err);

#endif

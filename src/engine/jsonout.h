/*
 * jsonout.h: JSON text written directly into a buffer, without a tree: the one place that
 * escapes a string for output. Strings come out as valid UTF-8: a byte that does not
 * belong to a well-formed UTF-8 sequence becomes U+FFFD.
 */
#ifndef HOIST_JSONOUT_H
#define HOIST_JSONOUT_H

#include "buf.h"

/* Appends s (NULL: null) as a JSON string, quoted and escaped like cJSON prints it. */
void hoist_json_put_string(struct hoist_buf *b, const char *s);

#endif

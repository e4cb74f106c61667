/*
 * jsonread.h: a fast reader for one JSON value (a feed's entry) into cJSON-shaped nodes
 * that live in an arena: no malloc and no free per node, and cJSON's own accessors
 * (cJSON_IsString, cJSON_ArrayForEach, ...) read them. It accepts what cJSON accepts.
 */
#ifndef HOIST_JSONREAD_H
#define HOIST_JSONREAD_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct hoist_json_arena;

struct hoist_json_arena *hoist_json_arena_new(void);
/* Forgets every node read so far; the memory is kept for the next value. */
void hoist_json_arena_reset(struct hoist_json_arena *a);
void hoist_json_arena_free(struct hoist_json_arena *a);
/* n zeroed bytes, aligned for any type, valid until the arena is reset or freed. */
void *hoist_json_arena_alloc(struct hoist_json_arena *a, size_t n);
/* A copy of s in the arena. */
char *hoist_json_arena_strdup(struct hoist_json_arena *a, const char *s);

/*
 * Reads the value at p (blanks first are skipped), not beyond end. Returns its root, valid
 * until the arena is reset (never cJSON_Delete it), and *stop just past it; NULL when it
 * is not JSON, with *stop where the reading failed. Nesting deeper than 1000 fails, as
 * in cJSON.
 */
cJSON *hoist_json_read(struct hoist_json_arena *a, const char *p, const char *end,
		       const char **stop);

#endif

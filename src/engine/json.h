/*
 * json.h: the engine's one set-up of cJSON (allocator hooks, owned here, like curl's
 * global init) and the helpers every module uses on JSON from outside and to outside.
 * Engine-internal: faces never include it.
 */
#ifndef HOIST_JSON_H
#define HOIST_JSON_H

#include <stdbool.h>
#include <cjson/cJSON.h>

/*
 * Installs the process-wide cJSON hooks once (any thread, any number of calls): cJSON
 * allocates through hoist_xmalloc, or through this thread's allocator when one is set.
 */
void hoist_json_init(void);
/*
 * Makes this thread's cJSON allocations come from alloc/release (both NULL: the default
 * again). release gets every pointer cJSON frees on this thread meanwhile, also those it
 * did not allocate, and must free() those.
 */
void hoist_json_thread_alloc(void *(*alloc)(size_t), void (*release)(void *));

/* Prints j (formatted or not) as valid UTF-8, whatever its strings held; caller frees. */
char *hoist_json_print(const cJSON *j, bool formatted);

/*
 * A JSON number as an integer (a fraction is cut toward zero), checked: not a number,
 * NaN, infinite or outside [min, max] gives fallback, never undefined behaviour.
 */
long long hoist_json_int(const cJSON *v, long long min, long long max, long long fallback);
/*
 * A member of an object, read the one way (o may be NULL or not an object): its string,
 * borrowed (NULL when missing or not a string); the same as a new string; its number
 * through hoist_json_int; whether it is JSON true.
 */
const char *hoist_json_get_str(const cJSON *o, const char *key);
char *hoist_json_get_strdup(const cJSON *o, const char *key);
long long hoist_json_get_int(const cJSON *o, const char *key, long long min, long long max,
			     long long fallback);
bool hoist_json_get_bool(const cJSON *o, const char *key);
/* The same check for a double from anywhere: true and *out set when it fits. */
bool hoist_double_to_int(double d, long long min, long long max, long long *out);

#endif

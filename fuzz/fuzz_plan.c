/* fuzz_plan.c: plan files; plan -> JSON -> plan gives the same plan (the same JSON). */
#include "config.h"
#include <string.h>
#include "fuzz.h"
#include "plan.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoist_plan *p = NULL, *q = NULL;
	char *j1, *j2;
	if (hoist_plan_from_json((const char *)data, size, &p, NULL) != HOIST_OK)
		return 0;
	j1 = hoist_plan_to_json(p);
	FUZZ_ASSERT(hoist_utf8_valid(j1, strlen(j1)), "plan JSON is not UTF-8");
	FUZZ_ASSERT(hoist_plan_from_json(j1, strlen(j1), &q, NULL) == HOIST_OK,
		    "a plan's own JSON does not read back:\n%s", j1);
	j2 = hoist_plan_to_json(q);
	FUZZ_ASSERT(!strcmp(j1, j2), "plan -> JSON -> plan differs:\n%s\n%s", j1, j2);
	free(j1);
	free(j2);
	hoist_plan_free(p);
	hoist_plan_free(q);
	return 0;
}

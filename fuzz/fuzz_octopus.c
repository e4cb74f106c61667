/* fuzz_octopus.c: the API answers the Octopus client reads; the first byte picks which. */
#include "config.h"
#include "fuzz.h"
#include "octopus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoist_error err;
	if (size < 1)
		return 0;
	hoist_error_init(&err);
	if (hoist_octopus_decode((enum hoist_octopus_answer)(data[0] % (HOIST_ANSWER_OTHER + 1)),
				 (const char *)data + 1, size - 1, &err) != HOIST_OK)
		FUZZ_ASSERT(err.message != NULL, "a refused answer has no message");
	hoist_error_done(&err);
	return 0;
}

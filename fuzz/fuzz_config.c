/* fuzz_config.c: hoist.conf text, every section and key the parser knows. */
#include "config.h"
#include "conf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoist_config c;
	struct hoist_error err;
	enum hoist_status st;
	hoist_config_init(&c);
	hoist_error_init(&err);
	st = hoist_config_load_text(&c, "fuzz.conf", (const char *)data, size, &err);
	if (st != HOIST_OK)
		FUZZ_ASSERT(err.message != NULL, "a refused configuration has no message");
	else
		(void)hoist_config_get(&c, "profile", "install");
	hoist_config_done(&c);
	hoist_error_done(&err);
	return 0;
}

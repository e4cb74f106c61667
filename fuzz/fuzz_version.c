/* fuzz_version.c: versions and version patterns; a version's text reads back equal. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct hoist_version v, w;
	struct hoist_version_pattern pat;
	if (hoist_version_parse(text, &v, NULL) == HOIST_OK) {
		FUZZ_ASSERT(hoist_version_valid(text), "parsed but not valid: %s", text);
		FUZZ_ASSERT(hoist_version_parse(v.text, &w, NULL) == HOIST_OK, "text %s", v.text);
		FUZZ_ASSERT(hoist_version_cmp(&v, &w) == 0, "%s != %s", v.text, w.text);
		FUZZ_ASSERT(!strcmp(v.text, w.text), "%s != %s", v.text, w.text);
		(void)hoist_kind_name(hoist_version_kind(&v, &w));
	}
	if (hoist_version_pattern_parse(text, &pat, NULL) == HOIST_OK &&
	    hoist_version_parse(pat.text, &v, NULL) == HOIST_OK)
		(void)hoist_version_pattern_match(&pat, &v);
	free(text);
	return 0;
}

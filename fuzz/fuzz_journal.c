/*
 * fuzz_journal.c: journal lines; an event read back from its own line is the same event,
 * its message's format and arguments included.
 */
#include "config.h"
#include <string.h>
#include "fuzz.h"
#include "journal.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoist_event ev, again;
	struct hoist_run_summary sum;
	const char *p = (const char *)data, *end = p + size;
	hoist_run_summary_init(&sum);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (hoist_event_parse(p, len, &ev, NULL) == HOIST_OK) {
			char *line = hoist_event_to_json(&ev), *line2;
			FUZZ_ASSERT(hoist_utf8_valid(line, strlen(line)), "a journal line is not UTF-8");
			FUZZ_ASSERT(hoist_event_parse(line, strlen(line), &again, NULL) == HOIST_OK,
				    "its own line does not parse: %s", line);
			line2 = hoist_event_to_json(&again);
			FUZZ_ASSERT(!strcmp(line, line2), "event -> line -> event differs:\n%s\n%s",
				    line, line2);
			FUZZ_ASSERT(again.seq == ev.seq && again.type == ev.type, "seq or type changed");
			/* (Their text may change once: ill-formed UTF-8 is mended on the way out.) */
			FUZZ_ASSERT(!again.msgid == !ev.msgid && !again.plural == !ev.plural &&
				    again.n_args == ev.n_args && again.plural_n == ev.plural_n,
				    "a message's msgid or args were lost: %s", line);
			/* The reader's text is the rendered msgid or the message itself. */
			FUZZ_ASSERT(!hoist_event_text(&ev) == !ev.message,
				    "a message without text, or a text without message: %s", line);
			hoist_run_summary_apply(&sum, &ev);
			free(line);
			free(line2);
			hoist_event_done(&again);
			hoist_event_done(&ev);
		}
		p += len + (nl ? 1 : 0);
	}
	hoist_run_summary_done(&sum);
	return 0;
}

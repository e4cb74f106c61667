/*
 * journal_int.h: what the journal's three files share inside the engine: the event
 * (journal_event.c), the file (journal.c) and the summary (journal_summary.c).
 */
#ifndef HOIST_JOURNAL_INT_H
#define HOIST_JOURNAL_INT_H

#include "journal.h"

/* The writer's secrets, or none; every string goes through them on its way out. */
struct journal_secrets {
	char **secrets; /* owned */
	size_t n;
};

/* text with every secret replaced by "[redacted]" (a new string); sc may be NULL. */
char *journal_scrub(const struct journal_secrets *sc, const char *text);
/* The event as one line of JSON, no newline, every string scrubbed (a new string). */
char *journal_event_line(const struct hoist_event *ev, const struct journal_secrets *sc);

#endif

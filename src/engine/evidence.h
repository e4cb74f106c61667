/* Evidence: what proves a step's work or a check, a backup file or a saved key. */
#ifndef HOIST_EVIDENCE_H
#define HOIST_EVIDENCE_H

#include <stdbool.h>

/*
 * One type for the journal's step-end evidence, the plan's evidence records and the
 * guide's backups: each fills the fields its file records and leaves the rest empty.
 */
struct hoist_evidence {
	char *item;        /* owned: "backup-db", "master-key", "database", ...; NULL in a journal event */
	char *node;        /* owned: the node it was taken on; may be NULL */
	char *path;        /* owned; NULL: none */
	long long size;    /* -1: unknown */
	char *sha256;      /* owned; may be NULL */
	long long time_ms; /* when it was taken, ms since the epoch; 0: unknown */
	char *time;        /* owned: when, as the plan records it (ISO 8601); may be NULL */
	bool by_engine;    /* taken by the engine (true) or confirmed by the operator */
	bool verified;     /* hoist checked what it is (format, canary), not only that it exists */
	char *waived;      /* owned: why the operator went without it; NULL: not waived */
};

/* Empty evidence: no strings, size -1 (unknown). */
void hoist_evidence_init(struct hoist_evidence *e);
/* Frees the strings and zeroes the struct; NULL is a no-op. */
void hoist_evidence_done(struct hoist_evidence *e);
/* A deep copy of s into d (d's old contents are not freed). */
void hoist_evidence_copy(struct hoist_evidence *d, const struct hoist_evidence *s);
/* ms since the epoch as the plan records a time ("2026-11-22T01:00:00Z", UTC) into buf. */
void hoist_evidence_time(long long ms, char buf[32]);

#endif

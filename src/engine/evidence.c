/* Evidence: init, free and copy of the one type the journal, plan and guide share. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evidence.h"
#include "xalloc.h"

static char *dup0(const char *s)
{
	return s ? hoist_xstrdup(s) : NULL;
}

void hoist_evidence_init(struct hoist_evidence *e)
{
	memset(e, 0, sizeof *e);
	e->size = -1;
}

void hoist_evidence_done(struct hoist_evidence *e)
{
	if (!e)
		return;
	free(e->item);
	free(e->node);
	free(e->path);
	free(e->sha256);
	free(e->time);
	free(e->waived);
	memset(e, 0, sizeof *e);
}

void hoist_evidence_copy(struct hoist_evidence *d, const struct hoist_evidence *s)
{
	d->item = dup0(s->item);
	d->node = dup0(s->node);
	d->path = dup0(s->path);
	d->size = s->size;
	d->sha256 = dup0(s->sha256);
	d->time_ms = s->time_ms;
	d->time = dup0(s->time);
	d->by_engine = s->by_engine;
	d->verified = s->verified;
	d->waived = dup0(s->waived);
}

void hoist_evidence_time(long long ms, char buf[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

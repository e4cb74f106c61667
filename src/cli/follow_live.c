/*
 * follow_live.c: the journal follower's live lines on a terminal, as apt and curl show
 * them: one line per running step, redrawn in place (bytes, rate and time left for a
 * download; tasks left for wait-tasks; the elapsed time for every action).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "i18n.h"
#include "xalloc.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cli_live_init(struct cli_live *l, bool on)
{
	memset(l, 0, sizeof *l);
	l->on = on;
}

void cli_live_done(struct cli_live *l)
{
	cli_live_clear(l);
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].step);
		free(l->v[i].node);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static struct cli_live_step *find(struct cli_live *l, const char *step, const char *node)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].step, step) &&
		    (!l->v[i].node == !node && (!node || !strcmp(l->v[i].node, node))))
			return &l->v[i];
	return NULL;
}

bool cli_live_event(struct cli_live *l, const struct hoist_event *ev)
{
	struct cli_live_step *s;
	if (!l->on || !ev->step)
		return true;
	switch (ev->type) {
	case HOIST_EVENT_STEP_START:
		l->v = hoist_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
		s = &l->v[l->n++];
		memset(s, 0, sizeof *s);
		s->step = hoist_xstrdup(ev->step);
		s->node = ev->node ? hoist_xstrdup(ev->node) : NULL;
		s->started_ms = ev->t_ms ? ev->t_ms : now_ms();
		s->bytes = s->total = -1;
		s->tasks_left = -1;
		return false; /* shown live, not as a line of its own */
	case HOIST_EVENT_PROGRESS:
		if (!(s = find(l, ev->step, ev->node)))
			return false;
		if (ev->bytes >= 0) {
			if (s->bytes < 0 || !s->rate_t0) {
				s->rate_b0 = ev->bytes;
				s->rate_t0 = ev->t_ms;
			}
			s->bytes = ev->bytes;
			s->total = ev->total;
			s->bytes_t = ev->t_ms;
		}
		if (ev->tasks_left >= 0)
			s->tasks_left = ev->tasks_left;
		return false;
	case HOIST_EVENT_STEP_END:
		if ((s = find(l, ev->step, ev->node))) {
			free(s->step);
			free(s->node);
			memmove(s, s + 1, (size_t)(&l->v[l->n] - (s + 1)) * sizeof *s);
			l->n--;
		}
		return true;
	default:
		return true;
	}
}

/* "12.3 MB" (a new string). */
static char *mb(long long b)
{
	return cli_size_text(b < 0 ? 0 : (unsigned long long)b);
}

static char *duration(long long ms)
{
	long long s = ms / 1000;
	if (s >= 3600)
		return hoist_xasprintf("%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	return hoist_xasprintf("%lld:%02lld", s / 60, s % 60);
}

static char *line_of(const struct cli_live_step *s, long long now)
{
	char *el = duration(now - s->started_ms), *out;
	/* " node1" after the step, or nothing for a cluster-wide step. */
	char *where = s->node ? hoist_xasprintf(" %s", s->node) : hoist_xstrdup("");
	if (s->bytes >= 0) {
		char *got = mb(s->bytes), *all = mb(s->total), *rate = NULL, *left = NULL;
		double secs = (double)(s->bytes_t - s->rate_t0) / 1000.0;
		if (secs > 0.2 && s->bytes > s->rate_b0) {
			double r = (double)(s->bytes - s->rate_b0) / secs;
			char *rt = mb((long long)r);
			rate = hoist_xasprintf(_("%s/s"), rt);
			free(rt);
			if (s->total > s->bytes)
				left = duration((long long)((double)(s->total - s->bytes) / r * 1000));
		}
		if (s->total > 0)
			out = hoist_xasprintf(_("  %s%s: %s of %s, %s, %s left (%s)"), s->step, where,
					      got, all, rate ? rate : "-", left ? left : "-", el);
		else
			out = hoist_xasprintf(_("  %s%s: %s, %s (%s)"), s->step, where, got,
					      rate ? rate : "-", el);
		free(got);
		free(all);
		free(rate);
		free(left);
	} else if (s->tasks_left >= 0) {
		out = hoist_xasprintf(P_("  %s%s: %ld task left (%s)", "  %s%s: %ld tasks left (%s)",
					 (unsigned long)s->tasks_left),
				      s->step, where, s->tasks_left, el);
	} else {
		out = hoist_xasprintf(_("  %s%s: running for %s"), s->step, where, el);
	}
	free(el);
	free(where);
	return out;
}

void cli_live_clear(struct cli_live *l)
{
	if (!l->on || !l->drawn)
		return;
	/* Up to the first live line, and everything below it goes. */
	printf("\r\033[%dA\033[J", l->drawn);
	l->drawn = 0;
	fflush(stdout);
}

void cli_live_draw(struct cli_live *l)
{
	long long now = now_ms();
	int cols = cli_columns();
	if (!l->on)
		return;
	cli_live_clear(l);
	for (size_t i = 0; i < l->n && i < 8; i++) {
		char *t = line_of(&l->v[i], now);
		/* One screen line each: cut to the width, so the redraw knows its height. */
		int w = 0;
		char *p = t;
		while (*p && w < cols - 1) {
			if (((unsigned char)*p & 0xC0) != 0x80)
				w++;
			p++;
		}
		while (((unsigned char)*p & 0xC0) == 0x80)
			p++;
		printf("%.*s\n", (int)(p - t), t);
		free(t);
		l->drawn++;
	}
	l->last_draw_ms = now;
	fflush(stdout);
}

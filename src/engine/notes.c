/* notes.c: plans the chain of required stops and collects the release notes along it. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "notes.h"
#include "xalloc.h"

#define UNREACHABLE SIZE_MAX

/* Index of the first release newer than v (or at least v when inclusive). */
static size_t lower_bound(const struct hoist_feed *feed, const struct hoist_version *v,
			  bool inclusive)
{
	size_t lo = 0, hi = feed->n_releases;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = hoist_version_cmp(&feed->releases[mid].version, v);
		if (c < 0 || (c == 0 && !inclusive))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A min segment tree over the nodes of the chain: the fewest hops to each node, and on
 * a tie the newest node, so that stops land on the latest release that serves.
 */
struct hops {
	size_t size;
	size_t *dist;  /* owned: 2 * size leaves and inner nodes */
	size_t *node;  /* owned: which node holds that minimum */
};

static bool better(size_t d1, size_t n1, size_t d2, size_t n2)
{
	return d1 < d2 || (d1 == d2 && n1 != UNREACHABLE && (n2 == UNREACHABLE || n1 > n2));
}

static void hops_init(struct hops *h, size_t n)
{
	h->size = n;
	h->dist = hoist_xmalloc(2 * n * sizeof *h->dist);
	h->node = hoist_xmalloc(2 * n * sizeof *h->node);
	for (size_t i = 0; i < 2 * n; i++) {
		h->dist[i] = UNREACHABLE;
		h->node[i] = UNREACHABLE;
	}
}

static void hops_done(struct hops *h)
{
	free(h->dist);
	free(h->node);
}

static void hops_set(struct hops *h, size_t i, size_t d)
{
	size_t k = i + h->size;
	h->dist[k] = d;
	h->node[k] = i;
	for (k /= 2; k >= 1; k /= 2) {
		size_t a = 2 * k, b = 2 * k + 1;
		size_t w = better(h->dist[a], h->node[a], h->dist[b], h->node[b]) ? a : b;
		h->dist[k] = h->dist[w];
		h->node[k] = h->node[w];
	}
}

/* The best node in [lo, hi). */
static void hops_min(const struct hops *h, size_t lo, size_t hi, size_t *d, size_t *node)
{
	*d = UNREACHABLE;
	*node = UNREACHABLE;
	for (lo += h->size, hi += h->size; lo < hi; lo /= 2, hi /= 2) {
		if (lo & 1) {
			if (better(h->dist[lo], h->node[lo], *d, *node)) {
				*d = h->dist[lo];
				*node = h->node[lo];
			}
			lo++;
		}
		if (hi & 1) {
			hi--;
			if (better(h->dist[hi], h->node[hi], *d, *node)) {
				*d = h->dist[hi];
				*node = h->node[hi];
			}
		}
	}
}

/*
 * The chain's nodes: 0 is `from`, then every final release strictly between from and to
 * (a stop is never a prerelease), then `to`. Node k > 0 is feed release idx[k].
 */
struct nodes {
	const struct hoist_feed *feed;
	const struct hoist_version *from;
	size_t *idx; /* owned */
	size_t n;
};

static const struct hoist_version *node_version(const struct nodes *g, size_t k)
{
	return k == 0 ? g->from : &g->feed->releases[g->idx[k]].version;
}

/* The first node a hop into node k may start from (its upgrade_from or later). */
static size_t first_source(const struct nodes *g, size_t k)
{
	const struct hoist_release *r = &g->feed->releases[g->idx[k]];
	size_t lo = 0, hi = k;
	if (!r->has_upgrade_from)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (hoist_version_cmp(node_version(g, mid), &r->upgrade_from) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static enum hoist_status unreachable(const struct nodes *g, const struct hoist_version *to,
				     struct hoist_error *err)
{
	/* Walk back through the oldest possible sources until one has none at all. */
	size_t k = g->n - 1, lo;
	const struct hoist_release *r;
	while ((lo = first_source(g, k)) < k && lo > 0)
		k = lo;
	r = &g->feed->releases[g->idx[k]];
	return hoist_error_say(err, HOIST_UNSAFE,
			       N_("cannot upgrade from %s to %s: %s can only be upgraded from %s "
				  "or later, and the feed has no release in between to stop at"),
			       g->from->text, to->text, r->version.text, r->upgrade_from.text);
}

enum hoist_status hoist_chain_plan(const struct hoist_feed *feed,
				   const struct hoist_version *from,
				   const struct hoist_version *to, struct hoist_chain *out,
				   struct hoist_error *err)
{
	struct nodes g = { feed, from, NULL, 0 };
	struct hops h;
	size_t *parent, first, last, d, best, k;
	enum hoist_status st = HOIST_OK;

	memset(out, 0, sizeof *out);
	if (!feed || !from || !to)
		return hoist_error_say(err, HOIST_USAGE,
				       N_("a feed and two versions are needed to plan a chain"));
	out->from = *from;
	out->to = *to;
	out->kind = hoist_version_kind(from, to);
	if (!hoist_feed_find(feed, to))
		return hoist_error_say(err, HOIST_VERSION, N_("%s is not in the release feed %s"),
				       to->text, feed->source ? feed->source : "");
	if (out->kind == HOIST_KIND_NONE || out->kind == HOIST_KIND_DOWNGRADE)
		return HOIST_OK; /* no chain: a downgrade is a restore, not a walk */

	first = lower_bound(feed, from, false);
	last = lower_bound(feed, to, true); /* the target's index */
	g.idx = hoist_xmalloc((last - first + 2) * sizeof *g.idx);
	g.idx[g.n++] = SIZE_MAX; /* node 0: from, which need not be in the feed */
	for (size_t i = first; i < last; i++)
		if (!hoist_version_is_prerelease(&feed->releases[i].version))
			g.idx[g.n++] = i;
	g.idx[g.n++] = last;

	hops_init(&h, g.n);
	parent = hoist_xmalloc(g.n * sizeof *parent);
	hops_set(&h, 0, 0);
	parent[0] = UNREACHABLE;
	for (k = 1; k < g.n; k++) {
		hops_min(&h, first_source(&g, k), k, &d, &best);
		parent[k] = best;
		if (d != UNREACHABLE)
			hops_set(&h, k, d + 1);
	}
	if (parent[g.n - 1] == UNREACHABLE) {
		st = unreachable(&g, to, err);
	} else {
		/* Walk back from the target; the hop count sizes the array. */
		size_t n = 0;
		for (k = parent[g.n - 1]; k != 0; k = parent[k])
			n++;
		out->stops = n ? hoist_xmalloc(n * sizeof *out->stops) : NULL;
		out->n_stops = n;
		for (k = parent[g.n - 1]; k != 0; k = parent[k])
			out->stops[--n] = feed->releases[g.idx[k]].version;
	}
	free(parent);
	hops_done(&h);
	free(g.idx);
	return st;
}

void hoist_chain_done(struct hoist_chain *c)
{
	if (!c)
		return;
	free(c->stops);
	c->stops = NULL;
	c->n_stops = 0;
}

/* Whether release r's notes belong to the diff towards to. */
static bool in_diff(const struct hoist_version *r, const struct hoist_version *to)
{
	/* A prerelease's notes repeat in its release; they count only on the way to one. */
	if (!hoist_version_is_prerelease(r))
		return true;
	return hoist_version_is_prerelease(to) && r->major == to->major &&
	       r->minor == to->minor && r->patch == to->patch;
}

static bool read_first(enum hoist_note_kind k)
{
	return k == HOIST_NOTE_BREAKING || k == HOIST_NOTE_DEPENDENCY || k == HOIST_NOTE_SECURITY;
}

enum hoist_status hoist_notes_diff(const struct hoist_feed *feed,
				   const struct hoist_version *from,
				   const struct hoist_version *to, struct hoist_notes *out,
				   struct hoist_error *err)
{
	static const enum hoist_note_kind first_kinds[] = {
		HOIST_NOTE_BREAKING, HOIST_NOTE_DEPENDENCY, HOIST_NOTE_SECURITY
	};
	enum hoist_status st;
	size_t lo, hi, total = 0;

	memset(out, 0, sizeof *out);
	st = hoist_chain_plan(feed, from, to, &out->chain, err);
	if (st != HOIST_OK)
		return st;
	out->feed_has_notes = feed->format == HOIST_FEED_HOIST;
	if (!out->feed_has_notes) {
		out->compare_url = hoist_feed_compare_url(from, to);
		return HOIST_OK;
	}
	if (out->chain.kind == HOIST_KIND_NONE || out->chain.kind == HOIST_KIND_DOWNGRADE)
		return HOIST_OK;
	lo = lower_bound(feed, from, false);
	hi = lower_bound(feed, to, true) + 1;
	for (size_t i = lo; i < hi; i++)
		if (in_diff(&feed->releases[i].version, to))
			total += feed->releases[i].n_notes;
	out->entries = total ? hoist_xmalloc(total * sizeof *out->entries) : NULL;

	/* Read first: breaking, then dependency, then security; each oldest first. */
	for (size_t f = 0; f < sizeof first_kinds / sizeof first_kinds[0]; f++)
		for (size_t i = lo; i < hi; i++) {
			const struct hoist_release *r = &feed->releases[i];
			if (!in_diff(&r->version, to))
				continue;
			for (size_t j = 0; j < r->n_notes; j++)
				if (r->notes[j].kind == first_kinds[f])
					out->entries[out->n++] = (struct hoist_note_entry){
						r, r->notes[j].kind, r->notes[j].text
					};
		}
	out->n_first = out->n;
	/* Then the rest, grouped by version oldest first, in the feed's order within one. */
	for (size_t i = lo; i < hi; i++) {
		const struct hoist_release *r = &feed->releases[i];
		if (!in_diff(&r->version, to))
			continue;
		for (size_t j = 0; j < r->n_notes; j++)
			if (!read_first(r->notes[j].kind))
				out->entries[out->n++] = (struct hoist_note_entry){
					r, r->notes[j].kind, r->notes[j].text
				};
	}
	return HOIST_OK;
}

void hoist_notes_done(struct hoist_notes *n)
{
	if (!n)
		return;
	hoist_chain_done(&n->chain);
	free(n->entries);
	free(n->compare_url);
	n->entries = NULL;
	n->compare_url = NULL;
	n->n = n->n_first = 0;
}

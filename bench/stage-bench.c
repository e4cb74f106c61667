/*
 * stage-bench.c: stages packages the way the run's stage step does (hoist_stage_fetch_all:
 * in parallel, SHA-256 verified while streaming, kept in DIR), for bench/stage.sh.
 * Usage: stage-bench DIR URL SHA256 SIZE [URL SHA256 SIZE]... (STAGE_PARALLEL=N: N at once)
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "stage.h"
#include "xalloc.h"

int main(int argc, char **argv)
{
	size_t n = argc > 2 ? (size_t)(argc - 2) / 3 : 0;
	struct hoist_stage_item *items;
	struct hoist_stage_result *res;
	struct hoist_error err;
	enum hoist_status st;
	if (n == 0 || (size_t)argc != 2 + 3 * n) {
		fprintf(stderr, "usage: stage-bench DIR URL SHA256 SIZE [URL SHA256 SIZE]...\n");
		return 2;
	}
	items = hoist_xcalloc(n, sizeof *items);
	res = hoist_xcalloc(n, sizeof *res);
	for (size_t i = 0; i < n; i++) {
		items[i].url = argv[2 + 3 * i];
		items[i].sha256 = argv[3 + 3 * i];
		items[i].size = atoll(argv[4 + 3 * i]);
		items[i].dest = hoist_xasprintf("%s/package-%zu", argv[1], i);
	}
	hoist_error_init(&err);
	st = hoist_stage_fetch_all(NULL, items, n, getenv("STAGE_PARALLEL") ? (unsigned)atoi(getenv("STAGE_PARALLEL")) : 0, NULL, NULL, NULL, res, &err);
	if (st != HOIST_OK)
		fprintf(stderr, "stage-bench: %s\n", hoist_error_message(&err));
	hoist_error_done(&err);
	for (size_t i = 0; i < n; i++)
		free((char *)items[i].dest);
	free(items);
	free(res);
	return st == HOIST_OK ? 0 : 1;
}

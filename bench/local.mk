# bench: rules of this room.

# The version brain against jq: `make bench-feed` or bench/feed.sh after a build.
noinst_PROGRAMS += bench/feed-bench
bench_feed_bench_SOURCES = bench/feed-bench.c
bench_feed_bench_LDADD = $(HOIST_LIBS)
EXTRA_DIST += bench/feed.sh bench/feed-select.jq

bench-feed: bench/feed-bench$(EXEEXT)
	top_builddir=$(abs_top_builddir) $(SHELL) $(srcdir)/bench/feed.sh

.PHONY: bench-feed

# The wizard: first frame against dialog, idle CPU, peak memory.
EXTRA_DIST += bench/wizard.sh
bench-wizard: src/sandbox/hoist-sandbox$(EXEEXT) ui/hoist-wizard$(EXEEXT)
	top_builddir=$(abs_top_builddir) $(SHELL) $(srcdir)/bench/wizard.sh

.PHONY: bench-wizard

# The maintenance window and the drain notice against the seed's sequence:
# `make bench-window` or bench/window.sh after a build.
EXTRA_DIST += bench/window.sh bench/window-baseline.sh

bench-window: src/cli/hoist$(EXEEXT) src/sandbox/hoist-sandbox$(EXEEXT)
	top_builddir=$(abs_top_builddir) $(SHELL) $(srcdir)/bench/window.sh

.PHONY: bench-window

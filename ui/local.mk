# ui: hoist-wizard, the ncurses face; one file per screen, one main loop.
bin_PROGRAMS += ui/hoist-wizard
ui_hoist_wizard_SOURCES = ui/wizard.c ui/ui.h ui/keys.c ui/draw.c \
	ui/follow.c ui/screen_connect.c ui/screen_version.c ui/screen_notes.c \
	ui/screen_checklist.c ui/screen_plan.c ui/screen_progress.c ui/screen_result.c
ui_hoist_wizard_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS)
ui_hoist_wizard_LDADD = $(HOIST_LIBS) $(NCURSES_LIBS)

dist_man_MANS += man/hoist-wizard.1

# make demo: the wizard against a fresh 3-node sandbox (long tasks running, a feed with
# notes, breaking changes and a required stop) in a temporary folder; the sandbox stops
# and the folder goes when the wizard ends.
DEMO_INIT = --nodes 3 --version 2024.1.2 --feed-to 2024.3.1 \
	--durations task-ms=45000,task-rate=40
demo: all
	@dir=$$(mktemp -d "$${TMPDIR:-/tmp}/hoist-demo.XXXXXX") || exit 1; \
	pid=; \
	trap 'test -n "$$pid" && kill $$pid 2>/dev/null; wait 2>/dev/null; rm -rf "$$dir"' EXIT; \
	trap 'exit 1' INT TERM HUP; \
	src/sandbox/hoist-sandbox init "$$dir/sb" $(DEMO_INIT) >/dev/null || exit 1; \
	src/sandbox/hoist-sandbox serve "$$dir/sb" >"$$dir/serve.log" 2>&1 & pid=$$!; \
	i=0; \
	until src/cli/hoist --config "$$dir/sb/hoist.conf" check >/dev/null 2>&1 || [ $$? -ne 3 ]; do \
		i=$$((i + 1)); \
		if [ $$i -gt 100 ]; then cat "$$dir/serve.log"; exit 1; fi; \
		sleep 0.1; \
	done; \
	sleep 2; \
	ui/hoist-wizard --config "$$dir/sb/hoist.conf"
.PHONY: demo

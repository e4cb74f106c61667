# ui: hoist-wizard, the ncurses face; one file per screen, one main loop.
bin_PROGRAMS += ui/hoist-wizard
ui_hoist_wizard_SOURCES = ui/wizard.c ui/ui.h ui/keys.c ui/draw.c \
	ui/screen_connect.c ui/screen_version.c ui/screen_notes.c ui/screen_plan.c
ui_hoist_wizard_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS)
ui_hoist_wizard_LDADD = $(HOIST_LIBS) $(NCURSES_LIBS)

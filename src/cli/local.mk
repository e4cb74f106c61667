# hoist: parses arguments, calls the engine, prints.
bin_PROGRAMS += src/cli/hoist
src_cli_hoist_SOURCES = src/cli/main.c
src_cli_hoist_LDADD = $(HOIST_LIBS)

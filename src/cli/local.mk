# hoist: parses arguments, calls the engine, prints.
bin_PROGRAMS += src/cli/hoist
src_cli_hoist_SOURCES = src/cli/main.c src/cli/cli.c src/cli/cli.h src/cli/select.c \
	src/cli/cmd_versions.c src/cli/cmd_check.c src/cli/cmd_notes.c \
	src/cli/cmd_plan.c src/cli/cmd_upgrade.c src/cli/cmd_status.c src/cli/cmd_resume.c \
	src/cli/cmd_backup.c
src_cli_hoist_LDADD = $(HOIST_LIBS)

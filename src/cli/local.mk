# hoist: parses arguments, calls the engine, prints.
bin_PROGRAMS += src/cli/hoist
src_cli_hoist_SOURCES = src/cli/main.c src/cli/cli.c src/cli/cli.h src/cli/select.c \
	src/cli/cmd_versions.c src/cli/cmd_check.c src/cli/cmd_notes.c \
	src/cli/cmd_plan.c src/cli/cmd_upgrade.c src/cli/cmd_status.c src/cli/cmd_resume.c \
	src/cli/cmd_backup.c
src_cli_hoist_LDADD = $(HOIST_LIBS)

# Rollback and downgrade (§7).
cli_guide = src/cli/cmd_rollback.c src/cli/cmd_downgrade.c src/cli/cli_guide.h
src_cli_hoist_SOURCES += $(cli_guide)

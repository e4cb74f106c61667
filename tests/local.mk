# tests: Check unit tests per engine module, then integration and terminal tests.
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CJSON_CFLAGS) -DTEST_SRCDIR=\"$(abs_top_srcdir)/tests\" \
	-DTEST_BUILDDIR=\"$(abs_top_builddir)\"
TEST_LIBS = $(HOIST_LIBS) $(CHECK_LIBS)
TESTS_ENVIRONMENT = top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	CK_VERBOSITY=normal; export top_srcdir top_builddir CK_VERBOSITY;
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)

# Core modules.
check_PROGRAMS += tests/check_version tests/check_buf tests/check_http
TESTS += tests/check_version tests/check_buf tests/check_http
tests_check_version_SOURCES = tests/check_version.c
tests_check_version_CFLAGS = $(TEST_CFLAGS)
tests_check_version_LDADD = $(TEST_LIBS)
tests_check_buf_SOURCES = tests/check_buf.c
tests_check_buf_CFLAGS = $(TEST_CFLAGS)
tests_check_buf_LDADD = $(TEST_LIBS)
tests_check_http_SOURCES = tests/check_http.c
tests_check_http_CFLAGS = $(TEST_CFLAGS)
tests_check_http_LDADD = $(TEST_LIBS)

# The version brain.
check_PROGRAMS += tests/check_feed tests/check_policy tests/check_notes
TESTS += tests/check_feed tests/check_policy tests/check_notes
tests_check_feed_SOURCES = tests/check_feed.c
tests_check_feed_CFLAGS = $(TEST_CFLAGS)
tests_check_feed_LDADD = $(TEST_LIBS)
tests_check_policy_SOURCES = tests/check_policy.c
tests_check_policy_CFLAGS = $(TEST_CFLAGS)
tests_check_policy_LDADD = $(TEST_LIBS)
tests_check_notes_SOURCES = tests/check_notes.c
tests_check_notes_CFLAGS = $(TEST_CFLAGS)
tests_check_notes_LDADD = $(TEST_LIBS)
EXTRA_DIST += data/sample-feed.json $(versions_fixtures)
versions_fixtures = \
	tests/fixtures/feed-vendor.json \
	tests/fixtures/feed-unsorted.json \
	tests/fixtures/policy-seed.json \
	tests/fixtures/chain.json \
	tests/fixtures/unreachable.json \
	tests/fixtures/bad-version.json \
	tests/fixtures/duplicate.json \
	tests/fixtures/hostile-empty.json \
	tests/fixtures/hostile-bracket.json \
	tests/fixtures/hostile-object.json \
	tests/fixtures/hostile-deep.json \
	tests/fixtures/hostile-huge-number.json \
	tests/fixtures/hostile-nulls.json \
	tests/fixtures/hostile-strings.json \
	tests/fixtures/hostile-releases-string.json \
	tests/fixtures/hostile-scalar.json \
	tests/fixtures/hostile-trailing.json \
	tests/fixtures/hostile-truncated.json \
	tests/fixtures/hostile-comma.json \
	tests/fixtures/hostile-huge-size.json



# Configuration.
check_PROGRAMS += tests/check_config
TESTS += tests/check_config
tests_check_config_SOURCES = tests/check_config.c
tests_check_config_CFLAGS = $(TEST_CFLAGS)
tests_check_config_LDADD = $(TEST_LIBS)


# The CLI, end to end.
TESTS += tests/cli_usage.sh tests/cli_versions.sh tests/cli_policy.sh tests/cli_server.sh \
	tests/cli_german.sh
EXTRA_DIST += tests/cli_usage.sh tests/cli_versions.sh tests/cli_policy.sh \
	tests/cli_server.sh tests/cli_german.sh tests/cli_lib.sh tests/api_server.py \
	tests/fixtures/cli-feed.json tests/fixtures/cli-seed-feed.json


# The sandbox.
TESTS += tests/sandbox_api.sh tests/sandbox_rules.sh tests/sandbox_faults.sh
EXTRA_DIST += tests/sandbox_api.sh tests/sandbox_rules.sh tests/sandbox_faults.sh \
	tests/sandbox_lib.sh



# The upgrade engine.
# Plans and the Octopus client.
check_PROGRAMS += tests/check_plan
TESTS += tests/check_plan
tests_check_plan_SOURCES = tests/check_plan.c
tests_check_plan_CFLAGS = $(TEST_CFLAGS)
tests_check_plan_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_stage
TESTS += tests/check_stage
tests_check_stage_SOURCES = tests/check_stage.c
tests_check_stage_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_check_stage_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_exec
TESTS += tests/check_exec
tests_check_exec_SOURCES = tests/check_exec.c
tests_check_exec_CFLAGS = $(TEST_CFLAGS)
tests_check_exec_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_transport tests/transport_tool
TESTS += tests/check_transport
tests_check_transport_SOURCES = tests/check_transport.c
tests_check_transport_CFLAGS = $(TEST_CFLAGS)
tests_check_transport_LDADD = $(TEST_LIBS)
tests_transport_tool_SOURCES = tests/transport_tool.c
tests_transport_tool_CFLAGS = $(TEST_CFLAGS)
tests_transport_tool_LDADD = $(TEST_LIBS)
TESTS += tests/ssh_transport.sh
EXTRA_DIST += tests/ssh_transport.sh
check_PROGRAMS += tests/check_profile
TESTS += tests/check_profile
tests_check_profile_SOURCES = tests/check_profile.c
tests_check_profile_CFLAGS = $(TEST_CFLAGS)
tests_check_profile_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_journal
TESTS += tests/check_journal
tests_check_journal_SOURCES = tests/check_journal.c
tests_check_journal_CFLAGS = $(TEST_CFLAGS)
tests_check_journal_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_rundir
TESTS += tests/check_rundir
tests_check_rundir_SOURCES = tests/check_rundir.c
tests_check_rundir_CFLAGS = $(TEST_CFLAGS)
tests_check_rundir_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_lock
TESTS += tests/check_lock
tests_check_lock_SOURCES = tests/check_lock.c
tests_check_lock_CFLAGS = $(TEST_CFLAGS)
tests_check_lock_LDADD = $(TEST_LIBS)
# The run, end to end against a sandbox.
TESTS += tests/run_upgrade.sh tests/run_fail.sh tests/run_rolling.sh tests/run_resume.sh
EXTRA_DIST += tests/run_lib.sh tests/run_upgrade.sh tests/run_fail.sh tests/run_rolling.sh \
	tests/run_resume.sh



# The wizard.
check_PROGRAMS += tests/check_topology
TESTS += tests/check_topology
tests_check_topology_SOURCES = tests/check_topology.c
tests_check_topology_CFLAGS = $(TEST_CFLAGS)
tests_check_topology_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_checklist
TESTS += tests/check_checklist
tests_check_checklist_SOURCES = tests/check_checklist.c
tests_check_checklist_CFLAGS = $(TEST_CFLAGS)
tests_check_checklist_LDADD = $(TEST_LIBS)
TESTS += tests/wizard_screens.sh tests/wizard_terminal.sh tests/wizard_german.sh \
	tests/wizard_upgrade.sh tests/wizard_rollback.sh tests/wizard_detach.sh \
	tests/wizard_stop.sh
EXTRA_DIST += tests/wizard_lib.sh tests/wizard_screens.sh tests/wizard_terminal.sh \
	tests/wizard_german.sh tests/wizard_upgrade.sh tests/wizard_rollback.sh \
	tests/wizard_detach.sh tests/wizard_stop.sh



EXTRA_DIST += tests/lib.sh

# The rollback and downgrade guide.
check_PROGRAMS += tests/check_guide
TESTS += tests/check_guide
tests_check_guide_SOURCES = tests/check_guide.c
tests_check_guide_CFLAGS = $(TEST_CFLAGS)
tests_check_guide_LDADD = $(TEST_LIBS)
TESTS += tests/rollback_matrix.sh tests/rollback_cli.sh
EXTRA_DIST += tests/rollback_lib.sh tests/rollback_matrix.sh tests/rollback_cli.sh

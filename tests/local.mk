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



# Configuration.



# The CLI, end to end.



# The sandbox.



# The upgrade engine.
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



# The wizard.



EXTRA_DIST += tests/lib.sh

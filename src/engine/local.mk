# libhoist: every decision and every side effect, linked by the three programs.
noinst_LIBRARIES += src/engine/libhoist.a

# Core: errors, memory, buffers, translations, versions, HTTP.
engine_core = \
	src/engine/status.c src/engine/status.h \
	src/engine/xalloc.c src/engine/xalloc.h \
	src/engine/buf.c src/engine/buf.h \
	src/engine/i18n.c src/engine/i18n.h \
	src/engine/version.c src/engine/version.h \
	src/engine/http.c src/engine/http.h

# The version brain: feed, policy, release notes.
engine_versions = \
	src/engine/feed.c src/engine/feed.h \
	src/engine/policy.c src/engine/policy.h \
	src/engine/notes.c src/engine/notes.h



# Configuration: INI file, environment, command line.
engine_config = src/engine/conf.c src/engine/conf.h \
	src/engine/report.c src/engine/report.h



# The upgrade engine: server client, transports, profiles, plan, run, journal.
engine_run = \
	src/engine/exec.c src/engine/exec.h \
	src/engine/transport.c src/engine/transport.h \
	src/engine/profile.c src/engine/profile.h \
	src/engine/journal.c src/engine/journal.h \
	src/engine/rundir.c src/engine/rundir.h \
	src/engine/lock.c src/engine/lock.h



# The Octopus server's API, as the engine speaks it (§4).
engine_client = src/engine/octopus.c src/engine/octopus.h \
	src/engine/plan.c src/engine/plan.h \
	src/engine/stage.c src/engine/stage.h

# Topology: the server's state in one read, for the faces.
engine_topology = src/engine/topology.c src/engine/topology.h

# The run: plan preparation, the steps, revert, detach, resume.
engine_exec_run = src/engine/run.c src/engine/run.h src/engine/run_int.h \
	src/engine/run_steps.c src/engine/run_prep.c src/engine/run_resume.c \
	src/engine/run_setup.c src/engine/prepare.c

# The rollback and downgrade guide (§7).
engine_guide = src/engine/guide.c src/engine/guide.h src/engine/guide_steps.c

# The backup checklist and detached runs, for the faces.
engine_checklist = src/engine/checklist.c src/engine/checklist.h

src_engine_libhoist_a_SOURCES = $(engine_core) $(engine_versions) $(engine_config) \
	$(engine_client) $(engine_run) $(engine_topology) $(engine_exec_run) $(engine_guide) \
	$(engine_checklist)
src_engine_libhoist_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(CJSON_CFLAGS) \
	$(INIH_CFLAGS) $(CRYPTO_CFLAGS)

# What a program linking libhoist needs after it.
HOIST_LIBS = src/engine/libhoist.a $(CURL_LIBS) $(CJSON_LIBS) $(INIH_LIBS) \
	$(CRYPTO_LIBS) $(LTLIBINTL) $(LIBS)

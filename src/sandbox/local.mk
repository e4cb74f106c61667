# hoist-sandbox: a local stand-in for an Octopus Server cluster, faithful to its API.
bin_PROGRAMS += src/sandbox/hoist-sandbox
src_sandbox_hoist_sandbox_SOURCES = src/sandbox/sandbox.h src/sandbox/main.c \
	src/sandbox/state.c src/sandbox/timeline.c src/sandbox/keys.c src/sandbox/db.c \
	src/sandbox/feedgen.c src/sandbox/nodes.c src/sandbox/fault.c src/sandbox/tasks.c \
	src/sandbox/init.c src/sandbox/ctl.c src/sandbox/ctl_db.c src/sandbox/status.c \
	src/sandbox/report.c src/sandbox/serve.h src/sandbox/serve.c src/sandbox/request.c \
	src/sandbox/api.h src/sandbox/api.c src/sandbox/api_tasks.c src/sandbox/api_machines.c
src_sandbox_hoist_sandbox_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) \
	$(CJSON_CFLAGS) $(CRYPTO_CFLAGS)
src_sandbox_hoist_sandbox_LDADD = $(HOIST_LIBS) $(MHD_LIBS) $(SQLITE_LIBS)
dist_man_MANS += man/hoist-sandbox.1

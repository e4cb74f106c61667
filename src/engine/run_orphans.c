/* run_orphans.c: actions a killed engine left running; a run waits for them before it acts. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "i18n.h"
#include "run_int.h"
#include "rundir.h"
#include "xalloc.h"

/* How often a waiting run looks again, and says again what it waits for. */
#define ORPHAN_POLL_MS 200
#define ORPHAN_TELL_MS 5000
/* Between SIGTERM and SIGKILL for an action stopped after its timeout (exec's default). */
#define ORPHAN_GRACE_MS 3000
/* How long the `kill` sent to a node for an action left there may take (ms). */
#define ORPHAN_REMOTE_KILL_MS 20000

static long long wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "db-upgrade on node1 (process 123)" or, over SSH, "(process 123 there)". */
static char *what(const struct hoist_exec_record *rec, bool remote)
{
	const char *step = rec->step ? rec->step : rec->action;
	if (remote)
		return hoist_xasprintf(_("%s on %s (process %ld on the node)"), step, rec->node,
				       rec->remote_pid);
	return hoist_xasprintf(_("%s on %s (process %ld)"), step, rec->node, rec->pid);
}

/* Whether the command still runs: here (its process group), or on the node over SSH. */
static bool still_runs(struct run *r, const struct hoist_exec_record *rec, bool *remote)
{
	struct run_node *n;
	bool on_node = false;
	*remote = false;
	if (hoist_exec_record_running(rec))
		return true;
	/* The local ssh is gone; the remote command may not be (no terminal, no hang-up). */
	n = rec->remote_pid > 0 ? run_find_node(r, rec->node) : NULL;
	if (n && n->t && hoist_transport_remote_running(n->t, rec->remote_pid, &on_node, NULL) ==
			 HOIST_OK && on_node) {
		*remote = true;
		return true;
	}
	return false;
}

static void stop_remote(struct run *r, const struct hoist_exec_record *rec)
{
	struct run_node *n = run_find_node(r, rec->node);
	char num[32];
	const char *argv[] = { "kill", num, NULL };
	struct hoist_exec_options o;
	if (!n || !n->t)
		return;
	snprintf(num, sizeof num, "%ld", rec->remote_pid);
	hoist_exec_options_init(&o);
	o.action = "kill";
	o.timeout_ms = ORPHAN_REMOTE_KILL_MS;
	hoist_transport_set_record_dir(n->t, NULL);
	hoist_transport_run(n->t, argv, &o, NULL, NULL);
	{
		char *dir = hoist_rundir_file(r->dir, HOIST_RUNDIR_ACTIONS);
		hoist_transport_set_record_dir(n->t, dir);
		free(dir);
	}
}

/* The records of every run in the state folder whose engine is gone. */
static void orphans(struct run *r, struct hoist_exec_record **out, size_t *n)
{
	struct hoist_run_entry *runs = NULL;
	size_t n_runs = 0, alloc = 0;
	*out = NULL;
	*n = 0;
	if (hoist_rundir_list(r->state_dir, &runs, &n_runs, NULL) != HOIST_OK)
		return;
	for (size_t i = 0; i < n_runs; i++) {
		char *dir = hoist_rundir_file(runs[i].path, HOIST_RUNDIR_ACTIONS);
		struct hoist_exec_record *recs = NULL;
		size_t k = 0;
		if (hoist_exec_records_read(dir, &recs, &k, NULL) == HOIST_OK) {
			for (size_t j = 0; j < k; j++) {
				if (!hoist_exec_record_orphaned(&recs[j])) {
					/* Another engine's, alive: it watches its own actions. */
					free(recs[j].path);
					free(recs[j].host);
					free(recs[j].node);
					free(recs[j].step);
					free(recs[j].action);
					continue;
				}
				*out = hoist_xgrow(*out, &alloc, *n + 1, sizeof **out);
				(*out)[(*n)++] = recs[j];
			}
			free(recs);
		}
		free(dir);
	}
	hoist_rundir_list_free(runs, n_runs);
}

enum hoist_status run_wait_orphans(struct run *r, struct hoist_error *err)
{
	long long told = 0;
	bool waited = false;
	for (;;) {
		struct hoist_exec_record *recs;
		size_t n, waiting = 0;
		long long now = wall_ms();
		char *first = NULL;
		long long first_ms = 0;
		bool tell = now - told >= ORPHAN_TELL_MS;
		orphans(r, &recs, &n);
		for (size_t i = 0; i < n; i++) {
			const struct hoist_exec_record *rec = &recs[i];
			long long age = now - rec->started_ms;
			bool remote = false;
			char *w;
			if (!still_runs(r, rec, &remote)) {
				hoist_exec_record_forget(rec);
				if (waited) {
					w = what(rec, false);
					run_log(r, NULL, NULL, N_("%s has ended; going on"), w);
					free(w);
				}
				continue;
			}
			w = what(rec, remote);
			if (rec->timeout_ms > 0 && age > rec->timeout_ms) {
				/* Its engine would have stopped it by now: do what it would have done. */
				run_log(r, NULL, NULL,
					N_("%s runs for %lld s, longer than its timeout of %ld s: "
					  "stopping it, as its engine would have"),
					w, age / 1000, rec->timeout_ms / 1000);
				if (remote)
					stop_remote(r, rec);
				else
					hoist_exec_record_stop(rec, ORPHAN_GRACE_MS);
				free(w);
				waiting++;
				continue;
			}
			if (tell)
				run_log(r, NULL, NULL,
					N_("waiting for %s to end: the engine that started it %lld s ago "
					  "is gone, and nothing acts while an action of this server still "
					  "runs"),
					w, age / 1000);
			if (!first) {
				first = w;
				first_ms = age;
			} else {
				free(w);
			}
			waiting++;
		}
		hoist_exec_records_free(recs, n);
		if (!waiting) {
			free(first);
			return HOIST_OK;
		}
		if (tell)
			told = now;
		waited = true;
		if (!run_sleep(r, ORPHAN_POLL_MS)) {
			enum hoist_status st = hoist_error_say(
				err, HOIST_CANCELLED,
				N_("stopped waiting for %s (running for %lld s); nothing was done; "
				   "`hoist resume` waits for it again"),
				first ? first : "?", first_ms / 1000);
			free(first);
			return st;
		}
		free(first);
	}
}

bool run_release_ended_lock(const char *state_dir, const char *server_url)
{
	struct hoist_lock_info info;
	struct hoist_run_summary sum;
	bool released = false;
	if (!server_url)
		return false;
	hoist_lock_info_init(&info);
	hoist_run_summary_init(&sum);
	if (hoist_lock_read(state_dir, server_url, &info, NULL) == HOIST_OK && info.run_id &&
	    hoist_rundir_id_valid(info.run_id) &&
	    hoist_lock_judge(&info, 0, (long long)time(NULL)) == HOIST_LOCK_DEAD_PID) {
		char *dir = hoist_rundir_path(state_dir, info.run_id);
		char *journal = hoist_rundir_file(dir, HOIST_RUNDIR_JOURNAL);
		enum hoist_status st = hoist_journal_fold(journal, &sum, NULL);
		/* Ended, or never begun (no run-start: no step ran): the lock protects nothing. */
		if ((st == HOIST_OK && sum.state != HOIST_RUN_RUNNING) || st == HOIST_NOTFOUND)
			released = hoist_lock_break(state_dir, server_url, info.run_id, NULL) ==
				   HOIST_OK;
		free(journal);
		free(dir);
	}
	hoist_run_summary_done(&sum);
	hoist_lock_info_done(&info);
	return released;
}

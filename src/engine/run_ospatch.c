/* run_ospatch.c: the os-patch step of a run: snapshot, patch, reboot and wait (seed 003). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "i18n.h"
#include "run_int.h"
#include "xalloc.h"

/* How often a rebooting host is asked whether it is back. */
#define HOST_POLL_MS 100

/* The first line of a command's output, trimmed (a snapshot's name); NULL when none. */
static char *first_line(const struct hoist_buf *b)
{
	const char *s = b->data ? hoist_buf_cstr(b) : "";
	size_t n;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strcspn(s, "\r\n");
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n ? hoist_xstrndup(s, n) : NULL;
}

/* The patch action asks for a reboot with a line "reboot-required" (any case). */
static bool wants_reboot(const struct hoist_buf *b)
{
	const char *s = b->data ? hoist_buf_cstr(b) : "";
	while (*s) {
		size_t n = strcspn(s, "\r\n");
		const char *w = s;
		size_t wn = n;
		while (wn && (*w == ' ' || *w == '\t'))
			w++, wn--;
		while (wn && (w[wn - 1] == ' ' || w[wn - 1] == '\t'))
			wn--;
		if (wn == 15 && !strncasecmp(w, "reboot-required", 15))
			return true;
		s += n;
		while (*s == '\r' || *s == '\n')
			s++;
	}
	return false;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Waits until the node's host answers host-up again (from t0, up to the reboot timeout). */
static enum hoist_status wait_host(struct run *r, struct run_node *n, const struct timespec *t0,
				   long *back_ms, struct hoist_error *err)
{
	long limit = hoist_profile_timeout_ms(r->profile, "reboot");
	struct hoist_exec_result x;
	enum hoist_status st;
	for (;;) {
		struct hoist_error e;
		hoist_error_init(&e);
		hoist_exec_result_init(&x);
		/* Asked quietly: the "not yet" of every poll would flood the journal. */
		st = run_action(r, n, "os-patch", "host-up", NULL, NULL, NULL, true, &x, &e);
		hoist_exec_result_done(&x);
		hoist_error_done(&e);
		if (st == HOIST_OK)
			break;
		if (elapsed_ms(t0) > limit)
			return hoist_error_set(err, HOIST_STATE,
					       _("%s has not come back %ld seconds after its reboot; "
						 "look at its console, then restore the operating "
						 "system from its snapshot if it does not start"),
					       n->plan->name, limit / 1000);
		/* Not cancelled here: a half-rebooted host is no place to stop at. */
		{
			struct timespec ts = { 0, HOST_POLL_MS * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	*back_ms = elapsed_ms(t0);
	return HOIST_OK;
}

/* Reboots the node's host and waits until host-up succeeds; *back_ms how long it took. */
static enum hoist_status reboot(struct run *r, struct run_node *n, long *back_ms,
				struct hoist_error *err)
{
	struct hoist_exec_result x;
	struct timespec t0;
	enum hoist_status st;
	if (!hoist_profile_has(r->profile, "reboot") || !hoist_profile_has(r->profile, "host-up"))
		return hoist_error_set(err, HOIST_CONFIG,
				       _("the patch on %s asks for a reboot, but the profile %s has "
					 "no \"reboot\" and \"host-up\" actions; set them in "
					 "[profile], or reboot it yourself and resume"),
				       n->plan->name, hoist_profile_name(r->profile));
	hoist_exec_result_init(&x);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = run_action(r, n, "os-patch", "reboot", NULL, NULL, NULL, false, &x, err);
	hoist_exec_result_done(&x);
	if (st != HOIST_OK)
		return st;
	run_log(r, "os-patch", n->plan->name, N_("%s is rebooting; waiting until it is back"),
		n->plan->name);
	return wait_host(r, n, &t0, back_ms, err);
}

enum hoist_status run_step_os_patch(struct run *r, struct run_node *n,
				    const struct hoist_plan_step *s, struct run_result *res,
				    struct hoist_error *err)
{
	struct hoist_exec_result x;
	enum hoist_status st = HOIST_OK;
	char *snapshot = NULL;
	long back = -1;
	const struct hoist_step_summary *before =
		r->prev ? hoist_run_summary_find(r->prev, "os-patch", n->plan->name) : NULL;
	/* Resumed while this node's patch was under way (a crash, kill -9, a reboot of ours). */
	bool again = before && before->state != HOIST_STEP_PENDING;
	(void)s;
	if (!hoist_profile_has(r->profile, "os-patch"))
		return hoist_error_set(err, HOIST_CONFIG,
				       _("the profile %s has no \"os-patch\" action; set it in "
					 "[profile] (e.g. apt-get -y upgrade)"),
				       hoist_profile_name(r->profile));
	if (again) {
		/* Its first snapshot is the way back: a new one would keep a half-patched system. */
		struct timespec t0;
		long waited = 0;
		r->pnr_started = true;
		run_log(r, "os-patch", n->plan->name,
			N_("the patch of %s was under way when the run stopped: no new snapshot (the "
			  "first one is the way back); waiting for the host, then patching again"),
			n->plan->name);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (hoist_profile_has(r->profile, "host-up"))
			st = wait_host(r, n, &t0, &waited, err);
		if (st != HOIST_OK)
			return st;
	} else if (hoist_profile_has(r->profile, "snapshot")) {
		/* The way back, taken first when the profile knows how (VM snapshot, disk image). */
		hoist_exec_result_init(&x);
		st = run_action(r, n, "os-patch", "snapshot", NULL, NULL, NULL, false, &x, err);
		snapshot = first_line(&x.out);
		hoist_exec_result_done(&x);
		if (st == HOIST_OK) {
			struct hoist_evidence ev;
			memset(&ev, 0, sizeof ev);
			ev.path = snapshot ? snapshot : (char *)n->plan->name;
			ev.size = -1;
			ev.time_ms = (long long)time(NULL) * 1000;
			run_add_evidence(r, "os-snapshot", &ev, true);
			run_log(r, "os-patch", n->plan->name, N_("snapshot of %s taken: %s"),
				n->plan->name, snapshot ? snapshot : "-");
		}
	} else {
		run_log(r, "os-patch", n->plan->name,
			N_("the profile takes no snapshot: make sure you can restore %s's operating "
			  "system (VM snapshot, disk image, restore point)"), n->plan->name);
	}
	if (st != HOIST_OK) {
		free(snapshot);
		return st;
	}
	/* From here on the operating system changes: hoist cannot put it back. */
	r->pnr_started = true;
	hoist_exec_result_init(&x);
	st = run_action(r, n, "os-patch", "os-patch", NULL, NULL, NULL, false, &x, err);
	res->exit_code = x.exited ? x.exit_code : -1;
	if (st == HOIST_OK && wants_reboot(&x.out))
		st = reboot(r, n, &back, err);
	hoist_exec_result_done(&x);
	if (st == HOIST_OK && back >= 0)
		run_say(res, again ? N_("%s patched again; rebooted and back after %.1f s")
				   : N_("%s patched; rebooted and back after %.1f s"),
			n->plan->name, back / 1000.0);
	else if (st == HOIST_OK)
		run_say(res, again ? N_("%s patched again; no reboot needed")
				   : N_("%s patched; no reboot needed"),
			n->plan->name);
	if (st == HOIST_OK)
		r->pnr_started = false; /* patched and back: nothing to restore */
	free(snapshot);
	return st;
}

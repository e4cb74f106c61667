/*
 * lock.h: one upgrade at a time per server (DESIGN §6): a lock file per server URL in
 * <state>/locks/, taken atomically, kept alive by a heartbeat, reported (never stolen)
 * when stale, removed only by its run or by an explicit break.
 */
#ifndef HOIST_LOCK_H
#define HOIST_LOCK_H

#include <stdbool.h>
#include "error.h"

/* A lock whose heartbeat is older than this many seconds is stale. */
#define HOIST_LOCK_STALE_AFTER_S 120

struct hoist_lock_info {
	char *owner;      /* owned: the user who started the run */
	char *host;       /* owned: where it runs */
	long pid;
	char *run_id;     /* owned */
	char *server;     /* owned: the server's address */
	long long started;   /* seconds since the epoch */
	long long heartbeat; /* seconds since the epoch */
	char *state_dir;  /* owned: the state folder the lock was read from; may be NULL */
};

void hoist_lock_info_init(struct hoist_lock_info *info);
void hoist_lock_info_done(struct hoist_lock_info *info);

enum hoist_lock_state {
	HOIST_LOCK_LIVE,          /* its run is (as far as we can tell) alive */
	HOIST_LOCK_DEAD_PID,      /* on this host, and its process is gone */
	HOIST_LOCK_OLD_HEARTBEAT, /* no heartbeat for longer than the threshold */
	HOIST_LOCK_ACTIONS        /* its engine is gone, but an action it started still runs */
};

/*
 * Judges a lock at time now (seconds since the epoch); stale_after_s <= 0: the default.
 * A run whose engine died is not dead while a command it started still runs (its record
 * in runs/<id>/actions/, see hoist_exec_record): HOIST_LOCK_ACTIONS, not _DEAD_PID.
 */
enum hoist_lock_state hoist_lock_judge(const struct hoist_lock_info *info, long stale_after_s,
				       long long now);

/* <state_dir>/locks/<hash of the normalised server URL>.lock (a new string). */
char *hoist_lock_path(const char *state_dir, const char *server_url);

struct hoist_lock;

/*
 * Takes the lock for server_url on behalf of run_id. When another run holds it the
 * status is HOIST_LOCKED and the message names its owner, host, pid, run id and last
 * heartbeat, says whether it looks stale and what to do; holder (may be NULL) receives
 * its details.
 */
enum hoist_status hoist_lock_acquire(const char *state_dir, const char *server_url,
				     const char *run_id, long stale_after_s,
				     struct hoist_lock **out, struct hoist_lock_info *holder,
				     struct hoist_error *err);
/* Renews the heartbeat; HOIST_LOCKED if the lock is no longer ours (it was broken). */
enum hoist_status hoist_lock_heartbeat(struct hoist_lock *l, struct hoist_error *err);
/* Removes the lock if it is still ours, and frees l (NULL: no-op). */
enum hoist_status hoist_lock_release(struct hoist_lock *l, struct hoist_error *err);
/* Who holds the lock for server_url: HOIST_NOTFOUND when nobody does. */
enum hoist_status hoist_lock_read(const char *state_dir, const char *server_url,
				  struct hoist_lock_info *info, struct hoist_error *err);
/*
 * Removes the lock for server_url: the operator's explicit decision. With run_id, only
 * if that run holds it (HOIST_STATE otherwise). HOIST_NOTFOUND when there is none.
 */
enum hoist_status hoist_lock_break(const char *state_dir, const char *server_url,
				   const char *run_id, struct hoist_error *err);

#endif

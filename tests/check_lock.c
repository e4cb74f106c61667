/* check_lock.c: one run per server: refusal, stale locks (dead pid, old heartbeat), break. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lock.h"

static char state[64];
static const char *url = "https://octopus.example.com";

static void setup(void)
{
	snprintf(state, sizeof state, "/tmp/hoist-lock.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(state));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", state);
	ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "r");
	char *s = calloc(1, 8192);
	if (f) {
		size_t n = fread(s, 1, 8191, f);
		s[n] = '\0';
		fclose(f);
	}
	return s;
}

START_TEST(test_lock_second_run_refused)
{
	struct hoist_lock *a, *b;
	struct hoist_lock_info holder, info;
	struct hoist_error err;
	char expect[1024], host[256];
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T014233Z-aaaa", 0, &a, NULL, &err), HOIST_OK);
	ck_assert_int_eq(hoist_lock_acquire(state, "HTTPS://Octopus.Example.com/", "20261122T020000Z-bbbb",
					    0, &b, &holder, &err), HOIST_LOCKED);
	ck_assert_ptr_null(b);
	gethostname(host, sizeof host);
	snprintf(expect, sizeof expect, "run 20261122T014233Z-aaaa by %s on %s (pid %ld)",
		 holder.owner, host, (long)getpid());
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "another upgrade of HTTPS://Octopus.Example.com/ is running"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), expect));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "last heartbeat"));
	ck_assert_str_eq(holder.run_id, "20261122T014233Z-aaaa");
	ck_assert_int_eq(holder.pid, getpid());
	hoist_lock_info_done(&holder);

	/* Another server is not affected. */
	ck_assert_int_eq(hoist_lock_acquire(state, "https://other.example.com", "20261122T020000Z-cccc",
					    0, &b, NULL, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_lock_release(b, NULL), HOIST_OK);

	ck_assert_int_eq(hoist_lock_read(state, url, &info, NULL), HOIST_OK);
	ck_assert_str_eq(info.server, "https://octopus.example.com");
	hoist_lock_info_done(&info);
	ck_assert_int_eq(hoist_lock_heartbeat(a, &err), HOIST_OK);
	ck_assert_int_eq(hoist_lock_release(a, &err), HOIST_OK);
	ck_assert_int_eq(hoist_lock_read(state, url, &info, NULL), HOIST_NOTFOUND);
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T020000Z-bbbb", 0, &b, NULL, NULL), HOIST_OK);
	hoist_lock_release(b, NULL);
	hoist_lock_release(NULL, NULL);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_lock_path_per_server)
{
	char *a = hoist_lock_path("/s", "https://octopus.example.com");
	char *b = hoist_lock_path("/s", "https://admin:pw@OCTOPUS.example.com//");
	char *c = hoist_lock_path("/s", "https://octopus.example.com:8443");
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_int_eq(strncmp(a, "/s/locks/", 9), 0);
	ck_assert_uint_eq(strlen(a), strlen("/s/locks/") + 16 + strlen(".lock"));
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_lock_file_holds_no_credentials)
{
	struct hoist_lock *l;
	char *path, *text;
	ck_assert_int_eq(hoist_lock_acquire(state, "https://admin:hunter2@octopus.example.com", "20261122T014233Z-aaaa",
					    0, &l, NULL, NULL), HOIST_OK);
	path = hoist_lock_path(state, url);
	text = slurp(path);
	ck_assert_ptr_null(strstr(text, "hunter2"));
	ck_assert_ptr_nonnull(strstr(text, "\"run_id\":\"20261122T014233Z-aaaa\""));
	free(text);
	free(path);
	hoist_lock_release(l, NULL);
}
END_TEST

START_TEST(test_lock_dead_pid_is_stale_not_stolen)
{
	struct hoist_lock *l;
	struct hoist_lock_info holder;
	struct hoist_error err;
	pid_t child = fork();
	if (child == 0) {
		/* A run that crashes while holding the lock. */
		struct hoist_lock *mine;
		_exit(hoist_lock_acquire(state, url, "20261122T010000Z-dead", 0, &mine, NULL, NULL) == HOIST_OK ? 0 : 1);
	}
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(WEXITSTATUS(status), 0);

	hoist_error_init(&err);
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T020000Z-bbbb", 0, &l, &holder, &err), HOIST_LOCKED);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "is stale"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "is no longer running"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "break the lock explicitly"));
	ck_assert_int_eq(holder.pid, child);
	ck_assert_int_eq(hoist_lock_judge(&holder, 0, (long long)time(NULL)), HOIST_LOCK_DEAD_PID);
	hoist_lock_info_done(&holder);
	/* Asking again changes nothing: the lock is reported, never taken over. */
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T020000Z-bbbb", 0, &l, NULL, NULL), HOIST_LOCKED);

	ck_assert_int_eq(hoist_lock_break(state, url, "20261122T020000Z-bbbb", &err), HOIST_STATE);
	ck_assert_int_eq(hoist_lock_break(state, url, "20261122T010000Z-dead", &err), HOIST_OK);
	ck_assert_int_eq(hoist_lock_break(state, url, NULL, &err), HOIST_NOTFOUND);
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T020000Z-bbbb", 0, &l, NULL, NULL), HOIST_OK);
	hoist_lock_release(l, NULL);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_lock_old_heartbeat_is_stale)
{
	struct hoist_lock *l;
	struct hoist_error err;
	char *path = hoist_lock_path(state, url), dir[128], text[512];
	FILE *f;
	long long now = (long long)time(NULL);
	snprintf(dir, sizeof dir, "%s/locks", state);
	mkdir(dir, 0700);
	/* Held from another machine, whose process we cannot see: only the heartbeat tells. */
	snprintf(text, sizeof text,
		 "{\"owner\":\"ops\",\"host\":\"jumpbox-7\",\"pid\":4242,\"run_id\":\"20261121T230000Z-0ld0\","
		 "\"server\":\"https://octopus.example.com\",\"started\":%lld,\"heartbeat\":%lld}\n",
		 now - 4000, now - 3600);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T020000Z-bbbb", 0, &l, NULL, &err), HOIST_LOCKED);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "looks stale: run 20261121T230000Z-0ld0 by ops on jumpbox-7 (pid 4242)"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "sent its last heartbeat at "));
	/* With a generous threshold the same lock is live. */
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T020000Z-bbbb", 7200, &l, NULL, &err), HOIST_LOCKED);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "another upgrade of"));

	/* An unreadable lock is never taken over either. */
	f = fopen(path, "w");
	fputs("garbage", f);
	fclose(f);
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T020000Z-bbbb", 0, &l, NULL, &err), HOIST_LOCKED);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "cannot be read"));
	ck_assert_int_eq(hoist_lock_break(state, url, NULL, &err), HOIST_OK);
	free(path);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_lock_broken_under_a_run)
{
	struct hoist_lock *a, *b;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T014233Z-aaaa", 0, &a, NULL, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_lock_break(state, url, NULL, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_lock_acquire(state, url, "20261122T020000Z-bbbb", 0, &b, NULL, NULL), HOIST_OK);
	/* The first run learns at its next heartbeat, and its release leaves b's lock alone. */
	ck_assert_int_eq(hoist_lock_heartbeat(a, &err), HOIST_LOCKED);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "no longer held by run 20261122T014233Z-aaaa"));
	ck_assert_int_eq(hoist_lock_release(a, NULL), HOIST_OK);
	ck_assert_int_eq(hoist_lock_heartbeat(b, NULL), HOIST_OK);
	hoist_lock_release(b, NULL);
	hoist_error_done(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lock");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(core, test_lock_second_run_refused);
	tcase_add_test(core, test_lock_path_per_server);
	tcase_add_test(core, test_lock_file_holds_no_credentials);
	tcase_add_test(errors, test_lock_dead_pid_is_stale_not_stolen);
	tcase_add_test(errors, test_lock_old_heartbeat_is_stale);
	tcase_add_test(errors, test_lock_broken_under_a_run);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

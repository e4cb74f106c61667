/*
 * check_main.h: what every Check test program shares: running its suite to an exit status,
 * and reading a version that the test knows to be valid.
 */
#ifndef HOIST_CHECK_MAIN_H
#define HOIST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>
#include "version.h"

/* Runs the suite (forking per test as CK_FORK says, unless fork is CK_NOFORK) at the
 * verbosity CK_VERBOSITY asks for; EXIT_FAILURE when any test failed. */
static inline int tests_run_suite(Suite *s, enum fork_status fork)
{
	SRunner *sr = srunner_create(s);
	int failed;
	if (fork != CK_FORK_GETENV)
		srunner_set_fork_status(sr, fork);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* The version s, which must parse. */
static inline struct hoist_version tests_version(const char *s)
{
	struct hoist_version v;
	ck_assert_msg(hoist_version_parse(s, &v, NULL) == HOIST_OK, "parse %s", s);
	return v;
}

#endif

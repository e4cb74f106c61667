/* check_buf.c: growable buffers and their caps; the error object. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "error.h"

START_TEST(test_buf_grows_and_terminates)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 0);
	ck_assert_str_eq(hoist_buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(hoist_buf_puts(&b, "abc"), HOIST_OK);
	ck_assert_uint_eq(b.len, 3000);
	ck_assert_int_eq(b.data[b.len], '\0');
	ck_assert_int_eq(hoist_buf_printf(&b, "%d-%s", 42, "x"), HOIST_OK);
	ck_assert_str_eq(b.data + 3000, "42-x");
	hoist_buf_done(&b);
}
END_TEST

START_TEST(test_buf_detach)
{
	struct hoist_buf b;
	size_t n;
	char *s;
	hoist_buf_init(&b, 0);
	hoist_buf_puts(&b, "hello");
	s = hoist_buf_detach(&b, &n);
	ck_assert_str_eq(s, "hello");
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	hoist_buf_done(&b);
}
END_TEST

START_TEST(test_buf_cap_refuses_and_keeps)
{
	struct hoist_buf b;
	hoist_buf_init(&b, 10);
	ck_assert_int_eq(hoist_buf_puts(&b, "12345678"), HOIST_OK);
	ck_assert_int_eq(hoist_buf_puts(&b, "abc"), HOIST_TOOBIG);
	ck_assert_str_eq(hoist_buf_cstr(&b), "12345678");
	ck_assert_int_eq(hoist_buf_puts(&b, "ab"), HOIST_OK);
	ck_assert_int_eq(hoist_buf_append(&b, "x", (size_t)-1), HOIST_TOOBIG);
	hoist_buf_done(&b);
}
END_TEST

START_TEST(test_status_error_object)
{
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_str_eq(hoist_error_message(&err), "success");
	ck_assert_int_eq(hoist_error_set(&err, HOIST_AUTH, "node %s: %d", "n1", 401), HOIST_AUTH);
	ck_assert_str_eq(hoist_error_message(&err), "node n1: 401");
	hoist_error_prefix(&err, "connect");
	ck_assert_str_eq(hoist_error_message(&err), "connect: node n1: 401");
	ck_assert_int_eq(err.status, HOIST_AUTH);
	hoist_error_done(&err);
	ck_assert_int_eq(hoist_error_set(NULL, HOIST_IO, "x"), HOIST_IO);
	ck_assert_str_eq(hoist_status_name(HOIST_FAILED_PNR), "failed-pnr");
	ck_assert_int_eq(hoist_status_exit_code(HOIST_AUTH), 3);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_LOCKED), 5);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_FAILED_PNR), 4);
	ck_assert_int_eq(hoist_status_exit_code(HOIST_USAGE), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buf");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_buf_grows_and_terminates);
	tcase_add_test(core, test_buf_detach);
	tcase_add_test(errors, test_buf_cap_refuses_and_keeps);
	tcase_add_test(errors, test_status_error_object);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

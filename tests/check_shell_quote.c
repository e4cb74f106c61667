/*
 * check_shell_quote.c: the exact command line each shell receives for every action of the
 * octopus-windows profile (Octopus.Server.exe verbs, msiexec, sqlcmd, sc.exe), and the
 * characters each shell refuses.
 */
#include "config.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "profile.h"
#include "shell_quote.h"

/* install is given HTTPS_PROXY, as [proxy] does for every command. */
static const struct {
	enum hoist_shell shell;
	const char *action;
	const char *line;
} want[] = {
	{ HOIST_SHELL_POSIX, "stop",
	  "'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'service' '--instance=OctopusServer' '--stop'" },
	{ HOIST_SHELL_POSIX, "start",
	  "'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'service' '--instance=OctopusServer' '--start'" },
	{ HOIST_SHELL_POSIX, "drain",
	  "'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'node' '--instance=OctopusServer' '--drain=true' '--wait=0'" },
	{ HOIST_SHELL_POSIX, "undrain",
	  "'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'node' '--instance=OctopusServer' '--drain=false'" },
	{ HOIST_SHELL_POSIX, "db-upgrade",
	  "'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'database' '--instance=OctopusServer' '--upgrade'" },
	{ HOIST_SHELL_POSIX, "show-master-key",
	  "'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'show-master-key' '--instance=OctopusServer'" },
	{ HOIST_SHELL_POSIX, "install",
	  "HTTPS_PROXY='http://proxy.example:3128' 'msiexec' '/i' 'C:\\hoist\\Octopus.2024.2.1-x64.msi' '/quiet' '/norestart'" },
	{ HOIST_SHELL_POSIX, "db-backup",
	  "'sqlcmd' '-S' 'SQL01\\OCTOPUS' '-E' '-b' '-Q' 'BACKUP DATABASE [OctopusDeploy] TO DISK = N'\\''C:\\hoist\\db-2024.1.2.bak'\\'' WITH COPY_ONLY, INIT'" },
	{ HOIST_SHELL_POSIX, "db-restore",
	  "'sqlcmd' '-S' 'SQL01\\OCTOPUS' '-E' '-b' '-Q' 'RESTORE DATABASE [OctopusDeploy] FROM DISK = N'\\''C:\\hoist\\db-2024.1.2.bak'\\'' WITH REPLACE'" },
	{ HOIST_SHELL_POSIX, "status",
	  "'sc.exe' 'query' 'OctopusDeploy'" },
	{ HOIST_SHELL_POWERSHELL, "stop",
	  "& 'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'service' '--instance=OctopusServer' '--stop' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "start",
	  "& 'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'service' '--instance=OctopusServer' '--start' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "drain",
	  "& 'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'node' '--instance=OctopusServer' '--drain=true' '--wait=0' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "undrain",
	  "& 'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'node' '--instance=OctopusServer' '--drain=false' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "db-upgrade",
	  "& 'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'database' '--instance=OctopusServer' '--upgrade' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "show-master-key",
	  "& 'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'show-master-key' '--instance=OctopusServer' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "install",
	  "$env:HTTPS_PROXY='http://proxy.example:3128'; & 'msiexec' '/i' 'C:\\hoist\\Octopus.2024.2.1-x64.msi' '/quiet' '/norestart' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "db-backup",
	  "& 'sqlcmd' '-S' 'SQL01\\OCTOPUS' '-E' '-b' '-Q' 'BACKUP DATABASE [OctopusDeploy] TO DISK = N''C:\\hoist\\db-2024.1.2.bak'' WITH COPY_ONLY, INIT' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "db-restore",
	  "& 'sqlcmd' '-S' 'SQL01\\OCTOPUS' '-E' '-b' '-Q' 'RESTORE DATABASE [OctopusDeploy] FROM DISK = N''C:\\hoist\\db-2024.1.2.bak'' WITH REPLACE' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_POWERSHELL, "status",
	  "& 'sc.exe' 'query' 'OctopusDeploy' | Write-Output; exit $LASTEXITCODE" },
	{ HOIST_SHELL_CMD, "stop",
	  "\"\"C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe\" service --instance=OctopusServer --stop\"" },
	{ HOIST_SHELL_CMD, "start",
	  "\"\"C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe\" service --instance=OctopusServer --start\"" },
	{ HOIST_SHELL_CMD, "drain",
	  "\"\"C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe\" node --instance=OctopusServer --drain=true --wait=0\"" },
	{ HOIST_SHELL_CMD, "undrain",
	  "\"\"C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe\" node --instance=OctopusServer --drain=false\"" },
	{ HOIST_SHELL_CMD, "db-upgrade",
	  "\"\"C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe\" database --instance=OctopusServer --upgrade\"" },
	{ HOIST_SHELL_CMD, "show-master-key",
	  "\"\"C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe\" show-master-key --instance=OctopusServer\"" },
	{ HOIST_SHELL_CMD, "install",
	  "\"set \"HTTPS_PROXY=http://proxy.example:3128\"&& start \"\" /wait msiexec /i C:\\hoist\\Octopus.2024.2.1-x64.msi /quiet /norestart\"" },
	{ HOIST_SHELL_CMD, "db-backup",
	  "\"sqlcmd -S SQL01\\OCTOPUS -E -b -Q \"BACKUP DATABASE [OctopusDeploy] TO DISK = N'C:\\hoist\\db-2024.1.2.bak' WITH COPY_ONLY, INIT\"\"" },
	{ HOIST_SHELL_CMD, "db-restore",
	  "\"sqlcmd -S SQL01\\OCTOPUS -E -b -Q \"RESTORE DATABASE [OctopusDeploy] FROM DISK = N'C:\\hoist\\db-2024.1.2.bak' WITH REPLACE\"\"" },
	{ HOIST_SHELL_CMD, "status",
	  "\"sc.exe query OctopusDeploy\"" },
};

START_TEST(test_shell_quote_octopus_windows_actions)
{
	const struct hoist_profile_setting set[] = { { "db_server", "SQL01\\OCTOPUS" },
						     { "db_name", "OctopusDeploy" } };
	const char *env[] = { "HTTPS_PROXY=http://proxy.example:3128", NULL };
	struct hoist_profile *p;
	struct hoist_profile_vars v;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_profile_new("octopus-windows", set, 2, &p, &err), HOIST_OK);
	hoist_profile_vars_init(&v);
	ck_assert_int_eq(hoist_profile_vars_set(&v, "version", "2024.2.1", &err), HOIST_OK);
	ck_assert_int_eq(hoist_profile_vars_set(&v, "package",
						"C:\\hoist\\Octopus.2024.2.1-x64.msi", &err),
			 HOIST_OK);
	ck_assert_int_eq(hoist_profile_vars_set(&v, "backup", "C:\\hoist\\db-2024.1.2.bak", &err),
			 HOIST_OK);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		struct hoist_profile_cmds c;
		char *line;
		ck_assert_int_eq(hoist_profile_expand(p, want[i].action, &v, &c, &err), HOIST_OK);
		ck_assert_uint_eq(c.n, 1);
		ck_assert_int_eq(hoist_shell_command(want[i].shell, (const char *const *)c.argv[0],
						     strcmp(want[i].action, "install") ? NULL : env,
						     &line, &err),
				 HOIST_OK);
		ck_assert_msg(!strcmp(line, want[i].line), "%s %s:\n got %s\nwant %s",
			      hoist_shell_name(want[i].shell), want[i].action, line, want[i].line);
		free(line);
		hoist_profile_cmds_done(&c);
	}
	hoist_profile_vars_done(&v);
	hoist_profile_free(p);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_shell_quote_words)
{
	char *q;
	q = hoist_shell_quote(HOIST_SHELL_POSIX, "it's $(id)");
	ck_assert_str_eq(q, "'it'\\''s $(id)'");
	free(q);
	q = hoist_shell_quote(HOIST_SHELL_POWERSHELL, "it's $env:PATH; `x`");
	ck_assert_str_eq(q, "'it''s $env:PATH; `x`'");
	free(q);
	/* PowerShell ends '...' at U+2019 too: doubled like '. */
	q = hoist_shell_quote(HOIST_SHELL_POWERSHELL, "a\xe2\x80\x99;b");
	ck_assert_str_eq(q, "'a\xe2\x80\x99\xe2\x80\x99;b'");
	free(q);
	q = hoist_shell_quote(HOIST_SHELL_CMD, "a & b | c > d");
	ck_assert_str_eq(q, "\"a & b | c > d\"");
	free(q);
	q = hoist_shell_quote(HOIST_SHELL_CMD, "C:\\Program Files\\hoist\\");
	ck_assert_str_eq(q, "\"C:\\Program Files\\hoist\\\\\"");
	free(q);
	q = hoist_shell_quote(HOIST_SHELL_CMD, "");
	ck_assert_str_eq(q, "\"\"");
	free(q);
	q = hoist_shell_quote(HOIST_SHELL_CMD, "--instance=OctopusServer");
	ck_assert_str_eq(q, "--instance=OctopusServer");
	free(q);
}
END_TEST

START_TEST(test_shell_quote_refuses)
{
	const char *argv[] = { "echo", "100%", NULL };
	char *line = NULL;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_ptr_null(hoist_shell_quote(HOIST_SHELL_POSIX, "a\nb"));
	ck_assert_ptr_null(hoist_shell_quote(HOIST_SHELL_POWERSHELL, "say \"hi\""));
	ck_assert_ptr_null(hoist_shell_quote(HOIST_SHELL_POWERSHELL, "C:\\dir\\"));
	ck_assert_ptr_null(hoist_shell_quote(HOIST_SHELL_POWERSHELL, "tab\there"));
	ck_assert_ptr_null(hoist_shell_quote(HOIST_SHELL_CMD, "%PATH%"));
	ck_assert_ptr_null(hoist_shell_quote(HOIST_SHELL_CMD, "wow!"));
	ck_assert_ptr_null(hoist_shell_quote(HOIST_SHELL_CMD, "a\"b"));
	ck_assert_int_eq(hoist_shell_command(HOIST_SHELL_CMD, argv, NULL, &line, &err),
			 HOIST_UNSAFE);
	ck_assert_ptr_null(line);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "argument 2 of `echo`"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "cmd"));
	ck_assert_int_eq(hoist_shell_command(HOIST_SHELL_POSIX, argv, NULL, &line, &err), HOIST_OK);
	ck_assert_str_eq(line, "'echo' '100%'");
	free(line);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_shell_quote_parse_and_join)
{
	enum hoist_shell s;
	char *j;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_shell_parse("powershell", &s, &err), HOIST_OK);
	ck_assert_int_eq(s, HOIST_SHELL_POWERSHELL);
	ck_assert_int_eq(hoist_shell_parse("cmd.exe", &s, &err), HOIST_OK);
	ck_assert_int_eq(s, HOIST_SHELL_CMD);
	ck_assert_int_eq(hoist_shell_parse("bash", &s, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "posix, powershell or cmd"));
	j = hoist_shell_join(HOIST_SHELL_CMD, "C:\\hoist", "x.msi");
	ck_assert_str_eq(j, "C:\\hoist\\x.msi");
	free(j);
	j = hoist_shell_join(HOIST_SHELL_POSIX, "/var/tmp/hoist/", "x.msi");
	ck_assert_str_eq(j, "/var/tmp/hoist/x.msi");
	free(j);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_shell_quote_detect)
{
	enum hoist_shell s;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_shell_detect_parse(".PSVersion.Major %OS%\n", &s, &err), HOIST_OK);
	ck_assert_int_eq(s, HOIST_SHELL_POSIX);
	ck_assert_int_eq(hoist_shell_detect_parse("$PSVersionTable.PSVersion.Major Windows_NT\r\n",
						  &s, &err),
			 HOIST_OK);
	ck_assert_int_eq(s, HOIST_SHELL_CMD);
	ck_assert_int_eq(hoist_shell_detect_parse("5\r\n%OS%\r\n", &s, &err), HOIST_OK);
	ck_assert_int_eq(s, HOIST_SHELL_POWERSHELL);
	ck_assert_int_eq(hoist_shell_detect_parse("7\n%OS%\n", &s, &err), HOIST_OK);
	ck_assert_int_eq(s, HOIST_SHELL_POWERSHELL);
	ck_assert_int_eq(hoist_shell_detect_parse("Unknown command\n", &s, &err), HOIST_STATE);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "set shell ="));
	hoist_error_done(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shell_quote");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	SRunner *sr;
	int failed;
	tcase_add_test(core, test_shell_quote_octopus_windows_actions);
	tcase_add_test(core, test_shell_quote_words);
	tcase_add_test(core, test_shell_quote_parse_and_join);
	tcase_add_test(core, test_shell_quote_detect);
	tcase_add_test(errors, test_shell_quote_refuses);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

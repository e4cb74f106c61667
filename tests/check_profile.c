/* check_profile.c: built-in and configured action templates, expansion and validation. */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "profile.h"

/* Expands and compares with the expected words of command k. */
static void expect_argv(char **argv, const char *const *want)
{
	size_t i;
	for (i = 0; want[i]; i++) {
		ck_assert_ptr_nonnull(argv[i]);
		ck_assert_str_eq(argv[i], want[i]);
	}
	ck_assert_ptr_null(argv[i]);
}

static struct hoist_profile *make(const char *name, const struct hoist_profile_setting *s,
				  size_t n)
{
	struct hoist_profile *p;
	struct hoist_error err;
	hoist_error_init(&err);
	if (hoist_profile_new(name, s, n, &p, &err) != HOIST_OK)
		ck_abort_msg("profile %s: %s", name, hoist_error_message(&err));
	hoist_error_done(&err);
	return p;
}

START_TEST(test_profile_sandbox_actions)
{
	const struct hoist_profile_setting s[] = {
		{ "sandbox", "/opt/hoist/bin/hoist-sandbox" },
		{ "sandbox_dir", "/tmp/sb dir" },
	};
	struct hoist_profile *p = make("sandbox", s, 2);
	struct hoist_profile_vars v;
	struct hoist_profile_cmds c;
	hoist_profile_vars_init(&v);
	ck_assert_int_eq(hoist_profile_vars_set(&v, "node", "octo-2", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_profile_vars_set(&v, "version", "2024.2.1", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_profile_vars_set(&v, "backup", "/var/lib/hoist/runs/r/backups/db.bak", NULL), HOIST_OK);

	ck_assert_int_eq(hoist_profile_expand(p, "stop", &v, &c, NULL), HOIST_OK);
	ck_assert_uint_eq(c.n, 1);
	expect_argv(c.argv[0], (const char *[]){ "/opt/hoist/bin/hoist-sandbox", "ctl", "/tmp/sb dir",
						 "stop", "octo-2", NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "install", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "/opt/hoist/bin/hoist-sandbox", "ctl", "/tmp/sb dir",
						 "install", "octo-2", "2024.2.1", NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "db-backup", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "/opt/hoist/bin/hoist-sandbox", "ctl", "/tmp/sb dir",
						 "db-backup", "/var/lib/hoist/runs/r/backups/db.bak", NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "status", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "/opt/hoist/bin/hoist-sandbox", "ctl", "/tmp/sb dir",
						 "status", "--json", NULL });
	hoist_profile_cmds_done(&c);
	/* Every ctl verb the sandbox offers is there. */
	for (const char *const *a = (const char *[]){ "start", "db-upgrade", "db-restore",
						      "show-master-key", "os-patch", NULL }; *a; a++)
		ck_assert(hoist_profile_has(p, *a));
	ck_assert(!hoist_profile_has(p, "pull"));
	ck_assert_str_eq(hoist_profile_name(p), "sandbox");
	hoist_profile_vars_done(&v);
	hoist_profile_free(p);
}
END_TEST

START_TEST(test_profile_windows_vendor_commands)
{
	const struct hoist_profile_setting s[] = {
		{ "db_server", "SQL01\\OCTO,1433" },
		{ "db_name", "Octopus" },
		{ "instance", "Main" },
	};
	struct hoist_profile *p = make("octopus-windows", s, 3);
	struct hoist_profile_vars v;
	struct hoist_profile_cmds c;
	const char *exe = "C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe";
	hoist_profile_vars_init(&v);
	hoist_profile_vars_set(&v, "package", "C:\\hoist\\Octopus.2024.2.1-x64.msi", NULL);
	hoist_profile_vars_set(&v, "backup", "D:\\backups\\octopus-20261122.bak", NULL);

	ck_assert_int_eq(hoist_profile_expand(p, "stop", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ exe, "service", "--instance=Main", "--stop", NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "drain", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ exe, "node", "--instance=Main", "--drain=true",
						 "--wait=0", NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "db-upgrade", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ exe, "database", "--instance=Main", "--upgrade", NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "install", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "msiexec", "/i", "C:\\hoist\\Octopus.2024.2.1-x64.msi",
						 "/quiet", "/norestart", NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "db-backup", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "sqlcmd", "-S", "SQL01\\OCTO,1433", "-E", "-b", "-Q",
		"BACKUP DATABASE [Octopus] TO DISK = N'D:\\backups\\octopus-20261122.bak' WITH COPY_ONLY, INIT",
		NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "show-master-key", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ exe, "show-master-key", "--instance=Main", NULL });
	hoist_profile_cmds_done(&c);
	hoist_profile_vars_done(&v);
	hoist_profile_free(p);
}
END_TEST

START_TEST(test_profile_docker_replaces_container)
{
	const struct hoist_profile_setting s[] = { { "container", "octo1" } };
	struct hoist_profile *p = make("octopus-linux-docker", s, 1);
	struct hoist_profile_vars v;
	struct hoist_profile_cmds c;
	size_t last;
	hoist_profile_vars_init(&v);
	hoist_profile_vars_set(&v, "version", "2024.2.1", NULL);
	ck_assert_int_eq(hoist_profile_expand(p, "pull", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "docker", "pull", "octopusdeploy/octopusdeploy:2024.2.1",
						 NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "install", &v, &c, NULL), HOIST_OK);
	ck_assert_uint_eq(c.n, 2);
	expect_argv(c.argv[0], (const char *[]){ "docker", "rm", "--force", "octo1", NULL });
	ck_assert_str_eq(c.argv[1][0], "docker");
	ck_assert_str_eq(c.argv[1][1], "create");
	for (last = 0; c.argv[1][last + 1]; last++)
		;
	ck_assert_str_eq(c.argv[1][last], "octopusdeploy/octopusdeploy:2024.2.1");
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "status", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "docker", "inspect", "--format", "{{.State.Status}}",
						 "octo1", NULL });
	hoist_profile_cmds_done(&c);
	hoist_profile_vars_done(&v);
	hoist_profile_free(p);
}
END_TEST

START_TEST(test_profile_custom_and_overrides)
{
	const struct hoist_profile_setting s[] = {
		{ "stop", "kato node stop --node {node}" },
		{ "install", "kato node upgrade --version {version} --role-order {role_order}" },
		{ "role_order", "dea,controller,router,base,primary" },
		{ "install_timeout", "90" },
		{ "validate", "kato node inspect && kato status" },
	};
	struct hoist_profile *p = make("custom", s, 5);
	struct hoist_profile_vars v;
	struct hoist_profile_cmds c;
	hoist_profile_vars_init(&v);
	hoist_profile_vars_set(&v, "node", "dea-1", NULL);
	hoist_profile_vars_set(&v, "version", "3.6.2", NULL);
	ck_assert_int_eq(hoist_profile_expand(p, "install", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "kato", "node", "upgrade", "--version", "3.6.2",
						 "--role-order", "dea,controller,router,base,primary",
						 NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_expand(p, "validate", &v, &c, NULL), HOIST_OK);
	ck_assert_uint_eq(c.n, 2);
	expect_argv(c.argv[1], (const char *[]){ "kato", "status", NULL });
	hoist_profile_cmds_done(&c);
	ck_assert_int_eq(hoist_profile_timeout_ms(p, "install"), 90000);
	ck_assert_int_eq(hoist_profile_timeout_ms(p, "stop"), 600000);
	ck_assert(!hoist_profile_has(p, "start"));
	ck_assert_str_eq(hoist_profile_template(p, "stop"), "kato node stop --node {node}");
	hoist_profile_free(p);

	/* A built-in action replaced from the config; call values win over profile values. */
	const struct hoist_profile_setting o[] = {
		{ "sandbox_dir", "/srv/sb" },
		{ "stop", "{sandbox} ctl {sandbox_dir} stop {node} --grace 5" },
	};
	p = make("sandbox", o, 2);
	hoist_profile_vars_set(&v, "sandbox_dir", "/srv/other", NULL);
	ck_assert_int_eq(hoist_profile_expand(p, "stop", &v, &c, NULL), HOIST_OK);
	expect_argv(c.argv[0], (const char *[]){ "hoist-sandbox", "ctl", "/srv/other", "stop", "dea-1",
						 "--grace", "5", NULL });
	hoist_profile_cmds_done(&c);
	hoist_profile_vars_done(&v);
	hoist_profile_free(p);

	ck_assert(hoist_profile_action_valid("db-upgrade"));
	ck_assert(!hoist_profile_action_valid("frobnicate"));
	ck_assert_str_eq(hoist_profile_actions()[0], "stop");
	ck_assert_str_eq(hoist_profile_names()[2], "sandbox");
}
END_TEST

START_TEST(test_profile_values_validated)
{
	static const struct {
		const char *name, *value;
	} bad[] = {
		{ "node", "n1 && rm -rf /" }, { "node", "-rf" }, { "node", "n;id" }, { "node", "" },
		{ "node", "a234567890123456789012345678901234567890123456789012345678901234x" },
		{ "version", "2024.1" }, { "version", "2024.1.2;id" }, { "version", "v2024.1.2" },
		{ "package", "/tmp/a\nb" }, { "package", "/tmp/it's" }, { "package", "-x" },
		{ "backup", "a\"b" }, { "instance", "Octo Server" }, { "image", "repo/img tag" },
		{ "http_port", "0" }, { "http_port", "65536" }, { "http_port", "80a" },
		{ "url", "http://a b" }, { "whatever", "$(id)" }, { "whatever", "a b" },
		{ "Node", "n1" }, { "no-dash", "x" },
	};
	struct hoist_profile_vars v;
	struct hoist_error err;
	hoist_profile_vars_init(&v);
	hoist_error_init(&err);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (hoist_profile_vars_set(&v, bad[i].name, bad[i].value, &err) != HOIST_CONFIG)
			ck_abort_msg("accepted {%s} = \"%s\"", bad[i].name, bad[i].value);
	ck_assert_uint_eq(v.n, 0);
	hoist_profile_vars_set(&v, "version", "2024.1", &err);
	ck_assert_str_eq(hoist_error_message(&err),
			 "{version} = \"2024.1\" is not a valid version (MAJOR.MINOR.PATCH)");
	ck_assert_int_eq(hoist_profile_vars_set(&v, "version", "2024.2.0-rc.1", NULL), HOIST_OK);
	ck_assert_int_eq(hoist_profile_vars_set(&v, "version", "2024.2.1", NULL), HOIST_OK);
	ck_assert_str_eq(hoist_profile_vars_get(&v, "version"), "2024.2.1");
	ck_assert_uint_eq(v.n, 1);
	hoist_profile_vars_done(&v);
	hoist_error_done(&err);
}
END_TEST

START_TEST(test_profile_template_errors)
{
	struct hoist_profile *p;
	struct hoist_profile_vars v;
	struct hoist_profile_cmds c;
	struct hoist_error err;
	hoist_error_init(&err);
	hoist_profile_vars_init(&v);

	ck_assert_int_eq(hoist_profile_new("octopus-mac", NULL, 0, &p, &err), HOIST_CONFIG);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(hoist_profile_new("custom", NULL, 0, &p, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "profile custom has no actions"));

	const struct hoist_profile_setting unterminated[] = { { "stop", "svc stop {node" } };
	ck_assert_int_eq(hoist_profile_new("custom", unterminated, 1, &p, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "without its closing }"));
	const struct hoist_profile_setting upper[] = { { "stop", "svc stop {Node}" } };
	ck_assert_int_eq(hoist_profile_new("custom", upper, 1, &p, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "unknown placeholder {Node}"));
	const struct hoist_profile_setting quote[] = { { "stop", "svc \"stop" } };
	ck_assert_int_eq(hoist_profile_new("custom", quote, 1, &p, &err), HOIST_CONFIG);
	const struct hoist_profile_setting empty[] = { { "stop", "svc stop && " } };
	ck_assert_int_eq(hoist_profile_new("custom", empty, 1, &p, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "empty command"));
	const struct hoist_profile_setting timeout[] = { { "stop_timeout", "soon" } };
	ck_assert_int_eq(hoist_profile_new("sandbox", timeout, 1, &p, &err), HOIST_CONFIG);
	const struct hoist_profile_setting badvalue[] = { { "sandbox_dir", "/tmp/x\ny" } };
	ck_assert_int_eq(hoist_profile_new("sandbox", badvalue, 1, &p, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "[profile] sandbox_dir: {sandbox_dir}"));

	/* A placeholder without a value names it and the key to set. */
	p = make("sandbox", NULL, 0);
	hoist_profile_vars_set(&v, "node", "octo1", NULL);
	ck_assert_int_eq(hoist_profile_expand(p, "stop", &v, &c, &err), HOIST_CONFIG);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_str_eq(hoist_error_message(&err),
			 "profile sandbox: `stop` needs a value for {sandbox_dir}; set sandbox_dir in the [profile] section");
	ck_assert_int_eq(hoist_profile_expand(p, "pull", &v, &c, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "profile sandbox has no `pull` action"));
	ck_assert_int_eq(hoist_profile_expand(p, "reboot", &v, &c, &err), HOIST_CONFIG);
	hoist_profile_free(p);

	p = make("octopus-windows", NULL, 0);
	ck_assert_int_eq(hoist_profile_expand(p, "os-patch", &v, &c, &err), HOIST_CONFIG);
	ck_assert_int_eq(hoist_profile_expand(p, "db-backup", &v, &c, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "{db_server}"));
	hoist_profile_free(p);
	hoist_profile_free(NULL);
	hoist_profile_vars_done(&v);
	hoist_error_done(&err);
}
END_TEST

/* One profile from the config: the name a plan records wins, else [upgrade] profile, else the default. */
START_TEST(test_profile_from_config)
{
	static const char text[] = "[upgrade]\nprofile = sandbox\n[profile]\nstop = true\n"
				   "stop_timeout = 7\n[feed]\nsource = /f.json\n";
	struct hoist_config c;
	struct hoist_profile *p;
	hoist_config_init(&c);
	ck_assert_str_eq(hoist_profile_configured(&c), "octopus-windows");
	ck_assert_str_eq(hoist_profile_configured(&c), HOIST_PROFILE_DEFAULT);
	ck_assert_int_eq(hoist_profile_from_config(&c, NULL, &p, NULL), HOIST_OK);
	ck_assert_str_eq(hoist_profile_name(p), "octopus-windows");
	hoist_profile_free(p);
	ck_assert_int_eq(hoist_config_load_text(&c, "t.conf", text, sizeof text - 1, NULL), HOIST_OK);
	ck_assert_str_eq(hoist_profile_configured(&c), "sandbox");
	ck_assert_int_eq(hoist_profile_from_config(&c, NULL, &p, NULL), HOIST_OK);
	ck_assert_str_eq(hoist_profile_name(p), "sandbox");
	ck_assert_str_eq(hoist_profile_template(p, "stop"), "true");
	ck_assert_int_eq(hoist_profile_timeout_ms(p, "stop"), 7000);
	hoist_profile_free(p);
	/* A guide for an old run uses the run's profile, whatever the config names now. */
	ck_assert_int_eq(hoist_profile_from_config(&c, "octopus-linux-docker", &p, NULL), HOIST_OK);
	ck_assert_str_eq(hoist_profile_name(p), "octopus-linux-docker");
	ck_assert_str_eq(hoist_profile_template(p, "stop"), "true");
	hoist_profile_free(p);
	ck_assert_int_eq(hoist_profile_from_config(&c, "windows", &p, NULL), HOIST_CONFIG);
	ck_assert_ptr_null(p);
	hoist_config_done(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("profile");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_test(core, test_profile_sandbox_actions);
	tcase_add_test(core, test_profile_windows_vendor_commands);
	tcase_add_test(core, test_profile_docker_replaces_container);
	tcase_add_test(core, test_profile_custom_and_overrides);
	tcase_add_test(core, test_profile_from_config);
	tcase_add_test(errors, test_profile_values_validated);
	tcase_add_test(errors, test_profile_template_errors);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

/* check_packages.c: package addresses by profile, checksums files, where a plan's files go. */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "packages.h"

static char dir[] = "/tmp/check_packages.XXXXXX";

/* A configuration from INI text. */
static void load(struct hoist_config *c, const char *text)
{
	char *path = NULL;
	FILE *f;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_ge(asprintf(&path, "%s/hoist.conf", dir), 0);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	hoist_config_init(c);
	if (hoist_config_load_file(c, path, true, &err) != HOIST_OK)
		ck_abort_msg("config: %s", hoist_error_message(&err));
	free(path);
	hoist_error_done(&err);
}

static void resolve(const struct hoist_config *c, const char *v, struct hoist_plan_package *p,
		    bool *found)
{
	struct hoist_version ver;
	struct hoist_error err;
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_version_parse(v, &ver, &err), HOIST_OK);
	if (hoist_package_resolve(c, NULL, &ver, p, found, &err) != HOIST_OK)
		ck_abort_msg("resolve: %s", hoist_error_message(&err));
	hoist_error_done(&err);
}

START_TEST(test_packages_windows_msi_address)
{
	struct hoist_config c;
	struct hoist_plan_package p;
	bool found;
	char *name;
	load(&c, "[upgrade]\nprofile = octopus-windows\n[feed]\nauthenticode = off\n");
	resolve(&c, "2024.2.1", &p, &found);
	ck_assert(found);
	ck_assert_str_eq(p.url, "https://download.octopusdeploy.com/octopus/Octopus.2024.2.1-x64.msi");
	ck_assert_ptr_null(p.sha256);
	ck_assert_ptr_null(p.checksum_source);
	ck_assert_str_eq(p.signature, "off");
	name = hoist_package_file_name(&p);
	ck_assert_str_eq(name, "Octopus.2024.2.1-x64.msi");
	free(name);
	hoist_package_done(&p);
	hoist_config_done(&c);
	load(&c, "[upgrade]\nprofile = octopus-windows\n[feed]\ndownload_base = http://127.0.0.1:8/m/\n");
	resolve(&c, "2020.4.1", &p, &found);
	ck_assert_str_eq(p.url, "http://127.0.0.1:8/m/octopus/Octopus.2020.4.1-x64.msi");
	hoist_package_done(&p);
	hoist_config_done(&c);
}
END_TEST

START_TEST(test_packages_image_and_template)
{
	struct hoist_config c;
	struct hoist_plan_package p;
	bool found;
	load(&c, "[upgrade]\nprofile = octopus-linux-docker\n");
	resolve(&c, "2024.2.1", &p, &found);
	ck_assert_str_eq(p.url, "docker://octopusdeploy/octopusdeploy:2024.2.1");
	ck_assert(hoist_package_is_image(&p));
	ck_assert_ptr_null(p.signature);
	hoist_package_done(&p);
	hoist_config_done(&c);
	load(&c, "[upgrade]\nprofile = custom\n[profile]\nstop = true\n"
		 "package_url = https://m.example/{version}/o.tar.gz?x=1\n");
	resolve(&c, "2024.2.1", &p, &found);
	ck_assert_str_eq(p.url, "https://m.example/2024.2.1/o.tar.gz?x=1");
	ck_assert(!hoist_package_is_image(&p));
	hoist_package_done(&p);
	hoist_config_done(&c);
	/* custom without a template, sandbox without a feed: no package. */
	load(&c, "[upgrade]\nprofile = sandbox\n");
	resolve(&c, "2024.2.1", &p, &found);
	ck_assert(!found);
	hoist_config_done(&c);
}
END_TEST

START_TEST(test_packages_checksums_file)
{
	struct hoist_config c;
	struct hoist_plan_package p;
	bool found;
	char *sums = NULL, *text = NULL;
	FILE *f;
	ck_assert_int_ge(asprintf(&sums, "%s/SHA256SUMS", dir), 0);
	f = fopen(sums, "w");
	fputs("# the vendor's sums\n"
	      "1111111111111111111111111111111111111111111111111111111111111111  Octopus.2024.1.2-x64.msi\n"
	      "ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD *dl/Octopus.2024.2.1-x64.msi\n",
	      f);
	fclose(f);
	ck_assert_int_ge(asprintf(&text, "[upgrade]\nprofile = octopus-windows\n[feed]\nchecksums = %s\n",
				  sums), 0);
	load(&c, text);
	resolve(&c, "2024.2.1", &p, &found);
	ck_assert_str_eq(p.sha256, "abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd");
	ck_assert_str_eq(p.checksum_source, "checksums");
	hoist_package_done(&p);
	resolve(&c, "2024.1.3", &p, &found);
	ck_assert_ptr_null(p.sha256);
	hoist_package_done(&p);
	hoist_config_done(&c);
	free(text);
	free(sums);
}
END_TEST

START_TEST(test_packages_bad_checksums_and_template)
{
	struct hoist_config c;
	struct hoist_plan_package p;
	struct hoist_version v;
	bool found;
	char *sums = NULL, *text = NULL;
	struct hoist_error err;
	FILE *f;
	hoist_error_init(&err);
	hoist_version_parse("2024.2.1", &v, NULL);
	ck_assert_int_ge(asprintf(&sums, "%s/BAD", dir), 0);
	f = fopen(sums, "w");
	fputs("not a sum\n", f);
	fclose(f);
	ck_assert_int_ge(asprintf(&text, "[upgrade]\nprofile = octopus-windows\n[feed]\nchecksums = %s\n",
				  sums), 0);
	load(&c, text);
	ck_assert_int_eq(hoist_package_resolve(&c, NULL, &v, &p, &found, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "line 1 is not in sha256sum format"));
	hoist_config_done(&c);
	load(&c, "[upgrade]\nprofile = custom\n[profile]\nstop = true\npackage_url = https://x/{node}.msi\n");
	ck_assert_int_eq(hoist_package_resolve(&c, NULL, &v, &p, &found, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "only {version}"));
	hoist_config_done(&c);
	free(text);
	free(sums);
	hoist_error_done(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("packages");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	SRunner *sr;
	int failed;
	if (!mkdtemp(dir))
		return EXIT_FAILURE;
	tcase_add_test(core, test_packages_windows_msi_address);
	tcase_add_test(core, test_packages_image_and_template);
	tcase_add_test(core, test_packages_checksums_file);
	tcase_add_test(errors, test_packages_bad_checksums_and_template);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	{
		char *cmd = NULL;
		if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0 && system(cmd) != 0)
			failed++;
		free(cmd);
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* check_config.c: hoist.conf, the environment, overrides and key files (DESIGN §8). */
#include "config.h"
#include <check.h>
#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "conf.h"
#include "xalloc.h"

static char dir[] = "/tmp/hoist-check-config.XXXXXX";

static void setup(void)
{
	strcpy(dir + strlen(dir) - 6, "XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv("HOIST_SERVER_URL");
	unsetenv("HOIST_API_KEY");
	unsetenv("HOIST_API_KEY_FILE");
	unsetenv("HOIST_FEED");
	unsetenv("HOIST_STATE_DIR");
	setenv("XDG_CONFIG_HOME", dir, 1);
}

static void teardown(void)
{
	char *cmd = hoist_xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* Writes a file under the test folder with a mode; returns its path (caller frees). */
static char *put(const char *name, const char *text, mode_t mode)
{
	char *path = hoist_xasprintf("%s/%s", dir, name);
	FILE *f;
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

/* Loads text as a file and expects an error whose message contains every needle. */
static void expect_error(const char *text, const char *needle1, const char *needle2)
{
	struct hoist_config c;
	struct hoist_error err;
	char *path = put("bad.conf", text, 0600);
	hoist_config_init(&c);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_config_load_file(&c, path, true, &err), HOIST_CONFIG);
	ck_assert_msg(strstr(hoist_error_message(&err), needle1), "no \"%s\" in: %s", needle1,
		      hoist_error_message(&err));
	if (needle2)
		ck_assert_msg(strstr(hoist_error_message(&err), needle2), "no \"%s\" in: %s",
			      needle2, hoist_error_message(&err));
	hoist_error_done(&err);
	hoist_config_done(&c);
	free(path);
}

START_TEST(test_config_defaults)
{
	struct hoist_config c;
	hoist_config_init(&c);
	ck_assert(c.tls_verify);
	ck_assert(!c.allow_http);
	ck_assert_str_eq(c.feed, "https://octopus.com/download/upgrade/v3");
	ck_assert_int_eq(c.keep_runs, 10);
	ck_assert_ptr_null(c.server_url);
	ck_assert_ptr_null(c.api_key);
	ck_assert_int_eq(c.policy.allow, HOIST_ALLOW_MINOR);
	hoist_config_done(&c);
	hoist_config_done(&c); /* twice is harmless */
}
END_TEST

START_TEST(test_config_every_key)
{
	struct hoist_config c;
	struct hoist_error err;
	char *key = put("key", "API-ABCDEF\n", 0600);
	char *text = hoist_xasprintf(
		"; a comment\n"
		"[server]\n"
		"url = https://octopus.example.com\n"
		"api_key_file = %s\n"
		"tls_verify = no\n"
		"ca_file = /etc/ssl/ca.pem\n"
		"allow_http = yes\n"
		"[feed]\n"
		"source = file:///srv/feed.json\n"
		"[policy]\n"
		"allow = major\n"
		"minor_after = 2\n"
		"major_after = 3\n"
		"pin = 2024.1.x\n"
		"exclude = 2024.1.3, 2024.1.4\n"
		"prerelease = true\n"
		"[upgrade]\n"
		"profile = sandbox\n"
		"state_dir = /srv/hoist\n"
		"keep_runs = 4\n"
		"checklist_max_age = 7d\n"
		"role_order = primary,dea\n"
		"[profile]\n"
		"sandbox_dir = /tmp/sb\n"
		"stop = systemctl stop octopus@{node}\n"
		"[node \"octo1\"]\n"
		"role = primary\n"
		"transport = ssh://admin@octo1:2222\n"
		"url = http://127.0.0.1:8081\n"
		"[node \"octo2\"]\n"
		"role = dea\n",
		key);
	char *path = put("hoist/hoist.conf", text, 0644);
	hoist_config_init(&c);
	hoist_error_init(&err);
	ck_assert_msg(hoist_config_load(&c, NULL, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	ck_assert_str_eq(c.server_url, "https://octopus.example.com");
	ck_assert_str_eq(c.api_key, "API-ABCDEF");
	ck_assert_str_eq(c.api_key_file, key);
	ck_assert(!c.tls_verify);
	ck_assert_str_eq(c.ca_file, "/etc/ssl/ca.pem");
	ck_assert(c.allow_http);
	ck_assert_str_eq(c.feed, "file:///srv/feed.json");
	ck_assert_int_eq(c.policy.allow, HOIST_ALLOW_MAJOR);
	ck_assert_int_eq(c.policy.minor_after, 2);
	ck_assert_int_eq(c.policy.major_after, 3);
	ck_assert(c.policy.has_pin);
	ck_assert_str_eq(c.policy.pin.text, "2024.1.x");
	ck_assert_uint_eq(c.policy.n_exclude, 2);
	ck_assert_str_eq(c.policy.exclude[1].text, "2024.1.4");
	ck_assert(c.policy.prerelease);
	ck_assert_str_eq(c.profile, "sandbox");
	ck_assert_str_eq(c.state_dir, "/srv/hoist");
	ck_assert_int_eq(c.keep_runs, 4);
	ck_assert_int_eq(c.checklist_max_age_s, 7 * 86400);
	ck_assert_str_eq(c.role_order, "primary,dea");
	ck_assert_str_eq(hoist_config_get(&c, "profile", "sandbox_dir"), "/tmp/sb");
	ck_assert_str_eq(hoist_config_get(&c, "profile", "stop"),
			 "systemctl stop octopus@{node}");
	ck_assert_ptr_null(hoist_config_get(&c, "profile", "start"));
	ck_assert_uint_eq(c.n_nodes, 2);
	ck_assert_str_eq(c.nodes[0].name, "octo1");
	ck_assert_str_eq(c.nodes[0].role, "primary");
	ck_assert_str_eq(c.nodes[0].transport, "ssh://admin@octo1:2222");
	ck_assert_str_eq(c.nodes[0].url, "http://127.0.0.1:8081");
	ck_assert_str_eq(c.nodes[1].name, "octo2");
	ck_assert_str_eq(c.nodes[1].transport, "local");
	ck_assert_ptr_null(c.nodes[1].url);
	ck_assert_str_eq(c.loaded_from, path);
	hoist_config_done(&c);
	free(text);
	free(path);
	free(key);
}
END_TEST

START_TEST(test_config_precedence)
{
	struct hoist_config c;
	struct hoist_error err;
	char *user = put("hoist/hoist.conf",
			 "[server]\nurl = https://user.example\n[feed]\nsource = /user/feed\n"
			 "[policy]\nallow = patch\nexclude = 2024.1.3\n[upgrade]\nkeep_runs = 3\n"
			 "[node \"a\"]\nrole = primary\n", 0644);
	char *explicit = put("explicit.conf",
			     "[feed]\nsource = /explicit/feed\n[policy]\nexclude = 2024.1.4\n"
			     "[upgrade]\nkeep_runs = 5\n[node \"a\"]\nrole = dea\n", 0644);
	hoist_config_init(&c);
	hoist_error_init(&err);
	setenv("HOIST_SERVER_URL", "https://env.example", 1);
	setenv("HOIST_STATE_DIR", "/env/state", 1);
	ck_assert_msg(hoist_config_load(&c, explicit, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	/* environment over files */
	ck_assert_str_eq(c.server_url, "https://env.example");
	ck_assert_str_eq(c.state_dir, "/env/state");
	/* --config over the user's file; keys it does not name stay */
	ck_assert_str_eq(c.feed, "/explicit/feed");
	ck_assert_int_eq(c.keep_runs, 5);
	ck_assert_int_eq(c.policy.allow, HOIST_ALLOW_PATCH);
	ck_assert_uint_eq(c.n_nodes, 1);
	ck_assert_str_eq(c.nodes[0].role, "dea");
	/* excluded versions add up */
	ck_assert_uint_eq(c.policy.n_exclude, 2);
	ck_assert_str_eq(c.loaded_from, explicit);
	/* the command line over everything */
	ck_assert_int_eq(hoist_config_set(&c, "feed.source", "/cli/feed", &err), HOIST_OK);
	ck_assert_int_eq(hoist_config_set(&c, "policy.allow", "major", &err), HOIST_OK);
	ck_assert_str_eq(c.feed, "/cli/feed");
	ck_assert_int_eq(c.policy.allow, HOIST_ALLOW_MAJOR);
	hoist_config_done(&c);
	free(user);
	free(explicit);
}
END_TEST

START_TEST(test_config_env_feed_and_state_dir)
{
	struct hoist_config c;
	char *state;
	hoist_config_init(&c);
	setenv("HOIST_FEED", "/env/feed.json", 1);
	ck_assert_int_eq(hoist_config_load_env(&c, NULL), HOIST_OK);
	ck_assert_str_eq(c.feed, "/env/feed.json");
	state = hoist_config_state_dir(&c);
	ck_assert_ptr_nonnull(state);
	ck_assert(state[0] == '/');
	free(state);
	setenv("HOIST_STATE_DIR", "/srv/state", 1);
	state = hoist_config_state_dir(&c);
	ck_assert_str_eq(state, "/srv/state");
	free(state);
	hoist_config_done(&c);
}
END_TEST

START_TEST(test_config_state_dir_order)
{
	struct hoist_config c;
	char *d;
	hoist_config_init(&c);
	c.state_dir = strdup("/etc/configured");
	setenv("HOIST_STATE_DIR", "/srv/hoist-state", 1);
	d = hoist_config_state_dir(&c);
	ck_assert_str_eq(d, "/srv/hoist-state");
	free(d);
	unsetenv("HOIST_STATE_DIR");
	d = hoist_config_state_dir(&c);
	ck_assert_str_eq(d, "/etc/configured");
	free(d);
	hoist_config_done(&c);
	hoist_config_init(&c);
	setenv("XDG_STATE_HOME", "/home/op/.state", 1);
	d = hoist_config_state_dir(&c);
	ck_assert_str_eq(d, geteuid() == 0 ? "/var/lib/hoist" : "/home/op/.state/hoist");
	free(d);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/op", 1);
	d = hoist_config_state_dir(&c);
	ck_assert_str_eq(d, geteuid() == 0 ? "/var/lib/hoist" : "/home/op/.local/state/hoist");
	free(d);
	hoist_config_done(&c);
}
END_TEST

/* A relative HOIST_STATE_DIR names another folder from each working folder: refused. */
START_TEST(test_config_state_dir_relative_refused)
{
	struct hoist_config c;
	struct hoist_error e;
	char *d;
	hoist_config_init(&c);
	hoist_error_init(&e);
	c.state_dir = strdup("/etc/configured");
	setenv("HOIST_STATE_DIR", "state", 1);
	ck_assert_int_eq(hoist_config_load_env(&c, &e), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.message, "absolute"));
	d = hoist_config_state_dir(&c);
	ck_assert_str_eq(d, "/etc/configured");
	free(d);
	unsetenv("HOIST_STATE_DIR");
	hoist_error_done(&e);
	hoist_config_done(&c);
}
END_TEST

START_TEST(test_config_key_file_trimmed)
{
	char *key = NULL, *path = put("key", "  API-XYZ123 \r\n\n", 0400);
	ck_assert_int_eq(hoist_config_read_key_file(path, &key, NULL), HOIST_OK);
	ck_assert_str_eq(key, "API-XYZ123");
	free(key);
	free(path);
}
END_TEST

START_TEST(test_config_env_key_wins)
{
	struct hoist_config c;
	struct hoist_error err;
	char *key = put("key", "API-FROMFILE\n", 0600);
	char *text = hoist_xasprintf("[server]\napi_key_file = %s\n", key);
	char *path = put("hoist/hoist.conf", text, 0644);
	hoist_config_init(&c);
	hoist_error_init(&err);
	setenv("HOIST_API_KEY", "API-FROMENV\n", 1);
	ck_assert_int_eq(hoist_config_load(&c, NULL, &err), HOIST_OK);
	ck_assert_str_eq(c.api_key, "API-FROMENV");
	/* a key file named on the command line comes later still */
	ck_assert_int_eq(hoist_config_set(&c, "server.api_key_file", key, &err), HOIST_OK);
	ck_assert_str_eq(c.api_key, "API-FROMFILE");
	hoist_config_done(&c);
	free(text);
	free(path);
	free(key);
}
END_TEST

START_TEST(test_config_env_key_file)
{
	struct hoist_config c;
	char *key = put("envkey", "API-ENVFILE", 0600);
	hoist_config_init(&c);
	setenv("HOIST_API_KEY_FILE", key, 1);
	ck_assert_int_eq(hoist_config_load(&c, NULL, NULL), HOIST_OK);
	ck_assert_str_eq(c.api_key, "API-ENVFILE");
	hoist_config_done(&c);
	free(key);
}
END_TEST

START_TEST(test_config_key_file_mode_refused)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0620, 0602, 0660 };
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
		struct hoist_error err;
		char *key = (char *)"untouched", *path = put("key", "API-SECRET\n", modes[i]);
		char mode[8];
		snprintf(mode, sizeof mode, "%04o", (unsigned)modes[i]);
		hoist_error_init(&err);
		ck_assert_int_ne(hoist_config_read_key_file(path, &key, &err), HOIST_OK);
		ck_assert_ptr_null(key);
		ck_assert_msg(strstr(hoist_error_message(&err), path), "%s",
			      hoist_error_message(&err));
		ck_assert_msg(strstr(hoist_error_message(&err), mode), "%s",
			      hoist_error_message(&err));
		ck_assert_msg(strstr(hoist_error_message(&err), "chmod 600"), "%s",
			      hoist_error_message(&err));
		/* the key itself never reaches a message */
		ck_assert(!strstr(hoist_error_message(&err), "API-SECRET"));
		hoist_error_done(&err);
		free(path);
	}
}
END_TEST

START_TEST(test_config_key_file_bad_content)
{
	char *key = NULL, *path = put("key", "API-ONE\nAPI-TWO\n", 0600);
	ck_assert_int_eq(hoist_config_read_key_file(path, &key, NULL), HOIST_CONFIG);
	free(path);
	path = put("key", " \n", 0600);
	ck_assert_int_eq(hoist_config_read_key_file(path, &key, NULL), HOIST_CONFIG);
	free(path);
	ck_assert_int_ne(hoist_config_read_key_file("/nonexistent/key", &key, NULL), HOIST_OK);
	ck_assert_ptr_null(key);
}
END_TEST

START_TEST(test_config_key_never_on_command_line)
{
	struct hoist_config c;
	struct hoist_error err;
	hoist_config_init(&c);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_config_set(&c, "server.api_key", "API-SECRET", &err), HOIST_USAGE);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "HOIST_API_KEY"));
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "file"));
	ck_assert_ptr_null(strstr(hoist_error_message(&err), "API-SECRET"));
	ck_assert_ptr_null(c.api_key);
	hoist_error_done(&err);
	hoist_config_done(&c);
}
END_TEST

START_TEST(test_config_key_in_file_refused)
{
	expect_error("[server]\napi_key = API-SECRET\n", ":2:", "api_key_file");
}
END_TEST

START_TEST(test_config_unknown_key)
{
	expect_error("[server]\nurl = https://a.example\n\ntls_verfy = false\n", "bad.conf:4:",
		     "\"tls_verfy\"");
	expect_error("[server]\ntls_verfy = false\n", "did you mean", "tls_verify");
	expect_error("[policy]\nallow = minor\ncolour = blue\n", "bad.conf:3:", "\"colour\"");
	expect_error("[node \"a\"]\nrol = primary\n", "bad.conf:2:", "\"rol\"");
}
END_TEST

START_TEST(test_config_unknown_section)
{
	expect_error("[server]\nurl = https://a.example\n[sevrer]\nurl = x\n", "bad.conf:4:",
		     "[sevrer]");
	expect_error("url = https://a.example\n", "bad.conf:1:", "outside");
}
END_TEST

START_TEST(test_config_bad_node_section)
{
	expect_error("[node octo1]\nrole = primary\n", "bad.conf:2:", "[node \"NAME\"]");
	expect_error("[node \"\"]\nrole = primary\n", "bad.conf:2:", NULL);
	expect_error("[node \"a b\"]\nrole = primary\n", "bad.conf:2:", "a b");
	expect_error("[node \"a\"]\ntransport = telnet://a\n", "bad.conf:2:", "telnet://a");
}
END_TEST

START_TEST(test_config_bad_values)
{
	expect_error("[server]\ntls_verify = maybe\n", "bad.conf:2:", "maybe");
	expect_error("[upgrade]\nkeep_runs = ten\n", "bad.conf:2:", "ten");
	expect_error("[upgrade]\nkeep_runs = -1\n", "bad.conf:2:", "-1");
	expect_error("[upgrade]\nchecklist_max_age = 2w\n", "bad.conf:2:", "2w");
	expect_error("[upgrade]\nchecklist_max_age = 0\n", "bad.conf:2:", "duration");
	expect_error("[upgrade]\nchecklist_max_age = 400d\n", "bad.conf:2:", "365 days");
	expect_error("[upgrade]\nprofile = windows\n", "bad.conf:2:", "windows");
	expect_error("[policy]\nprerelease = sometimes\n", "bad.conf:2:", "sometimes");
	expect_error("[policy]\nallow = everything\n", "bad.conf:2:", NULL);
	expect_error("[policy]\nminor_after = two\n", "bad.conf:2:", NULL);
	expect_error("[policy]\npin = latest\n", "bad.conf:2:", NULL);
	expect_error("[policy]\nexclude = 2024.1\n", "bad.conf:2:", NULL);
	expect_error("[server]\nurl = octopus.example.com\n", "bad.conf:2:", "https://");
}
END_TEST

START_TEST(test_config_bad_syntax)
{
	expect_error("[server]\nthis line has no equals sign\n", "bad.conf:2:", NULL);
	expect_error("[server\nurl = https://a.example\n", "bad.conf:1:", NULL);
}
END_TEST

START_TEST(test_config_long_line)
{
	/* A custom install template as long as the built-in Docker one (~400) must fit. */
	struct hoist_config c;
	struct hoist_error err;
	char tmpl[420], *text, *path, *huge;
	memset(tmpl, 'a', sizeof tmpl - 1);
	tmpl[sizeof tmpl - 1] = '\0';
	memcpy(tmpl, "docker run -d --name octopus-{node} ", 36);
	text = hoist_xasprintf("[profile]\ninstall = %s ; a comment\n", tmpl);
	path = put("long.conf", text, 0600);
	hoist_config_init(&c);
	hoist_error_init(&err);
	ck_assert_msg(hoist_config_load_file(&c, path, true, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	ck_assert_str_eq(hoist_config_get(&c, "profile", "install"), tmpl);
	hoist_config_done(&c);
	hoist_error_done(&err);
	free(text);
	free(path);
	/* Still a cap, named in the message, for a line no one writes by hand. */
	huge = hoist_xmalloc(5000);
	memset(huge, 'a', 4999);
	huge[4999] = '\0';
	memcpy(huge, "[profile]\nstop = ", 17);
	expect_error(huge, "bad.conf:2:", "longer than 4096");
	free(huge);
}
END_TEST

START_TEST(test_config_key_file_fifo)
{
	/* A FIFO as the key file: refused at once, not a wait for a writer in open(). */
	struct hoist_config c;
	struct hoist_error err;
	char *fifo = hoist_xasprintf("%s/key.fifo", dir), *key = NULL, *conf;
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_config_read_key_file(fifo, &key, &err), HOIST_CONFIG);
	ck_assert_ptr_null(key);
	ck_assert(strstr(hoist_error_message(&err), "not a regular file") != NULL);
	/* The same for a configuration file that is one. */
	conf = hoist_xasprintf("%s/conf.fifo", dir);
	ck_assert_int_eq(mkfifo(conf, 0600), 0);
	hoist_config_init(&c);
	ck_assert_int_eq(hoist_config_load_file(&c, conf, true, &err), HOIST_CONFIG);
	ck_assert(strstr(hoist_error_message(&err), "not a regular file") != NULL);
	hoist_config_done(&c);
	hoist_error_done(&err);
	free(fifo);
	free(conf);
}
END_TEST

START_TEST(test_config_too_big)
{
	/* Over 1 MiB: a configuration error (exit 2), not a failure of the run (1). */
	struct hoist_config c;
	struct hoist_error err;
	size_t n = (1u << 20) + 100;
	char *text = hoist_xmalloc(n + 1), *path;
	memset(text, ';', n);
	text[n] = '\0';
	path = put("big.conf", text, 0600);
	hoist_config_init(&c);
	hoist_error_init(&err);
	ck_assert_int_eq(hoist_config_load_file(&c, path, true, &err), HOIST_CONFIG);
	ck_assert_int_eq(hoist_status_exit_code(err.status), 2);
	hoist_config_done(&c);
	hoist_error_done(&err);
	free(text);
	free(path);
}
END_TEST

START_TEST(test_config_key_file_option_overrides_bad_one)
{
	/* The configured key file is readable by others (refused); --api-key-file wins. */
	struct hoist_config c;
	struct hoist_error err;
	char *bad = put("bad-key", "API-BADBADBAD1\n", 0644);
	char *good = put("good-key", "API-GOODGOOD1\n", 0600);
	char *text = hoist_xasprintf("[server]\napi_key_file = %s\n", bad);
	char *conf = put("k.conf", text, 0600);
	hoist_config_init(&c);
	hoist_error_init(&err);
	ck_assert_msg(hoist_config_load_with_key_file(&c, conf, good, &err) == HOIST_OK, "%s",
		      hoist_error_message(&err));
	ck_assert_str_eq(c.api_key, "API-GOODGOOD1");
	ck_assert_str_eq(c.api_key_file, good);
	hoist_config_done(&c);
	/* Without the option, the bad one is refused as before. */
	hoist_config_init(&c);
	ck_assert_int_eq(hoist_config_load(&c, conf, &err), HOIST_PERMISSION);
	hoist_config_done(&c);
	hoist_error_done(&err);
	free(bad);
	free(good);
	free(text);
	free(conf);
}
END_TEST

START_TEST(test_config_missing_explicit_file)
{
	struct hoist_config c;
	struct hoist_error err;
	char *missing = hoist_xasprintf("%s/nope.conf", dir);
	hoist_config_init(&c);
	hoist_error_init(&err);
	/* a missing usual file is fine; a missing --config file is not */
	ck_assert_int_eq(hoist_config_load_file(&c, missing, false, &err), HOIST_OK);
	ck_assert_int_eq(hoist_config_load(&c, missing, &err), HOIST_CONFIG);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), missing));
	hoist_error_done(&err);
	hoist_config_done(&c);
	free(missing);
}
END_TEST

START_TEST(test_config_bad_override)
{
	struct hoist_config c;
	struct hoist_error err;
	hoist_config_init(&c);
	hoist_error_init(&err);
	ck_assert_int_ne(hoist_config_set(&c, "policy.alow", "minor", &err), HOIST_OK);
	ck_assert_ptr_nonnull(strstr(hoist_error_message(&err), "alow"));
	ck_assert_int_ne(hoist_config_set(&c, "nosection", "x", &err), HOIST_OK);
	ck_assert_int_ne(hoist_config_set(&c, "policy.minor_after", "x", &err), HOIST_OK);
	hoist_error_done(&err);
	hoist_config_done(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(core, test_config_defaults);
	tcase_add_test(core, test_config_state_dir_order);
	tcase_add_test(core, test_config_state_dir_relative_refused);
	tcase_add_test(core, test_config_every_key);
	tcase_add_test(core, test_config_precedence);
	tcase_add_test(core, test_config_env_feed_and_state_dir);
	tcase_add_test(core, test_config_key_file_trimmed);
	tcase_add_test(core, test_config_env_key_wins);
	tcase_add_test(core, test_config_env_key_file);
	tcase_add_test(errors, test_config_key_file_mode_refused);
	tcase_add_test(errors, test_config_key_file_bad_content);
	tcase_add_test(errors, test_config_key_never_on_command_line);
	tcase_add_test(errors, test_config_key_in_file_refused);
	tcase_add_test(errors, test_config_unknown_key);
	tcase_add_test(errors, test_config_unknown_section);
	tcase_add_test(errors, test_config_bad_node_section);
	tcase_add_test(errors, test_config_bad_values);
	tcase_add_test(errors, test_config_bad_syntax);
	tcase_add_test(errors, test_config_long_line);
	tcase_add_test(errors, test_config_key_file_fifo);
	tcase_add_test(errors, test_config_too_big);
	tcase_add_test(errors, test_config_key_file_option_overrides_bad_one);
	tcase_add_test(errors, test_config_missing_explicit_file);
	tcase_add_test(errors, test_config_bad_override);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	return tests_run_suite(s, CK_FORK_GETENV);
}

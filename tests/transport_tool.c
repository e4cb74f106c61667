/*
 * transport_tool.c: runs one command on a node through the engine's transport, for
 * tests/ssh_transport.sh. Prints each output line as it arrives ("out: ..."/"err: ..."),
 * then "status: NAME exit: N" and, on failure, "message: ...".
 *
 *   transport_tool [-d CONTROL_DIR] [-o SSH_ARG]... [-t TIMEOUT_MS] [-c] NODE ADDRESS [--] ARGV...
 *   -c: end the shared connection afterwards and report "closed: NAME".
 *   -s SHELL: the node's shell (posix, powershell, cmd); -e NAME=VALUE: its environment.
 *   -p: instead of ARGV, the preflight's probe (does the node answer?).
 *   -f PATH: instead of ARGV, the free bytes where PATH is ("free: N").
 *   -a ACTION: instead of ARGV, the octopus-windows profile's ACTION with the values of
 *      tests/check_shell_quote.c (version 2024.2.1, package and backup in C:\hoist).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "profile.h"
#include "transport.h"

static void print_line(const struct hoist_exec_line *l, void *data)
{
	(void)data;
	printf("%s: %s\n", l->stream == HOIST_EXEC_STDOUT ? "out" : "err", l->line);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *control_dir = NULL;
	const char *ssh_args[32];
	int n_ssh = 0, opt, close_after = 0, n_env = 0, probe = 0;
	const char *shell = NULL, *action = NULL, *env[8], *free_path = NULL;
	long timeout_ms = 20000;
	struct hoist_transport *t;
	struct hoist_exec_options o;
	struct hoist_exec_result r;
	struct hoist_error err;
	enum hoist_status st;

	while ((opt = getopt(argc, argv, "+d:o:t:cs:e:a:pf:")) != -1) {
		switch (opt) {
		case 'f':
			free_path = optarg;
			break;
		case 'p':
			probe = 1;
			break;
		case 's':
			shell = optarg;
			break;
		case 'e':
			if (n_env < 8)
				env[n_env++] = optarg;
			break;
		case 'a':
			action = optarg;
			break;
		case 'd':
			control_dir = optarg;
			break;
		case 'o':
			if (n_ssh < 32)
				ssh_args[n_ssh++] = optarg;
			break;
		case 't':
			timeout_ms = atol(optarg);
			break;
		case 'c':
			close_after = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (argc - optind < (action || probe || free_path ? 2 : 3)) {
		fprintf(stderr, "usage: transport_tool [-d DIR] [-o ARG]... [-t MS] [-c] NODE ADDRESS ARGV...\n");
		return 2;
	}
	hoist_error_init(&err);
	st = hoist_transport_new(argv[optind], argv[optind + 1], control_dir, &t, &err);
	if (st != HOIST_OK) {
		printf("status: %s exit: -1\nmessage: %s\n", hoist_status_name(st),
		       hoist_error_message(&err));
		return 1;
	}
	for (int i = 0; i < n_ssh; i++)
		hoist_transport_add_ssh_arg(t, ssh_args[i]);
	if (shell) {
		enum hoist_shell sh;
		if (hoist_shell_parse(shell, &sh, &err) != HOIST_OK) {
			printf("message: %s\n", hoist_error_message(&err));
			return 2;
		}
		hoist_transport_set_shell(t, sh);
	}
	for (int i = 0; i < n_env; i++) {
		char *name = strdup(env[i]), *eq = strchr(name, '=');
		if (eq) {
			*eq = '\0';
			hoist_transport_add_env(t, name, eq + 1);
		}
		free(name);
	}
	hoist_transport_set_connect_timeout(t, 5);
	hoist_exec_options_init(&o);
	o.timeout_ms = timeout_ms;
	o.on_line = print_line;
	hoist_exec_result_init(&r);
	optind += 2;
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (probe) {
		st = hoist_transport_probe(t, timeout_ms, &err);
	} else if (free_path) {
		long long bytes = -1;
		st = hoist_transport_free_bytes(t, free_path, timeout_ms, &bytes, &err);
		printf("free: %lld\n", bytes);
	} else if (action) {
		struct hoist_profile *p = NULL;
		struct hoist_profile_vars vars;
		struct hoist_profile_cmds cmds;
		const struct hoist_profile_setting set[] = { { "db_server", "SQL01\\OCTOPUS" },
							     { "db_name", "OctopusDeploy" } };
		hoist_profile_vars_init(&vars);
		hoist_profile_cmds_init(&cmds);
		st = hoist_profile_new("octopus-windows", set, 2, &p, &err);
		if (st == HOIST_OK)
			st = hoist_profile_vars_set(&vars, "version", "2024.2.1", &err);
		if (st == HOIST_OK)
			st = hoist_profile_vars_set(&vars, "package",
						    "C:\\hoist\\Octopus.2024.2.1-x64.msi", &err);
		if (st == HOIST_OK)
			st = hoist_profile_vars_set(&vars, "backup", "C:\\hoist\\db-2024.1.2.bak",
						    &err);
		if (st == HOIST_OK)
			st = hoist_profile_expand(p, action, &vars, &cmds, &err);
		for (size_t i = 0; st == HOIST_OK && i < cmds.n; i++)
			st = hoist_transport_run(t, (const char *const *)cmds.argv[i], &o, &r, &err);
		hoist_profile_cmds_done(&cmds);
		hoist_profile_vars_done(&vars);
		hoist_profile_free(p);
	} else {
		st = hoist_transport_run(t, (const char *const *)argv + optind, &o, &r, &err);
	}
	printf("status: %s exit: %d\n", hoist_status_name(st), r.exited ? r.exit_code : -1);
	if (st != HOIST_OK)
		printf("message: %s\n", hoist_error_message(&err));
	if (close_after) {
		hoist_error_clear(&err);
		st = hoist_transport_close(t, &err);
		printf("closed: %s\n", hoist_status_name(st));
		if (st != HOIST_OK)
			printf("message: %s\n", hoist_error_message(&err));
	}
	hoist_exec_result_done(&r);
	hoist_error_done(&err);
	hoist_transport_free(t);
	return 0;
}

/*
 * shell_quote.h: the command line a node's shell receives over SSH, built from an
 * argument vector by the quoting rules of that shell: posix (sh), powershell (Windows
 * PowerShell 5.1 and pwsh) or cmd (cmd.exe). OpenSSH hands the remote command to the
 * account's shell as one string, so the vector must be written in that shell's syntax.
 */
#ifndef HOIST_SHELL_QUOTE_H
#define HOIST_SHELL_QUOTE_H

#include "error.h"

enum hoist_shell {
	HOIST_SHELL_POSIX,
	HOIST_SHELL_POWERSHELL,
	HOIST_SHELL_CMD
};

/* "posix", "powershell" or "cmd" (also "sh", "pwsh", "cmd.exe"); HOIST_CONFIG otherwise. */
enum hoist_status hoist_shell_parse(const char *text, enum hoist_shell *out,
				    struct hoist_error *err);
const char *hoist_shell_name(enum hoist_shell s);

/*
 * One word for the shell; NULL when the shell cannot carry it safely:
 *   posix       '...' with each ' written as '\''; no control characters but tab.
 *   powershell  '...' with each ' doubled; no control characters, no " (Windows
 *               PowerShell drops them on the way to a program), no trailing \.
 *   cmd         bare when it holds only [A-Za-z0-9_.:/\=+@,-], else "..." with trailing
 *               backslashes doubled; never " % ! or control characters.
 */
char *hoist_shell_quote(enum hoist_shell s, const char *arg);

/*
 * The whole command line: env (NULL-terminated "NAME=VALUE" list; may be NULL) set for
 * the command, then argv.
 *   posix       NAME='v' 'argv0' 'arg1' ...
 *   powershell  $env:NAME='v'; & 'argv0' 'arg1' ... | Write-Output; exit $LASTEXITCODE
 *               (the pipe makes PowerShell wait for GUI programs such as msiexec)
 *   cmd         "set "NAME=v"&& argv0 arg1 ..." (the outer quotes are those cmd /c
 *               strips); msiexec is run through start "" /wait so that cmd waits for it.
 * HOIST_UNSAFE names the argument that cannot be carried.
 */
enum hoist_status hoist_shell_command(enum hoist_shell s, const char *const *argv,
				      const char *const *env, char **out,
				      struct hoist_error *err);

/*
 * Detecting a node's shell once: the probe line is sent as it is; posix sh prints
 * ".PSVersion.Major %OS%", cmd "$PSVersionTable.PSVersion.Major Windows_NT", PowerShell
 * its major version, then "%OS%". HOIST_STATE when the answer fits none.
 */
#define HOIST_SHELL_PROBE "echo $PSVersionTable.PSVersion.Major %OS%"
enum hoist_status hoist_shell_detect_parse(const char *output, enum hoist_shell *out,
					   struct hoist_error *err);

/* A path inside a node's folder: dir, then a backslash if dir holds one, else "/", then name. */
char *hoist_shell_join(enum hoist_shell s, const char *dir, const char *name);

#endif

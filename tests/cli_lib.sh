# cli_lib.sh: helpers of the CLI's shell tests, on top of lib.sh (sourced, not run).
. "$top_srcdir/tests/lib.sh"
FEED="$top_srcdir/tests/fixtures/cli-feed.json"
SEED_FEED="$top_srcdir/tests/fixtures/cli-seed-feed.json"
# Nothing from the machine or the caller's environment may change what hoist sees.
export XDG_CONFIG_HOME="$TMPROOT/config" XDG_STATE_HOME="$TMPROOT/state"
unset HOIST_SERVER_URL HOIST_API_KEY HOIST_API_KEY_FILE HOIST_FEED HOIST_STATE_DIR
export LC_ALL=C

# run COMMAND...: runs it, keeping stdout in $OUT, stderr in $ERR and the status in $RC.
OUT="$TMPROOT/out"
ERR="$TMPROOT/err"
run() {
	set +e
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
	set -e
}
# exits DESCRIPTION CODE: the last run ended with this exit code.
exits() {
	if [ "$RC" -eq "$2" ]; then ok "$1 (exit $2)"; else
		fail "$1: exit $RC, expected $2"; sed 's/^/  stderr: /' "$ERR"; fi
}
# json DESCRIPTION FILTER: jq -e FILTER holds on the last run's stdout.
json() {
	if jq -e "$2" "$OUT" >/dev/null 2>&1; then ok "$1"; else
		fail "$1: jq '$2' does not hold on:"; sed 's/^/  /' "$OUT"; fi
}
# has DESCRIPTION FILE TEXT: the file contains the fixed text.
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		fail "$1: no '$3' in:"; sed 's/^/  /' "$2"; fi
}
# lacks DESCRIPTION FILE TEXT: the file does not contain the fixed text.
lacks() {
	if grep -qF -- "$3" "$2"; then fail "$1: '$3' found in:"; sed 's/^/  /' "$2"; else
		ok "$1"; fi
}

# run_lib.sh: helpers for the upgrade engine's tests (sourced after lib.sh and sandbox_lib.sh).

# run_sb NAME [INIT OPTIONS]: a served sandbox with short action durations and few tasks;
# sets D, URL, CONF, KEY and HOIST_STATE_DIR.
run_sb() {
	sb_new "$@"
	"$SANDBOX" config "$D" set stop=30,start=30,install=40,db-upgrade=40,db-backup=20,task-ms=150,task-rate=20 >/dev/null
	sb_serve
	CONF="$D/hoist.conf"
	KEY=$(cat "$D/api-key")
	HOIST_STATE_DIR="$D/state"
	export HOIST_STATE_DIR
}
# h ARGS...: hoist on the sandbox's configuration.
h() { "$HOIST" --config "$CONF" "$@"; }
# st JQ: a value of the sandbox's status.
st() { ctl status --json | jq -r "$1"; }
# latest_run: the newest run's folder.
latest_run() { ls -d "$HOIST_STATE_DIR"/runs/*/ | sort | tail -n 1; }
# journal_has EVENT STEP [NODE]: the newest run's journal has that event.
journal_has() {
	jq -se --arg e "$1" --arg s "$2" --arg n "${3:-}" \
		'any(.[]; .event == $e and .step == $s and ($n == "" or .node == $n))' \
		"$(latest_run)journal.jsonl" >/dev/null 2>&1
}
# engine_pid: the pid in the server's lock file (the running engine).
engine_pid() { jq -r .pid "$HOIST_STATE_DIR"/locks/*.lock 2>/dev/null; }
# no_key_in DIR: the API key appears in no file under DIR.
no_key_in() { ! grep -rqF "$KEY" "$1"; }
# runs: how many runs the state folder holds.
runs() { ls "$HOIST_STATE_DIR/runs" 2>/dev/null | wc -l; }
# more_runs_than N: a new run has begun since there were N.
more_runs_than() { [ "$(runs)" -gt "$1" ]; }
# journal_has_text REGEX: a log message of the newest run's journal matches.
journal_has_text() {
	jq -se --arg r "$1" 'any(.[]; .event == "log" and (.message | test($r)))' \
		"$(latest_run)journal.jsonl" >/dev/null 2>&1
}

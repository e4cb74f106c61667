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
# run_end_status: the status of the newest run's last run-end.
run_end_status() { jq -rs '[.[] | select(.event == "run-end")] | last | .status' "$(latest_run)journal.jsonl"; }
# as_before: the server is as a sandbox made at 2024.1.2 was, with its data $DATA:
# maintenance mode off, schema 2024.1, every node on 2024.1.2, running and undrained.
as_before() {
	[ "$(st '[.maintenance, .schema, .data_sha256] | join(" ")')" = "false 2024.1 $DATA" ] &&
	[ "$(st '[.nodes[] | "\(.version) \(.running) \(.drained)"] | unique | join(",")')" = "2024.1.2 true false" ]
}
# wait_dead PID: waits (5 s at most) until PID has ended (a zombie counts as ended).
wait_dead() { wait_for 5 sh -c "! kill -0 $1 2>/dev/null || grep -q '^[0-9]* ([^)]*) Z' /proc/$1/stat" || true; }
# run_reaches N STEP: waits until a run begun since there were N runs has started STEP
# (20 s for each); false, saying so, when it does not.
run_reaches() {
	wait_for 20 more_runs_than "$1" && wait_for 20 journal_has step-start "$2" && return 0
	echo "# no new run started $2"
	return 1
}
# detach_to STEP HOIST-ARGS...: `hoist HOIST-ARGS --detach`, then waits until its run has
# started STEP (run_reaches).
detach_to() {
	_step=$1
	shift
	_n=$(runs)
	h "$@" --detach >/dev/null
	run_reaches "$_n" "$_step"
}
# kill_engine: kill -9 of the running engine (the lock's pid), then waits until it has
# ended; sets PID. What it started may go on running (see end_orphans).
kill_engine() {
	PID=$(engine_pid || true)
	kill -9 "$PID" 2>/dev/null || true
	wait_dead "$PID"
}
# end_orphans: ends the actions a killed engine left running in the newest run (the process
# group of each, from the run's actions/*.json), as an operator would, and waits until
# they have ended.
end_orphans() {
	for _a in "$(latest_run)"actions/*.json; do
		[ -e "$_a" ] || continue
		_p=$(jq -r .pid "$_a")
		# Only while that pid is still the action's (field 22 of stat, its start time).
		[ "$(sed 's/^.*) //' "/proc/$_p/stat" 2>/dev/null | cut -d' ' -f20)" = \
			"$(jq -r .start_ticks "$_a")" ] || continue
		kill -TERM -- "-$_p" 2>/dev/null || kill -TERM "$_p" 2>/dev/null || true
		wait_dead "$_p"
	done
}
# stop_at STEP OUT HOIST-ARGS...: hoist HOIST-ARGS in the background (its output in OUT),
# SIGTERM to it once its run has started STEP (a stop asked for); returns hoist's exit code.
stop_at() {
	_step=$1 _out=$2
	shift 2
	_n=$(runs)
	"$HOIST" --config "$CONF" "$@" >"$_out" 2>&1 &
	_up=$!
	run_reaches "$_n" "$_step" || true
	kill -TERM "$_up"
	wait "$_up"
}

# run_journal_full.sh: the disk under the journal fills up in the middle of a run. What is
# not recorded must not happen: the run stops where it stood (no undo either), says why,
# and `hoist resume` carries it on once there is room again.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 24
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }

# enospc_journal.so (built by make check) makes every write to a journal.jsonl fail with
# ENOSPC once a line holding ENOSPC_JOURNAL_AFTER was written: a disk that fills up then.
SHIM="$top_builddir/tests/enospc_journal.so"
[ -f "$SHIM" ] || { echo "missing $SHIM (make check builds it)"; exit 1; }
# full_after TEXT HOIST-ARGS...: hoist on the sandbox, its disk full after TEXT.
full_after() {
	_after=$1
	shift
	ENOSPC_JOURNAL_AFTER=$_after LD_PRELOAD=$SHIM "$HOIST" --config "$CONF" "$@"
}
# last_event: the newest run's last journal line, as "event step".
last_event() { tail -n 1 "$(latest_run)journal.jsonl" | jq -r '"\(.event) \(.step)"'; }

# Full once the first install has begun: the two nodes install in parallel, so one
# install's start cannot be recorded (it must not begin) and the other's end cannot be.
run_sb full --nodes 2 --version 2024.1.2
rc=0
full_after '"step-start","step":"install"' upgrade --to 2024.2.1 --yes \
	>"$TMPROOT/full.out" 2>"$TMPROOT/full.err" || rc=$?
err=$(cat "$TMPROOT/full.err")
check "a journal that cannot be written stops the run (exit 1)" [ "$rc" -eq 1 ]
check "... saying which journal and why" \
	matches "$err" ".*cannot write to the journal $(latest_run)journal.jsonl: No space left on device"
check "... that it stopped where it stood and that hoist resume carries it on" \
	matches "$err" ".*the run stopped where it stood.*hoist resume carries it on"
check "... nothing was recorded after the line that filled the disk" \
	[ "$(jq -s '[.[] | select(.step == "install")] | length' "$(latest_run)journal.jsonl")/$(last_event)" = \
		"1/step-start install" ]
check "... the install whose start was not recorded did not begin" \
	[ "$(events install)" -eq 1 ]
check "... nor did anything after it: the database is not upgraded" \
	[ "$(st .schema)/$(events schema)" = 2024.1/0 ]
# No undo either: it could not be recorded. What is left on is in the record (status).
check "... maintenance mode stays on, every node drained and stopped" \
	[ "$(st '[.maintenance, (.nodes[] | .drained, .running)] | map(tostring) | join(",")')" = "true,true,false,true,false" ]
check "... the lock is released" [ -z "$(ls "$HOIST_STATE_DIR/locks" 2>/dev/null)" ]
out=$(h status 2>&1)
check "hoist status says the run did not finish" matches "$out" ".*State: interrupted; 'hoist resume' continues it"
check "... and shows maintenance mode on, its end still to come" \
	sh -c 'printf "%s\n" "$1" | grep -q "maintenance-on  *ok" && printf "%s\n" "$1" | grep -q "maintenance-off  *pending"' _ "$out"
rc=0; h resume >"$TMPROOT/resume.out" 2>&1 || rc=$?
check "with room again, hoist resume finishes the run (exit 0)" [ "$rc" -eq 0 ]
check "... maintenance mode is off (GET /api/maintenanceconfiguration)" \
	[ "$(api "$URL/api/maintenanceconfiguration" | jq .IsInMaintenanceMode)" = false ]
check "... every node runs the target, undrained" \
	[ "$(st '[.nodes[] | "\(.version) \(.running) \(.drained)"] | unique | join(",")')" = "2024.2.1 true false" ]
check "... and the journal ends done" [ "$(run_end_status)" = done ]

# A disk that fills within a write and then has room again: the line cut short stays a
# line of its own, so the run-end after it, with the reason, can be read.
run_sb torn --nodes 1 --version 2024.1.2
export ENOSPC_JOURNAL_TORN=1 ENOSPC_JOURNAL_FAILS=1
rc=0; full_after '"step-start","step":"stop"' upgrade --to 2024.2.1 --yes >/dev/null 2>&1 || rc=$?
unset ENOSPC_JOURNAL_TORN ENOSPC_JOURNAL_FAILS
check "a disk that fills within a write stops the run too (exit 1)" [ "$rc" -eq 1 ]
check "... the run-end written after the cut line is whole: interrupted" \
	[ "$(tail -n 1 "$(latest_run)journal.jsonl" | jq -r '"\(.event) \(.status)"')" = "run-end interrupted" ]
out=$(h status 2>&1)
check "... so hoist status gives the reason" \
	matches "$out" ".*Outcome: the run stopped where it stood.*cannot write to the journal.*No space left on device"
rc=0; h resume >"$TMPROOT/torn-resume.out" 2>&1 || rc=$?
check "... and hoist resume carries the run on past the cut line (exit 0)" [ "$rc" -eq 0 ]
check "... to the target, maintenance mode off" \
	[ "$(st '[.maintenance, .nodes[0].version, .nodes[0].running] | map(tostring) | join(",")')" = "false,2024.2.1,true" ]

# A detached run: the follower sees the run end without an end.
run_sb fulldetach --nodes 1 --version 2024.1.2
n=$(runs)
rc=0
ENOSPC_SYSLOG="$TMPROOT/syslog" full_after '"step-start","step":"stop"' \
	upgrade --to 2024.2.1 --yes --detach >/dev/null 2>&1 || rc=$?
check "a detached run whose journal fills up starts (exit 0)" [ "$rc" -eq 0 ]
wait_for 20 more_runs_than "$n" || true
rc=0; out=$(h status --follow 2>&1) || rc=$?
check "status --follow exits non-zero: the run has not ended and resume continues it" \
	sh -c "[ $rc -ne 0 ] && printf '%s\n' \"\$1\" | grep -q 'has not ended.*hoist resume. continues it'" _ "$out"
check "... and points to the system log for why" matches "$out" ".*system log may say why.*journalctl -t hoist"
out=$(h status 2>&1)
check "... hoist status says interrupted" matches "$out" ".*State: interrupted"
# No face heard the engine's reason: the system log has it (here a file the shim writes).
logged() { grep -q "run $(basename "$(latest_run)") stopped: .*cannot write to the journal.*No space left on device" "$TMPROOT/syslog" 2>/dev/null; }
check "... the system log keeps the reason: the run, the journal and the full disk" wait_for 20 logged
finish

# run_resume.sh: kill -9 of the engine mid-run, a stale lock, hoist resume; a crash in db-upgrade.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

run_sb crash --nodes 2 --version 2024.1.2
"$SANDBOX" fault "$D" set install=slow:600 >/dev/null

n=$(runs)
h upgrade --to 2024.2.1 --yes --detach >/dev/null
wait_for 20 more_runs_than "$n" && wait_for 20 journal_has step-start install || true
PID=$(engine_pid)
kill -9 "$PID"
wait_for 5 sh -c "! kill -0 $PID 2>/dev/null || grep -q '^[0-9]* ([^)]*) Z' /proc/$PID/stat" || true
check "the engine was killed in the middle (nodes stopped)" [ "$(st '[.nodes[].running] | unique | join(",")')" = false ]
check "status calls the run interrupted" sh -c "\"$HOIST\" --config '$CONF' status | grep -q interrupted"
rc=0; out=$(h upgrade --to 2024.2.1 --yes 2>&1) || rc=$?
check "a new run is refused while the stale lock is there (exit 5)" [ "$rc" -eq 5 ]
check "... and the lock is reported as stale" matches "$out" '.*stale'
"$SANDBOX" fault "$D" clear >/dev/null
rc=0; h resume >"$TMPROOT/resume.out" 2>&1 || rc=$?
check "hoist resume finishes the run (exit 0)" [ "$rc" -eq 0 ]
check "every node runs the target version" [ "$(st '[.nodes[].version] | unique | join(",")')" = 2024.2.1 ]
check "maintenance mode is off, every node undrained and running" \
	[ "$(st '[.maintenance, (.nodes[] | .drained, .running)] | map(tostring) | join(",")')" = "false,false,true,false,true" ]
check "steps that had ended well were not repeated" [ "$(grep -c '"step-start","step":"stop"' "$(latest_run)journal.jsonl")" -eq 2 ]
check "the journal tells of the resume" grep -q "resuming run" "$(latest_run)journal.jsonl"
check "the lock is gone" [ -z "$(ls "$HOIST_STATE_DIR/locks" 2>/dev/null)" ]
rc=0; out=$(h resume 2>&1) || rc=$?
check "a run that has ended is not resumed, and that is no error (exit 0)" [ "$rc" -eq 0 ]
check "resume says there is nothing to resume" matches "$out" ".*nothing to resume.*"
check "resume of an ended run writes no guide into it" [ ! -e "$(latest_run)guide.txt" ]

run_sb pnr --nodes 1 --version 2024.1.2
"$SANDBOX" fault "$D" set db-upgrade=slow:1500 >/dev/null
n=$(runs)
h upgrade --to 2024.2.1 --yes --detach >/dev/null
wait_for 20 more_runs_than "$n" && wait_for 20 journal_has step-start db-upgrade || true
PID=$(engine_pid)
kill -9 "$PID"
wait_for 5 sh -c "! kill -0 $PID 2>/dev/null || grep -q '^[0-9]* ([^)]*) Z' /proc/$PID/stat" || true
rc=0; out=$(h resume 2>&1) || rc=$?
check "a database upgrade caught in flight is not repeated (exit 4)" [ "$rc" -eq 4 ]
check "... and resume says why" matches "$out" '.*database upgrade was under way'
check "... leaving maintenance mode on" [ "$(st .maintenance)" = true ]
finish

# kill_orphan.sh: kill -9 of the engine 0.3 s into a 3-second db-upgrade; resume and
# rollback wait for the orphaned upgrade instead of restoring under it.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

run_sb orphan --nodes 3 --version 2023.2.5
"$SANDBOX" config "$D" set db-upgrade=3000 >/dev/null
before=$(st .data_sha256)

n=$(runs)
h upgrade --to 2023.3.3 --yes --detach >/dev/null
wait_for 20 more_runs_than "$n" && wait_for 20 journal_has step-start db-upgrade || true
sleep 0.3
PID=$(engine_pid)
kill -9 "$PID"
killed_at=$(date +%s)
wait_for 5 sh -c "! kill -0 $PID 2>/dev/null || grep -q '^[0-9]* ([^)]*) Z' /proc/$PID/stat" || true
RUN=$(latest_run)
check "the killed engine's db-upgrade is recorded in the run folder" \
	sh -c "cat '$RUN'actions/*.json 2>/dev/null | jq -se 'any(.[]; .step == \"db-upgrade\" and .node == \"node1\" and .pid > 1)' >/dev/null"
out=$(h status 2>&1 || true)
check "status says the interrupted run's db-upgrade still runs" matches "$out" '.*still runs: db-upgrade on node1 (process [0-9]*'
rc=0; out=$(h upgrade --to 2023.3.3 --yes 2>&1) || rc=$?
check "a new run is refused meanwhile (exit 5)" [ "$rc" -eq 5 ]

rc=0; h resume >"$TMPROOT/resume.out" 2>&1 || rc=$?
check "resume waited for the orphaned db-upgrade, saying so" \
	grep -q "waiting for db-upgrade on node1 (process [0-9]*) to end" "$TMPROOT/resume.out"
check "... and saw it end" grep -q "db-upgrade on node1 (process [0-9]*) has ended" "$TMPROOT/resume.out"
check "resume ends at the rollback guide (exit 4)" [ "$rc" -eq 4 ]
check "no action record is left behind" [ -z "$(ls "$RUN"actions 2>/dev/null)" ]
rc=0; h rollback --run --yes >"$TMPROOT/rollback.out" 2>&1 || rc=$?
check "the rollback ends well (exit 0)" [ "$rc" -eq 0 ]
# Long enough for an orphan that was not waited for to write its schema.
while [ $(($(date +%s) - killed_at)) -lt 4 ]; do sleep 0.2; done
last_restore=$(jq -s '[.[] | select(.event == "db-restore") | .t] | max // 0' "$D/timeline.jsonl")
check "the database was restored" [ "$last_restore" -gt 0 ]
check "no schema upgrade came after the restore" \
	[ "$(jq -s --argjson t "$last_restore" '[.[] | select(.event == "schema" and .t > $t and .node != null)] | length' "$D/timeline.jsonl")" -eq 0 ]
check "the schema is the old version's" [ "$(st .schema)" = 2023.2 ]
check "every node runs 2023.2.5 again, running, undrained" \
	[ "$(st '[.nodes[] | "\(.version) \(.running) \(.drained)"] | unique | join(",")')" = "2023.2.5 true false" ]
check "maintenance mode is off" [ "$(st .maintenance)" = false ]
check "the data is as before" [ "$(st .data_sha256)" = "$before" ]
finish

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
run_reaches "$n" db-upgrade || true
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
check "no action record is left behind" [ -z "$(ls "$RUN"actions 2>/dev/null)" ]
# Resume either finishes the upgrade from the real state (exit 0) or ends at the guide
# (exit 4), and then the rollback restores the database: never under the running upgrade.
check "resume ends done or at the rollback guide (exit 0 or 4)" sh -c "[ $rc -eq 0 ] || [ $rc -eq 4 ]"
if [ "$rc" -eq 4 ]; then
	rc=0; h rollback --run --yes >"$TMPROOT/rollback.out" 2>&1 || rc=$?
	check "the rollback ends well (exit 0)" [ "$rc" -eq 0 ]
	want=2023.2.5 schema=2023.2
else
	want=2023.3.3 schema=2023.3
fi
# Long enough for an orphan that was not waited for to write its schema.
while [ $(($(date +%s) - killed_at)) -lt 4 ]; do sleep 0.2; done
last_restore=$(jq -s '[.[] | select(.event == "db-restore") | .t] | max // 0' "$D/timeline.jsonl")
# after_restore: schema upgrades (by a node) after the last restore; none without a restore.
after_restore() {
	[ "$last_restore" -eq 0 ] && { echo 0; return; }
	jq -s --argjson t "$last_restore" '[.[] | select(.event == "schema" and .t > $t and .node != null)] | length' "$D/timeline.jsonl"
}
check "no schema upgrade came after a restore" [ "$(after_restore)" -eq 0 ]
check "the schema matches the nodes' version" [ "$(st .schema)" = "$schema" ]
check "every node runs $want, running, undrained" \
	[ "$(st '[.nodes[] | "\(.version) \(.running) \(.drained)"] | unique | join(",")')" = "$want true false" ]
check "maintenance mode is off" [ "$(st .maintenance)" = false ]
check "the data is as before" [ "$(st .data_sha256)" = "$before" ]
finish

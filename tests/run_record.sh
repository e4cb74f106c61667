# run_record.sh: run modes and records: a dry run is never resumed into a real run; an
# ended or live run gets no guide written by resume; nothing happens unrecorded (a plan
# that cannot be saved, a lock taken away); a restore checks its backup's SHA-256;
# wait-tasks waits for the whole cluster's queue.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }

# changes_since N: timeline events after line N that change the server.
changes_since() {
	tail -n +"$(($1 + 1))" "$D/timeline.jsonl" |
		grep -cE '"event":"(maintenance-on|drain-on|stop|install|schema|db-restore)"' || true
}

run_sb rec --nodes 2 --version 2024.1.2
DATA=$(st .data_sha256)

# A dry run is recorded as one; an interrupted one is resumed as a dry run.
rc=0; h upgrade --to 2024.2.1 --dry-run >/dev/null 2>&1 || rc=$?
check "a dry run ends well (exit 0)" [ "$rc" -eq 0 ]
check "plan.json records the dry run" [ "$(jq -r .mode "$(latest_run)plan.json")" = dry-run ]
check "run-start says dry run" jq -se 'any(.[]; .event == "run-start" and .mode == "dry-run")' "$(latest_run)journal.jsonl"
# As if the engine had been killed: the journal ends before run-end.
j="$(latest_run)journal.jsonl"
sed -i '$d' "$j"
lines=$(wc -l <"$D/timeline.jsonl")
rc=0; h resume >"$TMPROOT/dry.out" 2>&1 || rc=$?
check "resume of an interrupted dry run ends well (exit 0)" [ "$rc" -eq 0 ]
check "... as a dry run: nothing on the server changed" [ "$(changes_since "$lines")" -eq 0 ]
check "... the server is as it was" as_before
check "... and the journal says it resumed a dry run" grep -q "resuming the dry run" "$j"

# A dry run's plan, run again, is a dry run: nothing to confirm, nothing changes.
cp "$(latest_run)plan.json" "$TMPROOT/dry-plan.json"
lines=$(wc -l <"$D/timeline.jsonl")
rc=0; h upgrade --plan "$TMPROOT/dry-plan.json" </dev/null >/dev/null 2>&1 || rc=$?
check "a dry run's plan runs as a dry run (exit 0, nothing asked)" [ "$rc" -eq 0 ]
check "... and changes nothing" [ "$(changes_since "$lines")" -eq 0 ]

# A run that ended: resume says so, exits 0 and writes nothing into it.
rc=0; out=$(h resume 2>&1) || rc=$?
check "resume of an ended run exits 0" [ "$rc" -eq 0 ]
check "... and says there is nothing to resume" matches "$out" ".*nothing to resume.*"
check "... writing no guide into it" [ ! -e "$(latest_run)guide.txt" ]

# A resume refused because the run is live (exit 5) writes nothing into the live run.
run_sb live --nodes 2 --version 2024.1.2
"$SANDBOX" fault "$D" set install=slow:4000 >/dev/null
detach_to install upgrade --to 2024.2.1 --yes || true
live=$(latest_run)
rc=0; h resume >/dev/null 2>&1 || rc=$?
check "resume of a live run is refused (exit 5)" [ "$rc" -eq 5 ]
check "... and writes no guide into the live run" [ ! -e "${live}guide.txt" ]
rc=0; h status --follow >/dev/null 2>&1 || rc=$?
check "the live run goes on and ends done" [ "$rc" -eq 0 ]
"$SANDBOX" fault "$D" clear >/dev/null

# Rolling back a done run is a deliberate downgrade, said before anything is asked.
rc=0; out=$(h rollback --run </dev/null 2>&1) || rc=$?
check "rollback --run of a done run says it is a deliberate downgrade" matches "$out" ".*deliberate downgrade.*"
check "... and changes nothing without --yes (exit 2)" [ "$rc" -eq 2 ]

# wait-tasks: queued tasks count, server-wide. A task no node takes (no node has room
# for one) stays queued, and belongs to no node until one picks it up.
run_sb tasks --nodes 2 --version 2024.1.2
DATA=$(st .data_sha256)
"$SANDBOX" config "$D" set task-rate=0 >/dev/null
for n in node1 node2; do
	api -X PUT -d '{"MaxConcurrentTasks": 0}' "$URL/api/octopusservernodes/OctopusServerNodes-$n" >/dev/null
done
api -X POST -d '{"Name": "Health", "Description": "queued for the test", "Arguments": {}}' "$URL/api/tasks" >/dev/null
printf '[upgrade]\nwait_tasks_timeout = 2\n' >>"$CONF"
rc=0; h upgrade --to 2024.2.1 --yes >"$TMPROOT/tasks.out" 2>&1 || rc=$?
check "wait-tasks does not pass while tasks are queued in the cluster (exit 1)" [ "$rc" -eq 1 ]
check "... it says tasks were still running" grep -q "tasks were still running" "$TMPROOT/tasks.out"
check "... and reported the live count" jq -se 'any(.[]; .event == "progress" and .step == "wait-tasks" and .tasks_left > 0)' "$(latest_run)journal.jsonl"
check "... no node was stopped" [ "$(jq -s '[.[] | select(.event == "step-start" and .step == "stop" and .phase != "revert")] | length' "$(latest_run)journal.jsonl")" -eq 0 ]

# A plan that cannot be saved stops the run at the next safe point, saying why.
run_sb save --nodes 1 --version 2024.1.2
"$SANDBOX" fault "$D" set stop=slow:4000 >/dev/null
n=$(runs)
h upgrade --to 2024.2.1 --yes --detach >/dev/null
wait_for 20 more_runs_than "$n" || true
# A folder where the engine writes its plan before the rename; the engine's own file may be
# there for a moment (it saves the plan as the run begins): until it is gone, try again.
wait_for 20 sh -c "mkdir '$(latest_run)plan.json.tmp' 2>/dev/null"
rc=0; h status --follow >"$TMPROOT/save.out" 2>&1 || rc=$?
check "a plan that cannot be saved stops the run: it ends interrupted" [ "$(run_end_status)" = interrupted ]
check "... saying why" grep -q "could not save its plan" "$TMPROOT/save.out"
check "... before anything was installed" [ "$(jq -s '[.[] | select(.event == "step-start" and .step == "install")] | length' "$(latest_run)journal.jsonl")" -eq 0 ]
rmdir "$(latest_run)plan.json.tmp"
"$SANDBOX" fault "$D" clear >/dev/null
rc=0; h resume >/dev/null 2>&1 || rc=$?
check "... and once fixed, resume carries it on (exit 0)" [ "$rc" -eq 0 ]
check "... to the target" [ "$(st '[.nodes[].version] | unique | join(",")')" = 2024.2.1 ]

# A lock taken from the run stops it at the next safe point.
run_sb lock --nodes 1 --version 2024.1.2
"$SANDBOX" fault "$D" set install=slow:7000 >/dev/null
detach_to install upgrade --to 2024.2.1 --yes || true
PID=$(engine_pid || true)
lock=$(ls "$HOIST_STATE_DIR"/locks/*.lock)
jq --argjson p $$ '.pid = $p | .run_id = "20000101T000000Z-0000"' "$lock" >"$lock.new" && mv "$lock.new" "$lock"
wait_for 30 sh -c "! kill -0 $PID 2>/dev/null" || true
check "a run whose lock was taken stops: it ends interrupted" [ "$(run_end_status)" = interrupted ]
check "... saying the lock is no longer its own" grep -q "no longer held" "$(latest_run)journal.jsonl"
check "... without going on to the database upgrade" [ "$(jq -s '[.[] | select(.event == "step-start" and .step == "db-upgrade")] | length' "$(latest_run)journal.jsonl")" -eq 0 ]
check "... and leaves the other's lock in place" grep -q 20000101T000000Z-0000 "$lock"
rm -f "$lock"
"$SANDBOX" fault "$D" clear >/dev/null

# db-restore refuses a backup that is not the one the run took.
run_sb sha --nodes 1 --version 2024.1.2
"$SANDBOX" fault "$D" set db-upgrade@2024.2.1=fail >/dev/null
rc=0; h upgrade --to 2024.2.1 --yes >/dev/null 2>&1 || rc=$?
check "a failed database upgrade exits 4" [ "$rc" -eq 4 ]
"$SANDBOX" fault "$D" clear >/dev/null
backup=$(h rollback --guide --json | jq -r '.backups[] | select(.item == "database") | .path')
printf 'x' >>"$backup"
restores=$(events db-restore)
rc=0; out=$(h rollback --run --yes 2>&1) || rc=$?
check "a restore from a changed backup fails" [ "$rc" -ne 0 ]
check "... saying its SHA-256 is not the recorded one" matches "$out" ".*SHA-256.*"
check "... and nothing was restored" [ "$(events db-restore)" -eq "$restores" ]
finish

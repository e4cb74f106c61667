# run_undo.sh: a clean undo ends "undone" and says so everywhere; a failed undo ends
# "failed" with the guide; a run killed during its own revert is finished by resume.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 29
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }

# revert_only_after_failure: every step that began after the first failure is of the revert phase.
revert_only_after_failure() {
	jq -se '[.[] | select(.event == "step-start" or .event == "step-end")] as $e
		| ([$e | to_entries[] | select(.value.event == "step-end" and .value.status == "failed") | .key] | first) as $f
		| $f != null and ([$e[($f + 1):][] | select(.event == "step-start" and .phase != "revert")] | length) == 0
		  and ([$e[($f + 1):][] | select(.phase == "revert")] | length) > 0' \
		"$(latest_run)journal.jsonl" >/dev/null
}

# reverting_start: the newest run began starting a node again after its failure (the revert).
reverting_start() {
	jq -se '. as $a | ([$a | to_entries[] | select(.value.event == "step-end" and .value.status == "failed") | .key] | first) as $f
		| $f != null and any($a[$f:][]; .event == "step-start" and .step == "start")' \
		"$(latest_run)journal.jsonl" >/dev/null 2>&1
}

run_sb undo --nodes 3 --roles primary,base,base --version 2024.1.2
DATA=$(st .data_sha256)
"$SANDBOX" fault "$D" set install@2024.2.1:node2=fail >/dev/null
rc=0; h upgrade --to 2024.2.1 --yes >"$TMPROOT/undo.out" 2>"$TMPROOT/undo.err" || rc=$?
check "a failed install before the point of no return exits 1" [ "$rc" -eq 1 ]
check "... the server is exactly as it was" as_before
check "... run-end says undone" [ "$(run_end_status)" = undone ]
check "... the last line says, in plain words, stopped, everything undone" \
	sh -c "tail -n 1 '$TMPROOT/undo.err' | grep -q 'stopped, everything undone'"
check "... the revert's steps are journaled as the revert phase, not as forward steps" revert_only_after_failure
out=$(h status)
check "status says undone" matches "$out" ".*State: undone.*"
check "status shows the revert as such" matches "$out" ".*Revert (undoing what the run changed):.*"
check "the guide says nothing is left to do" sh -c "h() { \"$HOIST\" --config '$CONF' \"\$@\"; }; h rollback --guide | grep -q 'Nothing is left to do'"
check "the guide has no step" [ "$(h rollback --guide --json | jq '.steps | length')" -eq 0 ]
n=$(runs)
rc=0; out=$(h rollback --run --yes 2>&1) || rc=$?
check "rollback --run of an undone run does nothing (exit 0)" [ "$rc" -eq 0 ]
check "... and says so" matches "$out" ".*nothing to roll back.*"
check "... no rollback run was started" [ "$(runs)" -eq "$n" ]
# As if killed after the undo's last step, before run-end: resume checks and ends undone.
sed -i '$d' "$(latest_run)journal.jsonl"
rc=0; out=$(h resume 2>&1) || rc=$?
check "resume of a run killed right after its undo ends undone (exit 1)" [ "$rc" -eq 1 ]
check "... after checking the server, not assuming nothing changed" matches "$out" ".*stopped, everything undone.*"
check "... run-end says undone" [ "$(run_end_status)" = undone ]
"$SANDBOX" fault "$D" clear >/dev/null

# A stop asked for (SIGTERM) before the point of no return: undone too.
"$SANDBOX" fault "$D" set install=slow:3000 >/dev/null
rc=0; stop_at install "$TMPROOT/cancel.out" upgrade --to 2024.2.1 --yes || rc=$?
check "a stop asked for exits 1" [ "$rc" -eq 1 ]
check "... ends undone, the server as it was" sh -c "[ \"\$(jq -rs '[.[] | select(.event == \"run-end\")] | last | .status' '$(latest_run)journal.jsonl')\" = undone ]"
check "... the server is as it was" as_before
"$SANDBOX" fault "$D" clear >/dev/null

# An undo that fails: failed, with the guide printed and saved.
"$SANDBOX" fault "$D" set install@2024.2.1:node2=fail start@2024.1.2:node3=fail >/dev/null
rc=0; h upgrade --to 2024.2.1 --yes >"$TMPROOT/bad.out" 2>"$TMPROOT/bad.err" || rc=$?
check "a failed undo does not say undone" sh -c "! tail -n 1 '$TMPROOT/bad.err' | grep -q 'everything undone'"
check "... run-end says failed" [ "$(run_end_status)" = failed ]
check "... the guide is printed" grep -q "^Rollback guide for run" "$TMPROOT/bad.out"
check "... and saved in the run's folder" [ -s "$(latest_run)guide.txt" ]
check "... status says failed" sh -c "\"$HOIST\" --config '$CONF' status | grep -q 'State: failed'"
"$SANDBOX" fault "$D" clear >/dev/null
rc=0; h rollback --run --yes >"$TMPROOT/rb.out" 2>&1 || rc=$?
check "... the guide carried out puts the server back (exit 0)" [ "$rc" -eq 0 ]
check "... as it was" as_before

# kill -9 during the revert: resume finishes the revert, not the upgrade.
run_sb revkill --nodes 3 --roles primary,base,base --version 2024.1.2
DATA=$(st .data_sha256)
"$SANDBOX" fault "$D" set install@2024.2.1:node2=fail start@2024.1.2=slow:3000 >/dev/null
n=$(runs)
h upgrade --to 2024.2.1 --yes --detach >/dev/null
wait_for 20 more_runs_than "$n" || true
wait_for 30 reverting_start || true
kill_engine
"$SANDBOX" fault "$D" clear >/dev/null
rc=0; h resume >"$TMPROOT/rev.out" 2>&1 || rc=$?
check "resume of a run killed during its revert finishes the revert (exit 1)" [ "$rc" -eq 1 ]
check "... run-end says undone" [ "$(run_end_status)" = undone ]
check "... no forward step was started again" [ "$(jq -s '[.[] | select(.event == "step-start" and .step == "install" and .phase != "revert")] | length' "$(latest_run)journal.jsonl")" -eq 3 ]
check "... the server is as it was" as_before
finish

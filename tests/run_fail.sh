# run_fail.sh: a refused key, a failed install, a cancel and a failed database upgrade.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 19

run_sb two --nodes 2 --version 2024.1.2
DATA=$(st .data_sha256)

(umask 077; echo "API-WRONGKEY0000000000000000000000" > "$TMPROOT/wrong-key")
rc=0; out=$(h --api-key-file "$TMPROOT/wrong-key" upgrade --to 2024.2.1 --yes 2>&1) || rc=$?
check "a wrong API key exits 3" [ "$rc" -eq 3 ]
check "... with a message that says the key was refused" matches "$out" '.*API key'
check "... and the server is untouched" as_before

"$SANDBOX" fault "$D" set install@2024.2.1:node2=fail >/dev/null
rc=0; h upgrade --to 2024.2.1 --yes >"$TMPROOT/fail.out" 2>&1 || rc=$?
check "an install failure exits 1" [ "$rc" -eq 1 ]
check "... says it undid what it changed" grep -q "undone" "$TMPROOT/fail.out"
check "... and leaves the server as it was (maintenance off, undrained, old version running)" as_before
check "... reinstalling the old version where the install ran" journal_has step-end install node1
"$SANDBOX" fault "$D" clear >/dev/null

# A node someone else drained stays drained.
api -X PUT -d '{"IsInMaintenanceMode": true}' "$URL/api/octopusservernodes/OctopusServerNodes-node2" >/dev/null
"$SANDBOX" fault "$D" set install=slow:800 >/dev/null
rc=0; stop_at install "$TMPROOT/cancel.out" upgrade --to 2024.2.1 --yes || rc=$?
check "a cancel exits 1" [ "$rc" -eq 1 ]
check "... after the step under way ended and what was changed was restored" \
	sh -c "grep -q 'cancelled' '$TMPROOT/cancel.out' && [ \"\$(\"$SANDBOX\" ctl '$D' status --json | jq -r '[.nodes[] | .version + \" \" + (.running|tostring)] | unique | join(\",\")')\" = '2024.1.2 true' ]"
check "... and the node drained by someone else is still drained" [ "$(st '.nodes[] | select(.name == "node2") | .drained')/$(st .nodes[0].drained)/$(st .maintenance)" = true/false/false ]
api -X PUT -d '{"IsInMaintenanceMode": false}' "$URL/api/octopusservernodes/OctopusServerNodes-node2" >/dev/null
"$SANDBOX" fault "$D" clear >/dev/null

# A detached engine takes SIGTERM (hoist-wizard's "s", an operator's kill) the same way.
"$SANDBOX" fault "$D" set install=slow:800 >/dev/null
n=$(runs)
rc=0; h upgrade --to 2024.2.1 --yes --detach >"$TMPROOT/detach.out" 2>&1 || rc=$?
check "a detached upgrade returns at once (exit 0)" [ "$rc" -eq 0 ]
run_reaches "$n" install || true
ENGINE=$(engine_pid)
check "the detached engine holds the lock" [ -n "$ENGINE" ]
kill -TERM "$ENGINE"
wait_for 30 sh -c "! kill -0 $ENGINE 2>/dev/null" || true
check "... and on SIGTERM stops at a safe point and restores the server" as_before
check "... saying the run was cancelled" sh -c "\"$HOIST\" --config '$CONF' status | grep -qi 'cancel'"
"$SANDBOX" fault "$D" clear >/dev/null

"$SANDBOX" fault "$D" set db-upgrade=fail >/dev/null
rc=0; h upgrade --to 2024.2.1 --yes >"$TMPROOT/pnr.out" 2>&1 || rc=$?
check "a failed database upgrade exits 4" [ "$rc" -eq 4 ]
check "... prints the rollback guide" grep -q "Rollback guide for run $(basename "$(latest_run)")" "$TMPROOT/pnr.out"
check "... and saves it in the run's folder" [ -s "$(latest_run)guide.txt" ]
check "... and leaves maintenance mode on" [ "$(st .maintenance)" = true ]
check "hoist status says so" sh -c "\"$HOIST\" --config '$CONF' status | grep -q 'State: failed'"
finish

# run_upgrade.sh: hoist plan, upgrade (dry run, minor, end to end), backup and status on one node.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

run_sb one --nodes 1 --version 2024.1.2
DATA=$(st .data_sha256)

out=$(h plan --to 2024.2.1 -o "$TMPROOT/plan.json")
check "plan shows the node table" matches "$out" '.*node1  *primary  *2024\.1\.2  *2024\.2\.1  *backup-master-key.*db-upgrade'
check "plan names the strategy and the point of no return" matches "$out" '.*all-at-once.*Point of no return: step [0-9]* of [0-9]*, db-upgrade on node1'
check "plan gives the exact command" matches "$out" ".*Run it with: hoist --config $CONF upgrade --plan $TMPROOT/plan.json"
check "the saved plan is JSON with a marked point of no return" \
	jq -e '[.steps[] | select(.point_of_no_return == true)] | length == 1' "$TMPROOT/plan.json" >/dev/null
check "the plan keeps no secret" no_key_in "$TMPROOT/plan.json"
rc=0; h plan --to 2024.2.1 --strategy rolling >/dev/null 2>&1 || rc=$?
check "a rolling minor upgrade is refused" [ "$rc" -ne 0 ]

# The checklist's backups alone are a run that ends well, but says nothing of a window.
h backup >/dev/null 2>&1
out=$(h plan --to 2024.2.1)
check "a backup run gives no window estimate" matches "$out" '.*Window estimate: no estimate'

h upgrade --plan "$TMPROOT/plan.json" --dry-run >"$TMPROOT/dry.out" 2>&1; rc=$?
check "a dry run ends well" [ "$rc" -eq 0 ]
check "a dry run stages the packages" journal_has step-end stage
check "a dry run changes nothing on the server" [ "$(st .nodes[0].version)/$(events maintenance-on)/$(events node-down)/$(st .data_sha256)" = "2024.1.2/0/0/$DATA" ]
check "the staged packages are in the cache" [ "$(ls "$HOIST_STATE_DIR/cache" | grep -c pkg)" -eq 2 ]

rc=0; h upgrade --to 2024.2.1 </dev/null >/dev/null 2>&1 || rc=$?
check "without --yes and off a terminal upgrade refuses (exit 2)" [ "$rc" -eq 2 ]

# The real run, watched from outside: ps must never show the key.
h upgrade --plan "$TMPROOT/plan.json" --yes >"$TMPROOT/up.out" 2>&1 &
UP=$!
leak=0
while kill -0 $UP 2>/dev/null; do
	if ps -eo args | grep -F "$KEY" | grep -v grep >/dev/null; then leak=1; fi
	sleep 0.05
done
wait $UP; rc=$?
check "the upgrade ends well (exit 0)" [ "$rc" -eq 0 ]
check "the output ends with the new version" grep -q "done: the server runs 2024.2.1" "$TMPROOT/up.out"
check "the node runs the target version" [ "$(st .nodes[0].version)" = 2024.2.1 ]
check "the schema was upgraded" [ "$(st .schema)" = 2024.2 ]
check "the data is intact (data_sha256 unchanged)" [ "$(st .data_sha256)" = "$DATA" ]
check "maintenance mode is off and the node undrained" [ "$(st .maintenance)/$(st .nodes[0].drained)" = false/false ]
check "the API key was never in a ps listing" [ "$leak" -eq 0 ]
RUN=$(latest_run)
check "the key is in no journal, plan or backup" no_key_in "$HOIST_STATE_DIR"
check "the master key is not in the journal" sh -c "! grep -qF '$(cat "$D/master-key")' '$RUN/journal.jsonl'"
check "backups are mode 0600" [ "$(stat -c %a "$RUN/backups/master-key")/$(stat -c %a "$RUN"backups/db-2024.1.2.bak)" = 600/600 ]
check "the plan records the database backup's evidence" \
	jq -e '.evidence[] | select(.item == "backup-db") | .sha256 | length == 64' "$RUN/plan.json" >/dev/null
check "the journal is one JSON object per line with increasing seq" \
	sh -c "jq -s '[.[].seq] == ([.[].seq] | sort) and length > 20' '$RUN/journal.jsonl' | grep -q true"
check "maintenance was turned on once and off once" [ "$(events maintenance-on)/$(events maintenance-off)" = 1/1 ]

out=$(h status)
check "status shows the run's outcome" matches "$out" ".*State: done"
check "status --json prints the journal" sh -c "h() { \"$HOIST\" --config '$CONF' \"\$@\"; }; h status --json | tail -n 1 | jq -e '.event == \"run-end\" and .status == \"done\"' >/dev/null"

out=$(h plan --to 2024.2.2)
check "a patch plan takes no estimate from a minor run" matches "$out" '.*Window estimate: no estimate: no earlier patch upgrade'

h backup >"$TMPROOT/backup.out" 2>&1; rc=$?
RUN=$(latest_run)
check "hoist backup ends well" [ "$rc" -eq 0 ]
check "hoist backup saves the master key 0600, checked against the canary" \
	sh -c "[ \"\$(stat -c %a '$RUN/backups/master-key')\" = 600 ] && grep -q canary '$TMPROOT/backup.out'"
check "hoist backup records the database backup's evidence" \
	jq -e '[.evidence[] | select(.by_engine) | .item] | sort == ["backup-db", "master-key"]' "$RUN/plan.json" >/dev/null
finish

# run_resume.sh: kill -9 of the engine mid-run, a stale lock, hoist resume; a crash in db-upgrade.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 18

# both_installing: the newest run has started the install on both nodes.
both_installing() {
	[ "$(jq -s '[.[] | select(.event == "step-start" and .step == "install")] | length' \
		"$(latest_run)journal.jsonl")" -eq 2 ]
}

# The installs hang until ended: the engine is killed while both run, however slow the
# machine; then they are ended as an operator would, so nothing of the killed run goes on.
run_sb crash --nodes 2 --version 2024.1.2
"$SANDBOX" fault "$D" set install=hang >/dev/null
detach_to install upgrade --to 2024.2.1 --yes
wait_for 20 both_installing || true
kill_engine
end_orphans
check "the engine was killed in the middle (nodes stopped)" [ "$(st '[.nodes[].running] | unique | join(",")')" = false ]
out=$(h status 2>&1) || true
check "status calls the run interrupted" matches "$out" ".*State: interrupted"
check "... its installs did not finish" [ "$(printf '%s\n' "$out" | grep -c 'install node[12] .*did not finish')" -eq 2 ]
check "... and no step is said to be running" sh -c '! printf "%s\n" "$1" | grep -qE "  running( |\$)"' _ "$out"
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
"$SANDBOX" fault "$D" set db-upgrade=hang >/dev/null
detach_to db-upgrade upgrade --to 2024.2.1 --yes
kill_engine
end_orphans
"$SANDBOX" fault "$D" clear >/dev/null
rc=0; out=$(h resume 2>&1) || rc=$?
check "a database upgrade caught in flight is not repeated (exit 4)" [ "$rc" -eq 4 ]
check "... and resume says why" matches "$out" '.*database upgrade was under way'
check "... leaving maintenance mode on" [ "$(st .maintenance)" = true ]
finish

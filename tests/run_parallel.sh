# run_parallel.sh: an all-at-once run on three nodes does per-node work together: the
# packages are staged together, verified before the window, and every node (the primary
# too) starts together once the database is upgraded; the window stays that of one node.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

run_sb par --nodes 3 --version 2024.1.2
"$SANDBOX" config "$D" set start=400,task-rate=0 >/dev/null
rc=0; h upgrade --to 2024.2.1 --yes >"$TMPROOT/up.out" 2>&1 || rc=$?
check "the run ends well" [ "$rc" -eq 0 ]
J="$(latest_run)journal.jsonl"
check "both packages were verified in the stage step" \
	[ "$(jq -s '[.[] | select(.event == "log" and .step == "stage" and (.message | test("SHA-256 .* verified")))] | length' "$J")" -eq 2 ]
check "... before the window opened" \
	jq -se '(map(select(.event == "step-end" and .step == "stage")) | first | .seq) <
		(map(select(.event == "step-start" and .step == "maintenance-on")) | first | .seq)' "$J" >/dev/null
# Each start takes 400 ms: one alone first would end before the others begin.
check "every node starts together, the primary too" \
	jq -se '(map(select(.event == "step-start" and .step == "start")) | map(.t) | max) <
		(map(select(.event == "step-end" and .step == "start")) | map(.t) | min)' "$J" >/dev/null
check "every node runs the target" [ "$(st '[.nodes[].version] | unique | join(",")')" = 2024.2.1 ]
check "the cache folder holds both packages" [ "$(ls "$HOIST_STATE_DIR/cache" | grep -c 'pkg$')" -eq 2 ]
finish

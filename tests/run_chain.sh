# run_chain.sh: a chain with a required stop (2023.2.5 -> 2023.3.3 -> 2023.4.0 on the
# sandbox's feed): the stop goes through the primary alone, and kill -9 during the hop's
# install is resumed hop by hop.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 18
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }

# timeline_installs VERSION: the nodes the sandbox installed VERSION on, comma-separated.
timeline_installs() {
	jq -rs --arg v "$1" '[.[] | select(.event == "install" and .version == $v) | .node] | unique | join(",")' "$D/timeline.jsonl"
}
# hop_step STEP NODE HOP: that step of that hop ended ok in the newest run.
hop_step() {
	jq -se --arg s "$1" --arg n "$2" --arg h "$3" \
		'any(.[]; .event == "step-end" and .step == $s and .node == $n and .hop == $h and .status == "ok")' \
		"$(latest_run)journal.jsonl" >/dev/null
}
all_at() { [ "$(st '[.nodes[] | "\(.version) \(.running) \(.drained)"] | unique | join(",")')" = "$1 true false" ]; }

run_sb chain --nodes 3 --roles primary,base,base --version 2023.2.5
out=$(h plan --to 2023.4.0 2>&1)
check "the plan says the stop goes through the primary only" matches "$out" ".*on node1 (the primary) only.*"
rc=0; h upgrade --to 2023.4.0 --yes >"$TMPROOT/chain.out" 2>&1 || rc=$?
check "the chain's upgrade ends done (exit 0)" [ "$rc" -eq 0 ]
check "plan.json names the hop of the stop's steps, on the primary only" \
	[ "$(jq -r '[.steps[] | select(.hop == "2023.3.3") | .node] | unique | join(",")' "$(latest_run)plan.json")" = node1 ]
check "the intermediate version is installed on the primary only" [ "$(timeline_installs 2023.3.3)" = node1 ]
check "the other nodes go straight to the target" [ "$(timeline_installs 2023.4.0)" = node1,node2,node3 ]
check "the primary is started on the intermediate version" hop_step start node1 2023.3.3
check "... and validated there before the next hop" hop_step validate node1 2023.3.3
check "every node runs 2023.4.0, undrained" all_at 2023.4.0
check "maintenance mode is off" [ "$(st .maintenance)" = false ]
out=$(h status)
check "status shows the hop's steps as such" matches "$out" ".*install node1 @2023.3.3.*"

# kill -9 during the first hop's install, then resume: each hop's steps are its own.
run_sb chainkill --nodes 3 --roles primary,base,base --version 2023.2.5
"$SANDBOX" fault "$D" set install@2023.3.3=slow:5000 >/dev/null
detach_to install upgrade --to 2023.4.0 --yes || true
kill_engine
"$SANDBOX" fault "$D" clear >/dev/null
rc=0; h resume >"$TMPROOT/resume.out" 2>&1 || rc=$?
check "resume of a chain killed during the hop's install ends done (exit 0)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || sed 's/^/# /' "$TMPROOT/resume.out"
check "... every node runs 2023.4.0, undrained" all_at 2023.4.0
check "... the intermediate version went onto the primary only" [ "$(timeline_installs 2023.3.3)" = node1 ]
check "... and the primary was validated on it" hop_step validate node1 2023.3.3
check "... maintenance mode is off" [ "$(st .maintenance)" = false ]

# kill -9 during the second hop's database upgrade: the first hop's, which ended well,
# does not make resume repeat this one blindly.
run_sb chaindb --nodes 1 --version 2023.2.5
"$SANDBOX" fault "$D" set db-upgrade@2023.4.0=slow:4000 >/dev/null
n=$(runs)
h upgrade --to 2023.4.0 --yes --detach >/dev/null
wait_for 20 more_runs_than "$n" || true
wait_for 30 sh -c "[ \"\$(jq -s '[.[] | select(.event == \"step-start\" and .step == \"db-upgrade\")] | length' '$(latest_run)journal.jsonl')\" -ge 2 ]" || true
kill_engine
"$SANDBOX" fault "$D" clear >/dev/null
rc=0; out=$(h resume 2>&1) || rc=$?
check "the second hop's database upgrade caught in flight is not repeated (exit 4)" [ "$rc" -eq 4 ]
check "... and resume says why" matches "$out" '.*database upgrade was under way.*'
check "... leaving maintenance mode on" [ "$(st .maintenance)" = true ]
finish

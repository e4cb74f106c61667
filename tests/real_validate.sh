# real_validate.sh: the validation gates. Each kind of failure (a failed node before the
# window, a node answering with the wrong version, a failed health check) stops a run;
# with --ignore-validation-failures the run finishes and the journal and guide record them.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

# ignored: the failures the newest run went past, as the journal records them.
ignored() { jq -r 'select(.event == "log" and .stream == "validation") | .message' "$(latest_run)journal.jsonl"; }
# gate NAME NODES: a fresh sandbox at 2024.1.2.
gate() {
	run_sb "$1" --nodes "$2" --version 2024.1.2
	printf '\n[upgrade]\npoll_ms = 100\n' >> "$CONF"
}
has_ignored() { ignored | grep -q "$1"; }
versions() { st '[.nodes[].version] | join(",")'; }

# 1. Pre-upgrade: a node of the cluster (one hoist does not upgrade) is offline.
gate pre 3
sed -i '/^\[node "node3"\]/,/^url/d' "$CONF"
ctl stop node3 >/dev/null
rc=0; out=$(h upgrade --to 2024.2.1 --yes 2>&1) || rc=$?
check "pre-upgrade: an offline node stops the run before the window (exit 1)" [ "$rc" -eq 1 ]
check "... naming the node" matches "$out" '.*pre-upgrade validation: the server reports the node node3 offline'
check "... and nothing changed" [ "$(versions) $(st .maintenance)" = "2024.1.2,2024.1.2,2024.1.2 false" ]
rc=0; out=$(h upgrade --to 2024.2.1 --yes --ignore-validation-failures 2>&1) || rc=$?
check "with --ignore-validation-failures the run goes on and ends well" [ "$rc" -eq 0 ]
check "... the nodes it upgrades run 2024.2.1" [ "$(versions)" = "2024.2.1,2024.2.1,2024.1.2" ]
check "... the failure is shown as an error" matches "$out" '.*ERROR: preflight node3: validation failure ignored.*node3 offline'
check "... and recorded in the journal" has_ignored 'node3 offline'
check "... the run's end says failures were ignored" matches "$out" '.*1 validation failure was ignored'
check "... and the guide lists it" grep -q 'node3 offline' "$(latest_run)guide.txt"

# 2. Post-upgrade: a node answers with a version it does not run.
gate version 2
"$SANDBOX" fault "$D" set 'version@2024.2.1:node2=fail' >/dev/null
rc=0; out=$(h upgrade --to 2024.2.1 --yes 2>&1) || rc=$?
check "post-upgrade: a node with the wrong version stops the run (exit 4, after the database upgrade)" [ "$rc" -eq 4 ]
check "... saying what it reports" matches "$out" '.*node2 reports 1.0.0, not 2024.2.1'
check "... maintenance mode stays on" [ "$(st .maintenance)" = true ]
gate version-ignore 2
"$SANDBOX" fault "$D" set 'version@2024.2.1:node2=fail' >/dev/null
rc=0; out=$(h upgrade --to 2024.2.1 --yes --ignore-validation-failures 2>&1) || rc=$?
check "with --ignore-validation-failures the run finishes" [ "$rc" -eq 0 ]
check "... validate and maintenance-off's checks are journaled as ignored" \
	[ "$(ignored | grep -c 'node2 reports 1.0.0')" -eq 2 ]
check "... and maintenance mode is off again" [ "$(st .maintenance)" = false ]

# 3. Post-upgrade: the health check fails.
gate health 2
"$SANDBOX" fault "$D" set 'health=fail' >/dev/null
rc=0; out=$(h upgrade --to 2024.2.1 --yes 2>&1) || rc=$?
check "a failed health check stops the run (exit 4)" [ "$rc" -eq 4 ]
check "... naming the task and its state" matches "$out" '.*the health check ServerTasks-[0-9]* ended Failed'
check "the health check was a real Health task on the server" \
	[ "$(api "$URL/api/tasks?take=50" | jq '[.Items[] | select(.Name == "Health" and .State == "Failed")] | length')" -ge 1 ]
gate health-ignore 2
"$SANDBOX" fault "$D" set 'health=fail' >/dev/null
rc=0; out=$(h upgrade --to 2024.2.1 --yes --ignore-validation-failures 2>&1) || rc=$?
check "with --ignore-validation-failures it finishes" [ "$rc" -eq 0 ]
check "... the failed health check is journaled as ignored" has_ignored 'health check ServerTasks-[0-9]* ended Failed'
check "... the step-end says why" \
	sh -c "jq -r 'select(.event == \"step-end\" and .step == \"health-check\") | .message' '$(latest_run)journal.jsonl' | grep -q 'ended Failed'"
finish

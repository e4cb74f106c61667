# run_bundle.sh: support reproduces a customer's failed upgrade: bundle, sandbox from it, replay, compare.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 42
# jqe ARGS...: jq -e, quietly.
jqe() { jq -e "$@" >/dev/null; }
# serve_replay: serves the sandbox in $D made from a bundle, with background tasks that end
# soon (the customer's did too); sets URL, SERVE_PID, CONF and HOIST_STATE_DIR for hoist.
serve_replay() {
	"$SANDBOX" config "$D" set task-ms=150,task-rate=20 >/dev/null
	sb_serve
	CONF="$D/hoist.conf"
	HOIST_STATE_DIR="$D/state"
}

# The customer: three nodes, a known row in the database, a database upgrade that fails.
sb_new customer --nodes 3 --version 2024.1.2
MARKER="Project-Marker-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO Project VALUES(?, ?, ?)", (sys.argv[2], sys.argv[2], "Spaces-1")); c.commit()' \
	"$D/octopus.db" "$MARKER"
"$SANDBOX" config "$D" set stop=30,start=30,install=40,db-upgrade=40,db-backup=20,task-ms=150,task-rate=20 >/dev/null
sb_serve
CUST=$D CUST_URL=$URL CUST_PID=$SERVE_PID CONF="$D/hoist.conf" KEY=$(cat "$D/api-key")
HOIST_STATE_DIR="$D/state"
export HOIST_STATE_DIR
"$SANDBOX" fault "$D" set db-upgrade=fail >/dev/null
h plan --to 2024.2.1 -o "$TMPROOT/plan.json" >/dev/null
rc=0; h upgrade --plan "$TMPROOT/plan.json" --yes >"$TMPROOT/customer.out" 2>&1 || rc=$?
check "the customer's upgrade fails at the database upgrade (exit 4)" [ "$rc" -eq 4 ]
RUN=$(latest_run)
MASTER=$(head -n 1 "${RUN}backups/master-key")
check "... and its run holds the master key and a database backup with the known row" \
	sh -c "[ -n '$MASTER' ] && grep -qF '$MARKER' '${RUN}'backups/db-*.bak"

# The bundle.
B="$TMPROOT/out/customer.json"
mkdir -p "$TMPROOT/out"
rc=0; out=$(h bundle -o "$B" 2>&1) || rc=$?
check "hoist bundle saves the newest run (exit 0)" [ "$rc" -eq 0 ]
check "... says where" matches "$out" ".*$B"
check "... with mode 0600" [ "$(stat -c %a "$B")" = 600 ]
Q="$TMPROOT/out/a \"quoted\" \\name.json"
check "--json names a path with quotes and a backslash as valid JSON" \
	sh -c '[ "$("$1" --config "$2" bundle -o "$3" --json | jq -r .bundle)" = "$3" ]' _ "$HOIST" "$CONF" "$Q"
check "... as one JSON document of format hoist-bundle/1" [ "$(jq -r .format "$B")" = hoist-bundle/1 ]
check "... holding hoist's version, the host's OS and the run id" \
	[ "$(jq -r '[.hoist_version != null, .host.sysname, .run_id] | join(" ")' "$B")" = "true $(uname -s) $(basename "$RUN")" ]
check "... the topology: three nodes with roles, versions and transports" \
	[ "$(jq -r '[.topology.nodes[] | "\(.name)/\(.role)/\(.version)/\(.transport)"] | sort | join(" ")' "$B")" = \
	  "node1/primary/2024.1.2/local node2/base/2024.1.2/local node3/base/2024.1.2/local" ]
check "... the feed between origin and target, with notes" \
	[ "$(jq -r '[.feed.releases[0].version, .feed.releases[-1].version, (.feed.releases | map(.notes | length) | add > 0)] | join(" ")' "$B")" = "2024.1.2 2024.2.1 true" ]
check "... the plan, the journal with the failed step, and the guide" \
	[ "$(jq -r '[.plan.to, (.journal | any(.event == "step-end" and .step == "db-upgrade" and .status == "failed")), (.guide | test("Rollback guide"))] | join(" ")' "$B")" = "2024.2.1 true true" ]
DBBAK=$(ls "${RUN}"backups/db-*.bak)
check "... the evidence: the database backup by size and SHA-256" \
	jqe --arg p "$DBBAK" --arg s "$(sha256sum "$DBBAK" | cut -d' ' -f1)" --argjson z "$(stat -c %s "$DBBAK")" \
	'any(.evidence[]; .path == $p and .sha256 == $s and .size == $z)' "$B"
check "... the configuration, its API key removed" [ "$(jq -r .config.server.api_key "$B")" = "[removed]" ]
check "redaction: the API key is nowhere in the bundle" sh -c "! grep -qF '$KEY' '$B'"
check "redaction: the master key is nowhere in the bundle" sh -c "! grep -qF '$MASTER' '$B'"
check "redaction: the database's content is nowhere in the bundle" sh -c "! grep -qF '$MARKER' '$B'"
check "redaction: nor is any backup file's content" sh -c "! grep -qF \"\$(head -c 64 '${RUN}backups/master-key')\" '$B'"

# Support's side, in another folder; the customer's server is gone.
kill "$CUST_PID"; wait "$CUST_PID" 2>/dev/null || true
rc=0; "$SANDBOX" init "$TMPROOT/support" --from-bundle "$B" >"$TMPROOT/init.out" 2>&1 || rc=$?
check "hoist-sandbox init --from-bundle builds a sandbox (exit 0)" [ "$rc" -eq 0 ]
check "... saying it staged the customer's failure" grep -q "db-upgrade@2024.2.1:node1=fail" "$TMPROOT/init.out"
D="$TMPROOT/support"
check "... with the same nodes, roles and versions" \
	[ "$(ctl status --json | jq -r '[.nodes[] | "\(.name)/\(.role)/\(.version)"] | sort | join(" ")')" = \
	  "node1/primary/2024.1.2 node2/base/2024.1.2 node3/base/2024.1.2" ]
check "... the customer's failure as a fault at the same step and node" \
	[ "$("$SANDBOX" fault "$D" list)" = "db-upgrade@2024.2.1:node1=fail" ]
# The customer's database upgrade took this long: its step-end less its step-start.
TOOK=$(jq -r '[.journal[] | select(.step == "db-upgrade" and (.event == "step-start" or .event == "step-end")) | .t] | .[1] - .[0]' "$B")
check "... durations from the customer's journal" \
	[ "$("$SANDBOX" config "$D" show | grep '^db-upgrade=')" = "db-upgrade=$TOOK" ]
check "... the same feed slice, notes and stops included" \
	[ "$(jq -c '[.releases[] | [.version, .upgrade_from, .notes]]' "$D/feed.json")" = \
	  "$(jq -c '[.feed.releases[] | [.version, .upgrade_from, .notes]]' "$B")" ]
check "... and the bundle's plan" [ "$(jq -c .steps "$D/bundle-plan.json")" = "$(jq -c .plan.steps "$B")" ]
serve_replay

rc=0; h upgrade --plan "$D/bundle-plan.json" --yes >"$TMPROOT/refused.out" 2>&1 || rc=$?
check "a plan from another server is refused without --retarget (exit 2)" [ "$rc" -eq 2 ]
check "... saying whose plan it is and what to do" \
	sh -c "grep -qF '$CUST_URL' '$TMPROOT/refused.out' && grep -q -- '--retarget' '$TMPROOT/refused.out'"
MAINT=$(ctl status --json | jq -r .maintenance)
check "... before anything changed or any run began" sh -c "[ $MAINT = false ] && [ ! -d '$D/state/runs' ]"

rc=0; h upgrade --plan "$TMPROOT/plan.json" --yes >/dev/null 2>&1 || rc=$?
check "the customer's own plan file is refused here too (exit 2)" [ "$rc" -eq 2 ]
rc=0; "$HOIST" --config "$CUST/hoist.conf" --server "$URL" upgrade --plan "$TMPROOT/plan.json" --yes \
	>/dev/null 2>&1 || rc=$?
check "... and so is a plan whose server --server overrides (exit 2)" [ "$rc" -eq 2 ]
rc=0; h upgrade --to 2024.2.1 --retarget --yes >/dev/null 2>&1 || rc=$?
check "--retarget goes with --plan only (exit 2)" [ "$rc" -eq 2 ]

rc=0; h upgrade --plan "$D/bundle-plan.json" --retarget --yes >"$TMPROOT/replay.out" 2>&1 || rc=$?
check "the replay with --retarget fails as the customer's did (exit 4)" [ "$rc" -eq 4 ]
check "... and the journal records the retarget" \
	jqe -s 'any(.[]; .event == "log" and (.message | test("retargeted")))' "$(latest_run)journal.jsonl"
rc=0; "$SANDBOX" report "$D" --compare "$B" >"$TMPROOT/compare.out" 2>&1 || rc=$?
check "report --compare finds the same steps with the same outcomes (exit 0)" [ "$rc" -eq 0 ]
check "... the same failed step on both sides" \
	sh -c "grep -q \"customer's run failed at db-upgrade on node1\" '$TMPROOT/compare.out' && grep -q \"sandbox's run failed at db-upgrade on node1\" '$TMPROOT/compare.out'"
check "... durations side by side" grep -Eq '^db-upgrade +node1 +failed +[0-9]+ ms +failed +[0-9]+ ms' "$TMPROOT/compare.out"
check "... and as JSON" sh -c "\"$SANDBOX\" report '$D' --compare '$B' --json | jq -e '.same and (.steps[] | select(.step == \"db-upgrade\") | .customer.state == \"failed\" and .sandbox.state == \"failed\")' >/dev/null"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true

# A customer on Windows with SSH transports and a mirror: the replay reaches none of them.
jq '.plan.profile = "octopus-windows"
    | .plan.packages |= map(.url = "https://mirror.customer.example/octopus/\(.version).msi")
    | .plan.nodes |= map(.transport = "ssh://octo@\(.name).customer.example:22")' "$B" >"$TMPROOT/windows.json"
"$SANDBOX" init "$TMPROOT/windows" --from-bundle "$TMPROOT/windows.json" >/dev/null
D="$TMPROOT/windows"
serve_replay
rc=0; h upgrade --plan "$D/bundle-plan.json" --retarget --yes >/dev/null 2>&1 || rc=$?
check "a customer's Windows plan replays against the sandbox, failure included (exit 4)" [ "$rc" -eq 4 ]
check "... with the sandbox's profile, transports and packages" \
	[ "$(jq -r '[.profile, (.nodes | map(.transport) | unique | join(",")), (.packages | all(.url | startswith("'"$URL"'")))] | join(" ")' "$(latest_run)plan.json")" = "sandbox local true" ]
check "... and report --compare finds it the same" \
	sh -c "'$SANDBOX' report '$D' --compare '$TMPROOT/windows.json' >/dev/null"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true

# A replay that does not fail is not the customer's run: compare says so.
"$SANDBOX" init "$TMPROOT/clean" --from-bundle "$B" >/dev/null
D="$TMPROOT/clean"
"$SANDBOX" fault "$D" clear >/dev/null
serve_replay
rc=0; h upgrade --plan "$D/bundle-plan.json" --retarget --yes >/dev/null 2>&1 || rc=$?
check "without the fault the replay ends well (exit 0)" [ "$rc" -eq 0 ]
rc=0; "$SANDBOX" report "$D" --compare "$B" >"$TMPROOT/differ.out" 2>&1 || rc=$?
check "... and report --compare says the runs differ (exit 1)" \
	sh -c "[ $rc -eq 1 ] && grep -q 'differs' '$TMPROOT/differ.out'"
rc=0; h upgrade --plan "$D/bundle-plan.json" --retarget --yes >"$TMPROOT/moved.out" 2>&1 || rc=$?
check "--retarget refuses a server no longer at the plan's origin" \
	sh -c "[ $rc -ne 0 ] && grep -q 'runs 2024.2.1, but the plan starts from 2024.1.2' '$TMPROOT/moved.out'"
finish

# run_guard.sh: the same guard rails in the CLI as in the wizard: a held-back version needs
# --override with a reason, the notes to read first are shown, the checklist refuses a major
# upgrade without the file-storage copy, and evidence says whether hoist checked it.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 25

run_sb major --nodes 1 --version 2024.4.1 --feed-to 2025.0.3
DATA=$(st .data_sha256)

out=$(h versions)
check "versions says 2025.0.3 is held back" matches "$out" '.*2025\.0\.3.*held.*major upgrades off'
rc=0; out=$(h upgrade --to 2025.0.3 --yes 2>&1) || rc=$?
check "upgrade to a held-back version without --override is refused (exit 1)" [ "$rc" = 1 ]
check "the refusal names the policy's reason and --override" \
	matches "$out" '.*held back by the policy (major upgrades off).*--override "REASON"'
check "nothing ran and nothing changed" [ "$(runs)/$(st .nodes[0].version)/$(st .data_sha256)" = "0/2024.4.1/$DATA" ]

rc=0; h plan --to 2025.0.3 --json >/dev/null 2>&1 || rc=$?
check "plan refuses it too" [ "$rc" = 1 ]
h plan --to 2025.0.3 --override "tested in staging" --json >"$TMPROOT/plan.json"
check "the plan records the override and its reason" \
	jq -e '.overrides | any(test("2025.0.3 held back by the policy.*tested in staging"))' "$TMPROOT/plan.json" >/dev/null
out=$(h plan --to 2025.0.3 --override "tested in staging")
check "the plan shows the override" matches "$out" '.*Override: 2025\.0\.3 held back'
check "the plan shows the chain's notes to read first" matches "$out" '.*Read first ([0-9]* notes.*'

# The checklist: the plan's own steps take the database backup and the master key.
rc=0; out=$(h checklist --to 2025.0.3 --override x) || rc=$?
check "checklist: a major upgrade still needs the file-storage copy (exit 1)" [ "$rc" = 1 ]
check "checklist: the database backup is taken by the run's own step" \
	matches "$out" ".*backup-db .*taken by the run's own backup-db step"
check "checklist: file storage is missing and required" matches "$out" '.*\[!\] file-storage .*missing (required)'
echo hello >"$TMPROOT/fake.bak"
out=$(h checklist --to 2025.0.3 --override x --evidence "backup-db=$TMPROOT/fake.bak" 2>&1) || true
check "a fake backup is given by the operator, not checked" \
	matches "$out" '.*Database backup: given by the operator, not checked: fake.bak (6 bytes)'
check "and never called verified" sh -c '! printf "%s" "$1" | grep -q verified' _ "$out"
rc=0; out=$(h checklist --to 2025.0.3 --override x --evidence "master-key=$TMPROOT/fake.bak" 2>&1) || rc=$?
check "a master key that does not decrypt the canary is refused" matches "$out" ".*does not decrypt the server's canary"
ctl show-master-key node1 >"$TMPROOT/key"
out=$(h checklist --to 2025.0.3 --override x --evidence "master-key=$TMPROOT/key" 2>&1) || true
check "the server's own master key is verified against the canary" \
	matches "$out" ".*Master key: verified: key decrypts the server's canary"

rc=0; out=$(h upgrade --to 2025.0.3 --override x --waive file-storage=none </dev/null 2>&1) || rc=$?
check "without --yes, upgrade shows the breaking notes of the chain before it asks" \
	matches "$out" '.*Read first ([0-9]* notes.*breaking: Breaking: '
check "and the command it shows carries the override and the waiver" \
	matches "$out" ".*Run it with: hoist --config $CONF upgrade --to 2025\.0\.3 --override x --waive file-storage=none"

rc=0; out=$(h upgrade --to 2025.0.3 --yes --override "tested in staging" 2>&1) || rc=$?
check "upgrade refuses a major upgrade without the file-storage copy, naming it" \
	sh -c "[ $rc = 1 ] && printf '%s' \"\$1\" | grep -q 'file-storage (File-storage folders)'" _ "$out"
check "it says how to give it with hoist's options, naming none of the wizard's keys" \
	sh -c "printf '%s' \"\$1\" | grep -qF -- '--evidence file-storage=FILE' && ! printf '%s' \"\$1\" | grep -qE '\((b|e)\)|e, then y'" _ "$out"
check "still nothing ran" [ "$(runs)/$(st .nodes[0].version)" = "0/2024.4.1" ]
rc=0; h upgrade --to 2025.0.3 --yes --override "tested in staging" --waive "file-storage=no attachments here" \
	>"$TMPROOT/up.out" 2>&1 || rc=$?
check "with the override and a waiver the major upgrade runs" [ "$rc/$(st .nodes[0].version)" = "0/2025.0.3" ]
check "the journal records the override" journal_has_text 'override: 2025.0.3 held back by the policy.*tested in staging'
check "the journal records the waiver" journal_has_text 'override: file-storage waived: no attachments here'
check "the run's plan records the waiver as evidence" \
	jq -e '[.evidence[] | select(.item == "file-storage") | .waived] == ["no attachments here"]' "$(latest_run)plan.json" >/dev/null

# A server that does not answer: the error names the address, the port and the setting.
rc=0; out=$("$HOIST" --config "$CONF" --server http://127.0.0.1:1 check 2>&1) || rc=$?
check "an unreachable server's error names the URL, the port and the setting" \
	matches "$out" '.*port 1 (http://127\.0\.0\.1:1/api).*\[server\] url or HOIST_SERVER_URL'
finish

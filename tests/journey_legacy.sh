#!/bin/sh
# journey_legacy.sh: hoist legacy against a real 2.6.5 sandbox (seed 002): the plan and the
# exact migrator command, a run with its manual check-offs and maxage, a migration that fails
# half-way and its guide (the 2.6 server is the way back), rollback --run back to 2.6.5.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

rc() { set +e; "$@" >/dev/null 2>&1; _r=$?; set -e; echo $_r; }
jr() { jq -r "$1" "$(latest_run)journal.jsonl"; }
# waiting_for STEP: the newest run's journal has a prompt of that step.
waiting_for() { [ "$(jq -r "select(.event == \"prompt\" and .step == \"$1\") | .step" "$(latest_run)journal.jsonl" 2>/dev/null | head -n 1)" = "$1" ]; }
run_ended() { jq -se 'any(.[]; .event == "run-end")' "$(latest_run)journal.jsonl" >/dev/null 2>&1; }

run_sb old --nodes 1 --tentacles 3 --version 2.6.5 --feed-to 3.2.1 --seed 5
"$SANDBOX" config "$D" set migrate=300 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"
echo "LICENSE-KEY-OF-THE-2.6-SERVER" >"$D/license.txt"
before=$(ctl status --json | jq -c '[.schema, .data_sha256]')

# A 2.x server is detected, and sent the legacy way.
check "hoist plan on a 2.x server: refused" [ "$(rc h plan --to 3.2.1)" = 1 ]
check "and it says which way to go" sh -c "'$HOIST' --config '$CONF' plan --to 3.2.1 2>&1 | grep -q 'hoist legacy --to'"
check "hoist versions says 3.x is the legacy upgrade from 2.x" sh -c "'$HOIST' --config '$CONF' versions --allow major | grep -q 'From 2.6.5, 3.x is the legacy upgrade'"
check "hoist tentacles on 2.x points to the legacy upgrade" sh -c "'$HOIST' --config '$CONF' tentacles --dry-run 2>&1 | grep -q 'replaced by hand during the legacy upgrade'"
check "legacy without --yes and without a terminal: 2" [ "$(rc h legacy --to 3.2.1 --maxage 90 </dev/null)" = 2 ]
check "legacy without --maxage: 2" [ "$(rc h legacy --yes --to 3.2.1)" = 2 ]
check "legacy to a modern version: 2" [ "$(rc h legacy --yes --to 2024.1.2 --maxage 90)" = 2 ]
check "a bad --maxage: 2" [ "$(rc h legacy --yes --to 3.2.1 --maxage soon)" = 2 ]
out=$(h legacy --to 3.2.1 --maxage 90 --plan-only)
check "the plan follows the seed's order" [ "$(echo "$out" | awk '/^ *[0-9]+\./ {print $2}' | tr '\n' ' ')" = "stage backup-db backup-master-key backup-license-key stop install migrate-data move-packages start validate install-tentacles health-check " ]
check "it shows the exact migrator command, with maxage" sh -c "echo \"\$1\" | grep -q 'The migrator: .*hoist-sandbox ctl .* migrate node1 maxage=90'" _ "$out"
check "the migration is the point of no return" sh -c "echo \"\$1\" | grep -q 'migrate-data .*(the point of no return)'" _ "$out"
check "--clean-up adds the optional clean-up" sh -c "'$HOIST' --config '$CONF' legacy --to 3.2.1 --maxage 90 --clean-up --plan-only | grep -q clean-up-home"
check "--plan-only changed nothing" [ "$(runs)" = 0 ]

# The run, with its check-offs.
h legacy --yes --to 3.2.1 --maxage 90 --detach >/dev/null
check "the run waits for the license key" wait_for 20 waiting_for backup-license-key
check "its instruction is the seed's" sh -c "jq -r 'select(.event == \"prompt\") | .message' '$(latest_run)journal.jsonl' | grep -q 'Configuration > License'"
check "the database and master key are saved first" [ "$(jr 'select(.event == "step-end" and (.step == "backup-db" or .step == "backup-master-key")) | .status' | tr '\n' ' ')" = "ok ok " ]
check "a check-off without the file: 2" [ "$(rc h legacy --confirm backup-license-key)" = 2 ]
check "a check-off of a step hoist does: 2" [ "$(rc h legacy --confirm migrate-data)" = 2 ]
check "an empty license file: refused" sh -c ": >'$D/empty'; ! '$HOIST' --config '$CONF' legacy --confirm backup-license-key --file '$D/empty' 2>/dev/null"
check "the license key checked off" h legacy --confirm backup-license-key --file "$D/license.txt"
check "the run waits for the package files" wait_for 20 waiting_for move-packages
check "their instruction names both folders" sh -c "jq -r 'select(.event == \"prompt\" and .step == \"move-packages\") | .message' '$(latest_run)journal.jsonl' | grep -qF 'C:\\Octopus\\OctopusServer\\Repository\\Packages'"
check "the migration kept 90 days" [ "$(jq -r 'select(.event == "migrate") | .maxage' "$D/timeline.jsonl")" = 90 ]
check "after 3.2.1 was installed" [ "$(jq -r 'select(.event == "install") | .version' "$D/timeline.jsonl")" = 3.2.1 ]
h legacy --confirm move-packages >/dev/null
check "the run waits for the Tentacles" wait_for 20 waiting_for install-tentacles
check "their instruction lists the 2.6 Tentacles" sh -c "jq -r 'select(.event == \"prompt\" and .step == \"install-tentacles\") | .message' '$(latest_run)journal.jsonl' | grep -q 'tentacle-01 (2.6.5)'"
check "and the 3.0.1 reinstall" sh -c "jq -r 'select(.event == \"prompt\" and .step == \"install-tentacles\") | .message' '$(latest_run)journal.jsonl' | grep -q 'Reinstall'"
check "the server runs 3.2.1 already" [ "$(curl -s "$URL/api" | jq -r .Version)" = 3.2.1 ]
ctl tentacle-install all 3.2.1
h legacy --confirm install-tentacles >/dev/null
check "the run ends" wait_for 20 run_ended
check "well" [ "$(jr 'select(.event == "run-end") | .status')" = done ]
check "the health check passed" [ "$(jr 'select(.event == "step-end" and .step == "health-check") | .status')" = ok ]
check "the check-offs are recorded as evidence" [ "$(jq -r '[.evidence[] | select(.by_engine == false) | .item] | join(",")' "$(latest_run)plan.json")" = backup-license-key,move-packages,install-tentacles ]
check "with the license key's file" [ "$(jq -r '.evidence[] | select(.item == "backup-license-key") | .path' "$(latest_run)plan.json")" = "$D/license.txt" ]
check "the schema is 3.2" [ "$(st .schema)" = 3.2 ]
check "the journal's kind is the journey" [ "$(jr 'select(.event == "run-start") | .kind')" = legacy ]

# A migration that fails half-way: the 2.6 server is the way back.
run_sb half --nodes 1 --tentacles 2 --version 2.6.5 --feed-to 3.2.1 --seed 5
"$SANDBOX" config "$D" set migrate=200 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"
echo "LICENSE" >"$D/license.txt"
before=$(ctl status --json | jq -c '[.schema, .data_sha256]')
"$SANDBOX" fault "$D" set migrate=half
h legacy --yes --to 3.2.1 --maxage 30 --detach >/dev/null
wait_for 20 waiting_for backup-license-key
h legacy --confirm backup-license-key --file "$D/license.txt" >/dev/null
check "the failed migration ends the run" wait_for 20 run_ended
check "as failed after the point of no return" [ "$(jr 'select(.event == "run-end") | .status')" = failed ]
check "the schema is half-way" [ "$(st .schema)" = 3.2-partial ]
g=$(h rollback --guide 2>&1 || true)
check "the guide: the 2.6 server is the way back" sh -c "echo \"\$1\" | grep -q 'The 2.6.5 server is the way back'" _ "$g"
check "the guide restores this run's 2.6 backup" sh -c "echo \"\$1\" | grep -q 'restore the database from the backup this run took.*db-2.6.5.bak'" _ "$g"
check "and its master key" sh -c "echo \"\$1\" | grep -q 'master key this run saved'" _ "$g"
check "and reinstalls 2.6.5" sh -c "echo \"\$1\" | grep -q 'Reinstall 2.6.5 over the top'" _ "$g"
check "no maintenance-mode step in the guide (2.x has none)" sh -c "! echo \"\$1\" | grep -q 'maintenanceconfiguration'" _ "$g"
"$SANDBOX" fault "$D" clear
check "rollback --run goes back to 2.6.5" h rollback --run --yes
check "the node runs 2.6.5" [ "$(curl -s "$URL/api" | jq -r .Version)" = 2.6.5 ]
check "with the 2.6 data, unchanged" [ "$(ctl status --json | jq -c '[.schema, .data_sha256]')" = "$before" ]
finish

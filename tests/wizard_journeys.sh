#!/bin/sh
# wizard_journeys.sh: the wizard offers the other journeys on the connect screen: the
# Tentacles listed and upgraded in batches (followed live, a failing target), OS patching.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }
sandbox_start stop=100,start=100,os-patch=100,reboot=300,tentacle-upgrade=400,task-rate=0
printf '[upgrade]\npoll_ms = 50\n' >>"$SB/hoist.conf"
"$SANDBOX" ctl "$SB" status --json >/dev/null
machines() { curl -s -H "X-Octopus-ApiKey: $(cat "$SB/api-key")" "$(cat "$SB/url")/api/Spaces-1/machines/all"; }
bad=$(machines | jq -r '[.[] | select(.Endpoint.TentacleVersionDetails.UpgradeSuggested)] | sort_by(.Name) | .[0].Name')
wizard_start 80 24

shows "connect offers the other journeys" "o other journeys"
keys o
shows "the journeys screen" "hoist-wizard: Other journeys"
shows "the Tentacles with their state" "7.1.6        outdated"
shows "their batches" "batches of 10"
shows "and OS patching of the cluster" "3 nodes, one at a time (drain, patch, reboot, undrain): no downtime"
keys - - - - - - - - -
shows "- makes the batches smaller" "batches of 1"
"$SANDBOX" fault "$SB" set "tentacle-upgrade:$bad=fail"
keys t
shows "starting asks first" "Upgrade the outdated Tentacles now? (y/n)"
keys y
shows "the progress screen follows the run" "tentacles"
shows_late 20 "with the Tentacles' progress" "Tentacles upgraded ["
shows_late 30 "a failing target ends the run" "not upgraded"
shows_late 30 "the result says so" "the Tentacle upgrade stopped"
"$SANDBOX" fault "$SB" clear
keys o
shows "the result screen leads back to the journeys" "hoist-wizard: Other journeys"
keys P
shows "OS patching asks first" "Patch the operating system of the nodes now? (y/n)"
keys y
shows_late 20 "its run is followed" "os-patch"
shows_late 60 "and ends well, named as the journey" "The run (os-patch) ended well"
check "every node was patched" [ "$(sb_status '[.nodes[].os_patches] | join(",")')" = 1,1,1 ]
check "no moment without a serving node" [ "$(grep -c '"event":"lb-unavailable"' "$SB/timeline.jsonl" || true)" = 0 ]

# Before a server upgrade: the plan says when old Tentacles stop working, and o leads there.
tm kill-server >/dev/null 2>&1 || true
SB="$TMPROOT/sb2"
"$SANDBOX" init "$SB" --nodes 2 --version 2024.1.2 --feed-to 2024.3.1 --seed 3 >/dev/null
"$SANDBOX" config "$SB" set stop=50,start=50,install=50,db-upgrade=50,db-backup=50,task-rate=0 >/dev/null
"$SANDBOX" serve "$SB" >"$TMPROOT/serve2.log" 2>&1 &
cleanup_add "kill $!; wait $! 2>/dev/null"
i=0
while ! "$HOIST" --config "$SB/hoist.conf" check >/dev/null 2>&1; do
	[ $? -ne 3 ] && break
	i=$((i + 1)); [ $i -lt 100 ] || break
	sleep 0.1
done
wizard_start 80 24
shows "connect" "Version        2024.1.2"
keys Enter
shows "version screen" "Choose the version"
keys Enter
shows "notes screen" "2024.1.2 to 2024.3.1"
keys Enter
shows "checklist screen" "Required before the plan"
keys b
shows_late 20 "the database backup is taken by hoist" "taken by hoist: db-2024.1.2.bak"
echo "license" >"$TMPROOT/license.xml"
keys j j e "$TMPROOT/license.xml" Enter
shows "the license key file is given" "given by the operator, not checked: license.xml"
keys j j j e y
shows "users warned is confirmed" "confirmed at"
keys Enter
shows_late 20 "the plan screen" "Press Enter and type the target version"
shows "it says old Tentacles stop working" "1 target runs a Tentacle the notes say stops working: o upgrades"
keys o
shows "o leads to the Tentacles first" "hoist-wizard: Other journeys"
shows "where the old one is marked" "upgrade required"
keys Escape
shows "Esc leads back to the connect screen" "o other journeys"
finish

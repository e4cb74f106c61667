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
finish

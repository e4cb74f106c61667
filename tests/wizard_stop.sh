#!/bin/sh
# wizard_stop.sh: s on the progress screen stops the detached run at the next safe point.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }
sandbox_start stop=400,start=400,install=1500,db-upgrade=1500,db-backup=200,task-ms=150,task-rate=20
before=$(sb_status .data_sha256)
wizard_start 80 24
shows "connect" "Version        2024.1.2"
start_upgrade 2024.3.1
# The stop is asked once the run has changed something (maintenance mode on), so that
# there is something to undo, however fast the first steps are.
i=0
while [ "$(sb_status .maintenance)" != true ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
keys s
shows "s asks first" "Stop the run at the next safe point"
keys y
shows "the run is asked to stop" "Asked the run to stop at the next safe point."
shows_late 30 "the result says the run stopped, everything undone" "Stopped, everything undone"
shows "the result says nothing is left to do" "Nothing is left to do"
check "every node runs 2024.1.2" all_at 2024.1.2
check "maintenance mode is off" [ "$(sb_status .maintenance)" = false ]
check "the data is unchanged" [ "$(sb_status .data_sha256)" = "$before" ]
check "the run's journal ends undone" sh -c "tail -n 1 '$(newest_run)journal.jsonl' | jq -e '.event == \"run-end\" and .status == \"undone\"' >/dev/null"
keys q
shows "q quits" "EXIT=0"
finish

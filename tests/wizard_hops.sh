#!/bin/sh
# wizard_hops.sh: the progress grid has a row per hop of a chain with a required stop, the
# revert's steps show as such (not as forward steps), and a clean undo's result says so.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }
sandbox_start stop=200,start=200,install=600,db-upgrade=600,db-backup=200,task-ms=150,task-rate=20
stop=$("$HOIST" --config "$SB/hoist.conf" plan --to 2024.3.1 | sed -n 's/^Required stops: \([0-9.]*\).*/\1/p')
check "the sandbox's chain has a required stop" [ -n "$stop" ]
before=$(sb_status .data_sha256)
# The stop's install fails on the primary, before the point of no return; the undo's starts are slow.
"$SANDBOX" fault "$SB" set "install@$stop:node1=fail" "start@2024.1.2=slow:2500" >/dev/null
wizard_start 100 40
shows "connect" "Version        2024.1.2"
start_upgrade 2024.3.1
shows "the grid has a row for the stop's hop" "install @$stop"
shows "... and one for the target's" "install @2024.3.1"
shows_late 20 "the revert's steps show as the undo, not as forward steps" "undo: start"
shows "the run is shown undoing" "undoing what the run changed"
shows_late 30 "the result says stopped, everything undone" "Stopped, everything undone"
shows "... and that nothing is left to do" "Nothing is left to do"
check "every node runs 2024.1.2" all_at 2024.1.2
check "maintenance mode is off" [ "$(sb_status .maintenance)" = false ]
check "the data is unchanged" [ "$(sb_status .data_sha256)" = "$before" ]
keys q
shows "q quits" "EXIT=0"
finish

#!/bin/sh
# wizard_rollback.sh: a fault at db-upgrade; the result shows the guide; r rolls back through the engine.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }
sandbox_start stop=200,start=200,install=300,db-upgrade=300,db-backup=200,db-restore=200,task-ms=150,task-rate=20
"$SANDBOX" fault "$SB" set db-upgrade=fail >/dev/null
before=$(sb_status .data_sha256)
wizard_start 80 24

shows "connect" "Version        2024.1.2"
start_upgrade 2024.3.1
shows_late 40 "the result screen says the upgrade failed" "The upgrade did not end well"
run=$(newest_run)
id=$(basename "$run")
shows "it shows the rollback guide of this run" "The rollback guide of run $id"
shows "the guide's pager says where it is" "Lines 1-"
keys NPage
shows "the guide pages down to the backups this run took" "Backups this run took:"
check "past its first page" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p | grep -q 'Lines 1-'"
check "with this run's database backup" sh -c "tmux -L $TMUX_SOCKET capture-pane -p -J | tr -d '\n ' | grep -qF 'runs/$id/backups/db-2024.1.2.bak'"
keys G
shows "the guide pages to its end" "Lines "
keys w
shows "w saves the guide, its path shortened in the middle, never cut" "/guide.txt"
check "the saved message is one line naming the file" sh -c "tmux -L $TMUX_SOCKET capture-pane -p | grep -q 'Saved: /.*/guide.txt'"
check "the saved guide names the backup" grep -q "db-2024.1.2.bak" "$run/guide.txt"
keys B
shows "B saves a support bundle of the run through the engine" "Support bundle saved (no keys, no backups): "
check "... one without the API key" sh -c "jq -e '.run_id == \"$id\"' '$run/support-bundle.json' >/dev/null && ! grep -qF \"\$(cat '$SB/api-key')\" '$run/support-bundle.json'"
check "nothing was rolled back yet: maintenance mode is still on" [ "$(sb_status .maintenance)" = true ]

"$SANDBOX" fault "$SB" clear >/dev/null
shows "the footer names r by the result screen's meaning" "r roll back"
keys r
shows "r asks first" "(y/n)"
keys y
shows "the rollback runs on the progress screen" "Rollback 2024.3.1 to 2024.1.2"
shows_late 40 "and ends well" "The rollback ended well: every node runs 2024.1.2 again."
check "every node runs 2024.1.2 again" all_at 2024.1.2
check "maintenance mode is off" [ "$(sb_status .maintenance)" = false ]
check "the data is the backup's: data_sha256 unchanged" [ "$(sb_status .data_sha256)" = "$before" ]
check "the rollback is a run of its own" [ "$(newest_run)" != "$run" ]
keys q
shows "q quits" "EXIT=0"
finish

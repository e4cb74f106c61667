#!/bin/sh
# wizard_detach.sh: the run outlives its wizard (tmux killed, d); a new wizard re-attaches
# and shows the result when the run ends; a wizard started after the end names the run.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }
sandbox_start stop=400,start=400,install=2500,db-upgrade=2500,db-backup=200,task-ms=150,task-rate=20
wizard_start 80 24
shows "connect" "Version        2024.1.2"
start_upgrade 2024.3.1
shows "the run is under way" "install "
engine=$(jq -r .pid "$SB"/hoist-state/locks/*.lock)
pane=$(tm display-message -p '#{pane_pid}')
run=$(newest_run)
lines=$(wc -l <"$run/journal.jsonl")

# The terminal goes away: tmux, its client and the wizard with it.
tm kill-server
i=0
while kill -0 "$pane" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "the wizard is gone with its terminal" sh -c "! kill -0 $pane 2>/dev/null"
check "the engine goes on" kill -0 "$engine"
i=0
while [ "$(wc -l <"$run/journal.jsonl")" -le "$lines" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "and its journal keeps growing" [ "$(wc -l <"$run/journal.jsonl")" -gt "$lines" ]

# A new wizard offers the running upgrade instead of a new one.
wizard_start 80 24
shows "a new wizard offers to follow the running upgrade" "An upgrade is running: run $(basename "$run"), 2024.1.2 to 2024.3.1."
keys Enter
shows "Enter re-attaches to the progress screen" "Upgrade 2024.1.2 to 2024.3.1 (minor, all-at-once)"
keys q
shows "q asks first while the run goes on" "goes on without the wizard. Quit?"
keys n
keys d
shows "d detaches: the wizard ends" "EXIT=0"
shows "and says the run goes on" "goes on. Start hoist-wizard again"
check "the engine still goes on" kill -0 "$engine"

# Another wizard while the run goes on: it re-attaches and stays to show the result.
wizard_start 80 24
shows "a third wizard offers the running upgrade again" "An upgrade is running: run $(basename "$run")"
keys Enter
shows "and re-attaches" "Upgrade 2024.1.2 to 2024.3.1 (minor, all-at-once)"
shows_late 60 "the re-attached wizard shows the result when the run ends" "The upgrade ended well: 2024.1.2 to 2024.3.1."
check "the run ended on its own" sh -c "tail -n 1 '$run/journal.jsonl' | grep -q '\"run-end\"'"
keys q
shows "q quits at once once the run has ended" "EXIT=0"

wizard_start 80 24
shows "a fourth wizard names the last run" "The last run, $(basename "$run") (2024.1.2 to 2024.3.1), ended well."
shows "... and offers its support bundle" "B to save a support bundle"
keys B
shows "B saves it" "Support bundle saved (no keys, no backups): "
check "... in the run's folder, as the engine writes it" \
	sh -c "jq -e '.run_id == \"$(basename "$run")\"' '$run/support-bundle.json' >/dev/null"
keys l
shows "l shows its result" "The upgrade ended well: 2024.1.2 to 2024.3.1."
check "every node runs 2024.3.1" all_at 2024.3.1
check "maintenance mode is off" [ "$(sb_status .maintenance)" = false ]
check "the run's journal ends with run-end" sh -c "tail -n 1 '$run/journal.jsonl' | jq -e '.event == \"run-end\" and .status == \"done\"' >/dev/null"
keys q
shows "q quits" "EXIT=0"
finish

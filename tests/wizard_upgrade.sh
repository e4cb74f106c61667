#!/bin/sh
# wizard_upgrade.sh: the whole journey on three nodes: checklist, plan, progress (resized), result.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
plan 35
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }
sandbox_start stop=300,start=300,install=900,db-upgrade=900,db-backup=200,task-ms=150,task-rate=20
DATA=$(sb_status .data_sha256)
wizard_start 80 24

shows "connect" "Version        2024.1.2"
keys Enter
shows "version screen" "Choose the version"
keys Enter
shows "notes screen" "minor upgrade: 2024.1.2 to 2024.3.1"
keys Enter
shows "checklist screen" "Required before the plan: Database backup."
keys b
shows "the backup run's steps are shown while it runs" "Backup run "
shows_late 20 "the database backup is taken by hoist" "taken by hoist: db-2024.1.2.bak"
shows "and the master key" "taken by hoist: master-key"
echo "license" >"$TMPROOT/license.xml"
keys j j e "$TMPROOT/license.xml" Enter
shows "the license key file is given, not checked (hoist cannot check it)" "given by the operator, not checked: license.xml"
keys j j j e y
shows "users warned is confirmed" "confirmed at"
keys Enter
shows_late 20 "plan screen" "Press Enter and type the target version"
keys Enter
shows "starting asks for the version" "Type 2024.3.1 to start:"
keys 2024.3.1 Enter
shows "the progress screen follows the run" "Step 6 of 7"
shows "with the versions" "Upgrade 2024.1.2 to 2024.3.1 (minor, all-at-once)"
shows "an elapsed time" "Elapsed"
shows "steps per node" "node1     node2     node3     cluster"
shows "and the keys to detach and stop" "d: detach (the run goes on)"

# Resizing while the run goes: everything is redrawn for the new size.
tm resize-window -x 200 -y 60
shows "at 200x60 the title spans the width" "$(printf '%-189s' 'hoist-wizard: Progress')Step 6 of 7"
# A redraw may be caught half drawn: the footer, drawn last, is waited for.
footer_on() { tmux -L "$TMUX_SOCKET" capture-pane -p | sed -n "$1p" | grep -q '?/F1 help'; }
no_footer_on() { ! tmux -L "$TMUX_SOCKET" capture-pane -p | sed -n "$1p" | grep -q 'help'; }
check "the footer is on line 60" wait_for 10 footer_on 60
check "no stale footer on line 24 (the bottom line drawn last is there)" no_footer_on 24
tm resize-window -x 80 -y 24
shows "back at 80x24" "$(printf '%-69s' 'hoist-wizard: Progress')Step 6 of 7"
check "the footer is on line 24" wait_for 10 footer_on 24
check "no line is wider than 80 columns" sh -c "[ \$(tmux -L $TMUX_SOCKET capture-pane -p | wc -L) -le 80 ]"
check "the run's header is still whole" sh -c "tmux -L $TMUX_SOCKET capture-pane -p | grep -q 'Upgrade 2024.1.2 to 2024.3.1 (minor, all-at-once)'"

shows_late 40 "the result screen follows the run's end" "The upgrade ended well: 2024.1.2 to 2024.3.1."
shows "it names the nodes' versions" "node3            runs 2024.3.1"
shows "the maintenance window" "Maintenance window:"
shows "the backups kept" "Backups kept:"
shows "and the next steps" "Next: upgrade the Tentacles"
check "every node runs 2024.3.1" all_at 2024.3.1
check "maintenance mode is off" [ "$(sb_status .maintenance)" = false ]
check "the database schema is the new version's" [ "$(sb_status .schema)" = 2024.3 ]
check "the data is intact (data_sha256 unchanged)" [ "$(sb_status .data_sha256)" = "$DATA" ]
run=$(newest_run)
check "the plan records the checklist's evidence" \
	jq -e '[.evidence[].item] | contains(["backup-db", "master-key", "license-key", "users-warned"])' "$run/plan.json" >/dev/null
check "the license key's evidence is the verified file" \
	jq -e --arg p "$TMPROOT/license.xml" '.evidence[] | select(.item == "license-key") | .path == $p and (.sha256 | length) == 64' "$run/plan.json" >/dev/null
keys q
shows "q quits at once after the run" "EXIT=0"
finish

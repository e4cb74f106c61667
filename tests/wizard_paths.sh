#!/bin/sh
# wizard_paths.sh: long paths at 80x24 (a deep state folder): shortened in the middle with
# an ellipsis, and shown whole, over the lines they need, after p (and shortened again).
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
plan 14
sandbox_start db-backup=100
# A state folder of some 150 characters.
DEEP="$TMPROOT/state"
while [ ${#DEEP} -lt 150 ]; do DEEP="$DEEP/a-rather-long-folder-name"; done
mkdir -p "$DEEP"
wizard_start 80 24 "HOIST_STATE_DIR=$DEEP"

# whole_path DESCRIPTION PATH: the path is on the screen, its lines joined without spaces.
whole_path() {
	if wait_for 10 sh -c "tmux -L $TMUX_SOCKET capture-pane -p | python3 -c '
import sys
text = \"\".join(l.strip() for l in sys.stdin.read().split(\"\\n\"))
sys.exit(0 if sys.argv[1] in text else 1)
' \"\$1\"" _ "$2"; then ok "$1"; else
		fail "$1: '$2' is not whole on the screen:"; screen | sed 's/^/  | /'; fi
}

keys Enter
wait_screen "Choose the version" || true
keys Enter
wait_screen "What changes" || true
keys Enter
shows "the checklist" "Back up"
checklist_backup
bak=$(ls "$DEEP"/runs/*/backups/db-*.bak)
# one_line A B: a line of the screen holds both.
one_line() { screen | grep -F -- "$1" | grep -qF -- "$2"; }
check "the backup's path is shortened in the middle, with an ellipsis" \
	one_line "$(printf '%s' "$DEEP" | cut -c1-12)" "…-name/runs/$(basename "$(dirname "$(dirname "$bak")")")/backups/db-2024.1.2.bak,"
shows "p is on the key line" "p paths"
keys p
whole_path "after p the whole path is on the screen" "File: $bak,"
check "and no ellipsis is left on the screen" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p | grep -qF '…'"
keys p
shows "p again shortens it again" "…"
keys '?'
whole "the help names p" "Show long paths whole, over the lines they need"
keys x
# A notice with a path keeps it for p: shortened to one line, then whole.
keys e "$DEEP/no-such-backup-file.bak" Enter
wait_screen "no-such-backup-file.bak: No such file" || true
check "a notice with a long path is shortened in the middle to a line" \
	one_line "…" "no-such-backup-file.bak: No such file"
keys p
whole_path "after p the notice's whole path is on the screen" "$DEEP/no-such-backup-file.bak"

# The result of a run with whole paths is longer than the screen: it scrolls, nothing is cut.
keys Enter
shows_late 20 "the plan is prepared" "Press Enter and type the target version"
keys Enter 2024.3.1 Enter
shows_late 60 "the result screen follows the run's end" "The upgrade ended well: 2024.1.2 to 2024.3.1."
shows "its whole paths make it a page longer than the screen" "Lines 1-"
scroll_to "proved itself."
shows "scrolled, its last sentence is there whole" "proved itself."
finish

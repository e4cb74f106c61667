#!/bin/sh
# wizard_screens.sh: hoist-wizard against a real sandbox: connect, versions, notes, search, plan, quit.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
sandbox_start
wizard_start 80 24

shows "connect screen shows the server's version" "Version        2024.1.2"
for n in node1 node2 node3; do
	check "connect screen lists $n with its role and version" \
		sh -c "tmux -L $TMUX_SOCKET capture-pane -p | grep -Eq '^  $n +(primary|base) +2024\.1\.2 +serving'"
done
shows "maintenance state is shown" "Maintenance    off"
shows "the footer names the keys" "?/F1 help"

keys Enter
shows "version screen lists the newest release" "2024.3.1"
check "every listed release has a verdict" \
	sh -c "test \$(tmux -L $TMUX_SOCKET capture-pane -p | grep -Ec '^  [* ] 2024\.[0-9.]+ +(patch|minor|major) +[0-9-]+ +eligible') -eq 7"
keys a a
shows "a policy change on screen holds minor releases back" "held back: minor upgrades off"
shows "the screen says the file is unchanged" "configuration file is unchanged"
keys a
shows "the policy cycles back to minor" "allow=minor"

# The recommended release is highlighted; Enter takes it to the notes.
keys Enter
shows "notes screen states the kind" "minor upgrade: 2024.1.2 to 2024.3.1"
shows "and what it means for rollback" "rolling back means"
shows "and the required stop" "Required stop on the way: 2024.2.3"
rule=$(screen | grep -n '^────' | sed -n 2p | cut -d: -f1)
check "the notes start with the read-first group" \
	sh -c "tmux -L $TMUX_SOCKET capture-pane -p | sed -n $((rule + 1))p | grep -q 'Read first'"
check "breaking changes come first" \
	sh -c "tmux -L $TMUX_SOCKET capture-pane -p | sed -n $((rule + 2))p | grep -q '\[breaking\]'"
keys / Docker Enter
wait_screen "Docker" || true
check "search moves the page to the match" \
	sh -c "tmux -L $TMUX_SOCKET capture-pane -p | sed -n $((rule + 1))p | grep -q 'Docker'"
keys g / fix Enter
sleep 0.2
first=$(screen | sed -n "$((rule + 1))p")
keys n
sleep 0.2
second=$(screen | sed -n "$((rule + 1))p")
check "n goes to the next match" sh -c "[ '$first' != '$second' ] && echo '$second' | grep -qi fix"
keys N
sleep 0.2
check "N goes back to the previous match" test "$(screen | sed -n "$((rule + 1))p")" = "$first"
keys / no-such-text-here Enter
shows "a failed search says so" "No more matches"

keys '?'
shows "? shows the help overlay" "Keys on this screen"
shows "the help comes from the key table" "Search the text."
keys x
keys Enter
shows "the checklist comes after the notes" "Step 4 of 7"
shows "the required items are named" "Required before the plan: Database backup."
whole "the item's help says what it asks for and this screen's keys for it" \
	"recent and not empty. b: hoist takes it now; e: name a file."
keys Enter
shows "Enter is refused while a required item is open" "Database backup is required"
keys e "$TMPROOT/no-such.bak" Enter
shows "a missing evidence file is refused" "no-such.bak: No such file"
: >"$TMPROOT/empty.bak"
keys e "$TMPROOT/empty.bak" Enter
shows "an empty one too" "is empty; it proves nothing"
echo data >"$TMPROOT/db.bak"
touch -d '3 days ago' "$TMPROOT/db.bak"
keys e "$TMPROOT/db.bak" Enter
shows "an old one too" "older than the 24 hours allowed"
touch "$TMPROOT/db.bak"
keys e "$TMPROOT/db.bak" Enter
shows "a file hoist cannot recognise is given, not checked" "given by the operator, not checked:"
check "and not called verified" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p | grep -qF 'verified: db.bak'"
shows "the next required item is named" "Required before the plan: Master key."
echo key >"$TMPROOT/master.key"
keys j e "$TMPROOT/master.key" Enter
shows "a master key that does not decrypt the canary is refused" "does not decrypt the server's canary"
"$SANDBOX" ctl "$SB" show-master-key node1 >"$TMPROOT/master.key"
keys e "$TMPROOT/master.key" Enter
shows "the server's own master key is verified against the canary" "verified: master.key decrypts"
keys j j j
whole "a yes item's help names its keys" "and it worked. e, then y: confirm it."
keys e y
shows "a confirmation is recorded" "confirmed at"
shows "with every required item done, Enter goes on" "Press Enter to review the plan."
keys Enter
shows "plan screen shows strategy and steps" "all-at-once"
shows "the point of no return is named" "Point of no return: step"
scroll_to "POINT OF NO RETURN"
shows "and marked in the step list" "POINT OF NO RETURN"
shows "the equivalent command line is shown, an option with its value" "--to 2024.3.1"
keys Enter 2024.9.9 Enter
shows "a wrong version starts nothing" "That is not 2024.3.1"
keys Escape
shows "Esc goes back to the checklist, which keeps its evidence" "verified: master.key"
keys Escape
shows "and back again to the notes" "What changes"
keys q
shows "q quits cleanly" "EXIT=0"
check "the sandbox is untouched" sh -c "'$HOIST' --config '$SB/hoist.conf' check | grep -q 'current 2024.1.2'"
finish

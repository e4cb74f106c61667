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
wait_for "Docker" || true
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
shows "plan screen shows strategy and steps" "all-at-once"
shows "the point of no return is named" "Point of no return: step"
keys j j j j j j j j
shows "and marked in the step list" "POINT OF NO RETURN"
shows "the equivalent command line is shown" "upgrade --to 2024.3.1"
keys Enter 2024.9.9 Enter
shows "a wrong version starts nothing" "That is not 2024.3.1"
keys Enter 2024.3.1 Enter
shows "the wizard does not pretend to start a run" "nothing was started"
keys Escape
shows "Esc goes back" "What changes"
keys q
shows "q quits cleanly" "EXIT=0"
check "the sandbox is untouched" sh -c "'$HOIST' --config '$SB/hoist.conf' check | grep -q 'current 2024.1.2'"
finish

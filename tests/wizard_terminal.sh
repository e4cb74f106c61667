#!/bin/sh
# wizard_terminal.sh: hoist-wizard's terminal manners: resizing, a small terminal, colours, ASCII.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
plan 26
sandbox_start

# Started too small: a clear message instead of the screen; q still quits.
wizard_start 70 20
shows "a terminal smaller than 80x24 says so" "This terminal is 70x20"
shows "and names the size it needs" "at least 80x24"
check "the screen itself is not drawn" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p | grep -q 'Step 1 of'"
tm resize-window -x 80 -y 24
shows "growing to 80x24 brings the screen" "Step 1 of 7"
check "the message is gone" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p | grep -q 'This terminal is'"

# Resizing at any moment redraws everything, with nothing left over. The first frame
# comes before the server's answer: Enter goes on only once the server has been read
# (a slow build, under sanitizers, takes a while).
shows "the server is read" "Version        2024.1.2"
keys Enter
shows "version screen" "Choose the version"
tm resize-window -x 200 -y 60
shows "at 200x60 the title bar spans the width" "$(printf '%-189s' 'hoist-wizard: Choose the version')Step 2 of 7"
check "the footer moves to the last line" sh -c "tmux -L $TMUX_SOCKET capture-pane -p | sed -n 60p | grep -q '?/F1 help'"
check "no stale footer on the old last line" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p | sed -n 24p | grep -q 'help'"
tm resize-window -x 60 -y 20
shows "shrinking below 80x24 shows the message" "This terminal is 60x20"
keys j
tm resize-window -x 80 -y 24
shows "back at 80x24 the screen returns" "Step 2 of 7"
check "the footer is on line 24" sh -c "tmux -L $TMUX_SOCKET capture-pane -p | sed -n 24p | grep -q '?/F1 help'"
check "the title ends at column 80" test "$(line 1 | awk '{ print length($0) }')" -eq 80
check "nothing of the small-terminal message is left" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p | grep -q 'Enlarge'"
keys q
shows "q quits after resizing" "EXIT=0"

# Colours: used on a colour terminal, never with NO_COLOR.
wizard_start 80 24
shows "colour run" "Version        2024.1.2"
check "a colour terminal gets colours" sh -c "tmux -L $TMUX_SOCKET capture-pane -p -e | grep -q \"\$(printf '\033')\[3[0-7]m\""
keys q
wizard_start 80 24 NO_COLOR=1
shows "NO_COLOR run" "Version        2024.1.2"
check "NO_COLOR draws without colour" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p -e | grep -q \"\$(printf '\033')\[3[0-7]m\""
check "NO_COLOR still marks the title (bold)" sh -c "tmux -L $TMUX_SOCKET capture-pane -p -e | head -1 | grep -q \"\$(printf '\033')\[1m\""
keys q
shows "q quits the NO_COLOR run" "EXIT=0"

# A plain ASCII terminal (vt100, C locale): it works and quits cleanly.
wizard_start 80 24 LANG=C LC_ALL=C TERM=vt100
shows "vt100 with the C locale shows the screen" "Version        2024.1.2"
shows "and the nodes" "node3"
keys Enter
shows "and moves on" "Choose the version"
keys q
shows "q quits the vt100 run" "EXIT=0"
finish

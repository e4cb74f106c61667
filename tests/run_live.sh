# run_live.sh: hoist upgrade on a terminal shows long work as it happens: one live line per
# running step (the elapsed time of an action, tasks left while waiting), redrawn in place;
# piped, it prints one plain line per event and no terminal codes.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }

run_sb live --nodes 1 --version 2024.1.2
"$SANDBOX" config "$D" set db-upgrade=4000,task-ms=2500,task-rate=30 >/dev/null
SOCK="hoist-live-$$"
cleanup_add "tmux -L $SOCK kill-server"
tmux -L "$SOCK" -f /dev/null new-session -d -x 100 -y 30 \
	"env HOIST_STATE_DIR='$HOIST_STATE_DIR' LANG=C.UTF-8 '$HOIST' --config '$CONF' upgrade --to 2024.2.1 --yes; echo EXIT=\$?; sleep 60"
seen() {
	i=0
	while [ $i -lt 300 ]; do
		if tmux -L "$SOCK" capture-pane -p | grep -qE -- "$1"; then return 0; fi
		i=$((i + 1)); sleep 0.1
	done
	tmux -L "$SOCK" capture-pane -p | sed 's/^/  | /'
	return 1
}
check "a long database upgrade shows a live line with its elapsed time" seen 'db-upgrade node1: running for 0:0[1-9]'
check "the live line is redrawn in place, not repeated" \
	sh -c "[ \$(tmux -L $SOCK capture-pane -p | grep -c 'db-upgrade node1: running for') -eq 1 ]"
check "the run ends well" seen 'EXIT=0'
check "the finished step is a line of its own" seen 'db-upgrade node1: ok'

# Not a terminal: one plain line per event, no escape codes.
"$SANDBOX" config "$D" set db-upgrade=50 >/dev/null
h upgrade --to 2024.2.3 --yes >"$TMPROOT/plain.out" 2>&1
check "piped output has no terminal codes" sh -c "! grep -q \"\$(printf '\\033')\" '$TMPROOT/plain.out'"
check "piped output names each step as it starts" grep -q "install node1 \\.\\.\\." "$TMPROOT/plain.out"

# In German, j means yes at the prompt (the run goes ahead), and the prompt comes after
# the plan and its notes to read first.
if locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	# A server that is still shutting down refuses a new session for a moment.
	i=0
	until tmux -L "$SOCK" -f /dev/null new-session -d -x 100 -y 40 \
		"env HOIST_STATE_DIR='$HOIST_STATE_DIR' LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= '$HOIST' --config '$CONF' upgrade --to 2024.3.1; echo EXIT=\$?; sleep 60" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1
	done
	check "German: the prompt asks" seen 'jetzt von 2024\.2\.3 auf 2024\.3\.1 aktualisieren'
	check "German: the notes to read first come before the question" seen 'Zuerst lesen'
	tmux -L "$SOCK" send-keys j Enter
	check "German: j is yes, and the upgrade runs to its end" seen 'EXIT=0'
	check "German: the server runs 2024.3.1" [ "$(st .nodes[0].version)" = 2024.3.1 ]
fi
finish

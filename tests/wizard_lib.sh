# wizard_lib.sh: helpers of the terminal tests: a sandbox and hoist-wizard in a private tmux.
. "$top_srcdir/tests/lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed; the terminal tests need it"
	exit 77
fi
export XDG_CONFIG_HOME="$TMPROOT/config" XDG_STATE_HOME="$TMPROOT/state"
unset HOIST_SERVER_URL HOIST_API_KEY HOIST_API_KEY_FILE HOIST_FEED HOIST_STATE_DIR NO_COLOR
TMUX_SOCKET="hoist-test-$$"
tm() { tmux -L "$TMUX_SOCKET" "$@"; }
cleanup_add "tmux -L $TMUX_SOCKET kill-server"

# sandbox_start [DURATIONS]: a 3-node sandbox at 2024.1.2 with a feed up to 2024.3.1 and,
# given, its actions' durations ("install=600,..."); sets SB.
sandbox_start() {
	SB="$TMPROOT/sb"
	"$SANDBOX" init "$SB" --nodes 3 --version 2024.1.2 --feed-to 2024.3.1 >/dev/null
	[ -z "${1:-}" ] || "$SANDBOX" config "$SB" set "$1" >/dev/null
	"$SANDBOX" serve "$SB" >"$TMPROOT/serve.log" 2>&1 &
	cleanup_add "kill $!; wait $! 2>/dev/null"
	# Until hoist check stops saying it cannot connect (exit 3).
	i=0
	while :; do
		_rc=0
		"$HOIST" --config "$SB/hoist.conf" check >/dev/null 2>&1 || _rc=$?
		[ $_rc -eq 3 ] || break
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "the sandbox did not start:"; cat "$TMPROOT/serve.log"; exit 1; }
		sleep 0.1
	done
}

# legacy_sandbox_start DIR [DURATIONS]: a one-node Octopus 2.6.5 sandbox with two Tentacles
# and a feed up to 3.2.1, polled every 50 ms; sets SB.
legacy_sandbox_start() {
	SB=$1
	"$SANDBOX" init "$SB" --nodes 1 --tentacles 2 --version 2.6.5 --feed-to 3.2.1 --seed 5 >/dev/null
	[ -z "${2:-}" ] || "$SANDBOX" config "$SB" set "$2" >/dev/null
	printf '[upgrade]\npoll_ms = 50\n' >>"$SB/hoist.conf"
	"$SANDBOX" serve "$SB" >"$SB.serve.log" 2>&1 &
	cleanup_add "kill $!; wait $! 2>/dev/null"
	i=0
	while [ ! -s "$SB/url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# wizard_start COLS LINES [ENV...]: hoist-wizard on the sandbox in a new tmux session;
# "EXIT=<status>" appears on the screen when it ends.
wizard_start() {
	cols=$1 lines=$2
	shift 2
	tm kill-server >/dev/null 2>&1 || true
	# A server that is still shutting down refuses a new session for a moment.
	i=0
	until tm -f /dev/null new-session -d -x "$cols" -y "$lines" \
		"env LANG=C.UTF-8 $* '$WIZARD' --config '$SB/hoist.conf'; echo EXIT=\$?; sleep 60" \
		2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "tmux does not start a session"; exit 1; }
		sleep 0.1
	done
}

screen() { tm capture-pane -p; }
# on_screen TEXT: the screen shows the text now.
on_screen() { screen | grep -qF -- "$1"; }
# wait_screen TEXT: until the screen shows the text (at most 10 s); false otherwise.
wait_screen() { wait_for 10 on_screen "$1"; }
# shows DESCRIPTION TEXT: the screen shows the text.
shows() {
	if wait_screen "$2"; then ok "$1"; else fail "$1: no '$2' on the screen:"; screen | sed 's/^/  | /'; fi
}
# line N: line N (1-based) of the screen.
line() { screen | sed -n "${1}p"; }
keys() { tm send-keys "$@"; }
# scroll_to TEXT: presses j (down a line) until the screen shows the text, 60 times at most.
scroll_to() {
	_n=0
	while [ $_n -lt 60 ] && ! wait_for 1 on_screen "$1"; do
		keys j
		_n=$((_n + 1))
	done
}
# shows_late SECONDS DESCRIPTION TEXT: shows, waiting longer.
shows_late() {
	if wait_for "$1" on_screen "$3"; then ok "$2"; else fail "$2: no '$3' on the screen:"; screen | sed 's/^/  | /'; fi
}
# sb_status JQ: a value of the sandbox's status.
sb_status() { "$SANDBOX" ctl "$SB" status --json | jq -r "$1"; }
# all_at VERSION: every node of the sandbox runs VERSION, serving, undrained.
all_at() {
	[ "$(sb_status "[.nodes[] | select(.version == \"$1\" and .running and (.drained | not))] | length")" = 3 ]
}
# newest_run: the newest run's folder in the sandbox's state folder.
newest_run() { ls -d "$SB"/hoist-state/runs/*/ | sort | tail -n 1; }
# checklist_backup: on the checklist screen, lets hoist take the backups and waits for them.
checklist_backup() {
	keys b
	shows_late 20 "the checklist's backup run ends with the evidence" "Press Enter to review the plan."
}
# start_upgrade VERSION: from the connect screen to the progress screen of an upgrade.
start_upgrade() {
	keys Enter
	wait_screen "Choose the version" || true
	keys Enter
	wait_screen "What changes" || true
	keys Enter
	wait_screen "Back up" || true
	checklist_backup
	keys Enter
	shows_late 20 "the plan is prepared" "Press Enter and type the target version"
	keys Enter "$1" Enter
	shows "the progress screen follows the run" "Step 6 of 7"
}

# cut_lines (python3): the screen's lines that end mid-word at the right margin: a line reaching
# the last column a sentence may use whose last word is no word hoist or the feed knows
# (a cut is marked with an ellipsis instead). There must be none.
WORDS="$TMPROOT/words"
cut_lines() {
	[ -s "$WORDS" ] || cat "$top_srcdir/po/de.po" "$SB/feed.json" >"$WORDS" 2>/dev/null
	screen | python3 -c '
import sys, re
known = set(re.findall(r"[^\W\d_]+", open(sys.argv[1], encoding="utf-8").read()))
lines = sys.stdin.read().split("\n")
words = set(re.findall(r"[^\W\d_]+", "\n".join(lines)))
for i, line in enumerate(lines):
    t = line.rstrip()
    if len(t) < 78 or not t[-1].isalpha() or t.startswith("hoist-wizard:"):
        continue
    last = re.findall(r"[^\W\d_]+$", t)[0]
    token = t.split()[-1]
    # A path shortened in the middle ends with its own end: that is no cut.
    if "\u2026" in token or "/" in token:
        continue
    if last not in known:
        print(t)
' "$WORDS"
}
# whole DESCRIPTION TEXT: the text is on the screen, perhaps wrapped over lines.
whole() {
	i=0
	while [ $i -lt 100 ]; do
		if screen | python3 -c '
import sys, re
text = " ".join(l.strip() for l in sys.stdin.read().split("\n"))
sys.exit(0 if re.sub(r"\s+", " ", sys.argv[1]) in re.sub(r"\s+", " ", text) else 1)
' "$2"; then ok "$1"; return; fi
		i=$((i + 1))
		sleep 0.1
	done
	fail "$1: '$2' is not whole on the screen:"
	screen | sed 's/^/  | /'
}
# no_cuts DESCRIPTION: no line of the screen is cut mid-word.
no_cuts() {
	sleep 0.3
	c=$(cut_lines)
	if [ -z "$c" ]; then ok "$1: no line ends mid-word"; else
		fail "$1: lines cut mid-word:"; printf '%s\n' "$c" | sed 's/^/  | /'; fi
}

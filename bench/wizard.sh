#!/bin/sh
# bench/wizard.sh: what the operator feels of hoist-wizard: time to its first complete frame
# (title, configuration, keys; drawn before the server is read) and to that frame filled with
# the 3-node sandbox's answer, both against `dialog --msgbox` in the same run; time to "Not
# connected" for a server that is not there (aim: <= 100 ms); CPU used while idle for 10 s,
# peak memory.
# Run after a build: `make bench-wizard` or `top_builddir=. bench/wizard.sh`.
set -eu
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
SANDBOX="$top_builddir/src/sandbox/hoist-sandbox"
WIZARD=${WIZARD:-$top_builddir/ui/hoist-wizard}
IDLE_S=${IDLE_S:-10}
RUNS=${RUNS:-5}
command -v tmux >/dev/null || { echo "bench/wizard: needs tmux"; exit 1; }
command -v dialog >/dev/null || { echo "bench/wizard: needs dialog (apt-get install dialog)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench-wizard.XXXXXX")
sock="hoist-bench-$$"
serve_pid=
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$SANDBOX" init "$tmp/sb" --nodes 3 >/dev/null
"$SANDBOX" serve "$tmp/sb" --port 0 >"$tmp/serve.out" 2>&1 &
serve_pid=$!
i=0
while [ ! -s "$tmp/sb/url" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
# The wizard starts as directly as dialog (no env in front): the sandbox's configuration
# names the state folder inside the sandbox.

now_ms() { date +%s%3N; }

# Starts COMMAND in a fresh 80x24 tmux window; prints ms until the screen shows TEXT, and
# with FILLED set, the ms until it shows FILLED as well (on the same line).
first_frame() {
	text=$1; shift
	tmux -L "$sock" kill-server 2>/dev/null || true
	t0=$(now_ms)
	# tmux's server now and then dies while starting on a busy machine: try again.
	tries=0
	until tmux -L "$sock" new-session -d -x 80 -y 24 "$@" 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -gt 5 ] && { echo 10000; return 1; }
		tmux -L "$sock" kill-server 2>/dev/null || true
		t0=$(now_ms)
	done
	seen=
	while :; do
		screen=$(tmux -L "$sock" capture-pane -p 2>/dev/null || true)
		if [ -z "$seen" ] && printf '%s\n' "$screen" | grep -q "$text"; then
			seen=$(($(now_ms) - t0))
			[ -z "${FILLED:-}" ] && { echo "$seen"; return 0; }
		fi
		if [ -n "$seen" ] && printf '%s\n' "$screen" | grep -q "$FILLED"; then
			echo "$seen $(($(now_ms) - t0))"
			return 0
		fi
		[ $(($(now_ms) - t0)) -gt 10000 ] && { echo 10000 10000; return 1; }
		sleep 0.002
	done
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

: >"$tmp/wizard.ms"
: >"$tmp/dialog.ms"
: >"$tmp/down.ms"
# A configuration whose server is not there: a loopback port nobody listens on.
sed "s|^url = .*127.0.0.1:[0-9]*\$|url = http://127.0.0.1:9|" "$tmp/sb/hoist.conf" >"$tmp/down.conf"
for r in $(seq "$RUNS"); do
	FILLED=node3 first_frame "q quit" "$WIZARD" --config "$tmp/sb/hoist.conf" >>"$tmp/wizard.ms"
	first_frame "hello" dialog --msgbox hello 10 40 >>"$tmp/dialog.ms"
	first_frame "Not connected" "$WIZARD" --config "$tmp/down.conf" >>"$tmp/down.ms"
done
w=$(awk '{print $1}' "$tmp/wizard.ms" | median)
wf=$(awk '{print $2}' "$tmp/wizard.ms" | median)
d=$(median <"$tmp/dialog.ms")
down=$(median <"$tmp/down.ms")

# Idle: the wizard on its first screen, nobody typing, nothing running.
tmux -L "$sock" kill-server 2>/dev/null || true
first_frame "node3" "$WIZARD" --config "$tmp/sb/hoist.conf" >/dev/null
pid=$(pgrep -n -f "hoist-wizard --config $tmp/sb/hoist.conf")
tck=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
c0=$(cpu)
sleep "$IDLE_S"
c1=$(cpu)
idle_ms=$(( (c1 - c0) * 1000 / tck ))
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

echo "bench/wizard: $RUNS runs each, median; baseline: dialog --msgbox in the same tmux"
echo "  first frame   hoist-wizard ${w} ms (complete: configuration, keys)   dialog ${d} ms   ratio $(awk "BEGIN {printf \"%.2f\", $w / ($d > 0 ? $d : 1)}") (aim <= 1)"
echo "  filled        hoist-wizard ${wf} ms (the server read: version, 3 nodes)   ratio to dialog $(awk "BEGIN {printf \"%.2f\", $wf / ($d > 0 ? $d : 1)}")"
echo "  unreachable   \"Not connected\" after ${down} ms (aim <= 100 ms)"
echo "  (each time includes tmux starting the program and this script noticing the screen)"
echo "  idle CPU      ${idle_ms} ms over ${IDLE_S} s (aim: under 20 ms)"
echo "  peak RSS      $((rss_kb / 1024)) MB (${rss_kb} kB; aim: under 20 MB)"

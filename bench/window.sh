#!/bin/sh
# window.sh: the maintenance window of `hoist upgrade` on a sandbox with fixed action
# durations, read from the sandbox's timeline, divided by the sum of the actions' own
# durations inside it; the NODES-node (30) all-at-once window against the one-node one, and
# where it goes; and the drain notice latency (the last task ended -> stop issued). The same
# is measured for bench/window-baseline.sh (the seed's sequence with curl, node by node).
# Run after a build: bench/window.sh (BASELINE=0 skips the slow NODES-node baseline).
# Aims: one node <= 1.05 x actions + 200 ms; NODES nodes <= 1.3 x one node; drain notice
# within one poll interval + 100 ms.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${top_builddir:-$here/..}
HOIST=$top_builddir/src/cli/hoist
SANDBOX=$top_builddir/src/sandbox/hoist-sandbox
[ -x "$HOIST" ] && [ -x "$SANDBOX" ] || { echo "window.sh: build first" >&2; exit 2; }
command -v jq >/dev/null && command -v curl >/dev/null ||
	{ echo "window.sh: needs jq and curl" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench.XXXXXX")
SERVE=
trap '[ -z "$SERVE" ] || kill $SERVE 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
STOP=300 START=300 INSTALL=500 DBUP=500 BACKUP=200
POLL=${POLL:-1000}
N=${NODES:-30}
FROM=2024.1.2 TO=2024.2.1

# sb NAME NODES TASKS: a served sandbox; TASKS: deployments per minute (0: none).
sb() {
	D=$tmp/$1
	"$SANDBOX" init "$D" --nodes "$2" --version $FROM >/dev/null
	"$SANDBOX" config "$D" set "stop=$STOP,start=$START,install=$INSTALL,db-upgrade=$DBUP,db-backup=$BACKUP,task-rate=$3,task-ms=1500" >/dev/null
	"$SANDBOX" serve "$D" --port 0 >"$D.out" 2>&1 &
	SERVE=$!
	while [ ! -s "$D/url" ]; do sleep 0.05; done
	printf '\n[upgrade]\npoll_ms = %s\n' "$POLL" >> "$D/hoist.conf"
	export HOIST_STATE_DIR=$D/state
}
unserve() { kill "$SERVE"; wait "$SERVE" 2>/dev/null || true; SERVE=; }
window() { "$SANDBOX" report "$D" --json | jq .maintenance_ms; }
# last_task_end NODE: the newest task-end on the node between its drain and its going down
# (ms); empty when no task ran when it was drained.
last_task_end() {
	jq -s --arg n "$1" '(map(select(.event == "node-down" and .node == $n)) | first | .t) as $down
		| (map(select(.event == "drain-on" and .node == $n)) | first | .t) as $drain
		| map(select(.event == "task-end" and .node == $n and .t <= $down and .t >= $drain))
		| last | .t // empty' "$D/timeline.jsonl"
}
hoist_up() { "$HOIST" --config "$D/hoist.conf" upgrade --to $TO --yes >/dev/null; }
baseline() { sh "$here/window-baseline.sh" "$SANDBOX" "$D" $TO > "$D.stops"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# One node: stop, backup, install, db-upgrade, start inside the window.
one_actions=$((STOP + BACKUP + INSTALL + DBUP + START))
sb hoist1 1 0; hoist_up; h1=$(window); unserve
sb base1 1 0; baseline; b1=$(window); unserve
# N nodes, all-at-once: the same actions, per node in parallel; one database step.
sb hoistn "$N" 0; hoist_up; h3=$(window)
# Where the time goes: each phase of the run (first step-start to last step-end, from the
# journal) and, for the node actions, the same N actions started at once from a plain
# shell against the same sandbox: what the sandbox itself takes for them (process start,
# its database), that no orchestrator can avoid.
J=$(ls -d "$HOIST_STATE_DIR"/runs/*/ | tail -n 1)journal.jsonl
phases=$(jq -rs 'map(select(.event == "step-start" or .event == "step-end"))
	| group_by(.step) | map({step: .[0].step, t0: (map(.t) | min), t1: (map(.t) | max)})
	| sort_by(.t0) | map("\(.step) \(.t1 - .t0)") | .[]' "$J")
unserve
floor() { # floor VERB ARGS...: ms for N parallel `ctl VERB NODE ARGS` from the shell
	verb=$1; shift
	t0=$(date +%s%3N)
	i=1
	while [ $i -le "$N" ]; do
		"$SANDBOX" ctl "$D" "$verb" "node$i" "$@" >/dev/null 2>&1 &
		i=$((i + 1))
	done
	wait
	echo $(($(date +%s%3N) - t0))
}
sb floorn "$N" 0
fstop=$(floor stop); finstall=$(floor install $TO)
"$SANDBOX" ctl "$D" db-upgrade node1 >/dev/null
fstart=$(floor start); unserve
if [ "${BASELINE:-1}" = 1 ]; then sb basen "$N" 0; baseline; b3=$(window); unserve; else b3=$b1; fi
three_actions=$((N * STOP + BACKUP + N * INSTALL + DBUP + N * START))

# Drain notice: tasks of 1.5 s arrive four a second, so some run when the node is drained;
# when the last one ends, how soon is stop issued?
sb drainh 1 240; sleep 2; hoist_up
stop_t=$(jq -s 'map(select(.event == "step-start" and .step == "stop")) | first | .t' \
	"$(ls -d "$HOIST_STATE_DIR"/runs/*/ | tail -n 1)journal.jsonl")
end_t=$(last_task_end node1); unserve
hl=$([ -n "$end_t" ] && echo "$((stop_t - end_t)) ms" || echo "n/a (no task ran at the drain)")
sb drainb 1 240; sleep 2; baseline
stop_t=$(awk '$2 == "node1" { print $3 }' "$D.stops")
end_t=$(last_task_end node1); unserve
bl=$([ -n "$end_t" ] && echo "$((stop_t - end_t)) ms" || echo "n/a (no task ran at the drain)")

echo "actions' own durations: one node $one_actions ms; $N nodes $three_actions ms (sum)"
echo "one node:    hoist window $h1 ms, ratio $(ratio "$h1" "$one_actions") (aim <= 1.05 + 200 ms: $(awk -v a="$one_actions" 'BEGIN{printf "%d", a*1.05+200}') ms)"
echo "             baseline window $b1 ms, ratio $(ratio "$b1" "$one_actions")"
echo "$N nodes:    hoist window $h3 ms, $(ratio "$h3" "$h1") x the one-node window (aim <= 1.3)"
echo "             baseline window $b3 ms, $(ratio "$b3" "$b1") x its one-node window"
echo "drain notice (last task ended -> stop issued): hoist $hl (poll $POLL ms; aim <= $((POLL + 100)) ms), baseline $bl"
echo "where the $N-node window goes (ms per phase, hoist; then the same $N actions at once from a shell):"
echo "$phases" | awk -v stop="$fstop" -v inst="$finstall" -v start="$fstart" \
	-v a_stop="$STOP" -v a_inst="$INSTALL" -v a_start="$START" '
	$1 == "stop" { printf "  %-16s %5d   shell %5d   (action %d)\n", $1, $2, stop, a_stop; next }
	$1 == "install" { printf "  %-16s %5d   shell %5d   (action %d)\n", $1, $2, inst, a_inst; next }
	$1 == "start" { printf "  %-16s %5d   shell %5d   (action %d)\n", $1, $2, start, a_start; next }
	$1 != "preflight" && $1 != "stage" && $1 != "backup-master-key" { printf "  %-16s %5d\n", $1, $2 }'
# What the sandbox alone adds at N nodes (its actions started together from a shell take
# longer than their durations), and what is left for hoist above that floor.
awk -v h1="$h1" -v hn="$h3" -v n="$N" -v fs="$fstop" -v fi="$finstall" -v ft="$fstart" \
	-v s="$STOP" -v i="$INSTALL" -v t="$START" 'BEGIN {
	floor = h1 + (fs - s) + (fi - i) + (ft - t)
	printf "the sandbox alone: %d ms more for its %d-node actions, so no orchestrator gets below %d ms = %.2f x the one-node window here; hoist %d ms = %+d ms above that floor (%.2f x)\n",
		floor - h1, n, floor, floor / h1, hn, hn - floor, hn / floor }'

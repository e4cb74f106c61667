#!/bin/sh
# journey_os_patch.sh: hoist os-patch against a real sandbox (seed 003): one server in a
# maintenance window, a cluster node by node with no moment without a serving node, the
# database untouched, a patch that fails and its guide, a host that does not come back.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

rc() { set +e; "$@" >/dev/null 2>&1; _r=$?; set -e; echo $_r; }
db_state() { ctl status --json | jq -c '[.schema, .data_sha256]'; }
# order E1 E2 ...: the timeline has these events (the first of each) in this order.
order() {
	jq -se --args '[.[] | .event] as $ev | [$ARGS.positional[] as $e | ($ev | index($e))] | . == sort and all(. != null)' "$@" <"$D/timeline.jsonl" >/dev/null
}
# fewest_running: the fewest nodes running at any moment of the timeline after init.
fewest_running() {
	jq -s --argjson n "$1" 'reduce (.[] | select(.event == "node-up" or .event == "node-down")) as $e
		({run: $n, min: $n}; .run += (if $e.event == "node-up" then 1 else -1 end)
		 | .min = ([.min, .run] | min)) | .min' "$D/timeline.jsonl"
}

# ---- One server: a maintenance window ----
run_sb one --nodes 1 --seed 4
"$SANDBOX" config "$D" set reboot=400,os-patch=50 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"
before=$(db_state)
out=$(h os-patch --plan-only)
check "--plan-only shows the window's steps" sh -c "echo \"\$1\" | grep -q 'maintenance-on' && echo \"\$1\" | grep -q 'os-patch *node1'" _ "$out"
check "and changes nothing" [ "$(events maintenance-on)" = 0 ]
check "without --yes and without a terminal: 2" [ "$(rc h os-patch </dev/null)" = 2 ]
cp "$CONF" "$D/custom.conf"
sed -i 's/^profile = sandbox/profile = custom/' "$D/custom.conf"
printf '[profile]\nstop = %s ctl %s stop {node}\nstart = %s ctl %s start {node}\n' "$SANDBOX" "$D" "$SANDBOX" "$D" >>"$D/custom.conf"
check "a profile without an os-patch action is refused in preflight: 2 (configuration)" [ "$(rc "$HOIST" --config "$D/custom.conf" os-patch --yes)" = 2 ]
check "before anything was stopped" [ "$(events node-down)/$(events maintenance-on)" = 0/0 ]
check "--dry-run: exit 0" h os-patch --dry-run
check "and nothing was patched or stopped" [ "$(events os-patch)/$(events node-down)/$(events maintenance-on)" = 0/0/0 ]
check "one server: exit 0" h os-patch --yes
check "in order: maintenance on, stop, snapshot, patch, reboot, back, start, maintenance off" \
	order maintenance-on node-down snapshot os-patch reboot host-up node-up maintenance-off
check "the node was patched once" [ "$(st '.nodes[0].os_patches')" = 1 ]
check "and runs again" [ "$(st '.nodes[0].running')" = true ]
check "maintenance mode is off" [ "$(st .maintenance)" = false ]
check "the database is untouched (schema and data_sha256)" [ "$(db_state)" = "$before" ]
check "no database backup or restore" [ "$(events db-backup)/$(events db-restore)/$(events schema)" = 0/0/0 ]
check "the snapshot is recorded as evidence" [ "$(jq -r '.evidence[] | select(.item == "os-snapshot") | .path' "$(latest_run)plan.json")" = node1-snap-1 ]
check "the reboot's wait is in the journal" [ "$(jq -r 'select(.event == "step-end" and .step == "os-patch") | .message' "$(latest_run)journal.jsonl" | grep -c 'rebooted and back')" = 1 ]
check "the journal's kind is the journey" [ "$(jq -r 'select(.event == "run-start") | .kind' "$(latest_run)journal.jsonl")" = os-patch ]

# A host that does not come back after its reboot: the run stops, the guide says what to do.
"$SANDBOX" fault "$D" set reboot:node1=hang
printf '[profile]\nreboot_timeout = 2\n' >>"$CONF"
check "a host that does not come back: exit 4" [ "$(rc h os-patch --yes)" = 4 ]
check "maintenance mode stays on" [ "$(st .maintenance)" = true ]
g=$(h rollback --guide 2>&1 || true)
check "the guide: restore the operating system from its snapshot" sh -c "echo \"\$1\" | grep -q 'Restore the operating system of node node1 from the snapshot'" _ "$g"
check "the guide: never restore the database" sh -c "echo \"\$1\" | grep -q 'never restore it'" _ "$g"
check "and the database is untouched" [ "$(db_state)" = "$before" ]
"$SANDBOX" fault "$D" clear

# ---- A cluster: node by node, no maintenance mode, no downtime ----
run_sb three --nodes 3 --seed 4
"$SANDBOX" config "$D" set reboot=300,os-patch=50,task-rate=60,task-ms=300 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"
before=$(db_state)
check "three nodes: exit 0" h os-patch --yes
check "no maintenance mode" [ "$(events maintenance-on)" = 0 ]
check "every node patched once" [ "$(st '[.nodes[].os_patches] | join(",")')" = 1,1,1 ]
check "no moment without a serving node (the load balancer never went down)" [ "$(events lb-unavailable)" = 0 ]
check "never more than one node down" [ "$(fewest_running 3)" = 2 ]
check "each node drained before it stopped and undrained after it started" \
	[ "$(jq -s '[.[] | select(.event | test("^(drain-on|node-down|os-patch|reboot|host-up|node-up|drain-off)$")) | "\(.event)@\(.node)"] | join(" ")' -r "$D/timeline.jsonl" | tr ' ' '\n' | awk -F@ '{print $2}' | uniq | tr '\n' ' ')" = "node1 node2 node3 " ]
check "all nodes take tasks again" [ "$(st '[.nodes[] | select(.drained or (.running | not))] | length')" = 0 ]
check "the database is untouched (schema and data_sha256)" [ "$(db_state)" = "$before" ]
check "--node patches that node only" h os-patch --yes --node node2
check "node2 twice, the others once" [ "$(st '[.nodes[].os_patches] | join(",")')" = 1,2,1 ]
check "an unknown node: 2" [ "$(rc h os-patch --yes --node node9)" = 2 ]

# A patch that fails on node2: node1 is done, node2 stays down and drained, node3 untouched.
"$SANDBOX" fault "$D" set os-patch:node2=fail
check "a failed patch: exit 4" [ "$(rc h os-patch --yes)" = 4 ]
check "node2 stays stopped and drained" [ "$(st '.nodes[1] | "\(.running) \(.drained)"')" = "false true" ]
check "node3 was not touched" [ "$(st '.nodes[2].os_patches')" = 1 ]
check "the others serve" [ "$(st '[.nodes[] | select(.running)] | length')" = 2 ]
g=$(h rollback --guide 2>&1 || true)
check "the guide: restore node2's operating system" sh -c "echo \"\$1\" | grep -q 'Restore the operating system of node node2 from the snapshot'" _ "$g"
check "the guide: never restore the database" sh -c "echo \"\$1\" | grep -q 'never restore it'" _ "$g"
"$SANDBOX" fault "$D" clear
check "rollback --run carries out the rest" h rollback --run --yes
check "every node serves again" [ "$(st '[.nodes[] | select(.drained or (.running | not))] | length')" = 0 ]
check "rollback --run never restored the database" [ "$(events db-restore)" = 0 ]
check "the database is untouched after all of it" [ "$(db_state)" = "$before" ]

# Killed while a node reboots: resume waits for the host, patches again, takes no new snapshot.
run_sb crash --nodes 2 --seed 4
"$SANDBOX" config "$D" set reboot=1500,os-patch=50,task-rate=0 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"
h os-patch --yes --detach >/dev/null
rebooting() { grep -q '"event":"reboot"' "$D/timeline.jsonl"; }
check "the detached run reboots node1" wait_for 20 rebooting
kill -9 "$(engine_pid)"
check "hoist resume finishes the patching" h resume
check "node1 was patched again, node2 once" [ "$(st '[.nodes[].os_patches] | join(",")')" = 2,1 ]
check "no second snapshot of node1 (the first is the way back)" [ "$(jq -s '[.[] | select(.event == "snapshot" and .node == "node1")] | length' "$D/timeline.jsonl")" = 1 ]
check "both nodes serve again" [ "$(st '[.nodes[] | select(.drained or (.running | not))] | length')" = 0 ]
check "and the load balancer never went down" [ "$(events lb-unavailable)" = 0 ]
finish

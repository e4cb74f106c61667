#!/bin/sh
# sandbox_faults.sh: faults per action (fail, hang, half, slow), durations, flaky HTTP.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"

sb_new faults --nodes 2
sb_serve
fault() { "$SANDBOX" fault "$D" "$@"; }

# Specs are checked.
check "a bad action: 2" sh -c "'$SANDBOX' fault '$D' set explode=fail 2>/dev/null; [ \$? = 2 ]"
check "a bad mode: 2" sh -c "'$SANDBOX' fault '$D' set stop=maybe 2>/dev/null; [ \$? = 2 ]"
check "a bad version: 2" sh -c "'$SANDBOX' fault '$D' set install@2024.x=fail 2>/dev/null; [ \$? = 2 ]"
check "durations are settable" "$SANDBOX" config "$D" set install=5,stop=5
check "and shown" sh -c "'$SANDBOX' config '$D' show | grep -qx install=5"
check "an unknown duration: 2" sh -c "'$SANDBOX' config '$D' set warp=5 2>/dev/null; [ \$? = 2 ]"

# fail, scoped by node and by version.
fault set stop:node2=fail
check "fault list shows it" [ "$(fault list)" = stop:node2=fail ]
ctl stop node2 2>"$TMPROOT/err" && rc=0 || rc=$?
check "stop with a fault: 1" [ "$rc" = 1 ]
check "the node still runs" [ "$(ctl status --json | jq '.nodes[1].running')" = true ]
check "another node is not affected" ctl stop node1
fault clear
check "after clear the stop works" ctl stop node2
fault set install@2024.2.0=fail
check "install of the faulted version: 1" sh -c "'$SANDBOX' ctl '$D' install node1 2024.2.0 2>/dev/null; [ \$? = 1 ]"
check "the version is unchanged" [ "$(ctl status --json | jq -r '.nodes[0].version')" = 2024.1.2 ]
check "install of another version works" ctl install node1 2024.1.1
ctl install node1 2024.1.2
fault clear

# hang: the action never returns; the caller's timeout ends it.
fault set install=hang
# --foreground: signal the command alone, never timeout's (possibly our) process group.
timeout --foreground 0.5 "$SANDBOX" ctl "$D" install node1 2024.2.1 && rc=0 || rc=$?
check "a hanging install is ended by a timeout" [ "$rc" = 124 ]
check "and changed nothing" [ "$(ctl status --json | jq -r '.nodes[0].version')" = 2024.1.2 ]

# slow: it takes longer, then succeeds.
fault set install=slow:100
check "a slow install succeeds" ctl install node1 2024.2.0
check "the fault is in the timeline" grep -q '"event":"fault".*"mode":"slow"' "$D/timeline.jsonl"
fault clear

# half: the database upgrade stops between schemas; only a restore helps.
ctl install node2 2024.2.0
ctl db-backup "$TMPROOT/pre.db"
fault set db-upgrade@2024.2.0=half
ctl db-upgrade node1 2>"$TMPROOT/err" && rc=0 || rc=$?
check "a half database upgrade fails" [ "$rc" = 1 ]
check "leaving the schema between versions" [ "$(ctl status --json | jq -r .schema)" = 2024.2-partial ]
check "no node starts on it" sh -c "'$SANDBOX' ctl '$D' start node1 2>/dev/null; [ \$? = 1 ]"
fault clear
check "a second db-upgrade refuses too" sh -c "'$SANDBOX' ctl '$D' db-upgrade node1 2>/dev/null; [ \$? = 1 ]"
ctl db-restore "$TMPROOT/pre.db"
check "after a restore the upgrade works" ctl db-upgrade node1
check "and the node starts" ctl start node1

# Faults on the HTTP changes: drain and maintenance.
link=/api/octopusservernodes/OctopusServerNodes-node1
fault set drain=fail
check "drain with a fault: 500" [ "$(code -X PUT -H "@$HDR" -d '{"IsInMaintenanceMode":true}' "$URL$link")" = 500 ]
check "the node is not drained" [ "$(ctl status --json | jq '.nodes[0].drained')" = false ]
fault set maintenance=hang
check "a hanging maintenance PUT times out" [ "$(code -m 1 -X PUT -H "@$HDR" -d '{"IsInMaintenanceMode":true}' "$URL/api/maintenanceconfiguration")" = 000 ]
fault set maintenance=slow:50
check "a slow maintenance PUT succeeds" [ "$(code -X PUT -H "@$HDR" -d '{"IsInMaintenanceMode":true}' "$URL/api/maintenanceconfiguration")" = 200 ]
fault clear

# A node stopped while its tasks run fails them.
"$SANDBOX" config "$D" set task-rate=3000,task-ms=5000
running() { [ "$(ctl status --json | jq '.nodes[0].tasks')" -gt 0 ]; }
api -X PUT -d '{"IsInMaintenanceMode":false}' "$URL/api/maintenanceconfiguration" >/dev/null
check "tasks run on node1" wait_for 5 running
ctl start node2
ctl stop node1
check "its tasks failed when it stopped" \
	[ "$(api "$URL/api/tasks?states=Failed&node=node1" | jq .TotalResults)" -gt 0 ]
kill "$SERVE_PID"
wait "$SERVE_PID" || true

# --flaky and --latency on serve.
sb_new flaky --nodes 1
sb_serve --flaky 1
check "--flaky 1: every request 503" [ "$(code "$URL/api")" = 503 ]
kill "$SERVE_PID"
wait "$SERVE_PID" || true
sb_serve --flaky 0.5 --latency 5
n503=0
n200=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
	case $(code "$URL/api") in
	503) n503=$((n503 + 1)) ;;
	200) n200=$((n200 + 1)) ;;
	esac
done
check "--flaky 0.5: some requests fail" [ "$n503" -gt 0 ]
check "--flaky 0.5: some succeed" [ "$n200" -gt 0 ]
check "a second serve on the same sandbox: refused" sh -c "'$SANDBOX' serve '$D' --port 0 2>/dev/null; [ \$? = 1 ]"
finish

#!/bin/sh
# sandbox_api.sh: the sandbox speaks the Octopus API: keys, nodes, drain, maintenance, tasks.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"

sb_new api --nodes 3 --tentacles 4 --seed 7
"$SANDBOX" config "$D" set task-rate=600,task-ms=300
sb_serve

check "serve prints a loopback URL" matches "$URL" 'http://127\.0\.0\.1:[0-9]*$'
check "serve writes DIR/url" [ "$(cat "$D/url")" = "$URL" ]
root=$(curl -s "$URL/api")
check "GET /api needs no key and names the product" \
	[ "$(echo "$root" | jq -r .Application)" = "Octopus Deploy" ]
check "GET /api reports the node's version" [ "$(echo "$root" | jq -r .Version)" = 2024.1.2 ]
check "GET /api links the cluster summary" \
	[ "$(echo "$root" | jq -r .Links.OctopusServerClusterSummary)" = /api/octopusservernodes/summary ]

# Keys.
check "no key: 401" [ "$(code "$URL/api/tasks")" = 401 ]
check "a wrong key: 401" [ "$(code -H 'X-Octopus-ApiKey: API-WRONG' "$URL/api/tasks")" = 401 ]
body=$(curl -s "$URL/api/octopusservernodes/summary")
check "the 401 carries the vendor's error body" \
	[ "$(echo "$body" | jq -r '.ErrorMessage != null and (.Errors | length) > 0')" = true ]
check "the key in the header: 200" [ "$(code -H "@$HDR" "$URL/api/tasks")" = 200 ]
(umask 077; printf '%s' "$(cat "$D/api-key")" >"$D/key.raw")
check "the key as ?ApiKey=: 200" \
	[ "$(code -G --url-query "ApiKey@$D/key.raw" "$URL/api/maintenanceconfiguration")" = 200 ]
check "unknown path: 404 with the error body" \
	[ "$(api "$URL/api/nonsense" | jq -r .ErrorMessage | grep -c 'not found')" = 1 ]
check "unknown path status 404" [ "$(code -H "@$HDR" "$URL/api/nonsense")" = 404 ]
check "serve without a sandbox: 1" sh -c "'$SANDBOX' serve '$TMPROOT/none' 2>/dev/null; [ \$? = 1 ]"
port=$(echo "$URL" | sed 's/.*://')
"$SANDBOX" init "$TMPROOT/other" >/dev/null
check "serve on a port in use: 1" sh -c "timeout 5 '$SANDBOX' serve '$TMPROOT/other' --port $port 2>/dev/null; [ \$? = 1 ]"
check "serve with a bad --listen: 2" sh -c "'$SANDBOX' serve '$D' --listen example 2>/dev/null; [ \$? = 2 ]"
check "a path outside the API: 404" [ "$(code "$URL/nothing-here")" = 404 ]
check "another space: 404" [ "$(code -H "@$HDR" "$URL/api/Spaces-9/tasks")" = 404 ]

# Nodes.
sum=$(api "$URL/api/octopusservernodes/summary")
check "summary lists three nodes" [ "$(echo "$sum" | jq '.Nodes | length')" = 3 ]
check "node ids follow OctopusServerNodes-<name>" \
	[ "$(echo "$sum" | jq -r '.Nodes[0].Id')" = OctopusServerNodes-node1 ]
check "every node is online" [ "$(echo "$sum" | jq '[.Nodes[] | select(.IsOffline)] | length')" = 0 ]
link=$(echo "$sum" | jq -r '.Nodes[1].Links.Node')
n2=$(node_url node2)
check "a node's own port answers with its name" \
	[ "$(curl -s "$n2/api/octopusservernodes/ping" | jq -r .Name)" = node2 ]
check "ping before drain: 200" [ "$(code "$n2/api/octopusservernodes/ping")" = 200 ]
node=$(api "$URL$link")
check "GET of a node by its link" [ "$(echo "$node" | jq -r .Name)" = node2 ]
put=$(echo "$node" | jq -c '.IsInMaintenanceMode = true')
check "the user key may not drain: 403" \
	[ "$(code -X PUT -H "@$UHDR" -d "$put" "$URL$link")" = 403 ]
check "PUT drains the node" [ "$(api -X PUT -d "$put" "$URL$link" | jq .IsInMaintenanceMode)" = true ]
check "ping of a draining node: 418" [ "$(code "$n2/api/octopusservernodes/ping")" = 418 ]
check "summary shows it drained" \
	[ "$(api "$URL/api/octopusservernodes/summary" | jq '.Nodes[1].IsInMaintenanceMode')" = true ]
check "status shows it drained" [ "$(ctl status --json | jq '.nodes[1].drained')" = true ]
sleep 1
check "a drained node takes no new tasks" [ "$(jq -s '(map(select(.event == "drain-on" and .node == "node2")) | .[0].t) as $d | map(select(.event == "task-start" and .node == "node2" and .t > $d)) | length' "$D/timeline.jsonl")" = 0 ]
check "while the others do" [ "$(jq -s '(map(select(.event == "drain-on")) | .[0].t) as $d | map(select(.event == "task-start" and .t > $d)) | length' "$D/timeline.jsonl")" -gt 0 ]
check "bad PUT body: 400" [ "$(code -X PUT -H "@$HDR" -d '{"IsInMaintenanceMode":"x"}' "$URL$link")" = 400 ]
check "undrain" [ "$(api -X PUT -d '{"IsInMaintenanceMode":false}' "$URL$link" | jq .IsInMaintenanceMode)" = false ]
check "ping after undrain: 200" [ "$(code "$n2/api/octopusservernodes/ping")" = 200 ]
check "drain events in the timeline" [ "$(events drain-on)/$(events drain-off)" = 1/1 ]
check "serverstatus offers the feed's newest" [ "$(api "$URL/api/serverstatus" | jq -r '"\(.IsUpgradeAvailable) \(.MaximumAvailableVersion) \(.IsMajorMinorUpgrade)"')" = "true 2024.3.1 true" ]
check "health: operating normally" [ "$(api "$URL/api/serverstatus/health" | jq .IsOperatingNormally)" = true ]

# Tasks.
list=$(api "$URL/api/tasks?take=5")
check "tasks come as a collection" [ "$(echo "$list" | jq -r .ItemType)" = Task ]
check "take limits the page" [ "$(echo "$list" | jq '.Items | length')" -le 5 ]
check "background tasks ran" [ "$(echo "$list" | jq .TotalResults)" -gt 0 ]
check "newest first" [ "$(echo "$list" | jq '[.Items[].Id | ltrimstr("ServerTasks-") | tonumber] | . == (sort | reverse)')" = true ]
act=$(api "$URL/api/tasks?active=true")
check "active=true has TotalCounts" [ "$(echo "$act" | jq '.TotalCounts | has("Executing")')" = true ]
check "active=true lists only active tasks" \
	[ "$(echo "$act" | jq '[.Items[] | select(.State != "Queued" and .State != "Executing" and .State != "Cancelling")] | length')" = 0 ]
ok_n=$(api "$URL/api/Spaces-1/tasks?states=Success&take=1000")
check "states= filters, space-scoped path too" \
	[ "$(echo "$ok_n" | jq '[.Items[] | select(.State != "Success")] | length')" = 0 ]
check "TotalResults counts every match" \
	[ "$(echo "$ok_n" | jq '.TotalResults == (.Items | length)')" = true ]
two=$(api "$URL/api/tasks?take=2" | jq -r '[.Items[].Id] | join(",")')
check "ids= picks tasks" [ "$(api "$URL/api/tasks?ids=$two" | jq -r '[.Items[].Id] | join(",")')" = "$two" ]
check "running=true lists only running tasks" \
	[ "$(api "$URL/api/tasks?running=true" | jq '[.Items[] | select(.State != "Executing" and .State != "Cancelling")] | length')" = 0 ]
check "an unknown state: 400" [ "$(code -H "@$HDR" "$URL/api/tasks?states=Bogus")" = 400 ]

# Machines, Health and Upgrade tasks.
m=$(api "$URL/api/Spaces-1/machines/all")
check "four Tentacles" [ "$(echo "$m" | jq length)" = 4 ]
check "Tentacle versions reported" \
	[ "$(echo "$m" | jq '[.[].Endpoint.TentacleVersionDetails | has("Version", "UpgradeSuggested", "UpgradeRequired")] | all')" = true ]
ids=$(echo "$m" | jq -c '[.[].Id]')
check "POST without a body: 400" [ "$(code -X POST -H "@$HDR" "$URL/api/tasks")" = 400 ]
check "POST of an unknown machine: 400" [ "$(code -X POST -H "@$HDR" -d '{"Name":"Upgrade","Arguments":{"MachineIds":["Machines-99"]}}' "$URL/api/tasks")" = 400 ]
h=$(curl -s -w '\n%{http_code}' -H "@$HDR" -X POST -d '{"Name":"Health","SpaceId":"Spaces-1","Description":"check","Arguments":{"MachineIds":null}}' "$URL/api/Spaces-1/tasks")
check "POST Health: 201" [ "$(echo "$h" | tail -n 1)" = 201 ]
hid=$(echo "$h" | head -n 1 | jq -r .Id)
up=$(api -X POST -d "{\"Name\":\"Upgrade\",\"Description\":\"Upgrade machines\",\"SpaceId\":\"Spaces-1\",\"Arguments\":{\"MachineIds\":$ids}}" "$URL/api/tasks")
uid=$(echo "$up" | jq -r .Id)
check "POST Upgrade keeps the MachineIds" [ "$(echo "$up" | jq -c .Arguments.MachineIds)" = "$ids" ]
done_ok() { [ "$(api "$URL/api/tasks/$1" | jq -r .State)" = Success ]; }
check "the Health task succeeds" wait_for 10 done_ok "$hid"
check "the Upgrade task succeeds" wait_for 10 done_ok "$uid"
check "after Upgrade no Tentacle needs one" \
	[ "$(api "$URL/api/Spaces-1/machines/all" | jq '[.[] | select(.Endpoint.TentacleVersionDetails.UpgradeSuggested)] | length')" = 0 ]

check "a task's details" [ "$(api "$URL/api/tasks/$uid/details" | jq -r '.Task.Id + " " + (.Progress.ProgressPercentage | tostring)')" = "$uid 100" ]
check "a task's raw log" sh -c "curl -s -H '@$HDR' '$URL/api/tasks/$uid/raw' | grep -q 'Task status:    Success'"
check "an unknown task: 404" [ "$(code -H "@$HDR" "$URL/api/tasks/ServerTasks-999999")" = 404 ]
cap=$(api -X PUT -d '{"MaxConcurrentTasks":0}' "$URL/api/octopusservernodes/OctopusServerNodes-node3" | jq .MaxConcurrentTasks)
check "PUT sets a node's task cap" [ "$cap" = 0 ]
api -X PUT -d '{"MaxConcurrentTasks":5}' "$URL/api/octopusservernodes/OctopusServerNodes-node3" >/dev/null
api -X PUT -d '{"MaxConcurrentTasks":0}' "$URL/api/octopusservernodes/OctopusServerNodes-node1" >/dev/null
api -X PUT -d '{"MaxConcurrentTasks":0}' "$URL/api/octopusservernodes/OctopusServerNodes-node2" >/dev/null
api -X PUT -d '{"MaxConcurrentTasks":0}' "$URL/api/octopusservernodes/OctopusServerNodes-node3" >/dev/null
q=$(api -X POST -d '{"Name":"Health"}' "$URL/api/tasks" | jq -r .Id)
check "with every cap at 0 a task stays queued" [ "$(api "$URL/api/tasks/$q" | jq -r .State)" = Queued ]
check "cancel of a queued task" [ "$(api -X POST "$URL/api/tasks/$q/cancel" | jq -r .State)" = Canceled ]
for n in node1 node2 node3; do
	api -X PUT -d '{"MaxConcurrentTasks":5}' "$URL/api/octopusservernodes/OctopusServerNodes-$n" >/dev/null
done

# Maintenance mode.
check "maintenance off at first" [ "$(api "$URL/api/maintenanceconfiguration" | jq .IsInMaintenanceMode)" = false ]
check "the user key may not turn it on: 403" [ "$(code -X PUT -H "@$UHDR" -d '{"IsInMaintenanceMode":true}' "$URL/api/maintenanceconfiguration")" = 403 ]
check "PUT turns it on" [ "$(api -X PUT -d '{"Id":"maintenance","IsInMaintenanceMode":true}' "$URL/api/maintenanceconfiguration" | jq .IsInMaintenanceMode)" = true ]
check "health reports read-only" [ "$(api "$URL/api/serverstatus/health" | jq .IsEntireClusterReadOnly)" = true ]
check "a user cannot queue tasks in maintenance mode" [ "$(code -X POST -H "@$UHDR" -d '{"Name":"Health"}' "$URL/api/tasks")" = 503 ]
check "an administrator still can" [ "$(code -X POST -H "@$HDR" -d '{"Name":"Health"}' "$URL/api/tasks")" = 201 ]
before=$(api "$URL/api/tasks?name=Deploy&take=0" | jq .TotalResults)
sleep 0.6
after=$(api "$URL/api/tasks?name=Deploy&take=0" | jq .TotalResults)
check "no new deployments are queued in maintenance mode" [ "$before" = "$after" ]
# With no task arriving, pages are stable.
sk=$(api "$URL/api/tasks?take=1&skip=1" | jq -r '.Items[0].Id')
check "skip moves the page" [ "$sk" = "$(api "$URL/api/tasks?take=2" | jq -r '.Items[1].Id')" ]
no_active() { [ "$(api "$URL/api/tasks?active=true&name=Deploy" | jq .TotalResults)" = 0 ]; }
check "queued and running tasks still finish" wait_for 10 no_active
"$SANDBOX" config "$D" set system-rate=3000
sys_queued() { [ "$(api "$URL/api/tasks?name=Retention&take=0" | jq .TotalResults)" -gt 0 ]; }
check "system tasks still arrive in maintenance mode" wait_for 5 sys_queued
"$SANDBOX" config "$D" set system-rate=0
check "PUT turns it off" [ "$(api -X PUT -d '{"IsInMaintenanceMode":false}' "$URL/api/maintenanceconfiguration" | jq .IsInMaintenanceMode)" = false ]
check "maintenance events in the timeline" [ "$(events maintenance-on)/$(events maintenance-off)" = 1/1 ]

# The load balancer.
ctl stop node1
ctl stop node2
check "the balancer answers from the node still running" \
	[ "$(curl -s -D - -o /dev/null "$URL/api" | grep -ci 'X-Octopus-Node: node3')" = 1 ]
ctl stop node3
check "all nodes stopped: the balancer says 503" [ "$(code "$URL/api")" = 503 ]
check "the feed is still served" [ "$(curl -s "$URL/feed.json" | jq -r .format)" = hoist-feed/1 ]
check "lb-unavailable in the timeline" [ "$(events lb-unavailable)" = 1 ]
ctl start node1
check "one node back: the balancer answers" [ "$(code "$URL/api")" = 200 ]
check "lb-available in the timeline" [ "$(events lb-available)" -ge 2 ]
check "every timeline line is JSON with t and event" \
	[ "$(jq -s '[.[] | select((.t | type) != "number" or (.event | type) != "string")] | length' "$D/timeline.jsonl")" = 0 ]

rep=$("$SANDBOX" report "$D" --json)
check "report: one maintenance window" [ "$(echo "$rep" | jq .maintenance_windows)" = 1 ]
check "report: the balancer's outage" [ "$(echo "$rep" | jq '.lb_outages == 1 and .lb_unavailable_ms > 0')" = true ]
check "report: each node's outage" [ "$(echo "$rep" | jq -c '[.nodes.node1.outages, .nodes.node2.outages, .nodes.node3.outages]')" = "[1,1,1]" ]
check "report: tasks ended" [ "$(echo "$rep" | jq '.tasks_ended > 0')" = true ]
kill "$SERVE_PID"
wait "$SERVE_PID" || true
check "SIGTERM stops serve" [ "$(code "$URL/api")" = 000 ]
finish

#!/bin/sh
# sandbox_journeys.sh: the sandbox for the other journeys: OS patching and reboots, Tentacle
# upgrades per machine with a failing one, health checks and Calamari, a 2.6 server and its
# migration to 3.x.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"

# ---- OS patching: snapshot, patch, reboot, host-up (seed 003) ----
sb_new host --nodes 2 --tentacles 6 --seed 3
"$SANDBOX" config "$D" set reboot=600,tentacle-upgrade=300,task-rate=0
check "snapshot of a running node's host" matches "$(ctl snapshot node2)" 'node2-snap-1$'
check "reboot of a running node: refused" sh -c "'$SANDBOX' ctl '$D' reboot node2 2>/dev/null; [ \$? = 1 ]"
ctl stop node2
out=$(ctl os-patch node2)
check "os-patch says a reboot is required" sh -c "echo '$out' | grep -qx reboot-required"
t0=$(date +%s%N)
ctl reboot node2
t1=$(date +%s%N)
check "reboot returns at once, like shutdown -r" [ $(((t1 - t0) / 1000000)) -lt 500 ]
check "status: the host is down while it reboots" [ "$(ctl status --json | jq '.nodes[1].host_up')" = false ]
check "host-up while rebooting: 1" sh -c "'$SANDBOX' ctl '$D' host-up node2 2>/dev/null; [ \$? = 1 ]"
check "start while the host reboots: refused" sh -c "'$SANDBOX' ctl '$D' start node2 2>&1 | grep -q 'not up'"
check "the host is back after the reboot's duration" wait_for 5 sh -c "'$SANDBOX' ctl '$D' host-up node2 2>/dev/null"
t2=$(date +%s%N)
check "and not before it" [ $(((t2 - t1) / 1000000)) -ge 550 ]
check "start after the reboot" ctl start node2
check "status: the host is up, with its snapshot counted" [ "$(ctl status --json | jq -c '.nodes[1] | [.host_up, .snapshots]')" = "[true,1]" ]
check "timeline: snapshot, os-patch, reboot, host-up" \
	[ "$(events snapshot)/$(events os-patch)/$(events reboot)/$(events host-up)" = 1/1/1/1 ]
"$SANDBOX" fault "$D" set reboot:node1=hang os-patch:node2=fail
ctl stop node2
check "a patch that fails: exit 1" sh -c "'$SANDBOX' ctl '$D' os-patch node2 2>/dev/null; [ \$? = 1 ]"
ctl stop node1
ctl reboot node1
sleep 1
check "a host that does not come back: host-up stays 1" \
	sh -c "'$SANDBOX' ctl '$D' host-up node1 2>&1 | grep -q 'does not answer'"
check "and its service cannot start" sh -c "'$SANDBOX' ctl '$D' start node1 2>/dev/null; [ \$? = 1 ]"
"$SANDBOX" fault "$D" clear

# ---- Tentacles: environments, Upgrade per machine, Health and Calamari ----
sb_new tent --nodes 2 --tentacles 6 --seed 3
"$SANDBOX" config "$D" set tentacle-upgrade=300,task-rate=0,task-ms=200
sb_serve
envs=$(api "$URL/api/Spaces-1/environments/all")
check "three environments by name" [ "$(echo "$envs" | jq -r '[.[].Name] | join(",")')" = Development,Test,Production ]
m=$(api "$URL/api/Spaces-1/machines/all")
check "machines name their environment" [ "$(echo "$m" | jq '[.[].EnvironmentIds[0] | startswith("Environments-")] | all')" = true ]
check "machines say whether Calamari is current" [ "$(echo "$m" | jq '[.[] | has("HasLatestCalamari")] | all')" = true ]
old=$(echo "$m" | jq -c '[.[] | select(.Endpoint.TentacleVersionDetails.UpgradeSuggested) | .Id]')
nold=$(echo "$old" | jq length)
check "some Tentacles are outdated" [ "$nold" -ge 2 ]
bad=$(echo "$m" | jq -r "[.[] | select(.Id == $(echo "$old" | jq '.[0]'))][0].Name")
"$SANDBOX" fault "$D" set "tentacle-upgrade:$bad=fail"
body=$(jq -nc --argjson ids "$old" '{Name:"Upgrade",Description:"Upgrade machines",SpaceId:"Spaces-1",Arguments:{MachineIds:$ids}}')
t=$(api -X POST -d "$body" "$URL/api/Spaces-1/tasks")
tid=$(echo "$t" | jq -r .Id)
check "POST Upgrade: a task" matches "$tid" 'ServerTasks-[0-9]*$'
t0=$(date +%s)
done_() { [ "$(api "$URL/api/tasks/$tid" | jq .IsCompleted)" = true ]; }
wait_for 20 done_
t1=$(date +%s)
task=$(api "$URL/api/tasks/$tid")
check "the task takes time per machine" [ $((t1 - t0)) -ge $((nold * 300 / 1000 - 1)) ]
check "one failing machine fails the task" [ "$(echo "$task" | jq -r .State)" = Failed ]
check "its error names the machine" sh -c "echo '$(echo "$task" | jq -r .ErrorMessage)' | grep -q '$bad'"
m=$(api "$URL/api/Spaces-1/machines/all")
check "the failing machine keeps its version" [ "$(echo "$m" | jq -r ".[] | select(.Name == \"$bad\") | .Endpoint.TentacleVersionDetails.UpgradeSuggested")" = true ]
check "the others were upgraded" [ "$(echo "$m" | jq "[.[] | select(.Endpoint.TentacleVersionDetails.UpgradeSuggested)] | length")" = 1 ]
check "timeline: one upgrade per machine" [ "$(events tentacle-upgrade)/$(events tentacle-upgrade-failed)" = "$((nold - 1))/1" ]
"$SANDBOX" fault "$D" clear
check "an unknown environment: 400" [ "$(code -X POST -H "@$HDR" -d '{"Name":"Health","Arguments":{"EnvironmentId":"Environments-9"}}' "$URL/api/tasks")" = 400 ]
t=$(api -X POST -d '{"Name":"Health","Arguments":{"EnvironmentId":"Environments-1"}}' "$URL/api/Spaces-1/tasks")
tid=$(echo "$t" | jq -r .Id)
wait_for 20 done_
check "Health of one environment succeeds" [ "$(api "$URL/api/tasks/$tid" | jq -r .State)" = Success ]
m=$(api "$URL/api/Spaces-1/machines/all")
check "it updates Calamari there (Tentacles from 6.0)" [ "$(echo "$m" | jq '[.[] | select(.EnvironmentIds[0] == "Environments-1" and (.Endpoint.TentacleVersionDetails.Version | split(".")[0] | tonumber) >= 6) | .HasLatestCalamari] | all')" = true ]

# ---- A 2.6 server and the migration to 3.x (seed 002) ----
sb_new legacy --nodes 1 --tentacles 3 --version 2.6.5 --feed-to 3.2.1 --seed 5
"$SANDBOX" config "$D" set migrate=400
sb_serve
root=$(curl -s "$URL/api")
check "a 2.6 server: Version 2.6.5" [ "$(echo "$root" | jq -r .Version)" = 2.6.5 ]
check "its API is 2.x" [ "$(echo "$root" | jq -r .ApiVersion)" = 2.0.0 ]
check "and has no cluster" [ "$(echo "$root" | jq '.Links | has("OctopusServerClusterSummary")')" = false ]
check "no node summary on 2.x: 404" [ "$(code -H "@$HDR" "$URL/api/octopusservernodes/summary")" = 404 ]
check "2.x Tentacles" [ "$(api "$URL/api/machines/all" | jq -r '[.[].Endpoint.TentacleVersionDetails.Version] | unique | join(",")')" = 2.6.5 ]
ctl db-backup "$D/octopus-2.6.bak"
ctl stop node1
check "migrate on 2.6: refused" sh -c "'$SANDBOX' ctl '$D' migrate node1 2>/dev/null; [ \$? = 1 ]"
ctl install node1 3.2.1
check "db-upgrade of 2.x data: refused, use the migrator" \
	sh -c "'$SANDBOX' ctl '$D' db-upgrade node1 2>&1 | grep -q migrator"
check "a bad maxage: 2" sh -c "'$SANDBOX' ctl '$D' migrate node1 maxage=x 2>/dev/null; [ \$? = 2 ]"
"$SANDBOX" fault "$D" set migrate=half
check "a migration that fails half-way: 1" sh -c "'$SANDBOX' ctl '$D' migrate node1 maxage=90 2>/dev/null; [ \$? = 1 ]"
check "leaves a partial schema" [ "$(ctl status --json | jq -r .schema)" = 3.2-partial ]
"$SANDBOX" fault "$D" clear
ctl db-restore "$D/octopus-2.6.bak"
t0=$(date +%s%N)
out=$(ctl migrate node1 maxage=90)
t1=$(date +%s%N)
check "the migration takes its time" [ $(((t1 - t0) / 1000000)) -ge 400 ]
check "and says how much history it kept" sh -c "echo '$out' | grep -q 'history kept: 90 days'"
check "the schema is 3.2" [ "$(ctl status --json | jq -r .schema)" = 3.2 ]
check "maxage in the timeline" [ "$(jq -r 'select(.event == "migrate") | .maxage' "$D/timeline.jsonl" | tail -n 1)" = 90 ]
check "3.2.1 starts on the migrated data" ctl start node1
check "and serves a 3.x API" [ "$(curl -s "$URL/api" | jq -r .ApiVersion)" = 3.0.0 ]
m=$(api "$URL/api/machines/all")
check "the 2.6 Tentacles must be upgraded for 3.x" [ "$(echo "$m" | jq '[.[].Endpoint.TentacleVersionDetails.UpgradeRequired] | all')" = true ]
t=$(api -X POST -d '{"Name":"Upgrade","Arguments":{"MachineIds":null}}' "$URL/api/tasks")
tid=$(echo "$t" | jq -r .Id)
wait_for 20 done_
t=$(api -X POST -d '{"Name":"Health","Arguments":{}}' "$URL/api/tasks")
tid=$(echo "$t" | jq -r .Id)
wait_for 20 done_
check "a health check of 2.x Tentacles fails on 3.x" sh -c "echo '$(api "$URL/api/tasks/$tid" | jq -r .ErrorMessage)' | grep -q 'cannot talk to Octopus Server 3.2.1'"
t=$(api -X POST -d '{"Name":"Upgrade","Arguments":{"MachineIds":null}}' "$URL/api/tasks")
tid=$(echo "$t" | jq -r .Id)
wait_for 20 done_
check "the server cannot upgrade a 2.x Tentacle" sh -c "echo '$(api "$URL/api/tasks/$tid" | jq -r .ErrorMessage)' | grep -q 'install the Tentacle 3.x MSI'"
check "tentacle-install of an unknown machine: 2" sh -c "'$SANDBOX' ctl '$D' tentacle-install nobody 3.2.1 2>/dev/null; [ \$? = 2 ]"
check "the Tentacle 3.x MSI by hand" ctl tentacle-install all 3.2.1
t=$(api -X POST -d '{"Name":"Health","Arguments":{}}' "$URL/api/tasks")
tid=$(echo "$t" | jq -r .Id)
wait_for 20 done_
check "then the health check succeeds" [ "$(api "$URL/api/tasks/$tid" | jq -r .State)" = Success ]
check "and every target is current" [ "$(api "$URL/api/machines/all" | jq '[.[] | select(.Endpoint.TentacleVersionDetails.UpgradeSuggested)] | length')" = 0 ]
finish

#!/bin/sh
# window-baseline.sh: the vendor's documented sequence (seed 000: maintenance on, drain
# and wait for tasks, stop, install, upgrade the database, start, undrain, maintenance
# off) as a plain script: curl against the API, hoist-sandbox ctl for the node actions,
# node by node. The baseline of bench/window.sh. Usage: window-baseline.sh SANDBOX DIR VERSION
# Prints "stop-issued NODE MS" for each node (ms since the epoch) on standard output.
set -eu
SANDBOX=$1 D=$2 V=$3
URL=$(cat "$D/url")
HDR="$D/bench.hdr"
(umask 077; printf 'X-Octopus-ApiKey: %s\n' "$(cat "$D/api-key")" > "$HDR")
api() { curl -sf -H "@$HDR" "$@"; }
nodes=$("$SANDBOX" ctl "$D" status --json | jq -r '.nodes[] | "\(.role) \(.name)"' |
	sort -r | awk '{print $2}')   # primary first: the seed's HAServer-Primary
primary=$(echo "$nodes" | head -n 1)

api -X PUT -d '{"Id": "maintenance", "IsInMaintenanceMode": true}' \
	"$URL/api/maintenanceconfiguration" >/dev/null
for n in $nodes; do
	api -X PUT -d '{"IsInMaintenanceMode": true}' \
		"$URL/api/octopusservernodes/OctopusServerNodes-$n" >/dev/null
	# "Wait for any remaining Octopus Tasks to complete": the usual one-second poll.
	while [ "$(api "$URL/api/tasks?active=true&node=$n&take=0" | jq .TotalResults)" != 0 ]; do
		sleep 1
	done
	echo "stop-issued $n $(date +%s%3N)"
	"$SANDBOX" ctl "$D" stop "$n" >/dev/null
done
"$SANDBOX" ctl "$D" db-backup "$D/baseline.bak" >/dev/null
for n in $nodes; do "$SANDBOX" ctl "$D" install "$n" "$V" >/dev/null; done
"$SANDBOX" ctl "$D" db-upgrade "$primary" >/dev/null
for n in $nodes; do "$SANDBOX" ctl "$D" start "$n" >/dev/null; done
for n in $nodes; do
	api -X PUT -d '{"IsInMaintenanceMode": false}' \
		"$URL/api/octopusservernodes/OctopusServerNodes-$n" >/dev/null
done
api -X PUT -d '{"Id": "maintenance", "IsInMaintenanceMode": false}' \
	"$URL/api/maintenanceconfiguration" >/dev/null
rm -f "$HDR"

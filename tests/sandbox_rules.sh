#!/bin/sh
# sandbox_rules.sh: the vendor's rules for stop, start, install, database upgrade and restore.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
plan 72

sb_new rules --nodes 2 --roles primary,router --seed 3 --package-size 4096
sb_serve
n1=$(node_url node1)
n2=$(node_url node2)

# What init made.
check "api-key is mode 0600" [ "$(stat -c %a "$D/api-key")" = 600 ]
check "api-key looks like a key" matches "$(cat "$D/api-key")" 'API-[A-Z0-9]\{32\}$'
check "roles as given" [ "$(ctl status --json | jq -r '[.nodes[].role] | join(",")')" = primary,router ]
check "hoist.conf names the served URL" grep -qx "url = $URL" "$D/hoist.conf"
check "hoist.conf names the feed" grep -qx "source = $URL/feed.json" "$D/hoist.conf"
check "hoist.conf has a section per node" [ "$(grep -c '^\[node "' "$D/hoist.conf")" = 2 ]
check "hoist.conf uses the sandbox profile" grep -qx "profile = sandbox" "$D/hoist.conf"
check "a node section carries the node's URL" grep -qx "url = $n2" "$D/hoist.conf"
feed=$(curl -s "$URL/feed.json")
check "the feed goes two minors up by default" [ "$(echo "$feed" | jq -r '.releases[-1].version')" = 2024.3.1 ]
check "the feed has breaking, dependency and security notes" \
	[ "$(echo "$feed" | jq '[.releases[].notes[].kind] | (index("breaking") != null) and (index("dependency") != null) and (index("security") != null)')" = true ]
check "the last line requires a stop" [ "$(echo "$feed" | jq -r '.releases[-1].upgrade_from')" = 2024.2.0 ]
purl=$(echo "$feed" | jq -r '.releases[] | select(.version == "2024.2.0") | .packages[0].url')
psha=$(echo "$feed" | jq -r '.releases[] | select(.version == "2024.2.0") | .packages[0].sha256')
curl -s -o "$TMPROOT/pkg" "$purl"
check "a package is served with the feed's size" [ "$(stat -c %s "$TMPROOT/pkg")" = 4096 ]
check "and the feed's SHA-256" [ "$(sha256sum "$TMPROOT/pkg" | cut -d' ' -f1)" = "$psha" ]
check "master key is 128 bits of base64" [ "$(ctl show-master-key | base64 -d | wc -c)" = 16 ]
check "the master key decrypts the canary" sh -c "'$SANDBOX' ctl '$D' show-master-key | '$SANDBOX' ctl '$D' check-master-key"
check "another key does not" sh -c "head -c 16 /dev/urandom | base64 | '$SANDBOX' ctl '$D' check-master-key 2>/dev/null; [ \$? = 1 ]"

# Stop and start really close and open the port.
check "stop node2" ctl stop node2
check "a stopped node refuses connections" [ "$(code "$n2/api/octopusservernodes/ping")" = 000 ]
check "the summary shows it offline" \
	[ "$(curl -s -H "@$HDR" "$URL/api/octopusservernodes/summary" | jq '.Nodes[1].IsOffline')" = true ]
check "start node2" ctl start node2
check "a started node answers again" [ "$(code "$n2/api/octopusservernodes/ping")" = 200 ]

# Drain and maintenance from the command line, as a profile may do them.
check "ctl drain" ctl drain node1
check "the ping says 418" [ "$(code "$n1/api/octopusservernodes/ping")" = 418 ]
check "ctl undrain" ctl undrain node1
check "the ping says 200" [ "$(code "$n1/api/octopusservernodes/ping")" = 200 ]
check "ctl maintenance on" ctl maintenance on
check "the API reports it" [ "$(curl -s -H "@$HDR" "$URL/api/maintenanceconfiguration" | jq .IsInMaintenanceMode)" = true ]
check "ctl maintenance off" ctl maintenance off
check "ctl maintenance maybe: 2" sh -c "'$SANDBOX' ctl '$D' maintenance maybe 2>/dev/null; [ \$? = 2 ]"

# Install refuses while the node runs.
ctl install node2 2024.2.0 2>"$TMPROOT/err" && rc=0 || rc=$?
check "install while running: refused" [ "$rc" = 1 ]
check "the refusal says why" grep -q "is running" "$TMPROOT/err"
ctl install node2 2099.1.0 2>/dev/null && rc=0 || rc=$?
check "install of a version not in the feed: refused" [ "$rc" = 1 ]
check "usage errors exit 2" sh -c "'$SANDBOX' ctl '$D' install node2 2>/dev/null; [ \$? = 2 ]"
check "unknown node: 1" sh -c "'$SANDBOX' ctl '$D' stop node9 2>/dev/null; [ \$? = 1 ]"
ctl stop node2
check "install when stopped" ctl install node2 2024.2.0
check "the node reports the new version" [ "$(ctl status --json | jq -r '.nodes[1].version')" = 2024.2.0 ]
ctl start node2 2>"$TMPROOT/err" && rc=0 || rc=$?
check "start against an older schema: refused" [ "$rc" = 1 ]
check "os-patch of a running node: refused" sh -c "'$SANDBOX' ctl '$D' os-patch node1 2>/dev/null; [ \$? = 1 ]"
check "os-patch of a stopped node" ctl os-patch node2
check "os-patch is counted" [ "$(ctl status --json | jq '.nodes[1].os_patches')" = 1 ]

# The database upgrade: only with every other node stopped.
ctl db-upgrade node2 2>"$TMPROOT/err" && rc=0 || rc=$?
check "db-upgrade while another node runs: refused" [ "$rc" = 1 ]
check "worded like the vendor" grep -q "As of 2023.2.9755, a database upgrade will abort" "$TMPROOT/err"
check "back up the database" ctl db-backup "$TMPROOT/before.db"
check "the backup is private" [ "$(stat -c %a "$TMPROOT/before.db")" = 600 ]
hash0=$(ctl status --json | jq -r .data_sha256)
ctl stop node1
check "db-upgrade with the others stopped" ctl db-upgrade node2
check "the schema follows the version" [ "$(ctl status --json | jq -r .schema)" = 2024.2 ]
check "the migration leaves the data rows as they were" [ "$(ctl status --json | jq -r .data_sha256)" = "$hash0" ]
ctl start node1 2>"$TMPROOT/err" && rc=0 || rc=$?
check "an old node against a newer schema: refused" [ "$rc" = 1 ]
check "saying the schema is newer" grep -q "newer" "$TMPROOT/err"
check "the new node starts" ctl start node2
check "GET /api on the node reports the new version" [ "$(curl -s "$n2/api" | jq -r .Version)" = 2024.2.0 ]

# A patch changes no schema; a required stop cannot be skipped.
ctl stop node2
ctl install node2 2024.2.1
check "db-upgrade for a patch changes nothing" ctl db-upgrade node2
check "schema stays 2024.2" [ "$(ctl status --json | jq -r .schema)" = 2024.2 ]

# Restore: refused while a node runs, then a round trip that loses nothing.
ctl start node2
check "restore while a node runs: refused" sh -c "'$SANDBOX' ctl '$D' db-restore '$TMPROOT/before.db' 2>/dev/null; [ \$? = 1 ]"
ctl stop node2
# Lose a row behind the sandbox's back: the digest must notice, and the restore undo it.
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM Deployment WHERE rowid = (SELECT MIN(rowid) FROM Deployment)"); c.commit()' "$D/octopus.db"
check "a lost row changes data_sha256" [ "$(ctl status --json | jq -r .data_sha256)" != "$hash0" ]
check "restore with every node stopped" ctl db-restore "$TMPROOT/before.db"
check "restore brings the data back exactly" [ "$(ctl status --json | jq -r .data_sha256)" = "$hash0" ]
check "and the schema" [ "$(ctl status --json | jq -r .schema)" = 2024.1 ]
check "restore of something else: refused" sh -c "echo junk > '$TMPROOT/junk'; '$SANDBOX' ctl '$D' db-restore '$TMPROOT/junk' 2>/dev/null; [ \$? = 1 ]"
ctl install node1 2024.3.1
ctl db-upgrade node1 2>"$TMPROOT/err" && rc=0 || rc=$?
check "skipping a required stop: refused" [ "$rc" = 1 ]
check "naming the stop" grep -q "2024.2.0" "$TMPROOT/err"
check "timeline: install, schema, node-up, node-down, db-backup, db-restore, os-patch" \
	[ "$(for e in install schema node-up node-down db-backup db-restore os-patch; do [ "$(events $e)" -gt 0 ] && echo y; done | wc -l)" = 7 ]

# A node port taken by someone else: the node moves, and hoist.conf follows.
kill "$SERVE_PID"
wait "$SERVE_PID" || true
"$SANDBOX" init "$TMPROOT/squatter" >/dev/null
taken=$(node_url node2 | sed 's/.*://')
"$SANDBOX" serve "$TMPROOT/squatter" --port "$taken" >/dev/null 2>&1 &
squat=$!
cleanup_add "kill $squat"
wait_for 5 test -s "$TMPROOT/squatter/url"
ctl install node2 2024.1.2
ctl start node2
sb_serve
moved=$(node_url node2)
check "a node whose port is taken listens elsewhere" [ "${moved##*:}" != "$taken" ]
check "hoist.conf names the new port" grep -qx "url = $moved" "$D/hoist.conf"
check "and it answers there" [ "$(curl -s "$moved/api/octopusservernodes/ping" | jq -r .Name)" = node2 ]
kill "$squat"

# init options.
sb_new opts --nodes 1 --version 2023.4.5 --feed-to 2024.1.2 --durations install=7,task-rate=0
check "--durations sets a duration" sh -c "'$SANDBOX' config '$D' show | grep -qx install=7"
check "--version sets the schema" [ "$(ctl status --json | jq -r .schema)" = 2023.4 ]
check "a feed across a major version" [ "$(jq -r '.releases[-1].version' "$D/feed.json")" = 2024.1.2 ]
check "one node is the primary" [ "$(ctl status --json | jq -r '.nodes[0].role')" = primary ]
check "init refuses an existing sandbox" sh -c "'$SANDBOX' init '$D' 2>/dev/null; [ \$? = 1 ]"
check "init refuses a feed older than the version" sh -c "'$SANDBOX' init '$TMPROOT/x' --version 2024.2.0 --feed-to 2024.1.0 2>/dev/null; [ \$? = 2 ]"
check "init refuses more roles than nodes" sh -c "'$SANDBOX' init '$TMPROOT/y' --nodes 1 --roles a,b 2>/dev/null; [ \$? = 2 ]"
finish

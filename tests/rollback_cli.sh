#!/bin/sh
# rollback_cli.sh: hoist rollback and hoist downgrade: usage, refusals, a downgrade end to end.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
plan 17

command -v jq >/dev/null || { echo "1..0 # SKIP jq is missing"; exit 77; }

sb_new cli --nodes 2 --version 2024.1.2 --feed-to 2024.2.3 \
	--durations stop=1,start=1,install=1,db-upgrade=1,db-backup=1,db-restore=1,task-rate=0
sb_serve
conf="$D/hoist.conf"
h() { "$HOIST" --config "$conf" "$@"; }
rc() { _rc=0; "$@" >"$TMPROOT/out" 2>"$TMPROOT/err" || _rc=$?; echo $_rc; }

check "--guide and --run together are a usage error" [ "$(rc h rollback --guide --run)" = 2 ]
check "--yes without --run is a usage error" [ "$(rc h rollback --yes)" = 2 ]
check "a malformed run id is a usage error" [ "$(rc h rollback --guide --run-id ../x)" = 2 ]
check "downgrade without --to is a usage error" [ "$(rc h downgrade)" = 2 ]
check "no run yet: nothing to roll back" [ "$(rc h rollback --guide)" = 1 ]
check "... and it says so" grep -q "nothing to roll back" "$TMPROOT/err"

before=$(ctl status --json | jq -r .data_sha256)
check "the upgrade to 2024.2.1 succeeds" [ "$(rc h upgrade --to 2024.2.1 --yes)" = 0 ]
check "a downgrade across a minor version without a backup at it is refused" \
	[ "$(rc h downgrade --to 2024.1.1 --yes)" = 1 ]
check "... naming the backup that exists" grep -q "taken at 2024.1.2" "$TMPROOT/err"
check "without --yes and a terminal, downgrade shows the steps and changes nothing" \
	[ "$(rc h downgrade --to 2024.1.2 </dev/null)" = 2 ]
check "... the steps include the restore" grep -q "restore the database" "$TMPROOT/out"
check "... nothing changed" [ "$(ctl status --json | jq -r '.nodes[0].version')" = 2024.2.1 ]
check "downgrade --to 2024.1.2 --yes succeeds" [ "$(rc h downgrade --to 2024.1.2 --yes)" = 0 ]
st=$(ctl status --json)
check "every node runs 2024.1.2 again" \
	[ "$(printf '%s' "$st" | jq -r '[.nodes[] | select(.version == "2024.1.2" and .running and (.drained | not))] | length')" = 2 ]
check "maintenance mode is off" [ "$(printf '%s' "$st" | jq -r .maintenance)" = false ]
check "the data is the backup's" [ "$(printf '%s' "$st" | jq -r .data_sha256)" = "$before" ]
check "the downgrade is a run with its own journal" \
	[ "$(ls "$D/hoist-state/runs" | wc -l)" -eq 2 ]
finish

# rollback_lib.sh: one failure case against a real sandbox: upgrade, guide, rollback, check.
# Sourced after lib.sh and sandbox_lib.sh.

# The versions of each kind: FROM, TO, and the feed's newest release.
kind_versions() {
	case $1 in
	patch) echo "2024.1.2 2024.1.3 2024.1.5" ;;
	minor) echo "2024.1.2 2024.2.1 2024.2.3" ;;
	major) echo "2024.4.1 2025.0.3 2025.0.3" ;;
	esac
}

# rb_case KIND NODES FAIL [STRATEGY]: runs one case in $TMPROOT/KIND-NODES-FAIL; every
# line it prints is "ok - ..." or "FAIL - ..." (collected by the caller).
rb_case() (
	kind=$1 nodes=$2 failing=$3 strategy=${4:-auto}
	set -- $(kind_versions "$kind")
	from=$1 to=$2 feed_to=$3
	name="$kind-$nodes-$failing-$strategy"
	roles=primary
	[ "$nodes" -eq 3 ] && roles=primary,base,base
	sb_new "$name" --nodes "$nodes" --roles "$roles" --version "$from" --feed-to "$feed_to" \
		--durations stop=1,start=1,install=1,db-upgrade=1,db-backup=1,db-restore=1,task-rate=0
	set +e
	sb_serve
	trap 'kill $SERVE_PID 2>/dev/null; wait $SERVE_PID 2>/dev/null' EXIT
	conf="$D/hoist.conf"
	before=$(ctl status --json | jq -r .data_sha256)
	ctl show-master-key node1 >"$D/key.saved"
	chmod 600 "$D/key.saved"
	# The failing step: on node1 (the primary, upgraded last in a cluster) where it is per node.
	case $failing in
	stage) printf 'corrupt' >"$D/packages/octopus-sandbox-$to.pkg" ;;
	backup-db) "$SANDBOX" fault "$D" set db-backup=fail >/dev/null ;;
	drain) "$SANDBOX" fault "$D" set "drain:node1=fail" >/dev/null ;;
	stop) "$SANDBOX" fault "$D" set "stop:node1=fail" >/dev/null ;;
	install) "$SANDBOX" fault "$D" set "install:node1=fail" >/dev/null ;;
	db-upgrade) "$SANDBOX" fault "$D" set "db-upgrade@$to=fail" >/dev/null ;;
	db-upgrade-half) "$SANDBOX" fault "$D" set "db-upgrade@$to=half" >/dev/null ;;
	start) "$SANDBOX" fault "$D" set "start@$to:node1=fail" >/dev/null ;;
	esac
	rc=0
	# A major upgrade is held back by the default policy and needs the file-storage copy.
	guard=
	[ "$kind" = major ] && guard="--override matrix --waive file-storage=sandbox"
	"$HOIST" --config "$conf" upgrade --to "$to" --strategy "$strategy" --yes $guard \
		>"$D/upgrade.out" 2>"$D/upgrade.err" || rc=$?
	# The point of no return: the database upgrade, which a rolling patch does not have.
	pnr=no
	case $failing in db-upgrade*|start) [ "$strategy" != rolling ] && pnr=yes ;; esac
	want=1
	[ $pnr = yes ] && want=4
	if [ "$rc" -eq "$want" ]; then ok "$name: upgrade exits with $want"
	else fail "$name: upgrade exits with $rc, not $want: $(tail -n 2 "$D/upgrade.err")"; fi
	run=$(ls "$D/hoist-state/runs" | head -n 1)
	guide_json=$("$HOIST" --config "$conf" rollback --guide --json 2>&1) || true
	restores=$(printf '%s' "$guide_json" | jq '[.steps[] | select(.step == "db-restore")] | length')
	keys=$(printf '%s' "$guide_json" | jq '[.steps[] | select(.step == "master-key-restore")] | length')
	want_restore=0
	[ $pnr = yes ] && [ "$kind" != patch ] && want_restore=1
	want_keys=0
	[ $want_restore = 1 ] && [ "$kind" = major ] && want_keys=1
	if [ "$restores" = "$want_restore" ] && [ "$keys" = "$want_keys" ]; then
		ok "$name: the guide restores the database $want_restore time(s), the master key $want_keys"
	else
		fail "$name: the guide has $restores db-restore and $keys master-key-restore steps"
	fi
	if [ $pnr = yes ]; then
		"$HOIST" --config "$conf" rollback --guide --run-id "$run" >"$D/guide.again"
		if grep -q "^Rollback guide for run $run" "$D/upgrade.out" &&
		   cmp -s "$D/hoist-state/runs/$run/guide.txt" "$D/guide.again"; then
			ok "$name: the guide is printed and saved as guide.txt"
		else
			fail "$name: the guide was not printed or not saved"
		fi
		if [ "$want_restore" = 1 ]; then
			backup=$(printf '%s' "$guide_json" | jq -r '.backups[] | select(.item == "database") | .path')
			if grep -q "will be lost" "$D/upgrade.out" && grep -qF "$backup" "$D/upgrade.out"; then
				ok "$name: the data-loss warning and the backup are in the guide"
			else
				fail "$name: no data-loss warning or backup path in the guide"
			fi
		elif grep -q "will be lost" "$D/upgrade.out"; then
			fail "$name: a data-loss warning where nothing is restored"
		else
			ok "$name: no data-loss warning where nothing is restored"
		fi
	fi
	"$SANDBOX" fault "$D" clear >/dev/null
	rc=0
	"$HOIST" --config "$conf" rollback --run --yes >"$D/rollback.out" 2>"$D/rollback.err" || rc=$?
	if [ "$rc" -eq 0 ]; then ok "$name: rollback --run succeeds"
	else fail "$name: rollback --run exits with $rc: $(tail -n 2 "$D/rollback.err")"; fi
	st=$(ctl status --json)
	bad=$(printf '%s' "$st" | jq -r --arg v "$from" \
		'[.nodes[] | select(.version != $v or .running != true or .drained != false) | .name] | join(",")')
	if [ -z "$bad" ] && [ "$(printf '%s' "$st" | jq -r .maintenance)" = false ]; then
		ok "$name: every node runs $from, undrained, maintenance off"
	else
		fail "$name: after the rollback: $(printf '%s' "$st" | jq -c '{maintenance, nodes: [.nodes[] | {name, version, running, drained}]}')"
	fi
	if [ "$(printf '%s' "$st" | jq -r .data_sha256)" = "$before" ]; then
		ok "$name: the data is as before the upgrade"
	else
		fail "$name: data_sha256 changed (schema $(printf '%s' "$st" | jq -r .schema))"
	fi
	if ctl check-master-key <"$D/key.saved" >/dev/null 2>&1; then
		ok "$name: the saved master key still decrypts the canary"
	else
		fail "$name: the saved master key no longer decrypts the canary"
	fi
)

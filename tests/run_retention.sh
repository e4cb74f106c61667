# run_retention.sh: keep_runs never costs a way back: after many dry and real runs the
# newest database backup and master key of every version the server ran are still there,
# dry runs do not push real runs out, hoist runs shows kind, outcome and size, hoist prune
# shows what it frees before it removes anything, and a downgrade still finds its backup.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

run_sb keep --nodes 1 --version 2024.1.2 --feed-to 2024.3.1
sed -i 's/^\[upgrade\]$/[upgrade]\nkeep_runs = 2/' "$CONF"
jqt() { jq -e "$@" >/dev/null 2>&1; }

h backup >/dev/null 2>&1
h backup >/dev/null 2>&1
h upgrade --to 2024.2.1 --yes >/dev/null 2>&1
for i in 1 2 3 4 5; do h upgrade --to 2024.2.3 --dry-run >/dev/null 2>&1; done
out=$(h plan --to 2024.2.3 --json)
check "a patch plan takes no estimate from the minor run (no comparable run)" \
	sh -c '[ "$(printf "%s" "$1" | jq .window_estimate_ms)" = -1 ]' _ "$out"
h upgrade --to 2024.2.3 --yes >/dev/null 2>&1
h plan --to 2024.3.1 --json >"$TMPROOT/p3.json"
src=$(jq -r '.window_estimate_run // empty' "$TMPROOT/p3.json")
if [ -n "$src" ]; then
	check "the estimate's source run has the same kind (minor), not the newer patch run" \
		jqt '.kind == "minor"' "$HOIST_STATE_DIR/runs/$src/plan.json"
else
	check "no estimate rather than one from another kind" jqt '.window_estimate_ms == -1' "$TMPROOT/p3.json"
fi
check "the text names comparable runs" sh -c '"$1" --config "$2" plan --to 2024.3.1 | grep -q "Window estimate: .*comparable runs\|Window estimate: no estimate"' _ "$HOIST" "$CONF"
for i in 1 2 3 4; do h upgrade --to 2024.3.1 --dry-run >/dev/null 2>&1; done
h upgrade --to 2024.3.1 --yes >/dev/null 2>&1
check "the three upgrades ended well" [ "$(st .nodes[0].version)" = 2024.3.1 ]
h runs --json >"$TMPROOT/runs.json"
for v in 2024.1.2 2024.2.1 2024.2.3; do
	check "the newest database backup of $v is kept" \
		jqt --arg v "$v" 'any(.runs[]; .db_backup and .from == $v and .kept)' "$TMPROOT/runs.json"
	check "and so is the master key of $v" \
		jqt --arg v "$v" 'any(.runs[]; .master_key and .from == $v and .kept)' "$TMPROOT/runs.json"
done
check "dry runs did not push real runs out: every upgrade is still there" \
	jqt '[.runs[] | select(.dry_run | not) | select(.kind == "minor" or .kind == "patch")] | length == 3' "$TMPROOT/runs.json"
check "only keep_runs dry runs are left" jqt '[.runs[] | select(.dry_run)] | length == 2' "$TMPROOT/runs.json"
out=$(h runs)
check "hoist runs names kind, outcome and size" matches "$out" '.*minor 2024\.2\.3 to 2024\.3\.1 *\(ok\|done\) *[0-9.]* kB'
check "hoist runs names the dry runs as such" matches "$out" '.*dry run 2024\.2\.3 to 2024\.3\.1'
check "hoist runs says why a backup is kept" matches "$out" '.*kept: the newest database backup of its version (2024\.1\.2)'

# One more backup at the running version: the older backup runs of 2024.1.2 can go now.
h backup >/dev/null 2>&1
h backup >/dev/null 2>&1
before=$(runs)
out=$(h prune --keep 1)
check "prune without --yes shows what it would free" matches "$out" '.*This would free [0-9.]* [kM]B'
check "and removes nothing" [ "$(runs)" = "$before" ]
h prune --keep 1 --yes >"$TMPROOT/prune.out"
check "prune --yes removes and says how much" grep -q 'freed' "$TMPROOT/prune.out"
h runs --json >"$TMPROOT/after.json"
for v in 2024.1.2 2024.2.1 2024.2.3 2024.3.1; do
	check "after prune the newest backup of $v is still there" \
		jqt --arg v "$v" 'any(.runs[]; .db_backup and .from == $v)' "$TMPROOT/after.json"
done
check "no dry run is left beyond keep 1" jqt '[.runs[] | select(.dry_run)] | length <= 1' "$TMPROOT/after.json"
check "the running version's installer is kept" jqt 'any(.packages[]; .version == "2024.3.1")' "$TMPROOT/after.json"

rc=0; h downgrade --to 2024.1.2 --yes >"$TMPROOT/down.out" 2>&1 || rc=$?
check "a downgrade to the first version still finds its backup and ends well" \
	[ "$rc/$(st .nodes[0].version)" = "0/2024.1.2" ]
[ "$rc" = 0 ] || sed 's/^/  /' "$TMPROOT/down.out"
finish

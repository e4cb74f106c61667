#!/bin/sh
# rollback_matrix.sh: every failing step × kind × one and three nodes, against real
# sandboxes: the exit code, the guide's steps, and the server after hoist rollback --run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/rollback_lib.sh"

command -v jq >/dev/null || { echo "1..0 # SKIP jq is missing"; exit 77; }

# Cases run in parallel, a few at a time; each has its own sandbox, port and state.
jobs=0
start_case() {
	rb_case "$@" >"$TMPROOT/result.$(echo "$*" | tr ' ' '-')" 2>&1 &
	jobs=$((jobs + 1))
	if [ $jobs -ge 8 ]; then wait; jobs=0; fi
}
for nodes in 1 3; do
	for kind in minor major; do
		for f in stage backup-db drain stop install db-upgrade db-upgrade-half start; do
			start_case $kind $nodes $f
		done
	done
	# A patch is rolled one node at a time: no database upgrade, no point of no return.
	for f in stage backup-db drain stop install start; do
		start_case patch $nodes $f rolling
	done
	# All at once, past a patch's database upgrade (which changes no schema and which
	# the sandbox cannot fail): reinstall only.
	start_case patch $nodes start all-at-once
done
wait
for r in "$TMPROOT"/result.*; do
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"FAIL - "*) fail "${line#FAIL - }" ;;
		*) echo "# $line" ;;
		esac
	done <"$r"
done
finish

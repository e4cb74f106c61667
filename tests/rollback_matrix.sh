#!/bin/sh
# rollback_matrix.sh: every failing step × kind × one and three nodes, against real
# sandboxes: the exit code, the guide's steps, and the server after hoist rollback --run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/rollback_lib.sh"

command -v jq >/dev/null || { echo "1..0 # SKIP jq is missing"; exit 77; }

# 46 cases: 2 node counts × (8 failing steps × 2 kinds + 6 rolled patch steps + 1 patch
# all at once). Each makes 6 checks, 8 past the point of no return (14 cases), and one
# more here: that it ran to its end. 32 × 7 + 14 × 9 = 350.
plan 350

# Cases run in parallel, a few at a time; each has its own sandbox, port and state, and
# leaves its exit status after its lines, so a case that dies in its set-up is a failure.
jobs=0
start_case() {
	# (set -e again inside: a case's set-up stops at its first error.)
	(set +e; (set -e; rb_case "$@"); echo "exit $?") >"$TMPROOT/result.$(echo "$*" | tr ' ' '-')" 2>&1 &
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
	name=${r##*/result.}
	# The checks a case makes: 8 past the point of no return (a database upgrade or the
	# start after it, unless rolled), 6 before it.
	case $name in
	*-rolling) want=6 ;;
	*-db-upgrade*|*-start*) want=8 ;;
	*) want=6 ;;
	esac
	n=0 status=none
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }"; n=$((n + 1)) ;;
		"FAIL - "*) fail "${line#FAIL - }"; n=$((n + 1)) ;;
		"exit "*) status=${line#exit } ;;
		*) echo "# $line" ;;
		esac
	done <"$r"
	if [ "$status" = 0 ] && [ $n -eq $want ]; then ok "$name: the case ran to its end ($n checks)"
	else fail "$name: the case ended with status $status after $n of $want checks"; fi
done
finish

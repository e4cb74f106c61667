#!/bin/sh
# valgrind.sh: no memory definitely lost on the paths the sanitizers cannot see in a
# normal build: the sample feed read after a JSON render, the sandbox's error path.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed"
	exit 77
fi
if grep -qa '__asan_init' "$HOIST"; then
	echo "SKIP: a sanitizer build (LeakSanitizer checks it instead)"
	exit 77
fi
VG="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
SAMPLE="$top_srcdir/data/sample-feed.json"

run $VG "$HOIST" versions --current 2024.1.0 --feed "$SAMPLE" --json
check "versions --json on the sample feed: no leak, no error (exit $RC)" [ "$RC" -eq 0 ]
run $VG "$HOIST" notes --from 2024.1.0 --to 2024.3.1 --feed "$SAMPLE" --json
check "notes --json on the sample feed: no leak, no error (exit $RC)" [ "$RC" -eq 0 ]
run $VG "$SANDBOX" serve "$TMPROOT/not-a-sandbox"
if [ "$RC" -ne 99 ] && [ "$RC" -ne 0 ]; then
	ok "hoist-sandbox serve on a folder that is no sandbox: an error, no leak (exit $RC)"
else
	fail "hoist-sandbox serve on a folder that is no sandbox: exit $RC"
	sed 's/^/  /' "$ERR"
fi
# The unit test that reads the sample feed after JSON renders, in one process.
run env CK_FORK=no $VG "$top_builddir/tests/check_json"
check "check_json under valgrind: no leak, no error (exit $RC)" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/  /' "$ERR" | head -40
finish

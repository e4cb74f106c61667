#!/bin/sh
# sandbox_usage.sh: hoist-sandbox's usage is made from its command table, and
# man/hoist-sandbox.1 has a section for every command in it (and no other).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
plan 8

"$SANDBOX" --help >"$TMPROOT/out" 2>&1 && rc=0 || rc=$?
check "--help: exit 0" test "$rc" -eq 0
"$SANDBOX" >/dev/null 2>"$TMPROOT/err" && rc=0 || rc=$?
check "no command: exit 2" test "$rc" -eq 2
check "no command: the usage on stderr" grep -q '^usage: hoist-sandbox init DIR' "$TMPROOT/err"
"$SANDBOX" frobnicate >/dev/null 2>&1 && rc=0 || rc=$?
check "an unknown command: exit 2" test "$rc" -eq 2

sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' "$TMPROOT/out" | sort >"$TMPROOT/table"
check "the usage lists the commands" test "$(wc -l <"$TMPROOT/table")" -ge 6
# Each command has a synopsis line in the usage.
missing=
for c in $(cat "$TMPROOT/table"); do
	grep -q "^ *\(usage: \)\{0,1\}hoist-sandbox $c " "$TMPROOT/out" || missing="$missing $c"
done
check "every command has a synopsis in the usage${missing:+ (not:$missing)}" test -z "$missing"
man="$top_srcdir/man/hoist-sandbox.1"
sed -n '/^\.SH COMMANDS/,/^\.SH /s/^\.SS "\{0,1\}\([a-z-]*\).*/\1/p' "$man" | sort -u >"$TMPROOT/man"
if cmp -s "$TMPROOT/table" "$TMPROOT/man"; then
	ok "man/hoist-sandbox.1 has a section for each command and no other"
else
	fail "man/hoist-sandbox.1's sections and the command table differ:"
	diff "$TMPROOT/man" "$TMPROOT/table" | sed -n 's/^</  only in the man page:/p; s/^>/  only in the table:/p'
fi
missing=
for c in $(cat "$TMPROOT/table"); do
	grep -q "^\.B hoist-sandbox $c\$" "$man" || missing="$missing $c"
done
check "man/hoist-sandbox.1's synopsis names every command${missing:+ (not:$missing)}" test -z "$missing"
finish

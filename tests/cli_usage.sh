#!/bin/sh
# cli_usage.sh: hoist's help, usage errors (exit 2), and its refusal of exposed API keys.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_lib.sh"

run "$HOIST"
exits "no command" 2
has "usage on stderr" "$ERR" "usage: hoist"
run "$HOIST" --version
exits "--version" 0
check "version line" grep -qE '^hoist [0-9]+\.[0-9]+\.[0-9]+$' "$OUT"
run "$HOIST" --help
exits "--help" 0
for c in versions notes check help; do
	has "--help lists $c" "$OUT" "  $c "
done
for c in versions notes check; do
	run "$HOIST" $c --help
	exits "$c --help" 0
	has "$c --help shows its usage" "$OUT" "usage: hoist [--config FILE] $c"
	run "$HOIST" help $c
	exits "help $c" 0
	has "help $c shows the same" "$OUT" "usage: hoist [--config FILE] $c"
done
has "versions --help documents --minor-after" "$TMPROOT/out" "--minor-after N"

# The option table is the one source of each command's options: its --help lists exactly
# the options man/hoist.1 gives the command (in its sections' titles, the tags of their
# items and a "Takes ..." sentence; "Takes the options of X" stands for X's).
cat >"$TMPROOT/manopts.awk" <<'AWK'
function opts(line,   s, o) {
	s = line
	while (match(s, /\\-\\-[a-z][a-z-]*(\\-[a-z]+)*/)) {
		o = substr(s, RSTART, RLENGTH); gsub(/\\/, "", o); print o
		s = substr(s, RSTART + RLENGTH)
	}
	s = line
	while (match(s, /(^|[ "])\\-[a-zA-Z]([ ",]|$)/)) {
		o = substr(s, RSTART, RLENGTH); gsub(/[\\" ,]/, "", o); print o
		s = substr(s, RSTART + RLENGTH)
	}
}
# cmd as roff spells it: os\-patch.
BEGIN { t1 = ".SS \"hoist " cmd " "; t2 = ".SS \"hoist " cmd "\"" }
/^\.S[HS]/ {
	insec = index($0, t1) == 1 || index($0, t2) == 1
	if (insec) opts($0)
	takes = tag = of = 0
	next
}
!insec { next }
/^\.TP/ { tag = 1; takes = 0; next }
tag { opts($0); tag = 0; next }
/^\.PP/ { takes = 0 }
/^Takes the options of/ { of = 1; next }
of { x = $0; sub(/^\.B[RI]? /, "", x); sub(/ .*/, "", x); print "of:" x; of = 0; next }
/^Takes/ { takes = 1 }
takes { opts($0) }
AWK
man_options() {
	awk -v cmd="$(printf '%s' "$1" | sed 's/-/\\\\-/g')" -f "$TMPROOT/manopts.awk" "$top_srcdir/man/hoist.1" | while read -r o; do
		case $o in of:*) man_options "${o#of:}" ;; *) echo "$o" ;; esac
	done | sort -u
}
help_options() {
	"$HOIST" "$1" --help | grep -oE '^  (-[a-zA-Z], )?--[a-z][a-z-]*' |
		grep -oE -e '-[a-zA-Z]\b|--[a-z-]+' | grep -vx -e '--help' -e '-h' | sort -u
}
commands=$("$HOIST" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' | grep -vx help)
check "hoist --help lists the commands" test "$(echo "$commands" | wc -l)" -ge 17
for c in $commands; do
	man_options "$c" >"$TMPROOT/man.$c"
	help_options "$c" >"$TMPROOT/help.$c"
	if [ -s "$TMPROOT/man.$c" ] && cmp -s "$TMPROOT/man.$c" "$TMPROOT/help.$c"; then
		ok "$c: man/hoist.1 and $c --help give the same options"
	else
		fail "$c: man/hoist.1 and $c --help differ:"
		diff "$TMPROOT/man.$c" "$TMPROOT/help.$c" | sed -n 's/^</  only in the man page:/p; s/^>/  only in --help:/p'
	fi
done
# hoist's own options too: man/hoist.1's GLOBAL OPTIONS and hoist --help's.
sed -n '/^\.SH GLOBAL OPTIONS/,/^\.SH /{/^\.TP/{n;p;}}' "$top_srcdir/man/hoist.1" |
	grep -oE '\\-\\-[a-z\\-]+' | sed 's/\\//g' | grep -vx -e '--help' | sort -u >"$TMPROOT/man.global"
"$HOIST" --help | sed -n '/^Global options/,/^$/p' | grep -oE '^  (-[a-zA-Z], )?--[a-z][a-z-]*' |
	grep -oE -e '--[a-z-]+' | grep -vx -e '--help' | sort -u >"$TMPROOT/help.global"
check "hoist --help and man/hoist.1 give the same global options" \
	sh -c "test -s '$TMPROOT/man.global' && cmp -s '$TMPROOT/man.global' '$TMPROOT/help.global'"
# Made from the table, every help fits 80 columns, its option texts wrapped and aligned.
for c in $commands; do "$HOIST" "$c" --help; done >"$TMPROOT/helps"
check "no help line is wider than 79 columns" awk 'length > 79 { exit 1 }' "$TMPROOT/helps"
run "$HOIST" upgrade --help
check "a long option has its text on the next line" grep -qx '  --ignore-validation-failures' "$OUT"
awk '/^  --(to|plan|retarget|json) / { match($0, /^  [^ ]+( [^ ]+)? +/); print RLENGTH }' \
	"$OUT" | sort -u >"$TMPROOT/columns"
check "option texts start in one column" test "$(wc -l <"$TMPROOT/columns")" -eq 1

# Usage errors: one line saying what is wrong, a hint to --help, exit 2.
run "$HOIST" frobnicate
exits "unknown command" 2
has "unknown command named" "$ERR" "'frobnicate' is not a hoist command"
has "hint to --help" "$ERR" "Try 'hoist --help'."
run "$HOIST" versions --frob --feed "$FEED" --current 2024.1.2
exits "unknown option" 2
has "unknown option named" "$ERR" "hoist: unknown option '--frob'"
has "hint to the command's --help" "$ERR" "Try 'hoist versions --help'."
check "two lines on stderr" test "$(wc -l <"$ERR")" -eq 2
check "nothing on stdout" test ! -s "$OUT"
run "$HOIST" --frob versions
exits "unknown global option" 2
run "$HOIST" versions --feed
exits "missing value" 2
has "missing value said" "$ERR" "option '--feed' needs a value"
run "$HOIST" check --feed "$FEED" --current 2024.1
exits "bad version text" 2
has "bad version named" "$ERR" '"2024.1" is not a version'
run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --allow everything
exits "bad --allow" 2
has "bad --allow named" "$ERR" "everything"
run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --minor-after soon
exits "bad --minor-after" 2
run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --pin latest
exits "bad --pin" 2
run "$HOIST" notes --feed "$FEED" --from 2024.1.2
exits "notes without --to" 2
has "notes asks for --to" "$ERR" "--to"
run "$HOIST" notes --feed "$FEED" --to 2024.3.0
exits "notes without --from and without a server" 2
has "notes asks for --from" "$ERR" "--from"
run "$HOIST" notes --feed "$FEED" --from 2024.3.0 --to 2024.1.2
exits "notes backwards" 2
run "$HOIST" versions extra --feed "$FEED" --current 2024.1.2
exits "stray argument" 2

# The API key is never a command-line argument: it would show in ps.
for form in "--api-key API-SECRET123" "--api-key=API-SECRET123"; do
	run "$HOIST" versions $form --feed "$FEED" --current 2024.1.2
	exits "versions $form refused" 2
	has "says why ($form)" "$ERR" "never taken on the command line"
	has "says what to do instead ($form)" "$ERR" "HOIST_API_KEY"
	lacks "does not repeat the key ($form)" "$ERR" "API-SECRET123"
done
run "$HOIST" --api-key API-SECRET123 check
exits "global --api-key refused" 2
has "global --api-key says why" "$ERR" "never taken on the command line"

# A key file others may read is refused, naming the file, its mode and the fix.
printf 'API-SECRET123\n' >"$TMPROOT/key"
chmod 644 "$TMPROOT/key"
run "$HOIST" --api-key-file "$TMPROOT/key" versions --feed "$FEED" --current 2024.1.2
exits "key file of mode 0644" 2
has "names the file" "$ERR" "$TMPROOT/key"
has "names the mode" "$ERR" "0644"
has "says the fix" "$ERR" "chmod 600 $TMPROOT/key"
lacks "does not show the key" "$ERR" "API-SECRET123"
printf '[server]\napi_key_file = %s\n' "$TMPROOT/key" >"$TMPROOT/key.conf"
chmod 640 "$TMPROOT/key"
run "$HOIST" --config "$TMPROOT/key.conf" check --feed "$FEED" --current 2024.1.2
exits "key file of mode 0640 named in the config" 2
has "names the mode 0640" "$ERR" "0640"
chmod 600 "$TMPROOT/key"
run "$HOIST" --config "$TMPROOT/key.conf" check --feed "$FEED" --current 2024.1.2
exits "the same file at 0600 is accepted" 10

# Configuration errors are exit 2 and say where.
run "$HOIST" --config "$TMPROOT/missing.conf" versions --feed "$FEED" --current 2024.1.2
exits "missing --config file" 2
has "names the missing file" "$ERR" "$TMPROOT/missing.conf"
printf '[policy]\nallow = minor\nminor_afer = 2\n' >"$TMPROOT/typo.conf"
run "$HOIST" --config "$TMPROOT/typo.conf" versions --feed "$FEED" --current 2024.1.2
exits "typo in the config" 2
has "file and line of the typo" "$ERR" "$TMPROOT/typo.conf:3:"
has "the unknown key" "$ERR" '"minor_afer"'
run "$HOIST" --config "$TMPROOT/typo.conf" versions --help
exits "--help works even with a broken config" 0
finish

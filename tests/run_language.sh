# run_language.sh: a run's journal is read in the reader's language: a run in English read
# with hoist status in German, a failed one too, and a run in German read in English
# (issue #16).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 20

(use_german >/dev/null) || { echo "SKIP: no de_DE.UTF-8 locale"; exit 77; }
# in_english / in_german COMMAND...: the command under that language.
in_english() { (unset LANGUAGE LC_ALL; LANG=C; export LANG; "$@"); }
in_german() { (use_german >/dev/null; "$@"); }
# has TEXT WORDS / lacks TEXT WORDS: the words are (not) in the text.
has() { printf '%s\n' "$1" | grep -qF -- "$2"; }
lacks() { ! has "$@"; }
end_message() { jq -rs 'map(select(.event == "run-end")) | last | .message' "$(latest_run)journal.jsonl"; }

run_sb en --nodes 1 --version 2024.1.2
rc=0; in_english h upgrade --to 2024.2.1 --yes >"$TMPROOT/en.out" 2>&1 || rc=$?
check "a run in English ends well" [ "$rc" -eq 0 ]
check "... its journal keeps a message's format and arguments" jq -se \
	'any(.[]; .msgid == "database backed up to %s" and (.args | length) == 1)' \
	"$(latest_run)journal.jsonl" >/dev/null
check "... and its message in English" [ "$(end_message)" = "the server runs 2024.2.1" ]
out=$(in_german h status 2>&1)
check "read in German, the outcome is German" has "$out" "Ergebnis: der Server läuft mit 2024.2.1"
check "... and not English" lacks "$out" "the server runs"
check "... a step's message is German" has "$out" "Datenbank gesichert in"
check "... not English" lacks "$out" "database backed up to"
check "... a plural form too" has "$out" "1 Knoten erreichbar"
out=$(in_german h status --follow 2>&1)
check "the followed events are German" has "$out" "fertig: der Server läuft mit 2024.2.1"
out=$(in_german h status --json 2>&1)
check "JSON keeps the writer's message" sh -c \
	'printf "%s\n" "$1" | jq -se "any(.[]; .message == \"the server runs 2024.2.1\")" >/dev/null' \
	_ "$out"

# A failed run: its outcome frames the failure, and the frame is the reader's.
run_sb fail --nodes 1 --version 2024.1.2
"$SANDBOX" fault "$D" set install@2024.2.1:node1=fail >/dev/null
rc=0; in_english h upgrade --to 2024.2.1 --yes >"$TMPROOT/fail.out" 2>&1 || rc=$?
check "a failed run in English exits 1" [ "$rc" -eq 1 ]
check "... its journal's outcome is English" sh -c \
	'case "$1" in "stopped, everything undone: the server is as it was before the run: "*) ;; *) exit 1 ;; esac' \
	_ "$(end_message)"
out=$(in_german h status 2>&1)
check "read in German, the failed run's outcome is German" \
	has "$out" "Ergebnis: angehalten, alles rückgängig gemacht: der Server ist wie vor dem Lauf: "
check "... and not English" lacks "$out" "stopped, everything undone"

run_sb de --nodes 1 --version 2024.1.2
rc=0; in_german h upgrade --to 2024.2.1 --yes >"$TMPROOT/de.out" 2>&1 || rc=$?
check "a run in German ends well" [ "$rc" -eq 0 ]
check "... its journal's message is German" [ "$(end_message)" = "der Server läuft mit 2024.2.1" ]
out=$(in_english h status 2>&1)
check "read in English, the outcome is English" has "$out" "Outcome: the server runs 2024.2.1"
check "... and not German" lacks "$out" "der Server läuft"
check "... a step's message is English" has "$out" "database backed up to"
check "... not German" lacks "$out" "Datenbank gesichert"
finish

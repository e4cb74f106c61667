#!/bin/sh
# wizard_wrap.sh: every screen of hoist-wizard at 80x24 (the upgrade's seven, the other
# journeys, the legacy upgrade), in English and in German: no line is cut mid-word, and the
# sentences that used to be cut appear whole; and with TERM=dumb the wizard refuses, naming
# hoist.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }

# quotes_whole DESCRIPTION: no command line on the screen is broken inside a quoted
# argument (a line ending in the continuation marker has its quotes balanced).
quotes_whole() {
	bad=$(screen | python3 -c '
import sys
for line in sys.stdin.read().split("\n"):
    t = line.rstrip()
    if t.endswith(" \\") and (t.count("\x27") % 2 or t.count("\"") % 2):
        print(t)
')
	if [ -z "$bad" ]; then ok "$1: commands break only between arguments"; else
		fail "$1: a command is broken inside quotes:"; printf '%s\n' "$bad" | sed 's/^/  | /'; fi
}

# walk LANGUAGE: connect, versions (with an override question), notes, checklist (with a
# fake backup, a refused key, an old file), plan, a run that fails after the point of no
# return, and its result with the guide.
walk() {
	lang=$1
	shows "$lang: connect" "$STEP 1 $OF 7"
	no_cuts "$lang: connect"
	keys '?'
	sleep 0.3
	no_cuts "$lang: help overlay"
	keys x o
	shows "$lang: other journeys" "$JOURNEYS_TITLE"
	whole "$lang: the cluster's OS patching sentence is whole" "$OS_PATCH"
	no_cuts "$lang: other journeys"
	keys Escape
	shows "$lang: back on connect" "$STEP 1 $OF 7"
	keys Enter
	shows "$lang: versions" "$STEP 2 $OF 7"
	no_cuts "$lang: versions"
	keys a a
	sleep 0.3
	keys k k k k k k k k
	sleep 0.2
	keys Enter
	shows "$lang: the override question" "$OVERRIDE"
	no_cuts "$lang: the override question"
	keys n
	keys a
	sleep 0.3
	keys Enter
	shows "$lang: notes" "$STEP 3 $OF 7"
	no_cuts "$lang: notes"
	keys Enter
	shows "$lang: checklist" "$STEP 4 $OF 7"
	no_cuts "$lang: checklist"
	echo hello >"$TMPROOT/fake.bak"
	keys e "$TMPROOT/fake.bak" Enter
	whole "$lang: the fake backup is given, not checked" "$GIVEN"
	no_cuts "$lang: checklist with a fake backup"
	touch -d '3 days ago' "$TMPROOT/old.key"
	echo k >"$TMPROOT/old.key"
	touch -d '3 days ago' "$TMPROOT/old.key"
	keys j e "$TMPROOT/old.key" Enter
	whole "$lang: the evidence error is whole" "$FRESH"
	no_cuts "$lang: checklist with an error"
	"$SANDBOX" ctl "$SB" show-master-key node1 >"$TMPROOT/master.key"
	keys e "$TMPROOT/master.key" Enter
	whole "$lang: the master key is checked against the canary" "$CANARY"
	keys Enter
	shows_late 20 "$lang: plan" "$STEP 5 $OF 7"
	whole "$lang: the point of no return's sentence is whole" "$PNR"
	no_cuts "$lang: plan"
	quotes_whole "$lang: plan"
	keys Enter 2024.3.1 Enter
	shows "$lang: progress" "$STEP 6 $OF 7"
	whole "$lang: the progress screen marks the point of no return" "$AHEAD"
	no_cuts "$lang: progress"
	shows_late 60 "$lang: result" "$STEP 7 $OF 7"
	whole "$lang: the failure headline is whole" "$HEADLINE"
	no_cuts "$lang: result"
	for k in 1 2 3 4; do keys NPage; sleep 0.1; done
	quotes_whole "$lang: the guide's middle"
	for k in 1 2 3 4; do keys NPage; sleep 0.1; done
	no_cuts "$lang: the guide's end"
	quotes_whole "$lang: the guide's end"
	keys q
	shows "$lang: q quits" "EXIT=0"
}

# walk_legacy LANGUAGE ENV...: a 2.6 server: connect offers the legacy upgrade, its screen.
walk_legacy() {
	lang=$1
	shift
	tm kill-server >/dev/null 2>&1 || true
	rm -f "$WORDS"
	legacy_sandbox_start "$TMPROOT/legacy-$lang"
	wizard_start 80 24 "$@"
	whole "$lang: connect to a 2.x server offers the legacy upgrade" "$LEGACY_OFFER"
	no_cuts "$lang: connect to a 2.x server"
	keys L
	shows "$lang: the legacy screen" "$LEGACY_TITLE"
	whole "$lang: its way back is whole" "$WAY_BACK"
	no_cuts "$lang: the legacy screen"
	keys q
	shows "$lang: q quits the legacy screen" "EXIT=0"
}

# English.
sandbox_start stop=100,start=100,install=200,db-upgrade=200,db-backup=100,task-ms=100,task-rate=20
"$SANDBOX" fault "$SB" set "db-upgrade@2024.3.1=fail" >/dev/null
wizard_start 80 24
STEP=Step OF=of
OVERRIDE="choose 2024.3.1 anyway, as an override?"
GIVEN="given by the operator, not checked:"
FRESH="older than the 24 hours allowed; take a fresh one"
CANARY="decrypts the server's canary"
PNR="db-upgrade on node1; from there on, the way back is a restore."
AHEAD="Point of no return ahead: db-upgrade on node1."
HEADLINE="(hoist rollback --guide): on node node1, \`db-upgrade\` failed with exit code 1"
JOURNEYS_TITLE="hoist-wizard: Other journeys"
OS_PATCH="3 nodes, one at a time (drain, patch, reboot, undrain): no downtime"
walk English

# The guide's API steps, as saved: whole curl commands, the key read from the key file.
run=$(newest_run)
"$HOIST" --config "$SB/hoist.conf" rollback --guide --run-id "$(basename "$run")" >"$TMPROOT/guide.txt" 2>&1 || true
check "the guide's API steps are curl commands" grep -q "curl -fsS -X PUT -H \"X-Octopus-ApiKey: \$(cat '" "$TMPROOT/guide.txt"
check "that never hold the key itself" sh -c "! grep -qF \"\$(cat '$SB/api-key')\" '$TMPROOT/guide.txt'"
LEGACY_OFFER="Press L for the legacy upgrade to 3.x."
LEGACY_TITLE="hoist-wizard: Legacy upgrade"
WAY_BACK="Press Enter to start; the way back is the 2.6 server and this run's backups."
walk_legacy English

# German: a new sandbox and the same walks.
tm kill-server >/dev/null 2>&1 || true
use_german
rm -rf "$TMPROOT/sb" "$WORDS"
sandbox_start stop=100,start=100,install=200,db-upgrade=200,db-backup=100,task-ms=100,task-rate=20
"$SANDBOX" fault "$SB" set "db-upgrade@2024.3.1=fail" >/dev/null
wizard_start 80 24 LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= "HOIST_LOCALEDIR=$HOIST_LOCALEDIR"
STEP=Schritt OF=von
OVERRIDE="als Ausnahme"
GIVEN="vom Betreiber angegeben, nicht geprüft:"
FRESH="älter als die erlaubten 24 Stunden; erstellen Sie ein neues"
CANARY="entschlüsselt den Kanarienwert"
PNR="db-upgrade auf node1; danach hilft nur ein Restore."
AHEAD="Punkt ohne Rückkehr kommt: db-upgrade auf node1"
HEADLINE="(hoist rollback --guide): auf Knoten node1 ist \`db-upgrade\` mit Exit-Code 1 fehlgeschlagen"
JOURNEYS_TITLE="hoist-wizard: Weitere Abläufe"
OS_PATCH="3 Knoten, einer nach dem anderen (drainen, patchen, neu starten): ohne Ausfall"
walk German
LEGACY_OFFER="L führt zum Legacy-Upgrade auf 3.x."
LEGACY_TITLE="hoist-wizard: Legacy-Upgrade"
WAY_BACK="Enter startet; der Weg zurück ist der Server 2.6 mit den Sicherungen dieses Laufs."
walk_legacy German LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= "HOIST_LOCALEDIR=$HOIST_LOCALEDIR"

# TERM=dumb: refused, naming hoist.
tm kill-server >/dev/null 2>&1 || true
i=0
until tm -f /dev/null new-session -d -x 80 -y 24 \
	"env TERM=dumb LANG=C.UTF-8 '$WIZARD' --config '$SB/hoist.conf'; echo EXIT=\$?; sleep 60" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1
done
shows "TERM=dumb: the wizard refuses" "cannot move the cursor"
whole "TERM=dumb: it names hoist as the way without a screen" "Use hoist, the same engine without a screen (hoist --help)"
shows "TERM=dumb: it exits with 2" "EXIT=2"
finish

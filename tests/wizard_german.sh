#!/bin/sh
# wizard_german.sh: hoist-wizard speaks German on every screen under LANG=de_DE.UTF-8.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"

use_german

# lacks DESCRIPTION TEXT...: none of the (English) texts is on the screen.
lacks() {
	d=$1
	shift
	for t in "$@"; do
		if screen | grep -qF -- "$t"; then
			fail "$d: '$t' is still on the screen:"
			screen | sed 's/^/  | /'
			return
		fi
	done
	ok "$d"
}

# Short actions, so that a whole upgrade runs in a few seconds.
sandbox_start stop=150,start=150,install=500,db-upgrade=500,db-backup=150,task-ms=100,task-rate=20
wizard_start 80 24 LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= "HOIST_LOCALEDIR=$HOIST_LOCALEDIR"

# Connect.
shows "connect screen: German title" "hoist-wizard: Verbinden"
shows "the step counter is German" "Schritt 1 von 7"
shows "the server's state is German" "Wartungsmodus  aus"
shows "the node table's header is German" "Knoten           Rolle       Version      Zustand"
shows "a serving node is 'in Betrieb'" "in Betrieb"
shows "the hint is German" "Enter führt zur Wahl der Version."
shows "the footer is German" "Esc/Rück zurück  ?/F1 Hilfe  q beenden"
lacks "no English left on the connect screen" "Connect" "Step 1 of" "Maintenance" \
	"serving" "Press Enter" "?/F1 help" " quit"

keys '?'
shows "help overlay: German heading" "Tasten auf diesem Bildschirm"
shows "help overlay: the key table is German" "Eine Zeile nach unten."
shows "help overlay: how to close it" "Eine beliebige Taste schließt diese Hilfe."
lacks "no English left in the help overlay" "Keys on this screen" "Move down one line" \
	"Press any key"
keys x

# Version choice.
keys Enter
shows "version screen: German title" "hoist-wizard: Version wählen"
shows "the running version is German" "Läuft jetzt: 2024.1.2. Neuere Versionen im Feed: 7."
shows "the table's header is German" "Version        Art     Datum       Urteil"
shows "verdicts and kinds are German" "Minor   2024-03-29  zulässig"
shows "the recommendation is German" "* empfohlen. Enter wählt die markierte Version."
shows "a verdict cut in its column is said whole under the list" \
	"2024.3.1: zulässig; erst ein Zwischenstopp: 2024.2.0"
lacks "no English left on the version screen" "Choose the version" "Running now" \
	"eligible" "recommended" "Verdict" " minor "
keys a a
shows "a held-back release says why in German" "zurückgehalten: Minor-Upgrades aus"
shows "the policy note is German" "Richtlinie hier geändert; die Konfigurationsdatei bleibt unverändert."
shows "the policy line keeps the file's own words" "allow=patch minor_after=off major_after=off prerelease=false"
lacks "no English left after a policy change" "held back" "configuration file is unchanged"
keys a

# What changes.
keys Enter
shows "notes screen: German title" "hoist-wizard: Was sich ändert"
shows "the kind and the hop are German" "Minor-Upgrade: 2024.1.2 auf 2024.3.1"
shows "the rollback meaning is German" "Datenbank-Backup zurückspielt"
shows "the required stop is German" "Nötiger Zwischenstopp auf dem Weg: 2024.2.3"
shows "the read-first group is German" "Zuerst lesen:"
shows "note kinds are German" "[inkompatibel]"
shows "the position line is German" "Enter geht weiter zum Plan."
keys / no-such-text-here Enter
shows "a failed search says so in German" "Keine weiteren Treffer für „no-such-text-here“"
lacks "no English left on the notes screen" "What changes" "minor upgrade" \
	"rolling back means" "Required stop" "Read first" "[breaking]" "No more matches" \
	"goes on to the plan"

# The checklist, before and after evidence for the required items and a confirmation.
keys Enter
shows "checklist screen: German title" "hoist-wizard: Sichern"
shows "the step counter says 4" "Schritt 4 von 7"
shows "the checklist's purpose is German" "Was Sie brauchen, um zurückzukehren"
shows "item labels are German" "Datenbank-Backup"
shows "a required item is 'fehlt (nötig)'" "fehlt (nötig)"
shows "an optional item is 'offen'" "Restore getestet"
shows "the selected item's help is German" "Von hoist erstellt oder eine von Ihnen genannte Backup-Datei"
shows "and names the screen's keys in German" "b: hoist erstellt es jetzt; e: eine Datei nennen."
shows "the backup hint is German" "b lässt hoist jetzt das Datenbank-Backup und den Hauptschlüssel sichern."
shows "the bottom line names what is missing in German" "Vor dem Plan nötig: Datenbank-Backup."
shows "the footer names the checklist's keys in German" "e Nachweis"
lacks "no English left on the checklist" "Back up" "What you need" "Database backup" "Master key" \
	"Users warned" "missing (required)" "Required before the plan" "Press b" "evidence"
keys '?'
shows "checklist help: the keys are German" "Checkliste: Nachweis für den gewählten Punkt geben"
lacks "no English left in the checklist's help" "Checklist:" "give the evidence"
keys x
keys Enter
shows "Enter with a missing item is refused in German" "Datenbank-Backup ist nötig: b drücken"
echo db >"$TMPROOT/db.bak"
"$SANDBOX" ctl "$SB" show-master-key node1 >"$TMPROOT/master.key"
keys e
shows "the evidence prompt is German" "Datenbank-Backup: die Datei als Nachweis:"
keys "$TMPROOT/db.bak" Enter j e "$TMPROOT/master.key" Enter
keys j j j j e
shows "a yes item asks in German" "Benutzer gewarnt: erledigt? (y/n)"
keys y
shows "a file hoist cannot check is named so in German" "vom Betreiber angegeben, nicht geprüft:"
shows "and the master key's file, checked against the canary" "geprüft: master.key entschlüsselt"
shows "the confirmation is German" "bestätigt 20"
shows "the bottom line says Enter leads on, in German" "Enter führt zur Prüfung des Plans."
lacks "no English left on the checklist after the evidence" "verified:" "confirmed at" \
	"Press Enter to review" "bytes)" "is required"

# The plan.
keys Enter
shows "plan screen: German title" "hoist-wizard: Plan prüfen"
shows "the summary is German" "Minor-Upgrade 2024.1.2 auf 2024.3.1, all-at-once, 32 Schritte"
shows "the point of no return is named in German" "Punkt ohne Rückkehr: Schritt"
shows "the window is German" "Zeitfenster: noch keine Schätzung"
shows "the command line hint is German" "Derselbe Plan auf der Befehlszeile:"
shows "step summaries are German" "Wartungsmodus einschalten"
shows "a step's summary too long for its column goes on on the next line, not cut" \
	"                                     Plattenplatz und Rechte prüfen"
scroll_to "PUNKT OHNE RÜCKKEHR"
shows "and marked in German in the step list" "PUNKT OHNE RÜCKKEHR"
lacks "no English left on the plan screen" "Review the plan" "Point of no return" \
	"POINT OF NO RETURN" "Window:" "The same plan" "turn maintenance mode on" "Press Enter"
keys Enter
shows "the start prompt is German" "Zum Start 2024.3.1 eingeben:"
keys 2024.9.9 Enter
shows "a wrong version is refused in German" "Das ist nicht 2024.3.1: nichts wurde gestartet."
lacks "no English in the refusal" "That is not" "nothing was started"

# A terminal too small for the screens.
tm resize-window -x 60 -y 20
shows "the too-small message is German" "hoist-wizard braucht mindestens"
shows "and says how to quit in German" "drücken Sie q zum"
lacks "no English in the too-small message" "This terminal is" "needs at least" "Enlarge"
tm resize-window -x 80 -y 24
shows "back at 80x24 the plan returns" "Schritt 5 von 7"

# The run: progress while it goes, then the result.
keys Enter
shows "the start prompt asks again" "Zum Start 2024.3.1 eingeben:"
keys 2024.3.1 Enter
shows "progress screen: German title" "hoist-wizard: Fortschritt"
shows "the run's keys are German while it runs" "d: abkoppeln (der Lauf geht weiter)  s: am nächsten sicheren Punkt anhalten"
shows "the progress counter says 6" "Schritt 6 von 7"
shows "the run's header is German" "Upgrade 2024.1.2 auf 2024.3.1 (Minor, all-at-once)"
shows "the run's state line is German" "Dauer "
shows "the step matrix is German" "Cluster"
lacks "no English left on the progress screen" "Progress" "Elapsed" "detach (the run goes on)" \
	"safe point" " to 2024.3.1" "(minor," "cluster" " done " " waiting"
shows_late 40 "result screen: German title" "hoist-wizard: Ergebnis"
shows "the outcome is German" "Das Upgrade war erfolgreich: 2024.1.2 auf 2024.3.1."
shows "the nodes' versions are German" "node3            läuft mit 2024.3.1"
shows "the whole run's time is German" "Ganzer Lauf: "
shows "the maintenance window is German" "Wartungsfenster: "
shows "the backups kept are German" "Aufbewahrte Backups:"
shows "the next steps are German" "Als Nächstes: die Tentacles in Gruppen aktualisieren"
lacks "no English left on the result screen" "Result" "ended well" "runs 2024" "Whole run" \
	"Maintenance window" "Backups kept" "Next:" "users could not"
keys Escape
shows "Esc on the result goes back to the start, in German" "hoist-wizard: Verbinden"
run=$(ls -d "$SB"/hoist-state/runs/*/ | sort | tail -n 1)
check "the engine's own messages in the journal are German" \
	grep -q "Schlüssel angenommen" "$run/journal.jsonl"
keys q
shows "q quits cleanly" "EXIT=0"

# Started again, the wizard offers the last run's result in German.
wizard_start 80 24 LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= "HOIST_LOCALEDIR=$HOIST_LOCALEDIR"
shows "the last run's end is German" "Letzter Lauf 20"
shows "and its outcome" "): erfolgreich."
shows "and the keys to see it" "l zeigt sein Ergebnis, B speichert ein Support-Bundle, Enter geht weiter."
lacks "no English about the last run" "The last run" "ended well" "Press l"
keys l
shows "l shows the result in German" "Das Upgrade war erfolgreich: 2024.1.2 auf 2024.3.1."
keys q
shows "q quits cleanly again" "EXIT=0"
finish

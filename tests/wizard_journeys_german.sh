#!/bin/sh
# wizard_journeys_german.sh: the other journeys and the legacy upgrade in German at 80x24:
# the journeys screen, a Tentacle run and its result, the legacy screen and its steps by
# hand; German sentences appear whole and no line ends mid-word.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
use_german
plan 37
GERMAN="LANG=de_DE.UTF-8 LC_ALL= LANGUAGE= HOIST_LOCALEDIR=$HOIST_LOCALEDIR"

# The other journeys of a 3-node cluster.
sandbox_start stop=100,start=100,os-patch=100,reboot=300,tentacle-upgrade=200,task-rate=0
printf '[upgrade]\npoll_ms = 50\n' >>"$SB/hoist.conf"
wizard_start 80 24 $GERMAN
shows "connect offers the other journeys" "o weitere Abläufe"
keys o
shows "the journeys screen" "hoist-wizard: Weitere Abläufe"
whole "its Tentacles heading" "Tentacles und Calamari"
whole "the batches sentence is whole" "t: in Gruppen aktualisieren, dann Zustandsprüfung; + und -: Gruppengröße"
whole "the cluster's OS patching sentence is whole" \
	"3 Knoten, einer nach dem anderen (drainen, patchen, neu starten): ohne Ausfall"
whole "and how to start it" "P patcht das Betriebssystem jetzt."
no_cuts "the journeys screen"
keys '?'
sleep 0.3
no_cuts "the journeys screen's help"
keys x
keys P
whole "OS patching asks first" "Das Betriebssystem der Knoten jetzt patchen? (y/n)"
no_cuts "the OS patching question"
keys n
keys t
whole "the Tentacle upgrade asks first" "Die veralteten Tentacles jetzt aktualisieren? (y/n)"
keys y
shows_late 20 "the progress screen follows the Tentacles" "Tentacles aktualisiert ["
no_cuts "the Tentacles' progress"
shows_late 60 "the result names the journey" "Der Lauf (Tentacles) endete gut"
no_cuts "the Tentacles' result"
keys o
shows "the result leads back to the journeys" "hoist-wizard: Weitere Abläufe"
keys q
shows "q quits" "EXIT=0"

# The legacy upgrade of a 2.6 server.
tm kill-server >/dev/null 2>&1 || true
rm -f "$WORDS"
legacy_sandbox_start "$TMPROOT/legacy" migrate=300
wizard_start 80 24 $GERMAN
whole "a 2.x server is named as such" "der Server läuft mit Octopus 2.6.5"
whole "the legacy upgrade is offered" "L führt zum Legacy-Upgrade auf 3.x."
no_cuts "connect to a 2.x server"
keys L
whole "the legacy screen" "Octopus 2.6.5 auf 3.2.1, in der Reihenfolge des Herstellers"
whole "its maxage" "Verlauf, den der Migrator behält: 90 Tage (m ändert das)"
whole "steps by hand are marked" "backup-license-key (von Hand: Sie haken ihn ab)"
whole "the way back is named" \
	"Enter startet; der Weg zurück ist der Server 2.6 mit den Sicherungen dieses Laufs."
no_cuts "the legacy screen"
keys Enter
whole "starting asks first" "Das Legacy-Upgrade jetzt starten? (y/n)"
keys y
shows_late 20 "the license key step waits" "Lizenzschlüssel"
whole "its instruction is whole" \
	"Sichern Sie den Lizenzschlüssel des Servers 2.6.5: kopieren Sie ihn in seinem Webportal"
whole "y is named" "y: der Schritt von Hand ist erledigt (abgehakt) d: lösen s: anhalten"
no_cuts "a step by hand on the progress screen"
echo "LICENSE" >"$TMPROOT/license.txt"
keys y
whole "the license key needs its file" "Die Datei mit dem Lizenzschlüssel:"
keys "$TMPROOT/license.txt" Enter
shows_late 20 "the package files step waits" "C:\\Octopus\\Packages"
no_cuts "the package files step"
keys y
shows_late 20 "the Tentacle step waits" "tentacle-01 (2.6.5)"
no_cuts "the Tentacle step"
"$SANDBOX" ctl "$SB" tentacle-install all 3.2.1
keys y
shows_late 30 "the run ends well" "Der Lauf (2.6 zu 3.x) endete gut; der Server läuft mit 3.2.1."
no_cuts "the legacy result"
finish

#!/bin/sh
# journey_german.sh: hoist tentacles and hoist os-patch speak German under a German locale.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
use_german

run_sb de --nodes 2 --tentacles 4 --seed 3
"$SANDBOX" config "$D" set tentacle-upgrade=50,task-rate=0 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"
out=$(h tentacles --dry-run --batch 2)
check "the list's header is German" sh -c "echo \"\$1\" | grep -q 'ZIEL *UMGEBUNG *TENTACLE *ZUSTAND *GRUPPE'" _ "$out"
check "states are German" sh -c "echo \"\$1\" | grep -q 'veraltet' && echo \"\$1\" | grep -q 'Upgrade nötig'" _ "$out"
check "the summary is German" sh -c "echo \"\$1\" | grep -q 'Gruppen zu höchstens 2'" _ "$out"
check "an unknown environment, in German" sh -c "'$HOIST' --config '$CONF' tentacles --dry-run --environment X 2>&1 | grep -q 'keine Umgebung „X“'"
bad=$(h tentacles --dry-run --batch 1 --json | jq -r '[.targets[] | select(.batch == 1)][0].name')
"$SANDBOX" fault "$D" set "tentacle-upgrade:$bad=fail"
out=$(h tentacles --yes --batch 1 2>&1 || true)
check "a failed batch says so in German" sh -c "echo \"\$1\" | grep -q 'Gruppe 1 von .* fehlgeschlagen'" _ "$out"
check "and that nothing is put back" sh -c "echo \"\$1\" | grep -q 'bleibt aktualisiert'" _ "$out"
"$SANDBOX" fault "$D" clear
out=$(h os-patch --plan-only)
check "os-patch's plan is German" sh -c "echo \"\$1\" | grep -q 'Knoten für Knoten, ohne Wartungsmodus'" _ "$out"
check "tentacles --help is German" sh -c "'$HOIST' tentacles --help | grep -q 'Bereitstellungsziel'"
check "os-patch --help is German" sh -c "'$HOIST' os-patch --help | grep -q 'niemals die Datenbank'"
run_sb alt --nodes 1 --tentacles 2 --version 2.6.5 --feed-to 3.2.1 --seed 5
check "a 2.x server is sent the legacy way, in German" sh -c "'$HOIST' --config '$D/hoist.conf' plan --to 3.2.1 2>&1 | grep -q 'Legacy-Upgrade mit seiner Datenmigration'"
out=$("$HOIST" --config "$D/hoist.conf" legacy --to 3.2.1 --maxage 90 --plan-only)
check "the legacy plan is German" sh -c "echo \"\$1\" | grep -q 'Legacy-Upgrade von Octopus 2.6.5 auf 3.2.1'" _ "$out"
check "its manual steps too" sh -c "echo \"\$1\" | grep -q 'den Lizenzschlüssel sichern (von Hand'" _ "$out"
finish

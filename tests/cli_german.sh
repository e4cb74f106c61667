#!/bin/sh
# cli_german.sh: hoist speaks German under LANG=de_DE.UTF-8 (po/de.po).
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_lib.sh"

use_german

run "$HOIST" --help
exits "--help" 0
has "usage in German" "$OUT" "Aufruf: hoist [--config DATEI] BEFEHL [OPTIONEN]"
has "a command summary in German" "$OUT" "Versionen"
run "$HOIST" upgrade --help
has "a command's help in German" "$OUT" "Optionen:"
has "its options' texts in German" "$OUT" "diese Hilfe zeigen"
has "its argument names in German" "$OUT" "--plan DATEI"
has "its guard rails in German" "$OUT" "Leitplanken (plan, upgrade, checklist):"
run "$HOIST" check --feed "$FEED" --current 2024.1.2
exits "check" 10
check "check's line in German" test "$(cat "$OUT")" = "hoist: 2024.3.0 ist verfügbar (Minor), aktuell 2024.1.2"
run "$HOIST" versions --feed "$FEED" --current 2024.1.2
has "table header in German" "$OUT" "VERSION"
has "verdict in German" "$OUT" "zurückgehalten"
run "$HOIST" versions --frob
exits "usage error" 2
has "usage error in German" "$ERR" "unbekannte Option"
run "$HOIST" versions --feed "$FEED" --current 2024.1
has "engine message in German" "$ERR" "ist keine Version"
run "$HOIST" notes --feed "$FEED" --from 2024.1.2 --to 2024.3.0
has "notes in German" "$OUT" "Zuerst lesen:"
# From the build tree, German needs no setup: the programs find the build's catalogue.
if [ -d "$top_builddir/po/locale/de" ]; then
	out=$(env -u HOIST_LOCALEDIR "$HOIST" --help 2>&1)
	check "German from the build tree without HOIST_LOCALEDIR" \
		sh -c 'printf "%s" "$1" | grep -qF "Aufruf: hoist"' _ "$out"
fi
run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --json
json "JSON stays the same in German" '.recommended == "2024.3.0" and
	([.releases[].kind] | index("minor")) != null'
finish

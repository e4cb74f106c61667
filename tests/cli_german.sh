#!/bin/sh
# cli_german.sh: hoist speaks German under LANG=de_DE.UTF-8 (po/de.po).
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_lib.sh"

if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
	echo "SKIP: no de_DE.UTF-8 locale on this machine (locale-gen de_DE.UTF-8)"
	exit 77
fi
if [ -f "$top_builddir/po/de.gmo" ]; then
	use_build_locale
else
	# make distcheck: the catalogue ships in the (read-only) source tree.
	mkdir -p "$TMPROOT/locale/de/LC_MESSAGES"
	cp "$top_srcdir/po/de.gmo" "$TMPROOT/locale/de/LC_MESSAGES/hoist.mo"
	export HOIST_LOCALEDIR="$TMPROOT/locale"
fi
unset LC_ALL LANGUAGE
export LANG=de_DE.UTF-8

run "$HOIST" --help
exits "--help" 0
has "usage in German" "$OUT" "Aufruf: hoist [--config DATEI] BEFEHL [OPTIONEN]"
has "a command summary in German" "$OUT" "Versionen"
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
run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --json
json "JSON stays the same in German" '.recommended == "2024.3.0" and
	([.releases[].kind] | index("minor")) != null'
finish

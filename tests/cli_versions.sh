#!/bin/sh
# cli_versions.sh: hoist versions, check and notes on a fixture feed, as text and JSON.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_lib.sh"

run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --json
exits "versions --json" 0
json "current is the given version" '.current == "2024.1.2"'
json "recommended is the newest eligible" '.recommended == "2024.3.0"'
json "every newer release, oldest first" \
	'[.releases[].version] == ["2024.1.3","2024.1.4","2024.2.0","2024.2.1","2024.2.2","2024.3.0","2025.1.0","2025.1.1-rc.1"]'
json "kinds" '[.releases[].kind] == ["patch","patch","minor","minor","minor","minor","major","major"]'
json "the major and the prerelease are held, with a reason" \
	'[.releases[] | select(.eligible | not) | .version] == ["2025.1.0","2025.1.1-rc.1"] and
	 all(.releases[] | select(.eligible | not); .reason != "")'
json "reason is empty when eligible" 'all(.releases[] | select(.eligible); .reason == "")'
json "date from the feed, null when absent" \
	'(.releases[] | select(.version == "2024.2.1") | .date) == "2024-05-02" and
	 (.releases[] | select(.version == "2024.1.4") | .date) == null'
json "exactly these fields" \
	'(keys == ["current","recommended","releases"]) and
	 all(.releases[]; keys == ["date","eligible","kind","reason","version"])'

run "$HOIST" versions --feed "$FEED" --current 2024.1.2
exits "versions as text" 0
has "table header" "$OUT" "VERSION"
has "recommended one marked" "$OUT" "* 2024.3.0"
if grep -E '^  2025\.1\.0 +major +2025-01-15 +held +[^ ]' "$OUT" >/dev/null; then
	ok "held row with its reason"; else fail "held row with its reason"; cat "$OUT"; fi
has "recommendation line" "$OUT" "Recommended (*): 2024.3.0"

run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --allow major
has "an eligible release behind a required stop says so" "$OUT" "needs a stop first: it upgrades only from 2024.2.0 or later"
run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --allow major --json
json "--allow major recommends the major, reason stays empty" \
	'.recommended == "2025.1.0" and (.releases[] | select(.version == "2025.1.0") | .reason) == ""'

run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --allow patch --json
json "--allow patch" '.recommended == "2024.1.4"'
run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --pin 2024.2.x --json
json "--pin a line" '.recommended == "2024.2.2" and
	((.releases[] | select(.version == "2024.3.0")) | .eligible == false)'
run "$HOIST" versions --feed "$FEED" --current 2024.1.2 --exclude 2024.3.0 --exclude 2024.2.2 --json
json "--exclude twice" '.recommended == "2024.2.1"'
run "$HOIST" versions --feed "$FEED" --current 2025.1.0 --prerelease --json
json "--prerelease" '.recommended == "2025.1.1-rc.1"'
run "$HOIST" versions --feed "$FEED" --current 2025.1.1-rc.1
exits "nothing newer" 0
has "nothing newer said" "$OUT" "2025.1.1-rc.1 is the newest"

# check: one line and the exit code a cron job needs.
run "$HOIST" check --feed "$FEED" --current 2024.1.2
exits "check with an update" 10
check "check's one line" test "$(cat "$OUT")" = "hoist: 2024.3.0 is available (minor), current 2024.1.2"
run "$HOIST" check --feed "$FEED" --current 2024.1.2 --json
exits "check --json with an update" 10
json "check --json" '. == {"current": "2024.1.2", "recommended": "2024.3.0",
	"eligible": ["2024.1.3","2024.1.4","2024.2.0","2024.2.1","2024.2.2","2024.3.0"]}'
run "$HOIST" check --feed "$FEED" --current 2024.3.0
exits "check when up to date by policy" 0
check "held back counted" test "$(cat "$OUT")" = "hoist: 2024.3.0 is up to date by policy (2 newer releases held back)"
run "$HOIST" check --feed "$FEED" --current 2025.1.1-rc.1 --json
exits "check at the newest" 0
json "check --json without update" '.recommended == null and .eligible == []'

# notes: the diff along the chain, read-first notes on top.
run "$HOIST" notes --feed "$FEED" --from 2024.1.2 --to 2024.3.0 --json
exits "notes --json" 0
json "notes header" '.from == "2024.1.2" and .to == "2024.3.0" and .kind == "minor" and .stops == []'
json "breaking first, then dependency and security" \
	'[.notes[0:3][].kind] == ["breaking","dependency","security"] and .notes[0].version == "2024.3.0"'
json "every note of (from, to], none of from" \
	'(.notes | length) == 7 and all(.notes[]; .version != "2024.1.2")'
json "notes fields" 'all(.notes[]; keys == ["kind","text","version"])'
run "$HOIST" notes --feed "$FEED" --from 2024.1.2 --to 2024.3.0
exits "notes as text" 0
has "kind on top" "$OUT" "2024.1.2 -> 2024.3.0: minor upgrade"
has "what the kind means for rollback" "$OUT" "restoring the database backup"
has "read first group" "$OUT" "Read first:"
has "breaking note in it" "$OUT" "[breaking] 2024.3.0: The legacy /api/events endpoint is removed."
has "grouped by version, with date" "$OUT" "2024.2.0 (2024-04-10)"
has "no required stop" "$OUT" "Required stops: none"
run "$HOIST" notes --feed "$FEED" --from 2024.1.2 --to 2025.1.0 --json
exits "notes across a required stop" 0
json "one required stop, between the two" '.kind == "major" and (.stops | length) == 1 and
	(.stops[0] | test("^2024\\.[23]\\."))'
run "$HOIST" notes --feed "$FEED" --from 2024.1.2 --to 2025.1.0
has "required stop said" "$OUT" "Required stops: 2024."
run "$HOIST" notes --feed "$SEED_FEED" --from 2020.3.4 --to 2020.4.2
exits "notes on the vendor's feed" 0
has "says there are no notes" "$OUT" "no release notes"
has "gives the compare address" "$OUT" "https://"
run "$HOIST" notes --feed "$SEED_FEED" --from 2020.3.4 --to 2020.4.2 --json
json "vendor notes --json" '.notes == [] and .kind == "minor"'

# The configuration file and the environment feed the same options.
mkdir -p "$TMPROOT/etc"
printf '[feed]\nsource = %s\n[policy]\nallow = patch\n' "$FEED" >"$TMPROOT/etc/hoist.conf"
run "$HOIST" --config "$TMPROOT/etc/hoist.conf" versions --current 2024.1.2 --json
exits "--config" 0
json "feed and policy from --config" '.recommended == "2024.1.4"'
run "$HOIST" --config "$TMPROOT/etc/hoist.conf" versions --current 2024.1.2 --allow minor --json
json "the command line wins over the file" '.recommended == "2024.3.0"'
mkdir -p "$XDG_CONFIG_HOME/hoist"
printf '[policy]\nexclude = 2024.3.0\n' >"$XDG_CONFIG_HOME/hoist/hoist.conf"
run env HOIST_FEED="$FEED" "$HOIST" versions --current 2024.1.2 --json
json "user file and HOIST_FEED" '.recommended == "2024.2.2"'
rm -f "$XDG_CONFIG_HOME/hoist/hoist.conf"
run env HOIST_FEED="$TMPROOT/nonexistent.json" "$HOIST" --config "$TMPROOT/etc/hoist.conf" versions --current 2024.1.2 --json
check "HOIST_FEED wins over the file" test "$RC" -ne 0
has "the missing feed is named" "$ERR" "nonexistent.json"
finish

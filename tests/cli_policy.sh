#!/bin/sh
# cli_policy.sh: the business rules of seed 000, by their own examples, through hoist.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_lib.sh"
plan 15

# The vendor's feed, cut off after a version: what the feed said on an earlier day.
feed_until() {
	jq --arg last "$1" '.[0:(map(.Version) | index($last)) + 1]' "$SEED_FEED" >"$TMPROOT/feed-$1.json"
	echo "$TMPROOT/feed-$1.json"
}

# "Only download minor releases after it goes to .2: on 2020.3.4, wait until 2020.4.2."
f=$(feed_until 2020.4.1)
run "$HOIST" versions --feed "$f" --current 2020.3.4 --minor-after 2 --json
exits "minor_after 2 before 2020.4.2 exists" 0
json "2020.4.x waits, the patch is recommended" '.recommended == "2020.3.5" and
	all(.releases[] | select(.version | startswith("2020.4.")); .eligible == false)'
json "the reason names 2020.4.2" \
	'(.releases[] | select(.version == "2020.4.1") | .reason) | contains("2020.4.2")'
f=$(feed_until 2020.4.2)
run "$HOIST" versions --feed "$f" --current 2020.3.4 --minor-after 2 --json
json "minor_after 2 once 2020.4.2 is out" '.recommended == "2020.4.2"'
run "$HOIST" check --feed "$f" --current 2020.3.4 --minor-after 2
exits "check then says an update is available" 10

# "Only download the next major release after it goes to .3: on 2019.13.7, wait until
# 2020.3.1 is released."
f=$(feed_until 2020.2.0)
run "$HOIST" check --feed "$f" --current 2019.13.7 --allow major --major-after 3 --json
exits "major_after 3 before 2020.3 exists: no update" 0
json "2020.1 and 2020.2 held" '.recommended == null and .eligible == []'
f=$(feed_until 2020.3.1)
run "$HOIST" versions --feed "$f" --current 2019.13.7 --allow major --major-after 3 --json
json "major_after 3 once 2020.3.1 is out" '.recommended == "2020.3.1" and
	((.releases[] | select(.version == "2020.3.1")) | .eligible and .kind == "major")'
run "$HOIST" check --feed "$f" --current 2019.13.7 --allow major --major-after 3
exits "check says so" 10
has "check names the major" "$OUT" "2020.3.1 is available (major)"

# "Only download patch releases."
run "$HOIST" versions --feed "$SEED_FEED" --current 2020.3.4 --allow patch --json
json "allow patch stays on 2020.3" '.recommended == "2020.3.5" and
	all(.releases[] | select(.kind != "patch"); .eligible == false)'

# "Only download minor releases": a major is held back, and says why.
run "$HOIST" versions --feed "$SEED_FEED" --current 2019.13.7 --allow minor --json
json "allow minor holds every 2020" '.recommended == null and
	all(.releases[]; .eligible == false and .reason != "")'
run "$HOIST" check --feed "$SEED_FEED" --current 2019.13.7 --allow minor
exits "no eligible update is exit 0 (the seed's script got this backwards)" 0

# "Download the latest and greatest release."
run "$HOIST" check --feed "$SEED_FEED" --current 2019.13.7 --allow major --json
exits "allow major" 10
json "the newest is recommended" '.recommended == "2020.4.2"'
finish

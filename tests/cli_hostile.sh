#!/bin/sh
# cli_hostile.sh: hoist against misbehaving servers and feeds: exit codes as the man page
# says, no terminal escapes and no echoed key on the screen, JSON always valid UTF-8.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_lib.sh"

printf 'API-HOSTILEKEY0123456789\n' >"$TMPROOT/key"
chmod 600 "$TMPROOT/key"

# start_server MODE: a hostile_server.py in that mode; sets URL.
start_server() {
	rm -f "$TMPROOT/port"
	python3 "$top_srcdir/tests/hostile_server.py" "$TMPROOT/port" "$1" &
	cleanup_add "kill $!"
	i=0
	while [ ! -s "$TMPROOT/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	URL="http://127.0.0.1:$(cat "$TMPROOT/port")"
}

# HTTP 500, an HTML page, a short non-JSON body from /api: the server cannot be used (3),
# in versions as in upgrade, with the same message for the same answer.
for mode in 500 html short badversion; do
	start_server $mode
	run "$HOIST" --server "$URL" --api-key-file "$TMPROOT/key" versions --feed "$FEED"
	exits "versions, /api answers $mode" 3
	sed 's/^hoist: //' "$ERR" >"$TMPROOT/versions.err"
	run env HOIST_FEED="$FEED" "$HOIST" --server "$URL" --api-key-file "$TMPROOT/key" \
		upgrade --to 2024.3.0 --yes
	exits "upgrade, /api answers $mode" 3
	sed 's/^hoist: //' "$ERR" >"$TMPROOT/upgrade.err"
	check "versions and upgrade say the same of the $mode answer" \
		cmp -s "$TMPROOT/versions.err" "$TMPROOT/upgrade.err"
done

# A server that echoes the key in its ErrorMessage: the key never reaches the screen.
start_server echokey
for cmd in "versions" "check" "plan --to 2024.3.0" "upgrade --to 2024.3.0 --yes"; do
	# shellcheck disable=SC2086
	run env HOIST_FEED="$FEED" "$HOIST" --server "$URL" --api-key-file "$TMPROOT/key" $cmd
	exits "${cmd%% *}: the echoed key is refused" 3
	lacks "${cmd%% *}: the echoed key is not shown" "$ERR" "HOSTILEKEY"
	has "${cmd%% *}: says where the key was" "$ERR" "[API key]"
done

# Terminal escapes in a server's message are shown, not obeyed.
start_server escape
run "$HOIST" --server "$URL" --api-key-file "$TMPROOT/key" versions --feed "$FEED"
check "no ESC byte from a server's message reaches stderr" sh -c "! grep -qa \"$(printf '\033')\" '$ERR'"
has "the escape is shown as ^[" "$ERR" "^[]0;pwned^G^[[2J"

# A feed with escapes and ill-formed UTF-8 in its notes.
printf '{"format": "hoist-feed/1", "releases": [{"version": "2024.1.0", "notes": []},
 {"version": "2024.2.0", "notes": [{"kind": "fix", "text": "title\033]0;pwned\007 clear\033[2J bad \377\376 end"}]}]}\n' \
	>"$TMPROOT/feed.json"
run "$HOIST" notes --from 2024.1.0 --to 2024.2.0 --feed "$TMPROOT/feed.json"
exits "notes of a hostile feed" 0
check "no ESC or BEL byte reaches the terminal" sh -c "! grep -qa \"[$(printf '\033\007')]\" '$OUT'"
has "escapes are shown" "$OUT" "title^[]0;pwned^G clear^[[2J bad \\xff\\xfe end"
run "$HOIST" notes --from 2024.1.0 --to 2024.2.0 --feed "$TMPROOT/feed.json" --json
exits "notes --json of a hostile feed" 0
check "--json is valid UTF-8" python3 -c 'import json,sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$OUT"
json "--json keeps the text, repaired" '.notes[0].text | test("bad \ufffd\ufffd end")'
run "$HOIST" versions --current 2024.1.0 --feed "$TMPROOT/feed.json" --json
exits "versions --json of a hostile feed" 0
printf '{"format": "hoist-feed/1", "releases": [{"version": "2024.1.0"},
 {"version": "2024.2.0", "date": "2024\033[2J-05-01", "notes": [{"kind": "fix", "text": "x"}]}]}\n' \
	>"$TMPROOT/feed2.json"
run "$HOIST" versions --current 2024.1.0 --feed "$TMPROOT/feed2.json"
check "versions shows a date with an escape, inert" grep -qF '2024^[[2J-05-01' "$OUT"
run "$HOIST" notes --from 2024.1.0 --to 2024.2.0 --feed "$TMPROOT/feed2.json"
check "notes shows it inert too" grep -qF '2024^[[2J-05-01' "$OUT"

# --api-key-file overrides a configured key file that would be refused.
printf 'API-OTHERKEY99999\n' >"$TMPROOT/open-key"
chmod 644 "$TMPROOT/open-key"
printf '[server]\nurl = %s\napi_key_file = %s\n' "$URL" "$TMPROOT/open-key" >"$TMPROOT/hoist.conf"
run "$HOIST" --config "$TMPROOT/hoist.conf" versions --feed "$FEED" --current 2024.1.0
exits "a configured key file others may read is refused" 2
run "$HOIST" --config "$TMPROOT/hoist.conf" --api-key-file "$TMPROOT/key" versions \
	--feed "$FEED" --current 2024.1.0
exits "--api-key-file overrides it" 0

# A configuration file over 1 MiB is a configuration error.
head -c 1100000 /dev/zero | tr '\0' ';' >"$TMPROOT/big.conf"
run "$HOIST" --config "$TMPROOT/big.conf" versions --feed "$FEED" --current 2024.1.0
exits "a configuration over 1 MiB" 2
finish

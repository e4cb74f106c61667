#!/bin/sh
# cli_server.sh: the current version from a server's GET /api, a refused key, no server.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_lib.sh"

printf 'API-GOODKEY1234\n' >"$TMPROOT/key"
chmod 600 "$TMPROOT/key"
python3 "$top_srcdir/tests/api_server.py" "$TMPROOT/port" 2024.2.0 "$TMPROOT/key" &
server=$!
cleanup_add "kill $server"
i=0
while [ ! -s "$TMPROOT/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$TMPROOT/port")
URL="http://127.0.0.1:$port"

run "$HOIST" --server "$URL" --api-key-file "$TMPROOT/key" versions --feed "$FEED" --json
exits "versions asks the server" 0
json "current version from GET /api" '.current == "2024.2.0" and .recommended == "2024.3.0"'
run env HOIST_SERVER_URL="$URL" HOIST_API_KEY=API-GOODKEY1234 "$HOIST" check --feed "$FEED"
exits "check with HOIST_SERVER_URL and HOIST_API_KEY" 10
check "check names the server's version" test "$(cat "$OUT")" = "hoist: 2024.3.0 is available (minor), current 2024.2.0"
printf '[server]\nurl = %s\napi_key_file = %s\n[feed]\nsource = %s\n' "$URL" "$TMPROOT/key" "$FEED" \
	>"$TMPROOT/hoist.conf"
run "$HOIST" --config "$TMPROOT/hoist.conf" notes --to 2024.3.0 --json
exits "notes from the server's version" 0
json "notes start at the server's version" '.from == "2024.2.0" and .to == "2024.3.0"'

# A refused key: exit 3, a message that says so, never the key.
printf 'API-WRONGKEY999\n' >"$TMPROOT/wrong"
chmod 600 "$TMPROOT/wrong"
run "$HOIST" --server "$URL" --api-key-file "$TMPROOT/wrong" check --feed "$FEED"
exits "refused key" 3
has "says the key was refused" "$ERR" "refused the API key"
lacks "does not show the key" "$ERR" "API-WRONGKEY999"
check "stdout stays empty" test ! -s "$OUT"
run env HOIST_SERVER_URL="$URL" "$HOIST" versions --feed "$FEED"
exits "no key at all" 3

# No server there: exit 3, naming the host.
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$TMPROOT/free"
run "$HOIST" --server "http://127.0.0.1:$(cat "$TMPROOT/free")" --api-key-file "$TMPROOT/key" versions --feed "$FEED"
exits "unreachable server" 3
has "names the host" "$ERR" "127.0.0.1"

# No server configured and no --current: a configuration error that says what to do.
run "$HOIST" versions --feed "$FEED"
exits "no server, no --current" 2
has "suggests --current" "$ERR" "--current"
finish

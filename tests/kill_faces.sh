# kill_faces.sh: the engine never belongs to a terminal: a closed pipe, SIGHUP, Ctrl-C and
# a dry run whose reader went away, against the foreground commands.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
plan 19

# changes_since T: how many timeline events after T changed the server.
changes_since() {
	jq -s --argjson t "$1" '[.[] | select(.t > $t and (.event | test("^(maintenance-on|drain-on|node-down|install|schema|db-restore|os-patch)$")))] | length' "$D/timeline.jsonl"
}
now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }

# 1. `hoist upgrade ... | head -20`: the reader goes; the run goes on to its end.
run_sb pipe --nodes 3 --version 2024.1.2
"$SANDBOX" config "$D" set install=400 >/dev/null
{ rc=0; h upgrade --to 2024.2.1 --yes 2>"$TMPROOT/pipe.err" || rc=$?; echo "$rc" >"$TMPROOT/pipe.rc"; } | head -n 20 >/dev/null
check "upgrade | head -20: the command waits for the run and exits 0 (not 141)" [ "$(cat "$TMPROOT/pipe.rc")" = 0 ]
check "... every node runs the target" [ "$(st '[.nodes[].version] | unique | join(",")')" = 2024.2.1 ]
check "... maintenance mode is off, no node is drained" \
	[ "$(st '[.maintenance, (.nodes[].drained)] | unique | map(tostring) | join(",")')" = false ]
check "... the lock is gone" [ -z "$(ls "$HOIST_STATE_DIR/locks" 2>/dev/null)" ]

# 2. SIGHUP to the foreground command (a closed terminal) during backup-db.
run_sb hup --nodes 3 --version 2024.1.2
"$SANDBOX" config "$D" set db-backup=1500 >/dev/null
n=$(runs)
setsid "$HOIST" --config "$CONF" upgrade --to 2024.2.1 --yes >"$TMPROOT/hup.out" 2>&1 &
FG=$!
run_reaches "$n" backup-db || true
pg=$(ps -o pgid= -p "$FG" | tr -d ' ')
kill -HUP -- "-${pg:-$FG}" 2>/dev/null || kill -HUP "$FG"
rc=0; wait "$FG" || rc=$?
check "SIGHUP ends the foreground command" [ "$rc" -ne 0 ]
rc=0; h status --follow >/dev/null 2>&1 || rc=$?
check "... but not the run: it ends well (exit 0)" [ "$rc" -eq 0 ]
check "... every node runs the target, running" \
	[ "$(st '[.nodes[] | "\(.version) \(.running)"] | unique | join(",")')" = "2024.2.1 true" ]
check "... maintenance mode is off, no node is drained" \
	[ "$(st '[.maintenance, (.nodes[].drained)] | unique | map(tostring) | join(",")')" = false ]

# 3. A dry run whose reader goes away is not an interrupted run, and resume changes nothing.
run_sb dry --nodes 3 --version 2024.1.2
t0=$(now_ms)
h upgrade --to 2024.2.1 --dry-run --json | head -n 3 >"$TMPROOT/dry.out"
check "dry-run --json | head -3 printed the journal" [ "$(jq -r .event "$TMPROOT/dry.out" | head -n 1)" = run-start ]
out=$(h status 2>&1 || true)
check "... the dry run is not left interrupted" sh -c "! printf '%s' \"\$1\" | grep -q interrupted" sh "$out"
check "... nor does it hold the lock" [ -z "$(ls "$HOIST_STATE_DIR/locks" 2>/dev/null)" ]
h resume >"$TMPROOT/dry-resume.out" 2>&1 || true
check "... and hoist resume changes nothing on the server" [ "$(changes_since "$t0")" -eq 0 ]
check "... every node still runs 2024.1.2" [ "$(st '[.nodes[].version] | unique | join(",")')" = 2024.1.2 ]

# 4. Ctrl-C on the foreground command asks the engine to stop at the next safe point.
run_sb int --nodes 2 --version 2024.1.2
"$SANDBOX" config "$D" set install=1500 >/dev/null
n=$(runs)
"$HOIST" --config "$CONF" upgrade --to 2024.2.1 --yes >"$TMPROOT/int.out" 2>&1 &
FG=$!
run_reaches "$n" install || true
kill -INT "$FG"
rc=0; wait "$FG" || rc=$?
check "Ctrl-C: the command ends with the run, before the point of no return (exit 1)" [ "$rc" -eq 1 ]
check "... saying it asked the run to stop" grep -q "asked run .* to stop at the next safe point" "$TMPROOT/int.out"
check "... the run has ended (not interrupted)" grep -q '"event":"run-end"' "$(latest_run)journal.jsonl"
check "... every node runs 2024.1.2 again, running" \
	[ "$(st '[.nodes[] | "\(.version) \(.running)"] | unique | join(",")')" = "2024.1.2 true" ]
check "... maintenance mode is off, no node is drained" \
	[ "$(st '[.maintenance, (.nodes[].drained)] | unique | map(tostring) | join(",")')" = false ]

# 5. The same for hoist backup: SIGHUP during its db-backup does not stop it.
run_sb bhup --nodes 1 --version 2024.1.2
"$SANDBOX" config "$D" set db-backup=1500 >/dev/null
n=$(runs)
setsid "$HOIST" --config "$CONF" backup >"$TMPROOT/bhup.out" 2>&1 &
FG=$!
run_reaches "$n" backup-db || true
pg=$(ps -o pgid= -p "$FG" | tr -d ' ')
kill -HUP -- "-${pg:-$FG}" 2>/dev/null || kill -HUP "$FG"
wait "$FG" || true
rc=0; h status --follow >/dev/null 2>&1 || rc=$?
check "hoist backup: SIGHUP does not stop the backup run (it ends well)" [ "$rc" -eq 0 ]
finish

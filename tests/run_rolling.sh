# run_rolling.sh: a rolling patch on three nodes, one reached over SSH; one run at a time.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
. "$top_srcdir/tests/ssh_lib.sh"

ssh_start

run_sb three --nodes 3 --version 2024.1.2
"$SANDBOX" config "$D" set task-ms=200,task-rate=40 >/dev/null
sed -i "/^\[node \"node3\"\]/,/^url/ s|^transport = .*|transport = $SSH_ADDR|" "$CONF"
printf '\n[upgrade]\nssh_config = %s\npoll_ms = 100\n' "$K/ssh_config" >> "$CONF"
DATA=$(st .data_sha256)

out=$(h plan --to 2024.1.3)
check "a patch plans a rolling upgrade" matches "$out" '.*strategy rolling'
check "... without a point of no return" matches "$out" '.*Point of no return: none'

rc=0; h upgrade --to 2024.1.3 --yes --detach >"$TMPROOT/detach.out" 2>&1 || rc=$?
check "a detached run starts (exit 0) and says how to follow it" \
	sh -c "[ $rc -eq 0 ] && grep -q 'hoist status --follow' '$TMPROOT/detach.out'"
check "the detached engine runs in a session of its own" \
	sh -c "pid=\$(jq -r .pid '$HOIST_STATE_DIR'/locks/*.lock); [ \"\$(ps -o sid= -p \$pid | tr -d ' ')\" != \"\$(ps -o sid= -p $$ | tr -d ' ')\" ]"
rc=0; out=$(h upgrade --to 2024.1.3 --yes 2>&1) || rc=$?
check "a second concurrent run exits 5" [ "$rc" -eq 5 ]
check "... naming the run that holds the lock" matches "$out" ".*$(basename "$(latest_run)")"
rc=0; h status --follow >"$TMPROOT/follow.out" 2>&1 || rc=$?
check "status --follow stays until the run ends well" [ "$rc" -eq 0 ]
check "... showing each node's steps" grep -q "validate node3: ok" "$TMPROOT/follow.out"
check "every node runs the patch" [ "$(st '[.nodes[].version] | unique | join(",")')" = 2024.1.3 ]
check "the data is intact" [ "$(st .data_sha256)" = "$DATA" ]
check "maintenance mode was never on" [ "$(events maintenance-on)" -eq 0 ]
check "the load balancer was never unavailable" [ "$("$SANDBOX" report "$D" --json | jq .lb_outages)" -eq 0 ]
check "each node was down exactly once" \
	[ "$("$SANDBOX" report "$D" --json | jq '[.nodes[].outages] | join(",")' -r)" = "1,1,1" ]
check "node3 was driven over SSH" grep -q "Accepted publickey" "$K/sshd.log"
check "every node ends undrained" [ "$(st '[.nodes[].drained] | unique | join(",")')" = false ]
check "the key is in no file of the run" no_key_in "$HOIST_STATE_DIR"
finish

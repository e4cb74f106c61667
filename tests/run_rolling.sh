# run_rolling.sh: a rolling patch on three nodes, one reached over SSH; one run at a time.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

SSHD=/usr/sbin/sshd
if [ "$(id -u)" != 0 ] || [ ! -x "$SSHD" ] || ! command -v ssh >/dev/null; then
	echo "skip: needs root, $SSHD and ssh"
	exit 77
fi
mkdir -p /run/sshd
K="$TMPROOT/keys"
mkdir -p "$K"
ssh-keygen -q -t ed25519 -N '' -f "$K/host" >/dev/null
ssh-keygen -q -t ed25519 -N '' -f "$K/user" >/dev/null
cp "$K/user.pub" "$K/authorized_keys"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
	printf '%s\n' "Port $PORT" "ListenAddress 127.0.0.1" "HostKey $K/host" \
		"AuthorizedKeysFile $K/authorized_keys" "StrictModes no" "UsePAM no" \
		"PasswordAuthentication no" "KbdInteractiveAuthentication no" \
		"PermitRootLogin prohibit-password" "PidFile $K/sshd.pid" > "$K/sshd_config"
	"$SSHD" -D -e -f "$K/sshd_config" 2> "$K/sshd.log" &
	SSHD_PID=$!
	for _ in $(seq 50); do
		grep -q "Server listening" "$K/sshd.log" 2>/dev/null && break 2
		kill -0 "$SSHD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$SSHD_PID" 2>/dev/null || true
	SSHD_PID=
done
[ -n "$SSHD_PID" ] || { echo "cannot start sshd"; cat "$K/sshd.log"; exit 1; }
cleanup_add "kill $SSHD_PID"
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$K/host.pub")" > "$K/known_hosts"
printf '%s\n' "Host 127.0.0.1" "  IdentityFile $K/user" "  IdentitiesOnly yes" \
	"  IdentityAgent none" "  UserKnownHostsFile $K/known_hosts" \
	"  StrictHostKeyChecking yes" > "$K/ssh_config"

run_sb three --nodes 3 --version 2024.1.2
"$SANDBOX" config "$D" set task-ms=200,task-rate=40 >/dev/null
sed -i "/^\[node \"node3\"\]/,/^url/ s|^transport = .*|transport = ssh://$(id -un)@127.0.0.1:$PORT|" "$CONF"
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

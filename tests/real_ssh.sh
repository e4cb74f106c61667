# real_ssh.sh: a three-node minor upgrade over SSH: installers copied to every node and
# checked there before install, the database backup copied back with its size and SHA-256,
# the proxy of hoist's environment given to every node command, the health check run.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
. "$top_srcdir/tests/ssh_lib.sh"

ssh_start
run_sb three --nodes 3 --version 2024.1.2
for n in node1 node2 node3; do
	mkdir -p "$TMPROOT/$n"
	sed -i "/^\[node \"$n\"\]/,/^url/ s|^transport = .*|transport = $SSH_ADDR\nremote_dir = $TMPROOT/$n|" "$CONF"
done
# install also shows the installer it was given, and the proxy it sees, on the node.
printf '%s\n' "install = {sandbox} ctl {sandbox_dir} install {node} {version} && sha256sum {package} && sh -c \"echo proxy=\$HTTPS_PROXY\"" > "$TMPROOT/install.line"
sed -i "/^\[profile\]/r $TMPROOT/install.line" "$CONF"
printf '\n[upgrade]\nssh_config = %s\npoll_ms = 100\n' "$K/ssh_config" >> "$CONF"

# node2's shell is detected once, when planning.
sed -i '/^\[node "node2"\]/a shell = auto' "$CONF"
check "shell = auto: the plan records the shell the node answered with" \
	[ "$(h plan --to 2024.2.1 --json | jq -r '.nodes[] | select(.name == "node2") | .shell')" = posix ]
out=$(h plan --to 2024.2.1)
check "the plan shows each node's copy of the installer" \
	sh -c "for n in node1 node2 node3; do echo \"\$1\" | grep -q \"installer 2024.2.1 *\$n *$TMPROOT/\$n/\"; done" sh "$out"
check "... and that the backup is copied back" matches "$out" ".*database backup *node1 *$TMPROOT/node1/db-2024.1.2.bak"
check "the plan has a health check after the undrain" \
	[ "$(h plan --to 2024.2.1 --json | jq -r '[.steps[].id] | index("health-check") > index("undrain")')" = true ]

logins=$(grep -c 'Accepted publickey' "$K/sshd.log" || true)
rc=0; HTTPS_PROXY=http://proxy.test:3128 h upgrade --to 2024.2.1 --yes >"$TMPROOT/up.out" 2>&1 || rc=$?
check "a three-node upgrade over SSH ends well" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$TMPROOT/up.out"
J="$(latest_run)journal.jsonl"
check "every node runs 2024.2.1" [ "$(st '[.nodes[].version] | unique | join(",")')" = 2024.2.1 ]
for n in node1 node2 node3; do
	f=$(ls "$TMPROOT/$n"/*2024.2.1* 2>/dev/null | head -n 1)
	check "the installer was copied to $n" [ -s "$f" ]
	check "... and its SHA-256 checked there at stage and before install" \
		sh -c "jq -r 'select(.node == \"$n\") | .message' '$J' | grep -c '2024.2.1.*SHA-256 .* checked on the node' | grep -qx 2"
done
check "install was given the node's copy" \
	sh -c "jq -r 'select(.step == \"install\" and .stream == \"stdout\") | .message' '$J' | grep -q '$TMPROOT/node2/'"
check "HTTPS_PROXY of hoist's environment reached every node's command" \
	[ "$(jq -r 'select(.step == "install" and .stream == "stdout") | .message' "$J" | grep -c '^proxy=http://proxy.test:3128$')" -eq 3 ]
ev=$(jq -c '.evidence[] | select(.item == "backup-db")' "$(latest_run)plan.json")
B="$(latest_run)backups/db-2024.1.2.bak"
check "the backup was copied back into the run folder" [ -s "$B" ]
check "... its evidence has the local path, the size and the SHA-256" \
	[ "$(echo "$ev" | jq -r '"\(.path) \(.size) \(.sha256)"')" = "$B $(stat -c %s "$B") $(sha256sum "$B" | cut -d' ' -f1)" ]
check "... and the step says it was checked on both sides" \
	grep -q 'copied back to .*SHA-256 checked on both sides' "$J"
check "the health check ran and ended well" \
	sh -c "jq -r 'select(.event == \"step-end\" and .step == \"health-check\") | .status' '$J' | grep -qx ok"
# The shell probe of planning, then one shared connection per node (ssh and scp alike).
check "the run's files and commands share each node's SSH connection" \
	[ "$(($(grep -c 'Accepted publickey' "$K/sshd.log") - logins))" -le 4 ]

# Rolling back over SSH: the backup goes to the primary again, is checked there, restored.
rc=0; h rollback --run --yes >"$TMPROOT/rollback.out" 2>&1 || rc=$?
check "the rollback over SSH succeeds" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || tail -n 5 "$TMPROOT/rollback.out"
check "... every node runs 2024.1.2 again" [ "$(st '[.nodes[].version] | unique | join(",")')" = 2024.1.2 ]
check "... the restore read a copy on the node, checked there" \
	grep -q "db-2024.1.2.bak: copied to $TMPROOT/node1/db-2024.1.2.bak, SHA-256 $(sha256sum "$B" | cut -d' ' -f1) checked on the node" "$(latest_run)journal.jsonl"

# Kept on the node: size and SHA-256 computed there.
printf 'backup_copy = false\n' >> "$CONF"
"$SANDBOX" fault "$D" clear >/dev/null
rc=0; h backup >"$TMPROOT/backup.out" 2>&1 || rc=$?
ev=$(jq -c '.evidence[] | select(.item == "backup-db")' "$(latest_run)plan.json")
R="$TMPROOT/node1/db-2024.1.2.bak"
check "with backup_copy = false the backup stays on the node" sh -c "[ $rc -eq 0 ] && [ -s '$R' ] && [ ! -e '$(latest_run)backups/db-2024.1.2.bak' ]"
check "... its evidence names the node and has the size and SHA-256 computed there" \
	[ "$(echo "$ev" | jq -r '"\(.path) \(.size) \(.sha256)"')" = "node1:$R $(stat -c %s "$R") $(sha256sum "$R" | cut -d' ' -f1)" ]
check "the key is in no file of the runs" no_key_in "$HOIST_STATE_DIR"
finish

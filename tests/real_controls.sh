# real_controls.sh: seed 004's controls: --force (a repair of the installed version),
# --node (one node; refused for a minor upgrade of a cluster), [proxy] for node commands.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

versions() { st '[.nodes[].version] | join(",")'; }
installs() { jq -r 'select(.event == "step-end" and .step == "install" and .status == "ok") | .node' "$(latest_run)journal.jsonl" | sort | tr '\n' ' '; }

# --force: the upgrade of the version already installed runs again.
run_sb one --nodes 1 --version 2024.1.3
printf '\n[upgrade]\npoll_ms = 100\n' >> "$CONF"
rc=0; out=$(h upgrade --to 2024.1.3 --yes 2>&1) || rc=$?
check "without --force the installed version is refused" [ "$rc" -ne 0 ]
check "... saying --force would repair it" matches "$out" '.*already runs 2024.1.3.*--force re-runs'
out=$(h plan --to 2024.1.3 --force)
check "hoist plan --force plans the repair" matches "$out" '.*Plan: 2024.1.3 to 2024.1.3'
check "... and says so in the plan's overrides" matches "$out" '.*Override: force: the upgrade of 2024.1.3, which is installed, runs again'
before=$(events install)
rc=0; h upgrade --to 2024.1.3 --force --yes >"$TMPROOT/force.out" 2>&1 || rc=$?
check "hoist upgrade --force re-runs the upgrade of 2024.1.3 (exit 0)" [ "$rc" -eq 0 ]
check "... the node was installed again" [ "$(events install)" -gt "$before" ]
check "... and validated on 2024.1.3" grep -q 'validate node1: ok: node1 runs 2024.1.3' "$TMPROOT/force.out"
rc=0; h upgrade --to 2024.1.2 --force --yes >/dev/null 2>&1 || rc=$?
check "--force does not go back to an older version" [ "$rc" -ne 0 ]
check "--node on a single-node server allows a minor upgrade" sh -c "'$HOIST' --config '$CONF' plan --to 2024.2.1 --node node1 >/dev/null"

# --node: one node of a cluster, for a patch.
run_sb three --nodes 3 --version 2024.1.2
printf '\n[upgrade]\npoll_ms = 100\n' >> "$CONF"
rc=0; out=$(h plan --to 2024.2.1 --node node2 2>&1) || rc=$?
check "--node is refused for a minor upgrade of one node of a cluster (exit 1)" [ "$rc" -eq 1 ]
check "... saying why" matches "$out" '.*minor upgrade, which changes the database schema; the vendor upgrades every node'
rc=0; out=$(h plan --to 2024.1.3 --node node9 2>&1) || rc=$?
check "--node with a node the plan does not have is refused" sh -c "[ $rc -ne 0 ] && echo \"\$1\" | grep -q 'no such node'" sh "$out"
rc=0; h upgrade --to 2024.1.3 --node node2 --yes >"$TMPROOT/node.out" 2>&1 || rc=$?
check "--node node2 upgrades a patch on that node alone" [ "$rc" -eq 0 ]
check "... only node2 runs 2024.1.3" [ "$(versions)" = "2024.1.2,2024.1.3,2024.1.2" ]
check "... only node2 was installed" [ "$(installs)" = "node2 " ]
check "... the plan records it" [ "$(jq -r '.overrides[]' "$(latest_run)plan.json")" = "node: node2 alone; the other nodes are not touched" ]

# After one node alone, the rest of the cluster: the oldest node's version is current.
rc=0; out=$(h plan --to 2024.1.3 2>&1) || rc=$?
check "a cluster with one node upgraded alone plans from its oldest version" \
	sh -c "[ $rc -eq 0 ] && echo \"\$1\" | grep -q 'Plan: 2024.1.2 to 2024.1.3'" sh "$out"

# [proxy]: every node command gets the proxy settings.
printf '[proxy]\nhttps_proxy = http://proxy.example:3128\nno_proxy = .example.org\n' >> "$CONF"
sed -i '/^\[profile\]/a install = {sandbox} ctl {sandbox_dir} install {node} {version} \&\& env' "$CONF"
rc=0; h upgrade --to 2024.1.3 --node node3 --yes >"$TMPROOT/proxy.out" 2>&1 || { rc=$?; cat "$TMPROOT/proxy.out"; }
J="$(latest_run)journal.jsonl"
check "with [proxy], the run ends well" [ "$rc" -eq 0 ]
check "... the node's command saw HTTPS_PROXY from [proxy]" \
	sh -c "jq -r 'select(.step == \"install\" and .stream == \"stdout\") | .message' '$J' | grep -qx 'HTTPS_PROXY=http://proxy.example:3128'"
check "... and NO_PROXY" \
	sh -c "jq -r 'select(.step == \"install\" and .stream == \"stdout\") | .message' '$J' | grep -qx 'NO_PROXY=.example.org'"
finish

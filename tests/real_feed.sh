# real_feed.sh: the vendor's feed and MSIs from a loopback server at the seed's path
# pattern, an octopus-windows profile over SSH: plan and dry run stage the installer on the
# node and check its SHA-256 there; checksums, Authenticode, images and package_url.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"
. "$top_srcdir/tests/ssh_lib.sh"

ssh_start
run_sb real --nodes 1 --version 2024.1.2
NODE_URL=$(node_url node1)

# The vendor's shapes: /download/upgrade/v3 (versions only) and /octopus/Octopus.V-x64.msi.
W="$TMPROOT/www"
mkdir -p "$W/download/upgrade" "$W/octopus"
printf '[{"Version":"2024.1.2"},{"Version":"2024.1.3"},{"Version":"2024.2.1"}]\n' > "$W/download/upgrade/v3"
head -c 300000 /dev/urandom > "$W/octopus/Octopus.2024.2.1-x64.msi"
head -c 200000 /dev/urandom > "$W/octopus/Octopus.2024.1.2-x64.msi"
SUM=$(sha256sum "$W/octopus/Octopus.2024.2.1-x64.msi" | cut -d' ' -f1)
web_start "$W"

REMOTE="$TMPROOT/remote dir"
write_conf() {
	cat > "$CONF" <<-EOF2
	[server]
	url = $URL
	api_key_file = $D/api-key
	[feed]
	source = $WEB/download/upgrade/v3
	download_base = $WEB
	$1
	[upgrade]
	profile = octopus-windows
	ssh_config = $K/ssh_config
	remote_dir = $REMOTE
	[node "node1"]
	role = primary
	transport = $SSH_ADDR
	url = $NODE_URL
	EOF2
}

write_conf ""
rc=0; out=$(h plan --to 2024.2.1 2>&1) || rc=$?
check "hoist plan succeeds with the vendor's feed (no package addresses in it)" [ "$rc" -eq 0 ]
check "... the installer's address follows the seed's pattern under download_base" \
	matches "$out" ".*$WEB/octopus/Octopus.2024.2.1-x64.msi"
check "... the plan says plainly that no checksum was given" matches "$out" '.*SHA-256: none given'
if command -v osslsigncode >/dev/null; then SIG=osslsigncode; else SIG=unavailable; fi
if [ "$SIG" = osslsigncode ]; then
	check "... and that the Authenticode signature will be checked" \
		matches "$out" '.*Authenticode signature: checked with osslsigncode'
else
	check "... and that the Authenticode signature cannot be checked here" \
		matches "$out" '.*Authenticode signature: not checked (osslsigncode is not installed)'
fi
check "... and where the installer will be on the node" \
	matches "$out" ".*installer 2024.2.1 *node1 *$REMOTE/Octopus.2024.2.1-x64.msi"
json=$(h plan --to 2024.2.1 --json)
check "... in the JSON too: no sha256, its source null, the signature check" \
	[ "$(echo "$json" | jq -r '.packages[] | select(.version == "2024.2.1") | "\(.sha256) \(.checksum_source) \(.signature)"')" = "null null $SIG" ]
check "... the node's folder is in the plan" [ "$(echo "$json" | jq -r '.nodes[0].remote_dir')" = "$REMOTE" ]

# The random bytes are no signed MSI: osslsigncode refuses them, and so does the stage.
if [ "$SIG" = osslsigncode ]; then
	rc=0; out=$(h upgrade --to 2024.2.1 --dry-run 2>&1) || rc=$?
	check "an installer without a valid Authenticode signature stops the dry run (exit 1)" [ "$rc" -eq 1 ]
	check "... saying so" matches "$out" '.*no valid Authenticode signature'
	check "... and it never reaches the node" [ ! -e "$REMOTE/Octopus.2024.2.1-x64.msi" ]
fi

write_conf "authenticode = off"
rc=0; out=$(h upgrade --to 2024.2.1 --dry-run 2>&1) || rc=$?
check "hoist upgrade --dry-run over SSH succeeds" [ "$rc" -eq 0 ]
check "the installer arrives on the node, whole" \
	[ "$(sha256sum "$REMOTE/Octopus.2024.2.1-x64.msi" | cut -d' ' -f1)" = "$SUM" ]
J="$(latest_run)journal.jsonl"
check "... its SHA-256 checked on the node" \
	grep -q "2024.2.1: copied to $REMOTE/Octopus.2024.2.1-x64.msi, SHA-256 $SUM checked on the node" "$J"
check "... the SHA-256 the stage computed is recorded (no checksum was given)" \
	[ "$(jq -r '.evidence[] | select(.item == "package-2024.2.1") | .sha256' "$(latest_run)plan.json")" = "$SUM" ]
check "... the journal says the signature was not checked, and why" \
	grep -q 'Authenticode signature not checked (\[feed\] authenticode = off)' "$J"
rc=0; h upgrade --to 2024.2.1 --dry-run >/dev/null 2>&1 || rc=$?
check "a second dry run finds the installer on the node and does not copy it again" \
	sh -c "[ $rc -eq 0 ] && grep -q '2024.2.1: already on the node at $REMOTE/Octopus.2024.2.1-x64.msi, SHA-256 $SUM checked there' '$(latest_run)journal.jsonl'"
check "the pre-upgrade gate measured the free space of the node's folder (before it existed)" \
	grep -q "node1: [0-9]* MB free in $REMOTE" "$J"
check "the MSI came from the seed's path" grep -q 'GET /octopus/Octopus.2024.2.1-x64.msi' "$WEB_LOG"
check "the copy went over the run's SSH connection" grep -q "Accepted publickey" "$K/sshd.log"
check "nothing on the server changed" [ "$(st .nodes[0].version)" = 2024.1.2 ]

# Checksums supplied by the operator, in sha256sum's format.
(cd "$W/octopus" && sha256sum Octopus.2024.2.1-x64.msi Octopus.2024.1.2-x64.msi) > "$TMPROOT/SHA256SUMS"
write_conf "authenticode = off
checksums = $TMPROOT/SHA256SUMS"
out=$(h plan --to 2024.2.1)
check "[feed] checksums supplies the SHA-256 the plan shows" \
	matches "$out" ".*SHA-256 $SUM (from \[feed\] checksums)"
printf '%s  Octopus.2024.2.1-x64.msi\n' "$(printf '0%.0s' $(seq 64))" > "$TMPROOT/BAD"
write_conf "authenticode = off
checksums = $TMPROOT/BAD"
rc=0; out=$(h upgrade --to 2024.2.1 --dry-run 2>&1) || rc=$?
check "a download that does not match the supplied checksum stops the dry run" [ "$rc" -ne 0 ]
check "... naming both digests" matches "$out" ".*$SUM.*\|.*0000000000"

# A feed entry's own address wins over the profile's rule.
printf '%s\n' '{"format": "hoist-feed/1", "releases": [' \
	'{"version": "2024.1.2", "packages": []},' \
	"{\"version\": \"2024.2.1\", \"packages\": [{\"platform\": \"windows-x64\", \"url\": \"$WEB/mirror/o.msi\", \"sha256\": \"$SUM\"}]}]}" \
	> "$W/mirror.json"
write_conf "authenticode = off"
sed -i "s|^source = .*|source = $WEB/mirror.json|" "$CONF"
out=$(h plan --to 2024.2.1)
check "a feed entry's own address wins" matches "$out" ".*$WEB/mirror/o.msi"
check "... with its checksum, from the feed" matches "$out" ".*SHA-256 $SUM (from the feed)"

# octopus-linux-docker: the image tag, pulled by each node (a fake docker records it).
mkdir -p "$TMPROOT/bin"
printf '#!/bin/sh\necho "$*" >> "%s"\n' "$TMPROOT/docker.log" > "$TMPROOT/bin/docker"
chmod +x "$TMPROOT/bin/docker"
write_conf ""
sed -i -e 's|^profile = .*|profile = octopus-linux-docker|' -e "s|^transport = .*|transport = local|" "$CONF"
# The image has no database backup of its own: the operator names one.
printf '[profile]\ndb-backup = true\n' >> "$CONF"
out=$(h plan --to 2024.2.1)
check "octopus-linux-docker plans the image tag" \
	matches "$out" '.*docker://octopusdeploy/octopusdeploy:2024.2.1'
check "... pulled by the node before the window" matches "$out" '.*pulled by the node before the window'
rc=0; PATH="$TMPROOT/bin:$PATH" h upgrade --to 2024.2.1 --dry-run >"$TMPROOT/docker.out" 2>&1 || { rc=$?; cat "$TMPROOT/docker.out"; }
check "the dry run stages the image with docker pull on the node" \
	sh -c "[ $rc -eq 0 ] && grep -qx 'pull octopusdeploy/octopusdeploy:2024.2.1' '$TMPROOT/docker.log'"

# custom: a package_url template.
write_conf ""
sed -i -e 's|^profile = .*|profile = custom|' "$CONF"
printf '[profile]\npackage_url = https://mirror.example/octo/{version}/server.msi\nstop = true\n' >> "$CONF"
out=$(h plan --to 2024.2.1)
check "custom's package_url gives the address" matches "$out" '.*https://mirror.example/octo/2024.2.1/server.msi'
finish

# ssh_lib.sh: a throw-away sshd on 127.0.0.1 for the tests (sourced after lib.sh).

# ssh_start [SSHD_CONFIG_LINE]...: keys, sshd on a free port (probing), known_hosts and an
# ssh_config for it; sets K, PORT, SSHD_PID and SSH_ADDR; skips (77) without root or sshd.
ssh_start() {
	SSHD=/usr/sbin/sshd
	if [ "$(id -u)" != 0 ] || [ ! -x "$SSHD" ] || ! command -v ssh >/dev/null ||
		! command -v scp >/dev/null; then
		echo "skip: needs root, $SSHD, ssh and scp"
		exit 77
	fi
	mkdir -p /run/sshd
	K="$TMPROOT/keys"
	mkdir -p "$K"
	ssh-keygen -q -t ed25519 -N '' -f "$K/host" >/dev/null
	ssh-keygen -q -t ed25519 -N '' -f "$K/user" >/dev/null
	cp "$K/user.pub" "$K/authorized_keys"
	SSHD_PID=
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		printf '%s\n' "Port $PORT" "ListenAddress 127.0.0.1" "HostKey $K/host" \
			"AuthorizedKeysFile $K/authorized_keys" "StrictModes no" "UsePAM no" \
			"PasswordAuthentication no" "KbdInteractiveAuthentication no" \
			"PermitRootLogin prohibit-password" "PidFile $K/sshd.pid" \
			"Subsystem sftp internal-sftp" "$@" > "$K/sshd_config"
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
	SSH_ADDR="ssh://$(id -un)@127.0.0.1:$PORT"
}

# web_start DIR: serves DIR over HTTP on 127.0.0.1 (python3); sets WEB and WEB_LOG.
web_start() {
	WEB_LOG="$TMPROOT/web.log"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		_p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		python3 -m http.server --bind 127.0.0.1 --directory "$1" "$_p" >"$WEB_LOG" 2>&1 &
		_w=$!
		for _ in $(seq 50); do
			if curl -s -o /dev/null "http://127.0.0.1:$_p/"; then
				cleanup_add "kill $_w"
				WEB="http://127.0.0.1:$_p"
				return 0
			fi
			kill -0 "$_w" 2>/dev/null || break
			sleep 0.1
		done
		kill "$_w" 2>/dev/null || true
	done
	echo "cannot start the web server"; cat "$WEB_LOG"; exit 1
}

# ssh_transport.sh: the SSH transport against a real sshd on 127.0.0.1 with throw-away keys.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ssh_lib.sh"

TOOL="$top_builddir/tests/transport_tool"
ssh_start
mkdir -p "$TMPROOT/run"
chmod 700 "$TMPROOT/run"
ssh-keygen -q -t ed25519 -N '' -f "$K/stranger" >/dev/null

ADDR=$SSH_ADDR

# The caller's extra ssh options: this key only, this known_hosts, no user config.
SSHOPTS="-o -F -o /dev/null -o -i -o $K/user -o -o -o IdentitiesOnly=yes -o -o -o IdentityAgent=none -o -o -o UserKnownHostsFile=$K/known_hosts -o -o -o StrictHostKeyChecking=yes"
# shellcheck disable=SC2086
tool() { "$TOOL" -d "$TMPROOT/run" $SSHOPTS "$@"; }

out=$(tool node1 "$ADDR" printf '%s\n' 'two words' "it's \"quoted\"" '$(id); echo pwned' '*')
expected='out: two words
out: it'"'"'s "quoted"
out: $(id); echo pwned
out: *
status: ok exit: 0'
if [ "$out" = "$expected" ]; then ok "argv with spaces, quotes and shell syntax arrives intact"
else fail "argv arrives intact: got [$out]"; fi

out=$(tool node1 "$ADDR" sh -c 'echo one; echo two >&2; echo three')
case "$out" in
*"out: one"*"out: three"*) ok "stdout streamed line by line" ;;
*) fail "stdout lines: [$out]" ;;
esac
check "stderr streamed as its own stream" grep -qx "err: two" <<EOF
$out
EOF

sock=$(find "$TMPROOT/run" -name 'ssh-*' -type s | head -n 1)
if [ -n "$sock" ]; then ok "ControlMaster socket created in the run folder"
else fail "no ControlMaster socket in $TMPROOT/run: $(ls -la "$TMPROOT/run")"; fi

out=$(tool node1 "$ADDR" sh -c 'echo "disk full" >&2; exit 3')
case "$out" in
*"status: command exit: 3"*"message: on node node1, \`sh\` failed with exit code 3: disk full"*)
	ok "a non-zero exit is reported with the node and the last stderr line" ;;
*) fail "non-zero exit: [$out]" ;;
esac

out=$(tool node1 "$ADDR" sh -c 'exit 255')
case "$out" in
*"status: command exit: 255"*) ok "a remote command's own exit 255 is not mistaken for ssh failing" ;;
*) fail "exit 255: [$out]" ;;
esac

# The remote sleep outlives the ssh client (no terminal, no hang-up): end it ourselves.
# Only if it is still that sleep: once stopped, its pid may already be another process's.
cleanup_add 'p=$(cat "$TMPROOT/remote.pid"); [ "$(ps -o comm= -p "$p")" = sleep ] && kill "$p"'
out=$(tool -t 700 node1 "$ADDR" sh -c 'echo $$ > "$1"; exec sleep 30' sh "$TMPROOT/remote.pid")
case "$out" in
*"status: timeout"*) ok "a remote command past its timeout is stopped" ;;
*) fail "timeout: [$out]" ;;
esac

out=$(tool -c node1 "$ADDR" true)
case "$out" in
*"status: ok exit: 0"*"closed: ok"*) ok "the shared connection closes with ssh -O exit" ;;
*) fail "close: [$out]" ;;
esac
# The master answers `-O exit` before it removes its socket and ends: wait for that.
no_socket() { [ -z "$(find "$TMPROOT/run" -name 'ssh-*' -type s)" ]; }
if wait_for 5 no_socket; then ok "ControlMaster socket removed on close"
else fail "socket still there 5 s after close"; fi

# A key the server does not know.
out=$("$TOOL" -d "$TMPROOT/run" -o -F -o /dev/null -o -i -o "$K/stranger" -o -o -o IdentitiesOnly=yes \
	-o -o -o IdentityAgent=none -o -o -o "UserKnownHostsFile=$K/known_hosts" node2 "$ADDR" true)
case "$out" in
*"status: network"*"cannot reach node2 over SSH ($ADDR): "*"Permission denied"*"check that the key is loaded in your agent"*)
	ok "a refused key gives a clear error naming the node and what to do" ;;
*) fail "refused key: [$out]" ;;
esac

# A host key that does not match known_hosts.
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$K/stranger.pub")" > "$K/wrong_hosts"
out=$("$TOOL" -o -F -o /dev/null -o -i -o "$K/user" -o -o -o IdentitiesOnly=yes -o -o \
	-o "UserKnownHostsFile=$K/wrong_hosts" -o -o -o StrictHostKeyChecking=yes node2 "$ADDR" true 2>/dev/null)
case "$out" in
*"status: network"*"host key is unknown or has changed"*) ok "a changed host key is reported as such" ;;
*) fail "host key: [$out]" ;;
esac

# Nothing listens on the port sshd used before it stops.
kill "$SSHD_PID"; wait "$SSHD_PID" 2>/dev/null || true
out=$(tool node3 "$ADDR" true)
case "$out" in
*"status: network"*"cannot reach node3 over SSH ($ADDR): "*"Connection refused"*"check the host name and port"*)
	ok "an unreachable port gives the clear error" ;;
*) fail "unreachable: [$out]" ;;
esac

finish

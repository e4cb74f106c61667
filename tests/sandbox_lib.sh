# sandbox_lib.sh: helpers for the sandbox tests (sourced after lib.sh).

# sb_new NAME [INIT OPTIONS]: a fresh sandbox in $TMPROOT/NAME; sets D, HDR and UHDR.
sb_new() {
	D="$TMPROOT/$1"
	shift
	"$SANDBOX" init "$D" "$@" >/dev/null
	# Keys go to curl through header files, never on a command line.
	HDR="$D/admin.hdr"
	UHDR="$D/user.hdr"
	(umask 077; printf 'X-Octopus-ApiKey: %s\n' "$(cat "$D/api-key")" >"$HDR"
	 printf 'X-Octopus-ApiKey: %s\n' "$(cat "$D/api-key-user")" >"$UHDR")
}

# sb_serve [SERVE OPTIONS]: serves $D on a free port; sets URL and SERVE_PID; stopped at exit.
sb_serve() {
	rm -f "$D.out"
	"$SANDBOX" serve "$D" --port 0 "$@" >"$D.out" 2>"$D.err" &
	SERVE_PID=$!
	cleanup_add "kill $SERVE_PID; wait $SERVE_PID"
	wait_for 20 test -s "$D.out" || { echo "# the sandbox did not start serving"; cat "$D.err"; return 1; }
	URL=$(head -n 1 "$D.out")
}

# code [CURL ARGS] URL: the HTTP status only ("000" when nothing answers).
code() { curl -s -o /dev/null -w '%{http_code}' "$@" || true; }
# api [CURL ARGS] URL: the body, as the administrator.
api() { curl -s -H "@$HDR" "$@"; }
ctl() { "$SANDBOX" ctl "$D" "$@"; }
# node_url NAME: a node's own address.
node_url() { ctl status --json | jq -r ".nodes[] | select(.name == \"$1\") | .url"; }
# events NAME: how many timeline events of this kind were recorded.
events() { grep -c "\"event\":\"$1\"" "$D/timeline.jsonl" || true; }
# matches TEXT REGEX: expr's anchored match, quietly.
matches() { expr "$1" : "$2" >/dev/null; }

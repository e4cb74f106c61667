# real_shells.sh: what a node's shell receives. sshd's ForceCommand records the command
# line it was sent for octopus-windows' actions under posix, powershell and cmd quoting
# (and runs the posix ones), so the exact line a Windows node would get is checked here.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/ssh_lib.sh"

REC="$TMPROOT/received"
cat > "$TMPROOT/record.sh" <<EOF
#!/bin/sh
printf '%s\n' "\$SSH_ORIGINAL_COMMAND" >> "$REC"
case "\$SSH_ORIGINAL_COMMAND" in
"'"*|[A-Za-z]*=\'*) exec sh -c "\$SSH_ORIGINAL_COMMAND" ;;
esac
EOF
chmod +x "$TMPROOT/record.sh"
ssh_start "ForceCommand $TMPROOT/record.sh"
TOOL="$top_builddir/tests/transport_tool"
tool() { "$TOOL" -o -F -o "$K/ssh_config" "$@"; }

# received SHELL ACTION [TOOL OPTIONS]: the line sshd got for that action.
received() {
	: > "$REC"
	sh=$1 act=$2
	shift 2
	tool -s "$sh" "$@" -a "$act" node1 "$SSH_ADDR" >/dev/null
	cat "$REC"
}

P="-e HTTPS_PROXY=http://proxy.example:3128"
check "powershell: Octopus.Server.exe service --stop" [ "$(received powershell stop)" = \
	"& 'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'service' '--instance=OctopusServer' '--stop' | Write-Output; exit \$LASTEXITCODE" ]
# shellcheck disable=SC2086
check "powershell: msiexec with the proxy" [ "$(received powershell install $P)" = \
	"\$env:HTTPS_PROXY='http://proxy.example:3128'; & 'msiexec' '/i' 'C:\\hoist\\Octopus.2024.2.1-x64.msi' '/quiet' '/norestart' | Write-Output; exit \$LASTEXITCODE" ]
check "powershell: sqlcmd's backup, its quotes doubled" [ "$(received powershell db-backup)" = \
	"& 'sqlcmd' '-S' 'SQL01\\OCTOPUS' '-E' '-b' '-Q' 'BACKUP DATABASE [OctopusDeploy] TO DISK = N''C:\\hoist\\db-2024.1.2.bak'' WITH COPY_ONLY, INIT' | Write-Output; exit \$LASTEXITCODE" ]
check "cmd: Octopus.Server.exe, the path in quotes inside cmd /c's own" [ "$(received cmd stop)" = \
	"\"\"C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe\" service --instance=OctopusServer --stop\"" ]
# shellcheck disable=SC2086
check "cmd: msiexec waited for, with the proxy" [ "$(received cmd install $P)" = \
	"\"set \"HTTPS_PROXY=http://proxy.example:3128\"&& start \"\" /wait msiexec /i C:\\hoist\\Octopus.2024.2.1-x64.msi /quiet /norestart\"" ]
check "cmd: sqlcmd's backup in one quoted argument" [ "$(received cmd db-backup)" = \
	"\"sqlcmd -S SQL01\\OCTOPUS -E -b -Q \"BACKUP DATABASE [OctopusDeploy] TO DISK = N'C:\\hoist\\db-2024.1.2.bak' WITH COPY_ONLY, INIT\"\"" ]
check "posix: every word in single quotes" [ "$(received posix stop)" = \
	"'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Server.exe' 'service' '--instance=OctopusServer' '--stop'" ]

# The preflight's probe: Windows has no `true`.
: > "$REC"; tool -s powershell -p node1 "$SSH_ADDR" >/dev/null
check "powershell: the probe is exit 0" [ "$(cat "$REC")" = "exit 0" ]
: > "$REC"; tool -s cmd -p node1 "$SSH_ADDR" >/dev/null
check "cmd: the probe is exit /b 0" [ "$(cat "$REC")" = "exit /b 0" ]
: > "$REC"; tool -s posix -p node1 "$SSH_ADDR" >/dev/null
check "posix: the probe is true" [ "$(cat "$REC")" = "'true'" ]

# The free space of a node's folder: Get-PSDrive of its drive; df of its nearest parent.
: > "$REC"; tool -s powershell -f 'C:\ProgramData\hoist' node1 "$SSH_ADDR" >/dev/null
check "powershell: free space from Get-PSDrive of the folder's drive" [ "$(cat "$REC")" = "(Get-PSDrive -Name C).Free" ]
out=$(tool -s posix -f "$TMPROOT/not/yet/there" node1 "$SSH_ADDR")
check "posix: free space of a folder not made yet, from its parent" \
	sh -c "echo \"\$1\" | grep -q '^free: [1-9][0-9]*$'" sh "$out"

# A posix line also runs as sent: a hostile argument stays one argument.
: > "$REC"
out=$(tool -s posix -e 'HTTPS_PROXY=http://p.example:3128' node1 "$SSH_ADDR" sh -c 'printf "%s|%s\n" "$HTTPS_PROXY" "$1"' sh "it's \$(id); *")
check "posix: the proxy and a hostile argument arrive intact" \
	matches "$out" "out: http://p.example:3128|it's \$(id); \*"
: > "$REC"
out=$(tool -s cmd node1 "$SSH_ADDR" echo "100%")
check "cmd: an argument cmd would expand (%) is refused before anything is sent" \
	sh -c "echo \"\$1\" | grep -q 'status: unsafe' && echo \"\$1\" | grep -q 'cannot be passed safely to a cmd shell' && [ ! -s '$REC' ]" sh "$out"
finish

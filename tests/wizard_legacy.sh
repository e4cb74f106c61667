#!/bin/sh
# wizard_legacy.sh: the wizard on an Octopus 2.6 server: the legacy upgrade to 3.x with the
# operator's maxage, its steps by hand shown in full and checked off on the progress screen.
. "${top_srcdir:-$(dirname "$0")/..}/tests/wizard_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is missing"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
legacy_sandbox_start "$TMPROOT/sb" migrate=300
wizard_start 80 24

shows "a 2.x server is named as such" "the server runs Octopus 2.6.5"
shows "and the legacy upgrade is offered" "Press L for the legacy upgrade to 3.x."
keys L
shows "the legacy screen" "Octopus 2.6.5 to 3.2.1, in the vendor's order"
shows "maxage is the operator's" "History the migrator keeps: 90 days"
keys Escape
shows "Esc leads back to the connect screen" "Press L for the legacy upgrade to 3.x."
keys L
shows "L leads to the legacy screen again" "Octopus 2.6.5 to 3.2.1, in the vendor's order"
keys m 30 Enter
shows "m changes it" "History the migrator keeps: 30 days"
# command_shown TEXT: the screen's lines, joined where a line ends in a backslash, hold it.
command_shown() {
	screen | python3 -c '
import sys
out, cont = "", False
for l in sys.stdin.read().split("\n"):
    l = l.strip()
    out += (" " if cont else "\n") + l.rstrip("\\").rstrip()
    cont = l.endswith(" \\")
sys.exit(0 if sys.argv[1] in out else 1)
' "$1"
}
check "the exact migrator command, its lines joined where they end in a backslash" \
	wait_for 10 command_shown "hoist-sandbox ctl $TMPROOT/sb migrate node1 maxage=30"
shows "steps by hand are marked" "backup-license-key (by hand: you check it off)"
keys Enter
shows "starting asks first" "Start the legacy upgrade now? (y/n)"
keys y
shows_late 20 "the license key step waits, its instruction in full" "Save the license key of the 2.6.5 server: in its web portal, Configuration >"
shows "y checks it off" "y: the step by hand is done"
echo "LICENSE" >"$TMPROOT/license.txt"
keys y
shows "the license key needs its file" "The file that holds the license key:"
keys "$TMPROOT/license.txt" Enter
shows_late 20 "the package files step waits" "C:\\Octopus\\Packages"
keys y
shows_late 20 "the Tentacle step waits, naming the targets" "tentacle-01 (2.6.5)"
"$SANDBOX" ctl "$SB" tentacle-install all 3.2.1
keys y
shows_late 30 "the run ends well, and the result names the journey" "The run (legacy) ended well; the server runs 3.2.1."
check "the migration kept 30 days" [ "$(jq -r 'select(.event == "migrate") | .maxage' "$SB/timeline.jsonl")" = 30 ]
check "the check-offs are recorded" [ "$(jq -r '[.evidence[] | select(.by_engine == false) | .item] | join(",")' "$(ls -d "$SB"/hoist-state/runs/*/ | tail -n 1)plan.json")" = backup-license-key,move-packages,install-tentacles ]
finish

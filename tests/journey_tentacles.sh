#!/bin/sh
# journey_tentacles.sh: hoist tentacles against a real sandbox (seed 001): the list, batches
# per environment, a batch with one failing target, the health check and Calamari, resume.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/sandbox_lib.sh"
. "$top_srcdir/tests/run_lib.sh"

rc() { set +e; "$@" >/dev/null 2>&1; _r=$?; set -e; echo $_r; }
machines() { api "$URL/api/Spaces-1/machines/all"; }
version_of() { machines | jq -r ".[] | select(.Name == \"$1\") | .Endpoint.TentacleVersionDetails.Version"; }

run_sb tent --nodes 2 --tentacles 9 --seed 3
"$SANDBOX" config "$D" set tentacle-upgrade=120,task-rate=0 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"

# Before a server upgrade: the notes say old Tentacles stop working; the plan says so.
out=$(h plan --to 2024.2.1)
check "the plan quotes the note on old Tentacles" sh -c "echo \"\$1\" | grep -q 'Tentacles older than 6.0 can no longer connect'" _ "$out"
check "it names the targets concerned" sh -c "echo \"\$1\" | grep -q '2 of the 9 deployment targets run an older Tentacle: tentacle-01, tentacle-07'" _ "$out"
check "and offers the Tentacle upgrade first" sh -c "echo \"\$1\" | grep -q 'Upgrade them first: hoist .*tentacles'" _ "$out"
check "a patch without such a note says nothing of Tentacles" sh -c "! '$HOIST' --config '$CONF' plan --to 2024.1.3 | grep -q Tentacle"

# The list.
out=$(h tentacles --dry-run --batch 2)
check "the list names every target" [ "$(echo "$out" | grep -c '^tentacle-')" = 9 ]
check "with its Tentacle version" sh -c "echo '$out' | grep -q '^tentacle-01 *Development *5.0.15 *upgrade required *1'"
check "a current one has no batch" sh -c "echo '$out' | grep -q '^tentacle-02 *Test *8.2.2557 *current *-'"
check "it sums up" sh -c "echo '$out' | grep -q '9 deployment targets' && echo '$out' | grep -q '8 outdated: 5 batches of at most 2'"
check "a dry run upgrades nothing" [ "$(api "$URL/api/tasks?name=Upgrade" | jq .TotalResults)" = 0 ]
j=$(h tentacles --dry-run --batch 2 --json)
check "--json: targets with batches" [ "$(echo "$j" | jq '[.targets[] | select(.batch > 0)] | length')" = 8 ]
check "batches follow the environments' order" [ "$(echo "$j" | jq '[.targets[] | select(.batch > 0) | [{"Development":0,"Test":1,"Production":2}[.environment], .batch]] | . == sort')" = true ]
check "no batch mixes environments" [ "$(echo "$j" | jq '[.targets[] | select(.batch > 0)] | group_by(.batch) | map(map(.environment) | unique | length) | max')" = 1 ]
check "at most N per batch" [ "$(echo "$j" | jq '[.targets[] | select(.batch > 0)] | group_by(.batch) | map(length) | max')" = 2 ]
check "--environment by name filters" [ "$(h tentacles --dry-run --environment production --json | jq -r '[.targets[].environment] | unique | join(",")')" = Production ]
check "--environment by id too" [ "$(h tentacles --dry-run --environment Environments-2 --json | jq '.targets | length')" = 3 ]
check "an unknown environment: 2" [ "$(rc h tentacles --dry-run --environment Staging)" = 2 ]
check "and it names the known ones" sh -c "'$HOIST' --config '$CONF' tentacles --dry-run --environment Staging 2>&1 | grep -q 'Development, Test, Production'"
check "without --yes and without a terminal: 2, nothing started" sh -c "'$HOIST' --config '$CONF' tentacles </dev/null 2>&1 | grep -q 'confirm with --yes'"
check "--batch 0: 2" [ "$(rc h tentacles --yes --batch 0)" = 2 ]
check "--dry-run with --detach: 2" [ "$(rc h tentacles --dry-run --detach)" = 2 ]

# A batch with one failing target: the run stops there and says what happened to whom.
bad=$(echo "$j" | jq -r '[.targets[] | select(.batch == 2)][0].name')
later=$(echo "$j" | jq -r '[.targets[] | select(.batch > 2)][0].name')
later_v=$(version_of "$later")
first=$(echo "$j" | jq -r '[.targets[] | select(.batch == 1)] | map(.name) | join(", ")')
"$SANDBOX" fault "$D" set "tentacle-upgrade:$bad=fail"
set +e
out=$(h tentacles --yes --batch 2 2>&1)
code=$?
set -e
check "a failed batch: exit 1" [ "$code" = 1 ]
check "it names the failed batch" sh -c "echo \"\$1\" | grep -q 'batch 2 of 5 (Development) failed'" _ "$out"
check "what was upgraded" sh -c "echo \"\$1\" | grep -q 'Upgraded: $first\\.'" _ "$out"
check "what was not" sh -c "echo \"\$1\" | grep -q 'Not upgraded: $bad\\.'" _ "$out"
check "and what was not attempted" sh -c "echo \"\$1\" | grep -q 'Not attempted (later batches): .*$later'" _ "$out"
check "the failing target keeps its version" [ "$(version_of "$bad")" != 8.2.2557 ]
check "the first batch was upgraded" [ "$(machines | jq "[.[] | select(.Name as \$n | \"$first\" | split(\", \") | index(\$n)) | .Endpoint.TentacleVersionDetails.Version] | unique | join(\",\")" -r)" = 8.2.2557 ]
check "later batches were not touched" [ "$(version_of "$later")" = "$later_v" ]
check "one Upgrade task per batch run" [ "$(api "$URL/api/tasks?name=Upgrade" | jq .TotalResults)" = 2 ]
check "with the batch's machines only" [ "$(api "$URL/api/tasks?name=Upgrade&take=1" | jq '.Items[0].Arguments.MachineIds | length')" = 1 ]
check "no health check after a failed batch" [ "$(api "$URL/api/tasks?name=Health" | jq .TotalResults)" = 0 ]
check "the journal's kind is the journey" [ "$(jq -r 'select(.event == "run-start") | .kind' "$(latest_run)journal.jsonl")" = tentacles ]
check "the journal has per-target lines" journal_has log tentacles
check "the step tentacles failed" [ "$(jq -r 'select(.event == "step-end" and .step == "tentacles") | .status' "$(latest_run)journal.jsonl")" = failed ]
check "hoist status shows the failed run" sh -c "'$HOIST' --config '$CONF' status | grep -q 'tentacles'"
g=$(h rollback --guide 2>&1 || true)
check "the guide: nothing to roll back, upgraded Tentacles stay" sh -c "echo \"\$1\" | grep -q 'There is nothing to roll back: a Tentacle that was upgraded stays upgraded'" _ "$g"
check "the guide: fix the target, then hoist tentacles again" sh -c "echo \"\$1\" | grep -q 'then run hoist tentacles again'" _ "$g"
check "the guide has no step" sh -c "! echo \"\$1\" | grep -q '^ 1\. '" _ "$g"
check "the lock is released" [ -z "$(ls "$HOIST_STATE_DIR"/locks/ 2>/dev/null)" ]
"$SANDBOX" fault "$D" clear

# Fixed: the next run picks up what is left, then a health check brings Calamari.
ctl stop node1 && ctl stop node2 && ctl install node1 2024.2.1 && ctl install node2 2024.2.1 \
	&& ctl db-upgrade node1 && ctl start node1 && ctl start node2
check "after a server upgrade Calamari is behind" [ "$(machines | jq '[.[] | select(.HasLatestCalamari)] | length')" = 0 ]
check "the second run: exit 0" h tentacles --yes --batch 3
check "every Tentacle is current" [ "$(machines | jq '[.[] | select(.Endpoint.TentacleVersionDetails.UpgradeSuggested)] | length')" = 0 ]
check "the health check ran" [ "$(api "$URL/api/tasks?name=Health" | jq .TotalResults)" = 1 ]
check "and Calamari is current everywhere" [ "$(machines | jq '[.[] | select(.HasLatestCalamari | not)] | length')" = 0 ]
check "status: health-check ok" sh -c "'$HOIST' --config '$CONF' status | grep -q 'health-check *ok'"
check "the next plan: every target already runs a newer Tentacle" sh -c "'$HOIST' --config '$CONF' plan --to 2024.3.1 | grep -q 'Every deployment target already runs a newer one'"
check "nothing outdated: the tentacles step is skipped" h tentacles --yes
check "and said so" [ "$(jq -r 'select(.event == "step-end" and .step == "tentacles") | .status' "$(latest_run)journal.jsonl")" = skipped ]

# A run killed in the middle is resumed: only what is left is upgraded.
run_sb tres --nodes 1 --tentacles 6 --seed 3
"$SANDBOX" config "$D" set tentacle-upgrade=700,task-rate=0 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"
h tentacles --yes --batch 1 --detach >/dev/null
first_done() { [ "$(api "$URL/api/tasks?name=Upgrade&states=Success" | jq .TotalResults)" -ge 1 ]; }
check "while it runs, a second run finds the lock: 5" [ "$(rc h tentacles --yes --batch 1)" = 5 ]
check "and so does an OS patching of the same server" [ "$(rc h os-patch --yes)" = 5 ]
check "the detached run upgrades a first batch" wait_for 20 first_done
kill -9 "$(engine_pid)"
check "hoist resume finishes the run" h resume
check "the batch in flight was waited for, not started twice" [ "$(api "$URL/api/tasks?name=Upgrade" | jq .TotalResults)" = 5 ]
check "every Tentacle is current after the resume" [ "$(machines | jq '[.[] | select(.Endpoint.TentacleVersionDetails.UpgradeSuggested)] | length')" = 0 ]

# A stop asked for while a batch runs takes effect after that batch: the safe point.
run_sb tstop --nodes 1 --tentacles 6 --seed 3
"$SANDBOX" config "$D" set tentacle-upgrade=800,task-rate=0 >/dev/null
printf '[upgrade]\npoll_ms = 50\n' >>"$CONF"
h tentacles --yes --batch 1 --detach >/dev/null
first_running() { [ "$(api "$URL/api/tasks?name=Upgrade&active=true" | jq .TotalResults)" -ge 1 ]; }
check "a batch is under way" wait_for 20 first_running
kill -TERM "$(engine_pid)"
ended() { jq -se 'any(.[]; .event == "run-end")' "$(latest_run)journal.jsonl" >/dev/null 2>&1; }
check "the run ends" wait_for 20 ended
check "interrupted: resume carries on with the rest" [ "$(jq -r 'select(.event == "run-end") | .status' "$(latest_run)journal.jsonl")" = interrupted ]
check "after the batch under way, which finished" [ "$(api "$URL/api/tasks?name=Upgrade" | jq '[.Items[] | select(.IsCompleted | not)] | length')" = 0 ]
n_done=$(api "$URL/api/tasks?name=Upgrade" | jq .TotalResults)
check "and said after which batch, with what it upgraded" sh -c "jq -r 'select(.event == \"run-end\") | .message' '$(latest_run)journal.jsonl' | grep -q 'stopped after batch $n_done of 5; upgraded: tentacle-01'"
check "the later batches were not started" [ "$n_done" -lt 5 ]
check "hoist resume carries the stopped run on" h resume
check "and every Tentacle is current then" [ "$(machines | jq '[.[] | select(.Endpoint.TentacleVersionDetails.UpgradeSuggested)] | length')" = 0 ]
finish

#!/bin/sh
# feed.sh: times hoist's version brain (parse + policy + notes) on a generated
# hoist-feed/1 of 20,000 releases against the same selection done by jq, and prints
# the ratio, hoist's wall time and its peak RSS. Run after a build: bench/feed.sh
# (or `make bench-feed`). Aims: >= 5x faster than jq, < 50 ms, < 30 MB. Then the whole
# `hoist versions --json` process against jq in one hyperfine run (medians), and the peak
# memory of `hoist versions --json` for a feed of BIG releases (100,000) against its size
# (aim: <= 2x).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${top_builddir:-$here/..}
driver=$top_builddir/bench/feed-bench
releases=${RELEASES:-20000}
runs=${RUNS:-5}
current=2025.10.5
allow=major minor_after=2 major_after=3 exclude="2040.5.3, 2049.20.18"

hoist=$top_builddir/src/cli/hoist
big=${BIG:-100000}
[ -x "$driver" ] && [ -x "$hoist" ] || { echo "feed.sh: build first: $driver is missing" >&2; exit 2; }
command -v jq >/dev/null || { echo "feed.sh: jq is needed as the baseline" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Versions 2000.1.0-rc.1 onwards: 20 minor lines per major, each a prerelease and 19
# patches; every release of a major needs the previous major's .20.0 (required stops);
# two notes each, cycling through the five kinds.
gen() { awk -v n="$1" 'BEGIN {
	split("breaking dependency security feature fix", kinds, " ")
	printf "{\"format\": \"hoist-feed/1\",\n \"releases\": [\n"
	i = 0
	for (M = 2000; i < n; M++)
		for (m = 1; m <= 20 && i < n; m++)
			for (e = 0; e < 20 && i < n; e++) {
				v = e == 0 ? sprintf("%d.%d.0-rc.1", M, m) : sprintf("%d.%d.%d", M, m, e - 1)
				uf = M > 2000 ? sprintf(", \"upgrade_from\": \"%d.20.0\"", M - 1) : ""
				printf "%s  {\"version\": \"%s\", \"date\": \"%04d-%02d-%02d\", \"lts\": %s%s,\n", \
					(i ? ",\n" : ""), v, 2000 + int(i / 365), 1 + int(i / 28) % 12, \
					1 + i % 28, (m % 4 == 0 ? "true" : "false"), uf
				printf "   \"notes\": [{\"kind\": \"%s\", \"text\": \"Change %d: the server now handles case %d of the deployment process correctly.\"},\n", \
					kinds[1 + i % 5], i, i
				printf "             {\"kind\": \"%s\", \"text\": \"Change %d.b: task logs for step %d are kept when a node restarts.\"}]}", \
					kinds[1 + (i * 3 + 1) % 5], i, i
				i++
			}
	printf "\n ]}\n"
}'; }
gen "$releases" > "$tmp/feed.json"
size=$(wc -c < "$tmp/feed.json")

ms() { echo $(( $(date +%s%N) / 1000000 )); }
best_hoist=999999 best_jq=999999
for i in $(seq "$runs"); do
	t0=$(ms)
	"$driver" "$tmp/feed.json" "$current" "$allow" "$minor_after" "$major_after" "$exclude" \
		> "$tmp/run.out"
	t1=$(ms)
	if [ $((t1 - t0)) -lt "$best_hoist" ]; then
		best_hoist=$((t1 - t0))
		mv "$tmp/run.out" "$tmp/hoist.out" # the in-process times of the best run
	fi
done
for i in $(seq "$runs"); do
	t0=$(ms)
	jq -r --arg cur "$current" --arg allow "$allow" \
		--argjson minor_after "$minor_after" --argjson major_after "$major_after" \
		--argjson exclude "$(printf '%s' "$exclude" | jq -R 'split(",") | map(gsub(" "; ""))')" \
		-f "$here/feed-select.jq" "$tmp/feed.json" > "$tmp/jq.out"
	t1=$(ms)
	[ $((t1 - t0)) -lt "$best_jq" ] && best_jq=$((t1 - t0))
done

field() { tr ' ' '\n' < "$1" | sed -n "s/^$2=//p"; }
# Both must have made the same choice, or the comparison means nothing.
for f in recommended newer held notes first; do
	if [ "$(field "$tmp/hoist.out" $f)" != "$(field "$tmp/jq.out" $f)" ]; then
		echo "feed.sh: hoist and jq disagree on $f:" >&2
		cat "$tmp/hoist.out" "$tmp/jq.out" >&2
		exit 1
	fi
done
jq_rss=
if [ -x /usr/bin/time ]; then
	jq_rss=$(/usr/bin/time -f %M jq -r --arg cur "$current" --arg allow "$allow" \
		--argjson minor_after "$minor_after" --argjson major_after "$major_after" \
		--argjson exclude '[]' -f "$here/feed-select.jq" "$tmp/feed.json" 2>&1 >/dev/null |
		tail -n 1)
fi

echo "feed: $(field "$tmp/hoist.out" releases) releases, $size bytes; current $current," \
	"allow=$allow minor_after=$minor_after major_after=$major_after"
echo "selection: $(cat "$tmp/jq.out") stops=$(field "$tmp/hoist.out" stops)"
echo "hoist in-process: parse $(field "$tmp/hoist.out" parse_ms) ms," \
	"policy $(field "$tmp/hoist.out" policy_ms) ms, notes $(field "$tmp/hoist.out" notes_ms) ms," \
	"total $(field "$tmp/hoist.out" total_ms) ms"
echo "hoist wall (best of $runs, whole process): ${best_hoist} ms;" \
	"peak RSS $(( $(field "$tmp/hoist.out" maxrss_kb) / 1024 )) MB"
echo "jq wall (best of $runs, whole process): ${best_jq} ms${jq_rss:+; peak RSS $((jq_rss / 1024)) MB}"
awk -v h="$best_hoist" -v j="$best_jq" 'BEGIN {
	printf "ratio: hoist is %.1fx faster than jq\n", j / (h > 0 ? h : 1) }'

# The whole process, as a user runs it: hoist versions --json against jq, same run.
if command -v hyperfine >/dev/null; then
	printf '%s\n' "#!/bin/sh" "exec jq -r --arg cur $current --arg allow $allow \\" \
		"--argjson minor_after $minor_after --argjson major_after $major_after \\" \
		"--argjson exclude '$(printf '%s' "$exclude" | jq -cR 'split(",") | map(gsub(" "; ""))')' \\" \
		"-f $here/feed-select.jq $tmp/feed.json" > "$tmp/jq.sh"
	hyperfine -N -w 2 -r "$runs" --export-json "$tmp/hf.json" \
		-n hoist "$hoist versions --feed $tmp/feed.json --current $current --allow $allow --minor-after $minor_after --major-after $major_after --exclude $(printf '%s' "$exclude" | tr -d ' ') --json" \
		-n jq "sh $tmp/jq.sh" >/dev/null 2>&1
	jq -r '.results | map({(.command): .}) | add |
		"hoist versions --json (whole process, median of \(.hoist.times | length)): \(.hoist.median * 1000 | floor) ms wall, \((.hoist.user + .hoist.system) * 1000 | floor) ms CPU; jq \(.jq.median * 1000 | floor) ms wall, \((.jq.user + .jq.system) * 1000 | floor) ms CPU; ratio \(.jq.median / .hoist.median * 10 | floor / 10)x (aims: < 50 ms, >= 5x)"' \
		"$tmp/hf.json"
fi

# Memory: a feed of $big releases (the generator's ~34 MB), peak RSS against its size.
if [ -x /usr/bin/time ] && [ "$big" -gt 0 ]; then
	gen "$big" > "$tmp/big.json"
	bsize=$(wc -c < "$tmp/big.json")
	brss=$(/usr/bin/time -f %M "$hoist" versions --feed "$tmp/big.json" --current "$current" \
		--json 2>&1 >/dev/null | tail -n 1)
	gen 20 > "$tmp/small.json"
	srss=$(/usr/bin/time -f %M "$hoist" versions --feed "$tmp/small.json" --current "$current" \
		--json 2>&1 >/dev/null | tail -n 1)
	awk -v b="$bsize" -v r="$brss" -v s="$srss" -v n="$big" 'BEGIN {
		printf "feed of %d releases, %.1f MB: hoist versions --json peak RSS %.1f MB = %.2fx its size (aim <= 2x); %.1f MB of it is the process with a 20-release feed\n",
			n, b / 1e6, r * 1024 / 1e6, r * 1024 / b, s * 1024 / 1e6 }'
fi

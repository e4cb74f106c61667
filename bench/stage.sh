#!/bin/sh
# bench/stage.sh: staging two 128 MiB packages from a sandbox (SHA-256 verified, kept in
# the cache) against `curl -o` fetching the same two in the same run; medians by hyperfine,
# the throughput of each and their ratio. Also the whole `hoist upgrade --dry-run` (preflight
# and stage). Run after a build: `make bench-stage`. Aim: hoist >= 0.9 x curl's throughput.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${top_builddir:-$here/..}
SANDBOX=$top_builddir/src/sandbox/hoist-sandbox
DRIVER=$top_builddir/bench/stage-bench
HOIST=$top_builddir/src/cli/hoist
SIZE=${SIZE:-134217728}
RUNS=${RUNS:-10}
for t in curl jq hyperfine; do
	command -v $t >/dev/null || { echo "bench/stage: needs $t" >&2; exit 2; }
done
[ -x "$DRIVER" ] && [ -x "$SANDBOX" ] || { echo "bench/stage: build first" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench-stage.XXXXXX")
SERVE=
trap '[ -z "$SERVE" ] || kill $SERVE 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
D=$tmp/sb
"$SANDBOX" init "$D" --nodes 1 --version 2024.1.2 --feed-to 2024.2.1 \
	--package-size "$SIZE" >/dev/null
"$SANDBOX" serve "$D" --port 0 >"$tmp/serve.out" 2>&1 &
SERVE=$!
while [ ! -s "$D/url" ]; do sleep 0.05; done
URL=$(cat "$D/url")
# The two packages a run to 2024.2.1 stages: the target and the current installer.
curl -sf "$URL/feed.json" >"$tmp/feed.json"
pkg() { jq -r --arg v "$1" '.releases[] | select(.version == $v) | .packages[0] |
	"\(.url) \(.sha256) \(.size)"' "$tmp/feed.json"; }
set -- $(pkg 2024.2.1) $(pkg 2024.1.2)
[ $# -eq 6 ] || { echo "bench/stage: the sandbox's feed lacks the packages" >&2; exit 1; }
mkdir -p "$tmp/h" "$tmp/c"
# Read once each, so that both sides find the server's files in the page cache.
curl -sf -o /dev/null "$1" -o /dev/null "$4"
hyperfine -N -w 2 -r "$RUNS" --export-json "$tmp/hf.json" \
	--prepare "rm -rf $tmp/c $tmp/h" \
	-n curl "sh -c 'mkdir -p $tmp/c && curl -sf -o $tmp/c/a $1 -o $tmp/c/b $4'" \
	-n hoist "sh -c 'mkdir -p $tmp/h && $DRIVER $tmp/h $1 $2 $3 $4 $5 $6'" >"$tmp/hf.out" 2>&1 ||
	{ cat "$tmp/hf.out" >&2; exit 1; }
med() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$tmp/hf.json"; }
cpu() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .user + .system' "$tmp/hf.json"; }
c=$(med curl) h=$(med hoist) cc=$(cpu curl) hc=$(cpu hoist)
# What SHA-256 alone costs this CPU (bytes per second, openssl's fastest code).
sha=$(openssl speed -seconds 1 -bytes 1048576 sha256 2>/dev/null | awk '/^sha256/ {
	v = $NF; sub(/k$/, "", v); print v * 1000 }')
bytes=$(($3 + $6))
# The whole run up to the window, for reference: preflight, lock, journal, stage.
printf '\n[upgrade]\nstate_dir = %s\n' "$tmp/state" >>"$D/hoist.conf"
t0=$(date +%s%N)
"$HOIST" --config "$D/hoist.conf" upgrade --to 2024.2.1 --dry-run --yes >/dev/null
dry=$((($(date +%s%N) - t0) / 1000000))
awk -v c="$c" -v h="$h" -v b="$bytes" -v runs="$RUNS" -v dry="$dry" -v cc="$cc" -v hc="$hc" \
	-v sha="${sha:-0}" 'BEGIN {
	mib = b / 1048576
	printf "bench/stage: two packages, %d MiB in all, from a sandbox on loopback; median of %d runs each\n", mib, runs
	printf "  curl -o (baseline)             %6.0f ms  %5.0f MiB/s\n", c * 1000, mib / c
	printf "  hoist (verified and cached)    %6.0f ms  %5.0f MiB/s\n", h * 1000, mib / h
	printf "  ratio (throughput, hoist / curl)  %.2f (aim >= 0.9)\n", c / h
	printf "  CPU (user + system, mean): curl %.0f ms, hoist %.0f ms", cc * 1000, hc * 1000
	if (sha > 0)
		printf "; SHA-256 of %d MiB alone %.0f ms", mib, b / sha * 1000
	printf "\n  when the cores are busy, the ratio is bound by curl CPU / hoist CPU = %.2f\n", cc / hc
	printf "  hoist upgrade --dry-run (preflight + stage, one run): %d ms\n", dry }'

#!/bin/sh
# run.sh SECONDS TARGET...: runs each libFuzzer harness for SECONDS on its corpus
# (fuzz/corpus/TARGET in the build tree, seeded from the test data), prints one line of
# figures per harness and fails on the first crash, leak or broken invariant.
set -eu
secs=$1
shift
: "${top_srcdir:=.}"
# Undefined behaviour stops a harness; leaks count as crashes.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
seeds() {
	case $1 in
	feed | notes) echo "$top_srcdir/data/sample-feed.json" "$top_srcdir"/tests/fixtures/feed-*.json \
		"$top_srcdir"/tests/fixtures/cli-*.json "$top_srcdir"/tests/fixtures/chain.json \
		"$top_srcdir"/tests/fixtures/hostile-*.json "$top_srcdir"/tests/fixtures/duplicate.json ;;
	config) echo "$top_srcdir"/fuzz/seeds/config/* ;;
	journal) echo "$top_srcdir"/tests/fixtures/journal-*.jsonl ;;
	plan) echo "$top_srcdir"/tests/fixtures/plan-*.json ;;
	version) echo "$top_srcdir"/fuzz/seeds/version/* ;;
	octopus) echo "$top_srcdir"/fuzz/seeds/octopus/* ;;
	esac
}
status=0
for t in "$@"; do
	corpus="fuzz/corpus/$t"
	mkdir -p "$corpus"
	# shellcheck disable=SC2046
	cp $(seeds "$t") "$corpus"/ 2>/dev/null || true
	log="fuzz/fuzz_$t.log"
	if "fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="fuzz/crash-$t-" "$corpus" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
		ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
		files=$(find "$corpus" -type f | wc -l)
		printf 'fuzz %-8s ok: %s runs in %s s, corpus %s files, cov %s, ft %s\n' \
			"$t" "${execs:-?}" "$secs" "$files" "${cov:-?}" "${ft:-?}"
	else
		echo "fuzz $t FAILED; the input is fuzz/crash-$t-*; the log:"
		grep -v '^#' "$log" | tail -n 60
		status=1
	fi
done
exit $status

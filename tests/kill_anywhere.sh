# kill_anywhere.sh: the kill-anywhere proof, bounded for make check (about a minute):
# seeded journeys, SIGKILL of the engine anywhere, resume (and rollback), invariants.
# `make soak` runs the same harness for 200 trials; `SEED=N make soak` replays one.
# Every journey runs here; KILL_EXCLUDE=j1,j2 leaves some out.
. "${top_srcdir:-.}/tests/lib.sh"
if ! command -v python3 >/dev/null; then
	echo "SKIP: needs python3"
	exit 77
fi
top_builddir=$top_builddir python3 "$top_srcdir/tests/kill_anywhere.py" \
	--trials "${KILL_TRIALS:-12}" --first "${KILL_FIRST:-1}" --jobs "${KILL_JOBS:-3}" \
	--exclude "${KILL_EXCLUDE-}"

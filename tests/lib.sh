# lib.sh: shared helpers for hoist's shell tests (sourced, not run).
set -eu
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
HOIST="$top_builddir/src/cli/hoist"
SANDBOX="$top_builddir/src/sandbox/hoist-sandbox"
WIZARD="$top_builddir/ui/hoist-wizard"
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/hoist-test.XXXXXX")
_cleanups=""
cleanup_add() { _cleanups="$1; $_cleanups"; }
_run_cleanups() { eval "$_cleanups" >/dev/null 2>&1 || true; rm -rf "$TMPROOT"; }
trap _run_cleanups EXIT
trap 'exit 1' INT TERM HUP

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# finish: prints the tally and exits non-zero on any failure.
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
# German messages from the build tree's catalogue (po/de.gmo).
use_build_locale() {
	mkdir -p "$TMPROOT/locale/de/LC_MESSAGES"
	cp "$top_builddir/po/de.gmo" "$TMPROOT/locale/de/LC_MESSAGES/hoist.mo"
	export HOIST_LOCALEDIR="$TMPROOT/locale"
}

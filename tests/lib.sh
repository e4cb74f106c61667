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
# use_german: German messages from the build tree's catalogue (made from po/de.po; else
# po/de.gmo, the build tree's or the source tree's) under LANG=de_DE.UTF-8; skips (77)
# without that locale.
use_german() {
	if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
		echo "SKIP: no de_DE.UTF-8 locale on this machine (locale-gen de_DE.UTF-8)"
		exit 77
	fi
	gmo="$top_builddir/po/locale/de/LC_MESSAGES/hoist.mo"
	[ -f "$gmo" ] || gmo="$top_builddir/po/de.gmo"
	[ -f "$gmo" ] || gmo="$top_srcdir/po/de.gmo"
	mkdir -p "$TMPROOT/locale/de/LC_MESSAGES"
	cp "$gmo" "$TMPROOT/locale/de/LC_MESSAGES/hoist.mo"
	export HOIST_LOCALEDIR="$TMPROOT/locale"
	# tmux too must see a UTF-8 locale, or it draws umlauts as '_'.
	unset LC_ALL LANGUAGE
	export LANG=de_DE.UTF-8
}

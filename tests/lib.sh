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
# plan N: the test makes N checks; finish fails when another number ran (a case that died
# before its checks, or a check that was skipped, no longer passes unseen).
PLAN=
plan() { PLAN=$1; }
# finish [N]: prints the tally and exits non-zero on any failure, or when the number of
# checks is not N (or plan's N).
finish() {
	[ $# -eq 0 ] || PLAN=$1
	echo "$PASS passed, $FAIL failed"
	if [ -n "$PLAN" ] && [ $((PASS + FAIL)) -ne "$PLAN" ]; then
		echo "FAIL - $((PASS + FAIL)) checks ran, $PLAN planned"
		return 1
	fi
	[ "$FAIL" -eq 0 ]
}
# wait_for SECONDS COMMAND...: polls until the command succeeds; false after SECONDS.
wait_for() {
	_t=$1
	shift
	_i=0
	while [ $_i -lt $((_t * 20)) ]; do
		if "$@"; then return 0; fi
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}
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

#!/bin/sh
# cli_layers.sh: no hoist command calls into another: what commands share lives in the
# CLI's library files, and a command's one entry point (cmd_*) is reached through the
# command table (cli.o) alone. Read from the object files' symbols (nm).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

dir="$top_builddir/src/cli"
# The object files of hoist: automake may prefix them with the program's name.
objs=$(ls "$dir"/*.o 2>/dev/null || true)
check "hoist's object files are there" test -n "$objs"
cmds=$(for o in $objs; do case $(basename "$o") in cmd_*.o | hoist-cmd_*.o) echo "$o" ;; esac; done)
check "the commands' object files are there" test -n "$cmds"

# "object symbol" for every global symbol each object uses but does not define.
for o in $objs; do
	nm -u "$o" | awk -v o="$(basename "$o")" '{ print o, $NF }'
done >"$TMPROOT/uses"
bad=0
for c in $cmds; do
	base=$(basename "$c")
	for s in $(nm -g --defined-only "$c" | awk '$2 ~ /^[TDBR]$/ { print $3 }'); do
		users=$(awk -v s="$s" -v self="$base" '$2 == s && $1 != self { print $1 }' \
			"$TMPROOT/uses" | sort -u | tr '\n' ' ')
		[ -n "$users" ] || continue
		case $s in
		cmd_*)
			# An entry point: the command table's file alone calls it.
			others=$(printf '%s\n' $users | grep -v -e '^cli\.o$' -e '^hoist-cli\.o$' || true)
			[ -z "$others" ] && continue
			echo "  $base: $s is called by $others, not only through the command table"
			;;
		*)
			echo "  $base: $s is used by $users"
			;;
		esac
		bad=$((bad + 1))
	done
done
check "no command's object defines what another file uses (besides its cmd_* entry)" \
	test "$bad" -eq 0
finish 3

#!/bin/sh
# layers.sh - checks that every #include in src/ points down the pipeline:
#   base -> load -> model -> validate | run -> check -> render -> cli
# validate and run are siblings and must not see each other; the
# interpreter and the renderers never see libyaml or the markdown loader.
# Every module is listed here: a new one must be placed before it builds.
set -eu
cd "$(dirname "$0")/../src"

layer_of() { # module stem -> "rank name"
	case "$1" in
	banned|xalloc|jsonmem|buf|strmap|diag|fileio|escape|timestamp|clock|rng) echo "0 base" ;;
	doc|loader|course|markdown|snippet|steps|jsobject) echo "1 load" ;;
	asl|jsonpath|intrinsic|payload|choice) echo "2 model" ;;
	validate|suggest) echo "3 validate" ;;
	exec|dataflow|retry|history|mock|handler|account|scenario) echo "3 run" ;;
	check|gate|links|jsoncmp) echo "4 check" ;;
	diagram|html|tmpl|highlight|stepdiff|search|site|report|serve) echo "5 render" ;;
	cmd|main) echo "6 cli" ;;
	*) echo "" ;;
	esac
}

stem() { # file name -> module stem (the part before the first _ or .)
	echo "$1" | sed 's/[._].*//'
}

status=0
for f in *.c *.h; do
	me=$(layer_of "$(stem "$f")")
	if [ -z "$me" ]; then
		echo "src/$f: module '$(stem "$f")' has no layer in tests/layers.sh"
		status=1
		continue
	fi
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		them=$(layer_of "$(stem "$inc")")
		[ -n "$them" ] || continue
		r1=${me%% *}; n1=${me#* }; r2=${them%% *}; n2=${them#* }
		if [ "$r2" -gt "$r1" ] || { [ "$r2" = "$r1" ] && [ "$n1" != "$n2" ]; }; then
			echo "src/$f ($n1) must not include $inc ($n2)"
			status=1
		fi
	done
	case "$me" in
	*run|*render|*model|*validate)
		if grep -q '^#include <yaml.h>\|^#include <cmark' "$f"; then
			echo "src/$f ($me) must not use libyaml or cmark directly"
			status=1
		fi ;;
	esac
done
[ $status -eq 0 ] && echo "layers: ok ($(ls *.c *.h | wc -l) files)"
exit $status

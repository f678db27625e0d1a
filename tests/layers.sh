#!/bin/sh
# layers.sh - checks that every #include in src/ points down the pipeline:
#   base -> load | jsonata -> model -> validate | run -> check -> render -> cli
# A layer is a folder of src/.  A file may include headers of its own folder
# and of lower-ranked ones; folders of equal rank are siblings and must not
# see each other (validate and run; load and the JSONata engine).  The
# interpreter and the renderers never see libyaml or the markdown loader.
set -eu
cd "$(dirname "$0")/../src"

rank_of() { # folder -> rank, empty when the folder is not a layer
	case "$1" in
	base) echo 0 ;;
	load|jsonata) echo 1 ;;
	model) echo 2 ;;
	validate|run) echo 3 ;;
	check) echo 4 ;;
	render) echo 5 ;;
	cli) echo 6 ;;
	*) echo "" ;;
	esac
}

status=0
for d in *; do
	[ -d "$d" ] || { echo "src/$d: every file of src/ lives in a layer folder"; status=1; continue; }
	[ -n "$(rank_of "$d")" ] || { echo "src/$d: folder has no rank in tests/layers.sh"; status=1; }
done

for f in */*.c */*.h; do
	me=${f%%/*}
	r1=$(rank_of "$me")
	[ -n "$r1" ] || continue
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		hits=$(ls */"$inc" 2>/dev/null || true)
		[ -n "$hits" ] || continue # a generated or test header
		if [ "$(echo "$hits" | wc -l)" -gt 1 ]; then
			echo "src/$f: $inc exists in more than one layer: $hits"
			status=1
			continue
		fi
		them=${hits%%/*}
		r2=$(rank_of "$them")
		if [ "$r2" -gt "$r1" ] || { [ "$r2" = "$r1" ] && [ "$me" != "$them" ]; }; then
			echo "src/$f ($me) must not include $inc ($them)"
			status=1
		fi
	done
	case "$me" in
	run|render|model|validate|jsonata)
		if grep -q '^#include <yaml.h>\|^#include <cmark' "$f"; then
			echo "src/$f ($me) must not use libyaml or cmark directly"
			status=1
		fi ;;
	esac
done
[ $status -eq 0 ] && echo "layers: ok ($(ls */*.c */*.h | wc -l) files in $(ls -d */ | wc -l) layers)"
exit $status

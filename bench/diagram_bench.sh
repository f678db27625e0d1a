#!/bin/sh
# diagram_bench.sh - stepbook's diagrams against the floor, `dot -Tsvg` on
# the DOT stepbook itself emits: a generated 200-state machine, and every
# saved step of the reference course (load + model + layout + SVG, one
# process per file for both).  Not part of `make check`.
# usage: sh bench/diagram_bench.sh [STATES] [RUNS]   (after `make`)
set -eu
n=${1:-200}
runs=${2:-5}
shared=${SHARED:-../shared}/upstream-course
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen_machine.py "$n" > "$tmp/m.asl.json"
./stepbook diagram -T dot -o "$tmp/m.dot" "$tmp/m.asl.json"

# The peer is Graphviz's own `dot` (Debian's graphviz package; stepbook
# links libgvc but does not need the command): installed when missing.
# Without it, or when a run of it fails, no ratio is printed.
peer=1
sh tests/install-missing.sh dot graphviz || peer=0

# best of $runs wall-clock seconds of a command; empty when a run failed
best() {
	b=
	for _ in $(seq "$runs"); do
		s=$(date +%s.%N)
		"$@" > /dev/null 2>&1 || { echo ""; return; }
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

ours=$(best ./stepbook diagram -T svg -o "$tmp/m.svg" "$tmp/m.asl.json")
edges=$(best ./stepbook diagram --catch edges -T svg -o "$tmp/e.svg" "$tmp/m.asl.json")
dotcli=
[ $peer = 1 ] && dotcli=$(best dot -Tsvg -o "$tmp/d.svg" "$tmp/m.dot")

# "LABEL SECONDS", or that it did not run
show() {
	if [ -n "$2" ]; then printf '  %-40s %6.3f s\n' "$1" "$2"
	else printf '  %-40s did not run\n' "$1"; fi
}
# the ratio of two figures, only when both commands ran
ratio() {
	if [ -n "$1" ] && [ -n "$2" ]; then
		printf '  %-40s %6.2f\n' "ratio stepbook / dot:" "$(echo "$1 / $2" | bc -l)"
	else
		echo "  no ratio: the peer (dot) did not run"
	fi
}

printf 'machine: %s states, best of %s runs\n' "$n" "$runs"
show "stepbook diagram (svg, load+render):" "$ours"
show "stepbook diagram --catch edges:" "$edges"
show "dot -Tsvg on stepbook's DOT:" "$dotcli"
ratio "$ours" "$dotcli"

if [ -d "$shared" ]; then
	files=$(ls "$shared"/*/saved-steps/*.yml)
	mkdir -p "$tmp/up"
	./stepbook diagram -T dot --out-dir "$tmp/up" $files 2>/dev/null || true
	# exit status 1: a few saved steps have errors; the others are drawn
	all_ours() { ./stepbook diagram -T svg --out-dir "$tmp/svg" $files || [ $? = 1 ]; }
	all_dot() { for d in "$tmp"/up/*.dot; do dot -Tsvg "$d" > /dev/null; done; }
	o=$(best all_ours)
	d=
	[ $peer = 1 ] && d=$(best all_dot)
	printf 'reference course: %s files, %s machines, best of %s runs\n' \
		"$(echo "$files" | wc -l)" "$(ls "$tmp"/up/*.dot | wc -l)" "$runs"
	show "stepbook diagram --out-dir (one process):" "$o"
	show "dot -Tsvg per machine:" "$d"
	ratio "$o" "$d"
else
	echo "reference course not found at $shared: skipped"
fi

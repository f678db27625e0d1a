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

# best of $runs wall-clock seconds of a command
best() {
	b=
	for _ in $(seq "$runs"); do
		s=$(date +%s.%N)
		"$@" > /dev/null 2>&1 || true
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

ours=$(best ./stepbook diagram -T svg -o "$tmp/m.svg" "$tmp/m.asl.json")
edges=$(best ./stepbook diagram --catch edges -T svg -o "$tmp/e.svg" "$tmp/m.asl.json")
dotcli=$(best dot -Tsvg -o "$tmp/d.svg" "$tmp/m.dot")
printf 'machine: %s states, best of %s runs\n' "$n" "$runs"
printf '  stepbook diagram (svg, load+render):  %6.3f s\n' "$ours"
printf '  stepbook diagram --catch edges:       %6.3f s\n' "$edges"
printf '  dot -Tsvg on stepbook'"'"'s DOT:           %6.3f s\n' "$dotcli"
printf '  ratio stepbook / dot:                 %6.2f\n' "$(echo "$ours / $dotcli" | bc -l)"

if [ -d "$shared" ]; then
	files=$(ls "$shared"/*/saved-steps/*.yml)
	mkdir -p "$tmp/up"
	./stepbook diagram -T dot --out-dir "$tmp/up" $files 2>/dev/null || true
	all_ours() { ./stepbook diagram -T svg --out-dir "$tmp/svg" $files; }
	all_dot() { for d in "$tmp"/up/*.dot; do dot -Tsvg "$d" > /dev/null; done; }
	o=$(best all_ours)
	d=$(best all_dot)
	printf 'reference course: %s files, %s machines, best of %s runs\n' \
		"$(echo "$files" | wc -l)" "$(ls "$tmp"/up/*.dot | wc -l)" "$runs"
	printf '  stepbook diagram --out-dir (one process): %6.3f s\n' "$o"
	printf '  dot -Tsvg per machine:                    %6.3f s\n' "$d"
	printf '  ratio stepbook / dot:                     %6.2f\n' "$(echo "$o / $d" | bc -l)"
else
	echo "reference course not found at $shared: skipped"
fi

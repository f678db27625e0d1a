#!/bin/sh
# diagram_bench.sh - time stepbook's diagram of a generated 200-state machine
# (load + build + layout + SVG, in-process) next to `dot -Tsvg` on the DOT
# stepbook emits for the same machine.  Not part of `make check`.
# usage: sh bench/diagram_bench.sh [STATES] [RUNS]   (run from the repo root
# after `make`; needs python3 and the dot program).
set -eu
n=${1:-200}
runs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen_machine.py "$n" > "$tmp/m.asl.json"
./stepbook diagram -f dot -o "$tmp/m.dot" "$tmp/m.asl.json"

# best of $runs wall-clock seconds of a command
best() {
	b=
	for _ in $(seq "$runs"); do
		s=$(date +%s.%N)
		"$@" > /dev/null
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

ours=$(best ./stepbook diagram -f svg -o "$tmp/m.svg" "$tmp/m.asl.json")
edges=$(best ./stepbook diagram --catch edges -f svg -o "$tmp/e.svg" "$tmp/m.asl.json")
dotcli=$(best dot -Tsvg -o "$tmp/d.svg" "$tmp/m.dot")
printf 'machine: %s states (%s), best of %s runs\n' "$n" \
	"$(grep -c '"Type"' "$tmp/m.asl.json") Type fields" "$runs"
printf 'stepbook diagram (svg, load+render):      %6.3f s\n' "$ours"
printf 'stepbook diagram --catch edges:           %6.3f s\n' "$edges"
printf 'dot -Tsvg on stepbook'"'"'s DOT:               %6.3f s\n' "$dotcli"
printf 'ratio stepbook / dot:                     %6.2f\n' "$(echo "$ours / $dotcli" | bc -l)"

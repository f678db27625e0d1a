#!/bin/sh
# check_bench.sh - `stepbook check` over the whole bundled course (every
# snippet, link and saved step, every recorded example executed), best of
# 5 wall-clock runs, against the issue's budget of one second.
set -eu
runs=${1:-5}
best=
for _ in $(seq "$runs"); do
	s=$(date +%s.%N)
	./stepbook check course > /dev/null
	e=$(date +%s.%N)
	t=$(echo "$e - $s" | bc -l)
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
summary=$(./stepbook check course | tail -n 1)
printf 'stepbook check course: %s\n' "$summary"
printf '  best of %s runs: %6.3f s (budget 1 s, ratio %.3f)\n' "$runs" "$best" \
	"$(echo "$best / 1" | bc -l)"

#!/bin/sh
# run.sh - `make bench`: every bench/*_bench.sh in turn.  Benchmarks measure
# stepbook side by side with its peer in one run and print ratios; they are
# never part of `make check`.
set -u
cd "$(dirname "$0")/.."
status=0
for b in bench/*_bench.sh; do
	[ -f "$b" ] || continue
	echo "== $b"
	sh "$b" || status=1
	echo
	# real courses draw a different machine on each step: the site
	# bench also runs with every diagram distinct (no layout shared)
	if [ "$b" = bench/site_bench.sh ]; then
		echo "== DISTINCT=1 $b"
		DISTINCT=1 sh "$b" || status=1
		echo
	fi
done
exit $status

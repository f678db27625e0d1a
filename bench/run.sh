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
done
exit $status

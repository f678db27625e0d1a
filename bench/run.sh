#!/bin/sh
# run.sh - every benchmark under bench/ (make bench).
set -eu
cd "$(dirname "$0")/.."
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	echo "== $b"
	sh "$b"
done

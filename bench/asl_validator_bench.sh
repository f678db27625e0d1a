#!/bin/sh
# asl-validator.sh - installs asl-validator@4 into bench/work (once) and
# compares it with `stepbook validate` on the whole validation corpus.
set -eu
cd "$(dirname "$0")/.."
[ -d bench/work/node_modules/asl-validator ] ||
	npm install --prefix bench/work asl-validator@4 >/dev/null
node bench/compare-asl-validator.js "${1:-./stepbook}"

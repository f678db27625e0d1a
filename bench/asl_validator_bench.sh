#!/bin/sh
# asl-validator.sh - installs asl-validator@4 into bench/work (once) and
# compares it with `stepbook validate` on the whole validation corpus.
set -eu
cd "$(dirname "$0")/.."
sh tests/install-missing.sh node || { echo "Node.js/npm not available: no comparison"; exit 0; }
[ -d bench/work/node_modules/asl-validator ] ||
	npm install --prefix bench/work asl-validator@4 >/dev/null ||
	{ echo "asl-validator@4 did not install: no comparison"; exit 0; }
node bench/compare-asl-validator.js "${1:-./stepbook}"

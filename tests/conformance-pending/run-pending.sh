#!/bin/sh
# run-pending.sh - runs the cases of tests/conformance-pending/ with the
# conformance runner (build/rel/check_stepbook, suite "run", test
# "conformance") and prints one line per case: "PASS name" or
# "FAIL name: the runner's message".  The runner reads tests/conformance
# relative to its working directory, so a scratch tree links the pending
# cases there and the rest of tests/ beside them.
# Usage, from the repository root after `make`:
#   sh tests/conformance-pending/run-pending.sh [glob, default [0-9]*.json]
set -eu
root=$(pwd)
bin="$root/build/rel/check_stepbook"
pattern=${1:-'[0-9]*.json'}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/tests/conformance"
for d in "$root"/tests/*; do
	[ "$(basename "$d")" = conformance ] || ln -s "$d" "$scratch/tests/"
done
for f in "$root"/tests/conformance-pending/$pattern; do
	ln -s "$f" "$scratch/tests/conformance/"
done
cd "$scratch"
CK_RUN_SUITE=run CK_RUN_CASE=conformance CK_VERBOSITY=verbose \
	CK_DEFAULT_TIMEOUT=60 SHARED=/nonexistent "$bin" >"$scratch/log" 2>&1 || true
ls tests/conformance | LC_ALL=C sort >"$scratch/names"
# The runner prints only failures (and errors); a summary line "Checks: N"
# proves it ran them all.  Check numbers loop iterations in name order.
n=$(wc -l <"$scratch/names")
grep -q "Checks: $((n + 0))," "$scratch/log" || {
	echo "the runner did not run the $n cases:" >&2
	tail -5 "$scratch/log" >&2
	exit 1
}
awk -F: 'NR == FNR { name[NR - 1] = $0; next }
	$5 == "conformance" && $3 ~ /^[FE]$/ {
		msg = $0; for (k = 0; k < 6; k++) sub(/^[^:]*:/, "", msg); sub(/^ */, "", msg)
		bad[$6] = msg
	}
	END {
		for (i = 0; i < length(name); i++)
			if (i in bad) print "FAIL " name[i] ": " bad[i]
			else print "PASS " name[i]
	}' "$scratch/names" "$scratch/log"

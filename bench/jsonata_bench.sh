#!/bin/sh
# jsonata_bench.sh - `stepbook eval` against jsonata-js 2.0.6 on Node (npm
# `jsonata@2.0.6`, installed into bench/work/jsonata on first use), whole
# process against whole process, on a 100,000-order document (about 8.7 MB,
# bench/gen_orders.py) and six expressions:
#   sum       a sum of products
#   filter    a filter building objects
#   group     a group-by with $sum
#   in        a membership count with `in`
#   map       $map with a lambda, then $max
#   join      $join over a range of indexes
# Prints, per expression, the best wall time of RUNS runs and the peak RSS
# of each tool, whether their results are the same JSON value, and the
# ratios; then the totals (targets: at least 10x faster in total, at most
# 1/4 of the peer's peak memory).  A tool that did not run prints no ratio.
# usage: sh bench/jsonata_bench.sh [RUNS] [ORDERS]   (after `make`)
set -u
runs=${1:-3}
orders=${2:-100000}
cd "$(dirname "$0")/.."
work=bench/work/jsonata
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen_orders.py "$tmp/orders.json" "$orders"

peer=1
if [ ! -f "$work/node_modules/jsonata/package.json" ]; then
	if sh tests/install-missing.sh node; then
		echo "installing the peer into $work (npm jsonata@2.0.6)..."
		mkdir -p "$work"
		npm install --silent --no-audit --no-fund --prefix "$work" jsonata@2.0.6 \
			> "$tmp/npm.log" 2>&1 || { echo "  npm install failed:"; tail -3 "$tmp/npm.log"; }
	fi
fi
[ -f "$work/node_modules/jsonata/package.json" ] || { peer=0; echo "jsonata-js is not available: stepbook only, no ratios"; }
ours=1
./stepbook eval '1' > /dev/null 2>&1 || { ours=0; echo "stepbook eval does not run here: no figures of ours, no ratios"; }

# "SECONDS KB" of the best of $runs runs of a command writing to $1, or
# nothing when a run failed
best() {
	out=$1
	shift
	b=
	m=
	for _ in $(seq "$runs"); do
		s=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$tmp/t" "$@" > "$out" 2> "$tmp/err" || { echo ""; return; }
		e=$(date +%s%N)
		t=$(echo "($e - $s) / 1000000000" | bc -l)
		r=$(tail -1 "$tmp/t")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
		if [ -z "$m" ] || [ "$r" -gt "$m" ]; then m=$r; fi
	done
	echo "$b $m"
}

# the parts of a "SECONDS KB" figure, or - when the tool did not run
secs() { if [ -n "$1" ]; then printf '%.3f' "${1%% *}"; else echo -; fi; }
kb() { if [ -n "$1" ]; then echo "${1##* }"; else echo -; fi; }

# Are two files the same JSON value (numbers compared as doubles)?
same_json() {
	python3 - "$1" "$2" <<'PY'
import json, sys
def load(p):
    t = open(p).read().strip()
    return json.loads(t) if t else None
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
PY
}

echo "best of $runs runs; $orders orders ($(wc -c < "$tmp/orders.json") bytes); peak RSS of the whole process"
printf '%-8s %10s %10s %10s %10s %8s %8s  %s\n' expr "ours(s)" "ours(KB)" "peer(s)" "peer(KB)" speed memory result
tot_o=0 tot_p=0 max_om=0 max_pm=0 all=1
while IFS='|' read -r name expr; do
	o= p=
	[ $ours = 1 ] && o=$(best "$tmp/ours.json" ./stepbook eval "$expr" --input "$tmp/orders.json")
	[ $peer = 1 ] && p=$(best "$tmp/peer.json" node bench/jsonata-peer.mjs "$expr" "$tmp/orders.json")
	set -- $o $p
	if [ -n "$o" ] && [ -n "$p" ]; then
		same=different
		same_json "$tmp/ours.json" "$tmp/peer.json" && same=identical
		printf '%-8s %10.3f %10d %10.3f %10d %7.1fx %7.1fx  %s\n' "$name" "$1" "$2" "$3" "$4" \
			"$(echo "$3 / $1" | bc -l)" "$(echo "$4 / $2" | bc -l)" "$same"
		tot_o=$(echo "$tot_o + $1" | bc -l)
		tot_p=$(echo "$tot_p + $3" | bc -l)
		[ "$2" -gt "$max_om" ] && max_om=$2
		[ "$4" -gt "$max_pm" ] && max_pm=$4
	else
		all=0
		printf '%-8s %10s %10s %10s %10s  (a tool did not run: no ratio)\n' "$name" \
			"$(secs "$o")" "$(kb "$o")" "$(secs "$p")" "$(kb "$p")"
	fi
done <<'EXPRS'
sum|$sum(orders.(price * quantity))
filter|orders[price > 90].{"id": id, "total": price * quantity}
group|orders{product: $sum(quantity)}
in|$count(orders[region in ["eu", "us"]])
map|$max($map(orders, function($o) { $o.price * $o.quantity }))
join|$join([0..99999].$string($), ",")
EXPRS
if [ $all = 1 ]; then
	printf '%-8s %10.3f %10d %10.3f %10d %7.1fx %7.1fx  (target: 10x faster, 1/4 the memory)\n' total \
		"$tot_o" "$max_om" "$tot_p" "$max_pm" "$(echo "$tot_p / $tot_o" | bc -l)" \
		"$(echo "$max_pm / $max_om" | bc -l)"
fi

#!/bin/sh
# distmap_bench.sh - a Distributed Map over a 100,000-row CSV read from the
# folder standing for S3 (`stepbook run --s3-dir`), whole process:
#   rows      one child execution per row (ItemSelector + a Pass);
#   batches   ItemBatcher of 100 rows with BatchInput, ResultWriter writing
#             the manifest and SUCCEEDED_0.json into the local bucket.
# Target: each under 1 s on the project's 2-core machine.  The data is
# generated into bench/work/distmap (never committed).  No peer figure:
# aws-local-stepfunctions runs no ItemReader or ResultWriter (it cannot read
# S3), so there is nothing to compare with.
# usage: sh bench/distmap_bench.sh [RUNS]   (after `make`)
set -u
runs=${1:-5}
cd "$(dirname "$0")/.."
work=bench/work/distmap
rows=100000
mkdir -p "$work/s3/data" "$work/s3/results"
python3 - "$work" "$rows" <<'PY'
import json, sys
work, rows = sys.argv[1], int(sys.argv[2])
with open(f"{work}/s3/data/orders.csv", "w") as f:
    f.write("order_id,customer,amount,currency\n")
    for i in range(rows):
        f.write(f"{i},customer-{i % 997},{(i * 37) % 1000}.{i % 100:02d},EUR\n")
reader = {"Resource": "arn:aws:states:::s3:getObject",
          "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
          "Parameters": {"Bucket": "data", "Key": "orders.csv"}}
def machine(extra, step):
    m = {"Type": "Map", "ItemReader": reader, "End": True,
         "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                           "StartAt": "Price", "States": {"Price": dict(step, Type="Pass", End=True)}}}
    m.update(extra)
    return {"StartAt": "Orders", "States": {"Orders": m}}
rows_m = machine({"ItemSelector": {"id.$": "$$.Map.Item.Value.order_id",
                                   "amount.$": "$$.Map.Item.Value.amount"},
                  "ResultSelector": {"children.$": "States.ArrayLength($)"}},
                 {"Parameters": {"id.$": "$.id", "label.$": "States.Format('order {}', $.id)"}})
batch_m = machine({"ItemBatcher": {"MaxItemsPerBatch": 100, "BatchInput": {"currency": "EUR"}},
                   "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                                    "Parameters": {"Bucket": "results", "Prefix": "bench"}}},
                  {"Parameters": {"rows.$": "States.ArrayLength($.Items)", "currency.$": "$.BatchInput.currency"}})
json.dump(rows_m, open(f"{work}/rows.asl.json", "w"))
json.dump(batch_m, open(f"{work}/batches.asl.json", "w"))
PY

best() { # best "seconds rss_kb" of $runs runs
	b= m=
	for _ in $(seq "$runs"); do
		s=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$work/t" "$@" > "$work/out" 2>/dev/null || true
		e=$(date +%s%N)
		t=$(echo "($e - $s) / 1000000000" | bc -l)
		r=$(tail -1 "$work/t")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
		if [ -z "$m" ] || [ "$r" -gt "$m" ]; then m=$r; fi
	done
	echo "$b $m"
}

status=0
echo "best of $runs runs; $rows CSV rows; peak RSS of the whole process"
for kind in rows batches; do
	set -- $(best ./stepbook run "$work/$kind.asl.json" --s3-dir "$work/s3" --format json --compact)
	printf '%-8s stepbook  %6.3f s %10.0f rows/s %8d KB' "$kind" "$1" \
		"$(echo "$rows / $1" | bc -l)" "$2"
	want='"status":"SUCCEEDED"'
	[ "$kind" = rows ] && want='"children":100000'
	if grep -q "$want" "$work/out"; then
		if [ "$(echo "$1 < 1" | bc -l)" = 1 ]; then echo "   (< 1 s: ok)"; else echo "   (over the 1 s target)"; status=1; fi
	else
		echo "   (run failed: $(head -c 200 "$work/out"))"; status=1
	fi
done
echo "peer: aws-local-stepfunctions cannot read S3 (no ItemReader/ResultWriter): no ratio"
rm -rf "$work/s3/results"
exit $status

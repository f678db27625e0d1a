#!/bin/sh
# validate-speed.sh - time `stepbook validate` on a generated 1,000-state
# machine (Tasks with Retry/Catch and Parameters templates, Choices, Waits,
# a Parallel and a Map), best and median of 21 runs.  Budget: 50 ms.
# Usage: sh bench/validate-speed.sh [STEPBOOK]
set -eu
STEPBOOK=${1:-./stepbook}
OUT=${TMPDIR:-/tmp}/stepbook-bench-1000.asl.json
python3 - "$OUT" <<'PY'
import json, sys
n = 1000
states = {}
for i in range(n - 4):
    nxt = "S%d" % (i + 1) if i < n - 5 else "Par"
    k = i % 4
    if k == 0:
        states["S%d" % i] = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f%d" % i,
            "Parameters": {"Payload.$": "$", "id.$": "States.Format('item-{}', $.id)", "ctx.$": "$$.Execution.Id"},
            "ResultSelector": {"v.$": "$.Payload"}, "ResultPath": "$.r%d" % i, "TimeoutSeconds": 60,
            "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}, {"ErrorEquals": ["States.ALL"]}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}], "Next": nxt}
    elif k == 1:
        states["S%d" % i] = {"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.n", "NumericGreaterThan": i}, {"Variable": "$.s", "StringEquals": "x"}], "Next": nxt},
            {"Variable": "$.t", "TimestampLessThan": "2026-01-31T10:00:00Z", "Next": nxt}], "Default": nxt}
    elif k == 2:
        states["S%d" % i] = {"Type": "Wait", "SecondsPath": "$.wait", "Next": nxt}
    else:
        states["S%d" % i] = {"Type": "Pass", "Parameters": {"a.$": "$.a[0].b", "c": [1, 2]}, "Next": nxt}
states["Par"] = {"Type": "Parallel", "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}], "Next": "Map"}
states["Map"] = {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "M", "States": {"M": {"Type": "Succeed"}}}, "Next": "Done"}
states["Done"] = {"Type": "Succeed"}
states["Failed"] = {"Type": "Fail", "Error": "Failed"}
json.dump({"StartAt": "S0", "States": states}, open(sys.argv[1], "w"), indent=2)
PY
"$STEPBOOK" validate "$OUT" >/dev/null
times=""
i=0
while [ $i -lt 21 ]; do
	t0=$(date +%s%N)
	"$STEPBOOK" validate --quiet "$OUT" >/dev/null
	t1=$(date +%s%N)
	times="$times $(( (t1 - t0) / 1000 ))"
	i=$((i + 1))
done
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk -v f="$OUT" '
	{ v[NR] = $1 }
	END { printf "validate, 1000 states (%s, whole process: load + build + validate): best %.1f ms, median %.1f ms (budget 50 ms)\n", f, v[1] / 1000, v[int((NR + 1) / 2)] / 1000 }'

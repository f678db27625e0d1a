#!/usr/bin/env python3
"""gen.py - writes the families of conformance cases in tests/conformance/.

Each expected value below is what AWS Step Functions documents for that
construct (developer guide: input/output processing, Choice rules, error
handling, Map/Parallel, callbacks), written by hand, never copied from
stepbook's output.  Re-run after editing: python3 gen.py (from this folder).
Hand-written cases (course machines) live beside the generated ones with
numbers >= 900."""
import json, os, glob

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
cases = []

def case(name, definition, inp, expect, **extra):
    c = {"definition": definition, "input": inp}
    c.update(extra)
    c["expect"] = expect
    cases.append((name, c))

def ok(output, **kw):
    d = {"status": "SUCCEEDED", "output": output}
    d.update(kw)
    return d

def failed(error, cause=None, **kw):
    d = {"status": "FAILED", "error": error}
    if cause is not False:
        d["cause"] = cause
    d.update(kw)
    return d

def one(state, **top):
    d = {"StartAt": "S", "States": {"S": dict(state, End=True) if state["Type"] not in ("Succeed", "Fail", "Choice") else state}}
    d.update(top)
    return d

def rt(state, etype, event, msg):
    return "An error occurred while executing the state '%s' (entered at the event id #%d). %s" % (state, event, msg)

# ---- Pass and the data flow ------------------------------------------------
case("pass-identity", one({"Type": "Pass"}), {"a": 1}, ok({"a": 1}))
case("pass-result", one({"Type": "Pass", "Result": {"x": 1}}), {"a": 1}, ok({"x": 1}))
case("pass-result-path", one({"Type": "Pass", "Result": 7, "ResultPath": "$.r"}), {"a": 1}, ok({"a": 1, "r": 7}))
case("pass-result-path-nested-new", one({"Type": "Pass", "Result": 7, "ResultPath": "$.r.s.t"}), {"a": 1}, ok({"a": 1, "r": {"s": {"t": 7}}}))
case("pass-result-path-replace", one({"Type": "Pass", "Result": "new", "ResultPath": "$.a"}), {"a": 1, "b": 2}, ok({"a": "new", "b": 2}))
case("pass-result-path-null", one({"Type": "Pass", "Result": 7, "ResultPath": None}), {"a": 1}, ok({"a": 1}))
case("pass-result-path-dollar", one({"Type": "Pass", "Result": [1, 2], "ResultPath": "$"}), {"a": 1}, ok([1, 2]))
case("pass-result-path-array-index", one({"Type": "Pass", "Result": "z", "ResultPath": "$.l[1]"}), {"l": [1, 2, 3]}, ok({"l": [1, "z", 3]}))
case("pass-input-path", one({"Type": "Pass", "InputPath": "$.a"}), {"a": {"b": 1}}, ok({"b": 1}))
case("pass-input-path-null", one({"Type": "Pass", "InputPath": None}), {"a": 1}, ok({}))
case("pass-input-path-scalar", one({"Type": "Pass", "InputPath": "$.a.b"}), {"a": {"b": "str"}}, ok("str"))
case("pass-input-path-index", one({"Type": "Pass", "InputPath": "$.l[2]"}), {"l": [5, 6, 7]}, ok(7))
case("pass-input-path-missing", one({"Type": "Pass", "InputPath": "$.x"}), {"a": 1},
     failed("States.Runtime", rt("S", "", 2, "Invalid path '$.x' : No results for path: $['x']")))
case("pass-input-path-missing-nested", one({"Type": "Pass", "InputPath": "$.a.b"}), {"a": {}},
     failed("States.Runtime", rt("S", "", 2, "Invalid path '$.a.b' : No results for path: $['a']['b']")))
case("pass-output-path", one({"Type": "Pass", "OutputPath": "$.a"}), {"a": [1]}, ok([1]))
case("pass-output-path-null", one({"Type": "Pass", "OutputPath": None}), {"a": 1}, ok({}))
case("pass-output-path-missing", one({"Type": "Pass", "OutputPath": "$.nope"}), {"a": 1},
     failed("States.Runtime", rt("S", "", 2, "Invalid path '$.nope' : No results for path: $['nope']")))
case("pass-output-after-result-path", one({"Type": "Pass", "Result": {"v": 3}, "ResultPath": "$.r", "OutputPath": "$.r.v"}), {"a": 1}, ok(3))
case("pass-parameters-static", one({"Type": "Pass", "Parameters": {"k": "v", "n": [1, {"m": True}]}}), {"a": 1}, ok({"k": "v", "n": [1, {"m": True}]}))
case("pass-parameters-path", one({"Type": "Pass", "Parameters": {"x.$": "$.a", "nested": {"y.$": "$.b.c"}}}), {"a": 1, "b": {"c": "d"}}, ok({"x": 1, "nested": {"y": "d"}}))
case("pass-parameters-missing", one({"Type": "Pass", "Parameters": {"x.$": "$.nope"}}), {"a": 1},
     failed("States.Runtime", rt("S", "", 2, "The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input '{\"a\":1}'")))
case("pass-parameters-then-result-path", one({"Type": "Pass", "Parameters": {"x.$": "$.a"}, "ResultPath": "$.p"}), {"a": 1}, ok({"a": 1, "p": {"x": 1}}))
case("pass-input-then-parameters", one({"Type": "Pass", "InputPath": "$.in", "Parameters": {"v.$": "$.v"}}), {"in": {"v": 9}}, ok({"v": 9}))
case("pass-result-over-parameters", one({"Type": "Pass", "Parameters": {"x": 1}, "Result": "r"}), {}, ok("r"))
case("pass-context-state-name", one({"Type": "Pass", "Parameters": {"n.$": "$$.State.Name"}}), {}, ok({"n": "S"}))
case("pass-context-entered-time", one({"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime"}}), {}, ok({"t": "2024-01-01T00:00:00.000Z"}))
case("pass-context-start-time", one({"Type": "Pass", "Parameters": {"t.$": "$$.Execution.StartTime"}}), {}, ok({"t": "2024-01-01T00:00:00.000Z"}),
     options={"startTime": "2024-01-01T00:00:00Z"})
case("pass-context-start-time-override", one({"Type": "Pass", "Parameters": {"t.$": "$$.Execution.StartTime"}}), {}, ok({"t": "2030-06-15T08:30:00.000Z"}),
     options={"startTime": "2030-06-15T08:30:00Z"})
case("pass-context-input", one({"Type": "Pass", "InputPath": "$.a", "Parameters": {"i.$": "$$.Execution.Input"}}), {"a": {"b": 1}}, ok({"i": {"a": {"b": 1}}}))
case("pass-context-machine-name", one({"Type": "Pass", "Parameters": {"n.$": "$$.StateMachine.Name"}}), {}, ok({"n": "Machine"}))
case("pass-context-retry-count", one({"Type": "Pass", "Parameters": {"n.$": "$$.State.RetryCount"}}), {}, ok({"n": 0}))
case("pass-context-redrive", one({"Type": "Pass", "Parameters": {"n.$": "$$.Execution.RedriveCount"}}), {}, ok({"n": 0}))
case("pass-intrinsic-format", one({"Type": "Pass", "Parameters": {"s.$": "States.Format('Hello {} {}', $.a, $.b)"}}), {"a": "x", "b": 2}, ok({"s": "Hello x 2"}))
case("pass-intrinsic-mathadd", one({"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}}), {"n": 41}, ok({"n": 42}))
case("pass-intrinsic-array", one({"Type": "Pass", "Parameters": {"a.$": "States.Array($.x, 'y', 3)"}}), {"x": 1}, ok({"a": [1, "y", 3]}))
case("pass-intrinsic-string-to-json", one({"Type": "Pass", "Parameters": {"o.$": "States.StringToJson($.s)"}}), {"s": "{\"k\":[1,2]}"}, ok({"o": {"k": [1, 2]}}))
case("pass-intrinsic-json-to-string", one({"Type": "Pass", "Parameters": {"s.$": "States.JsonToString($.o)"}}), {"o": {"k": 1}}, ok({"s": "{\"k\":1}"}))
case("pass-intrinsic-array-length", one({"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength($.l)"}}), {"l": [1, 2, 3]}, ok({"n": 3}))
case("pass-intrinsic-array-contains", one({"Type": "Pass", "Parameters": {"b.$": "States.ArrayContains($.l, 2)"}}), {"l": [1, 2, 3]}, ok({"b": True}))
case("pass-intrinsic-array-range", one({"Type": "Pass", "Parameters": {"r.$": "States.ArrayRange(1, 9, 2)"}}), {}, ok({"r": [1, 3, 5, 7, 9]}))
case("pass-intrinsic-base64", one({"Type": "Pass", "Parameters": {"e.$": "States.Base64Encode($.s)"}}), {"s": "Data to encode"}, ok({"e": "RGF0YSB0byBlbmNvZGU="}))
case("pass-intrinsic-string-split", one({"Type": "Pass", "Parameters": {"p.$": "States.StringSplit($.s, ',')"}}), {"s": "1,2,3"}, ok({"p": ["1", "2", "3"]}))
case("pass-intrinsic-partition", one({"Type": "Pass", "Parameters": {"p.$": "States.ArrayPartition($.l, 2)"}}), {"l": [1, 2, 3, 4, 5]}, ok({"p": [[1, 2], [3, 4], [5]]}))
case("pass-intrinsic-unique", one({"Type": "Pass", "Parameters": {"u.$": "States.ArrayUnique($.l)"}}), {"l": [1, 2, 2, 3, 1]}, ok({"u": [1, 2, 3]}))
case("pass-intrinsic-array-get-item", one({"Type": "Pass", "Parameters": {"v.$": "States.ArrayGetItem($.l, 1)"}}), {"l": ["a", "b"]}, ok({"v": "b"}))
# States.JsonMerge is a shallow merge in which the right-hand object wins
case("pass-intrinsic-json-merge", one({"Type": "Pass", "Parameters": {"m.$": "States.JsonMerge($.a, $.b, false)"}}), {"a": {"x": 1, "y": 1}, "b": {"y": 2}}, ok({"m": {"x": 1, "y": 2}}))
case("pass-intrinsic-hash", one({"Type": "Pass", "Parameters": {"h.$": "States.Hash($.s, 'SHA-1')"}}), {"s": "input data"}, ok({"h": "aaff4a450a104cd177d28d18d74485e8cae074b7"}))
case("pass-result-path-on-scalar-input", one({"Type": "Pass", "Result": 1, "ResultPath": "$.r"}), "text",
     failed("States.ResultPathMatchFailure", False))
case("pass-dollar-key-literal", one({"Type": "Pass", "Parameters": {"a": "$.not-a-path"}}), {}, ok({"a": "$.not-a-path"}))
case("pass-chain", {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
                                                "B": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "End": True}}}, {}, ok({"a": 1, "b": 2}))
case("succeed-output-path", one({"Type": "Succeed", "OutputPath": "$.a"}), {"a": 5}, ok(5))
case("succeed-input-path", one({"Type": "Succeed", "InputPath": "$.a"}), {"a": {"z": 1}}, ok({"z": 1}))

# ---- Fail --------------------------------------------------------------------
case("fail-error-cause", one({"Type": "Fail", "Error": "E", "Cause": "C"}), {}, failed("E", "C"))
case("fail-error-only", one({"Type": "Fail", "Error": "E"}), {}, failed("E", None))
case("fail-error-path", one({"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"}), {"e": "StudentDeletionFailed", "c": "boom"}, failed("StudentDeletionFailed", "boom"))
case("fail-literal-error-cause-path", one({"Type": "Fail", "Error": "422", "CausePath": "$.Cause"}), {"Cause": "Unable to create an account"}, failed("422", "Unable to create an account"))
case("fail-error-path-missing", one({"Type": "Fail", "ErrorPath": "$.ErrorX", "Cause": "c"}), {"Error": "e"},
     failed("States.Runtime", rt("S", "", 2, "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{\"Error\":\"e\"}'")))
case("fail-cause-intrinsic", one({"Type": "Fail", "Error": "E", "CausePath": "States.Format('bad {}', $.n)"}), {"n": 3}, failed("E", "bad 3"))

# ---- Choice ------------------------------------------------------------------
def choice(rule, default=True):
    d = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [dict(rule, Next="Yes")]},
        "Yes": {"Type": "Pass", "Result": "yes", "End": True},
        "No": {"Type": "Pass", "Result": "no", "End": True}}}
    if default:
        d["States"]["C"]["Default"] = "No"
    return d

cmp_cases = [
    ("StringEquals", "abc", "abc", True), ("StringEquals", "abc", "abd", False), ("StringEquals", 1, "1", False),
    ("StringLessThan", "abc", "abd", True), ("StringLessThan", "b", "a", False),
    ("StringGreaterThan", "b", "a", True), ("StringGreaterThan", "a", "a", False),
    ("StringLessThanEquals", "a", "a", True), ("StringLessThanEquals", "b", "a", False),
    ("StringGreaterThanEquals", "a", "a", True), ("StringGreaterThanEquals", "a", "b", False),
    ("NumericEquals", 5, 5, True), ("NumericEquals", 5.0, 5, True), ("NumericEquals", 5, 6, False), ("NumericEquals", "5", 5, False),
    ("NumericLessThan", 1, 2, True), ("NumericLessThan", 2, 2, False),
    ("NumericGreaterThan", 3, 2, True), ("NumericGreaterThan", -1, 2, False),
    ("NumericLessThanEquals", 2, 2, True), ("NumericLessThanEquals", 2.5, 2, False),
    ("NumericGreaterThanEquals", 2, 2, True), ("NumericGreaterThanEquals", 1.9, 2, False),
    ("BooleanEquals", True, True, True), ("BooleanEquals", False, True, False), ("BooleanEquals", "true", True, False),
    ("TimestampEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", True),
    ("TimestampEquals", "2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z", True),
    ("TimestampEquals", "2024-01-01T00:00:01Z", "2024-01-01T00:00:00Z", False),
    ("TimestampLessThan", "2023-12-31T23:59:59Z", "2024-01-01T00:00:00Z", True),
    ("TimestampLessThan", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", False),
    ("TimestampGreaterThan", "2024-01-02T00:00:00Z", "2024-01-01T00:00:00Z", True),
    ("TimestampGreaterThan", "not a time", "2024-01-01T00:00:00Z", False),
    ("TimestampLessThanEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", True),
    ("TimestampGreaterThanEquals", "2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z", False),
]
for i, (op, val, operand, want) in enumerate(cmp_cases):
    tag = "%s-%d" % (op.lower(), i)
    case("choice-" + tag, choice({"Variable": "$.v", op: operand}), {"v": val}, ok("yes" if want else "no"))
    case("choice-path-" + tag, choice({"Variable": "$.v", op + "Path": "$.w"}), {"v": val, "w": operand}, ok("yes" if want else "no"))

matches = [("log-*.txt", "log-2024.txt", True), ("log-*.txt", "log-2024.csv", False), ("*", "", True),
           ("a*b*c", "aXXbYYc", True), ("a*b*c", "acb", False), ("star\\*", "star*", True), ("star\\*", "starX", False),
           ("exact", "exact", True), ("*.json", "x.json", True), ("back\\\\slash", "back\\slash", True)]
for i, (pat, val, want) in enumerate(matches):
    case("choice-string-matches-%d" % i, choice({"Variable": "$.v", "StringMatches": pat}), {"v": val}, ok("yes" if want else "no"))

is_cases = [("IsNull", None, True), ("IsNull", 0, False), ("IsNumeric", 1.5, True), ("IsNumeric", "1", False),
            ("IsString", "s", True), ("IsString", 1, False), ("IsBoolean", False, True), ("IsBoolean", "false", False),
            ("IsTimestamp", "2024-01-01T00:00:00Z", True), ("IsTimestamp", "2024-01-01", False), ("IsTimestamp", 5, False)]
for i, (op, val, want) in enumerate(is_cases):
    case("choice-%s-%d" % (op.lower(), i), choice({"Variable": "$.v", op: True}), {"v": val}, ok("yes" if want else "no"))
    case("choice-%s-false-%d" % (op.lower(), i), choice({"Variable": "$.v", op: False}), {"v": val}, ok("no" if want else "yes"))
case("choice-is-present-true", choice({"Variable": "$.v", "IsPresent": True}), {"v": None}, ok("yes"))
case("choice-is-present-missing", choice({"Variable": "$.v", "IsPresent": True}), {"w": 1}, ok("no"))
case("choice-is-present-false", choice({"Variable": "$.v.x", "IsPresent": False}), {"v": {}}, ok("yes"))
case("choice-and", choice({"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Variable": "$.b", "StringEquals": "x"}]}), {"a": 2, "b": "x"}, ok("yes"))
case("choice-and-false", choice({"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Variable": "$.b", "StringEquals": "x"}]}), {"a": 2, "b": "y"}, ok("no"))
case("choice-or", choice({"Or": [{"Variable": "$.a", "NumericGreaterThan": 5}, {"Variable": "$.b", "StringEquals": "x"}]}), {"a": 2, "b": "x"}, ok("yes"))
case("choice-or-false", choice({"Or": [{"Variable": "$.a", "NumericGreaterThan": 5}, {"Variable": "$.b", "StringEquals": "x"}]}), {"a": 2, "b": "z"}, ok("no"))
case("choice-not", choice({"Not": {"Variable": "$.a", "StringEquals": "x"}}), {"a": "y"}, ok("yes"))
case("choice-not-false", choice({"Not": {"Variable": "$.a", "StringEquals": "x"}}), {"a": "x"}, ok("no"))
case("choice-nested", choice({"And": [{"Not": {"Variable": "$.a", "IsNull": True}}, {"Or": [{"Variable": "$.a", "NumericEquals": 1}, {"Variable": "$.a", "NumericEquals": 2}]}]}), {"a": 2}, ok("yes"))
case("choice-or-short-circuit-missing", choice({"Or": [{"Variable": "$.a", "IsPresent": True}, {"Variable": "$.zz", "NumericEquals": 1}]}), {"a": 1}, ok("yes"))
case("choice-no-match", choice({"Variable": "$.v", "NumericEquals": 1}, default=False), {"v": 2}, failed("States.NoChoiceMatched", "No Matches!"))
case("choice-missing-variable", choice({"Variable": "$.missing", "NumericEquals": 1}), {"v": 2},
     failed("States.Runtime", rt("C", "", 2, "Invalid path '$.missing': The choice state's condition path references an invalid value.")))
case("choice-first-match-wins", {"StartAt": "C", "States": {
    "C": {"Type": "Choice", "Choices": [{"Variable": "$.v", "NumericGreaterThan": 1, "Next": "A"}, {"Variable": "$.v", "NumericGreaterThan": 0, "Next": "B"}]},
    "A": {"Type": "Pass", "Result": "A", "End": True}, "B": {"Type": "Pass", "Result": "B", "End": True}}}, {"v": 5}, ok("A"))
case("choice-input-output-path", {"StartAt": "C", "States": {
    "C": {"Type": "Choice", "InputPath": "$.attributes", "OutputPath": "$.tutor", "Choices": [{"Variable": "$.tutor", "IsPresent": True, "Next": "Found"}], "Default": "Missing"},
    "Found": {"Type": "Pass", "End": True}, "Missing": {"Type": "Fail", "Error": "Missing"}}},
    {"attributes": {"tutor": {"user_id": 2}}}, ok({"user_id": 2}))
case("choice-loop-counter", {"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 5, "Next": "Inc"}], "Default": "Done"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}}, {}, ok({"i": 5}, transitions=13))

# ---- Wait --------------------------------------------------------------------
def wait_then_time(w):
    return {"StartAt": "W", "States": {"W": dict(w, Type="Wait", Next="T"),
            "T": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime"}, "End": True}}}
case("wait-seconds", wait_then_time({"Seconds": 10}), {}, ok({"t": "2024-01-01T00:00:10.000Z"}, stopTime="2024-01-01T00:00:10Z"))
case("wait-seconds-zero", wait_then_time({"Seconds": 0}), {}, ok({"t": "2024-01-01T00:00:00.000Z"}))
case("wait-timestamp", wait_then_time({"Timestamp": "2024-01-02T00:00:00Z"}), {}, ok({"t": "2024-01-02T00:00:00.000Z"}))
case("wait-timestamp-past", wait_then_time({"Timestamp": "2020-01-01T00:00:00Z"}), {}, ok({"t": "2024-01-01T00:00:00.000Z"}))
case("wait-seconds-path", wait_then_time({"SecondsPath": "$.s"}), {"s": 3600}, ok({"t": "2024-01-01T01:00:00.000Z"}))
case("wait-timestamp-path", wait_then_time({"TimestampPath": "$.ts"}), {"ts": "2024-01-01T00:05:00+00:00"}, ok({"t": "2024-01-01T00:05:00.000Z"}))
case("wait-passes-input", one({"Type": "Wait", "Seconds": 1}), {"a": 1}, ok({"a": 1}))
case("wait-output-path", one({"Type": "Wait", "Seconds": 1, "OutputPath": "$.a"}), {"a": 1}, ok(1))
case("wait-seconds-path-missing", one({"Type": "Wait", "SecondsPath": "$.s"}), {}, failed("States.Runtime", False))
case("wait-seconds-path-negative", one({"Type": "Wait", "SecondsPath": "$.s"}), {"s": -1}, failed("States.Runtime", False))
case("wait-timestamp-path-bad", one({"Type": "Wait", "TimestampPath": "$.s"}), {"s": "tomorrow"}, failed("States.Runtime", False))
case("machine-timeout", {"StartAt": "W", "TimeoutSeconds": 5, "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}, {},
     {"status": "TIMED_OUT", "error": "States.Timeout", "stopTime": "2024-01-01T00:00:05Z"})

# ---- Task, mocks, Retry, Catch ----------------------------------------------
FN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
def mocks(responses, state="T"):
    return {"StateMachines": {"Machine": {"TestCases": {"tc": {state: "r"}}}},
            "MockedResponses": {"r": responses}}
def task(extra=None, **top):
    t = {"Type": "Task", "Resource": FN, "End": True}
    t.update(extra or {})
    if "Next" in t:
        del t["End"]
    d = {"StartAt": "T", "States": {"T": t}}
    d["States"].update(top)
    return d
THROW = lambda e, c=None: {"Throw": dict({"Error": e}, **({"Cause": c} if c else {}))}
case("task-return", task(), {"a": 1}, ok({"r": 1}), mocks={**mocks({"0": {"Return": {"r": 1}}})}, testCase="tc")
case("task-result-path", task({"ResultPath": "$.res"}), {"a": 1}, ok({"a": 1, "res": "v"}), mocks=mocks({"0": {"Return": "v"}}), testCase="tc")
case("task-result-selector", task({"ResultSelector": {"code.$": "$.StatusCode", "p.$": "$.Payload.x"}, "ResultPath": "$.out"}), {"a": 1},
     ok({"a": 1, "out": {"code": 200, "p": 5}}), mocks=mocks({"0": {"Return": {"StatusCode": 200, "Payload": {"x": 5}}}}), testCase="tc")
case("task-result-selector-missing", task({"ResultSelector": {"p.$": "$.nope"}}), {},
     failed("States.Runtime", rt("T", "", 2, "The JSONPath '$.nope' specified for the field 'p.$' could not be found in the input '{\"a\":1}'")),
     mocks=mocks({"0": {"Return": {"a": 1}}}), testCase="tc")
case("task-lambda-invoke-whole-response", {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
     "Parameters": {"FunctionName": "fn", "Payload.$": "$"}, "OutputPath": "$.Payload", "End": True}}}, {"a": 1},
     ok({"done": True}), mocks=mocks({"0": {"Return": {"StatusCode": 200, "Payload": {"done": True}}}}), testCase="tc")
case("task-throw", task(), {}, failed("MyError", "it broke"), mocks=mocks({"0": THROW("MyError", "it broke")}), testCase="tc")
case("task-no-mock", task(), {}, failed("States.Runtime", False))
case("task-default-by-function", task(), {}, ok("dflt"),
     mocks={"MockedResponses": {"d": {"0": {"Return": "dflt"}}}, "Defaults": {"fn": "d"}})
case("task-template-response", task({"Parameters": {"name.$": "$.who"}}), {"who": "Ann"}, ok({"greeting": "Hello Ann"}),
     mocks={"MockedResponses": {"d": {"0": {"Template": {"greeting.$": "States.Format('Hello {}', $.name)"}}}}, "Defaults": {"fn": "d"}})
case("task-parameters-to-mock-context", task({"Parameters": {"n.$": "$$.State.Name"}}), {}, ok({"greet": "T"}),
     mocks={"MockedResponses": {"d": {"0": {"Template": {"greet.$": "$.n"}}}}, "Defaults": {"fn": "d"}})
retry_all = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2}]
case("retry-then-succeed", task({"Retry": retry_all}), {}, ok("third", stopTime="2024-01-01T00:00:03Z"),
     mocks=mocks({"0-1": THROW("E"), "2": {"Return": "third"}}), testCase="tc")
case("retry-exhausted", task({"Retry": retry_all}), {}, failed("E", None, stopTime="2024-01-01T00:00:07Z"),
     mocks=mocks({"0-3": THROW("E")}), testCase="tc")
case("retry-max-attempts-zero", task({"Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]}), {}, failed("E", None),
     mocks=mocks({"0": THROW("E"), "1": {"Return": 1}}), testCase="tc")
case("retry-defaults", task({"Retry": [{"ErrorEquals": ["E"]}]}), {}, ok(4, stopTime="2024-01-01T00:00:07Z"),
     mocks=mocks({"0-2": THROW("E"), "3": {"Return": 4}}), testCase="tc")
case("retry-max-delay", task({"Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 10, "BackoffRate": 10, "MaxAttempts": 3, "MaxDelaySeconds": 15}]}), {},
     ok(1, stopTime="2024-01-01T00:00:40Z"), mocks=mocks({"0-2": THROW("E"), "3": {"Return": 1}}), testCase="tc")
case("retry-backoff-one", task({"Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 5, "BackoffRate": 1, "MaxAttempts": 2}]}), {},
     ok(1, stopTime="2024-01-01T00:00:10Z"), mocks=mocks({"0-1": THROW("E"), "2": {"Return": 1}}), testCase="tc")
case("retry-error-not-listed", task({"Retry": [{"ErrorEquals": ["Other"]}]}), {}, failed("E", None),
     mocks=mocks({"0": THROW("E"), "1": {"Return": 1}}), testCase="tc")
case("retry-first-matching-retrier-only", task({"Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1, "IntervalSeconds": 1}, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}]}), {},
     failed("E", None), mocks=mocks({"0-1": THROW("E"), "2": {"Return": 1}}), testCase="tc")
case("retry-task-failed-wildcard", task({"Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1}]}), {}, ok(1),
     mocks=mocks({"0": THROW("Lambda.ServiceException"), "1": {"Return": 1}}), testCase="tc")
case("retry-count-in-context", task({"Retry": retry_all, "Parameters": {"rc.$": "$$.State.RetryCount"}}), {}, ok({"rc": 2}),
     mocks={"StateMachines": {"Machine": {"TestCases": {"tc": {"T": "r"}}}}, "MockedResponses": {"r": {"0-1": THROW("E"), "2": {"Template": {"rc.$": "$.rc"}}}}}, testCase="tc")
case("retry-jitter-full-bounded", task({"Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 1, "JitterStrategy": "FULL"}]}), {}, ok(1),
     mocks=mocks({"0": THROW("E"), "1": {"Return": 1}}), testCase="tc")
def catch(errs, nxt="H", **kw):
    return dict({"ErrorEquals": errs, "Next": nxt}, **kw)
H = {"Type": "Pass", "End": True}
case("catch-all", task({"Catch": [catch(["States.ALL"])]}, H=H), {"a": 1}, ok({"Error": "E", "Cause": "c"}),
     mocks=mocks({"0": THROW("E", "c")}), testCase="tc")
case("catch-result-path", task({"Catch": [catch(["States.ALL"], ResultPath="$.err")]}, H=H), {"a": 1}, ok({"a": 1, "err": {"Error": "E", "Cause": "c"}}),
     mocks=mocks({"0": THROW("E", "c")}), testCase="tc")
case("catch-result-path-null", task({"Catch": [catch(["States.ALL"], ResultPath=None)]}, H=H), {"a": 1}, ok({"a": 1}),
     mocks=mocks({"0": THROW("E", "c")}), testCase="tc")
case("catch-specific-before-all", task({"Catch": [catch(["E"], "H1"), catch(["States.ALL"], "H2")]},
     H1={"Type": "Pass", "Result": "h1", "End": True}, H2={"Type": "Pass", "Result": "h2", "End": True}), {}, ok("h1"),
     mocks=mocks({"0": THROW("E")}), testCase="tc")
case("catch-falls-to-all", task({"Catch": [catch(["X"], "H1"), catch(["States.ALL"], "H2")]},
     H1={"Type": "Pass", "Result": "h1", "End": True}, H2={"Type": "Pass", "Result": "h2", "End": True}), {}, ok("h2"),
     mocks=mocks({"0": THROW("E")}), testCase="tc")
case("catch-not-matching", task({"Catch": [catch(["X"])]}, H=H), {}, failed("E", "c"), mocks=mocks({"0": THROW("E", "c")}), testCase="tc")
case("catch-after-retries", task({"Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 2, "IntervalSeconds": 1}], "Catch": [catch(["E"], ResultPath="$.e")]}, H=H), {},
     ok({"e": {"Error": "E"}}, stopTime="2024-01-01T00:00:03Z"), mocks=mocks({"0-5": THROW("E")}), testCase="tc")
case("catch-task-failed-not-timeout", task({"TimeoutSeconds": 5, "Catch": [catch(["States.TaskFailed"])]}, H=H), {},
     failed("States.Timeout", None), mocks=mocks({"0": {"Return": 1, "DelaySeconds": 10}}), testCase="tc")
case("catch-timeout", task({"TimeoutSeconds": 5, "Catch": [catch(["States.Timeout"], ResultPath="$.t")]}, H=H), {},
     ok({"t": {"Error": "States.Timeout"}}, stopTime="2024-01-01T00:00:05Z"), mocks=mocks({"0": {"Return": 1, "DelaySeconds": 10}}), testCase="tc")
case("task-delay-within-timeout", task({"TimeoutSeconds": 5}), {}, ok(1, stopTime="2024-01-01T00:00:03Z"),
     mocks=mocks({"0": {"Return": 1, "DelaySeconds": 3}}), testCase="tc")
case("task-timeout-seconds-path", task({"TimeoutSecondsPath": "$.t"}), {"t": 2}, failed("States.Timeout", None),
     mocks=mocks({"0": {"Return": 1, "DelaySeconds": 3}}), testCase="tc")
case("catch-runtime-not-caught", task({"InputPath": "$.nope", "Catch": [catch(["States.ALL"])]}, H=H), {},
     failed("States.Runtime", False), mocks=mocks({"0": {"Return": 1}}), testCase="tc")
case("catch-data-limit-not-by-all", task({"Catch": [catch(["States.ALL"])]}, H=H), {},
     failed("States.DataLimitExceeded", False), mocks=mocks({"0": {"Return": "x" * 300}}), testCase="tc", options={"maxPayload": 100})
case("catch-data-limit-explicit", task({"Catch": [catch(["States.DataLimitExceeded"], ResultPath=None)]}, H=H), {"a": 1},
     ok({"a": 1}), mocks=mocks({"0": {"Return": "x" * 300}}), testCase="tc", options={"maxPayload": 100})
case("catch-assign", task({"Catch": [catch(["States.ALL"], Assign={"why.$": "$.Cause"})]},
     H={"Type": "Pass", "Parameters": {"w.$": "$why"}, "End": True}), {}, ok({"w": "because"}),
     mocks=mocks({"0": THROW("E", "because")}), testCase="tc")

# ---- variables ---------------------------------------------------------------
case("assign-and-read", {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Assign": {"x": 1, "y.$": "$.v"}, "Next": "B"},
    "B": {"Type": "Pass", "Parameters": {"x.$": "$x", "y.$": "$y"}, "End": True}}}, {"v": "val"}, ok({"x": 1, "y": "val"}))
case("assign-sees-old-values", {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
    "B": {"Type": "Pass", "Assign": {"x": 2, "old.$": "$x"}, "Next": "C"},
    "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "old.$": "$old"}, "End": True}}}, {}, ok({"x": 2, "old": 1}))
case("assign-from-task-result", task({"Assign": {"got.$": "$.r"}, "Next": "P"},
     P={"Type": "Pass", "Parameters": {"g.$": "$got"}, "End": True}), {}, ok({"g": 5}),
     mocks=mocks({"0": {"Return": {"r": 5}}}), testCase="tc")
case("assign-choice-rule", {"StartAt": "C", "States": {
    "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 0, "Assign": {"sign": "positive"}, "Next": "P"}], "Default": "P"},
    "P": {"Type": "Pass", "Parameters": {"s.$": "$sign"}, "End": True}}}, {"n": 3}, ok({"s": "positive"}))
case("assign-intrinsic", {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Assign": {"n.$": "States.MathAdd($.n, 10)"}, "Next": "B"},
    "B": {"Type": "Pass", "Parameters": {"n.$": "$n"}, "End": True}}}, {"n": 1}, ok({"n": 11}))
case("variable-in-choice", {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Assign": {"lim": 3}, "Next": "C"},
    "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanPath": "$lim", "Next": "Big"}], "Default": "Small"},
    "Big": {"Type": "Pass", "Result": "big", "End": True}, "Small": {"Type": "Pass", "Result": "small", "End": True}}}, {"n": 5}, ok("big"))
case("variable-undefined", {"StartAt": "B", "States": {"B": {"Type": "Pass", "Parameters": {"x.$": "$nope"}, "End": True}}}, {}, failed("States.Runtime", False))
case("variable-visible-in-map", {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Assign": {"k": "K"}, "Next": "M"},
    "M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"k.$": "$k", "v.$": "$"}, "End": True}}}, "End": True}}},
    [1, 2], ok([{"k": "K", "v": 1}, {"k": "K", "v": 2}]))

# ---- Parallel -----------------------------------------------------------------
def br(*states):
    return {"StartAt": states[0][0], "States": {n: s for n, s in states}}
case("parallel-two-branches", one({"Type": "Parallel", "Branches": [
    br(("A", {"Type": "Pass", "Result": "a", "End": True})), br(("B", {"Type": "Pass", "InputPath": "$.x", "End": True}))]}), {"x": 1}, ok(["a", 1]))
case("parallel-result-path", one({"Type": "Parallel", "ResultPath": "$.p", "Branches": [br(("A", {"Type": "Pass", "Result": 1, "End": True}))]}), {"x": 1}, ok({"x": 1, "p": [1]}))
case("parallel-result-selector", one({"Type": "Parallel", "ResultSelector": {"first.$": "$[0]"}, "Branches": [
    br(("A", {"Type": "Pass", "Result": 1, "End": True})), br(("B", {"Type": "Pass", "Result": 2, "End": True}))]}), {}, ok({"first": 1}))
case("parallel-parameters", one({"Type": "Parallel", "Parameters": {"v.$": "$.a"}, "Branches": [br(("A", {"Type": "Pass", "End": True}))]}), {"a": 3}, ok([{"v": 3}]))
case("parallel-branch-fail", one({"Type": "Parallel", "Branches": [
    br(("A", {"Type": "Pass", "End": True})), br(("B", {"Type": "Fail", "Error": "BranchBoom", "Cause": "b"}))]}), {}, failed("BranchBoom", "b"))
case("parallel-catch", {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [br(("B", {"Type": "Fail", "Error": "X", "Cause": "y"}))],
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": "$.e"}], "End": True}, "H": {"Type": "Pass", "End": True}}}, {"i": 1},
    ok({"i": 1, "e": {"Error": "X", "Cause": "y"}}))
case("parallel-retry", {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [br(("T", {"Type": "Task", "Resource": FN, "End": True}))],
    "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 2}], "End": True}}}, {}, ok([7], stopTime="2024-01-01T00:00:02Z"),
    mocks=mocks({"0": THROW("E"), "1": {"Return": 7}}), testCase="tc")
case("parallel-time-is-max", {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Next": "T", "Branches": [
    br(("W", {"Type": "Wait", "Seconds": 10, "End": True})), br(("W2", {"Type": "Wait", "Seconds": 30, "End": True}))]},
    "T": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime"}, "End": True}}}, {}, ok({"t": "2024-01-01T00:00:30.000Z"}))
case("parallel-nested", one({"Type": "Parallel", "Branches": [br(("Q", {"Type": "Parallel", "Branches": [br(("R", {"Type": "Pass", "Result": "deep", "End": True}))], "End": True}))]}), {}, ok([["deep"]]))
case("parallel-output-path", one({"Type": "Parallel", "OutputPath": "$[1]", "Branches": [
    br(("A", {"Type": "Pass", "Result": "a", "End": True})), br(("B", {"Type": "Pass", "Result": "b", "End": True}))]}), {}, ok("b"))

# ---- Map ------------------------------------------------------------------------
PROC = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
def mp(extra, proc=PROC, key="ItemProcessor"):
    m = {"Type": "Map", key: proc}
    m.update(extra)
    return one(m)
case("map-identity", mp({}), [1, 2, 3], ok([1, 2, 3]))
case("map-items-path", mp({"ItemsPath": "$.items"}), {"items": ["a", "b"]}, ok(["a", "b"]))
case("map-empty", mp({"ItemsPath": "$.items"}), {"items": []}, ok([]))
case("map-legacy-iterator", mp({"ItemsPath": "$.l"}, key="Iterator"), {"l": [1]}, ok([1]))
case("map-item-selector", mp({"ItemsPath": "$.l", "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "c.$": "$.c"}}), {"l": ["x", "y"], "c": 0},
     ok([{"v": "x", "i": 0, "c": 0}, {"v": "y", "i": 1, "c": 0}]))
case("map-legacy-parameters", mp({"ItemsPath": "$.l", "Parameters": {"item.$": "$$.Map.Item.Value"}}), {"l": [1, 2]}, ok([{"item": 1}, {"item": 2}]))
case("map-result-path", mp({"ItemsPath": "$.l", "ResultPath": "$.r"}), {"l": [1]}, ok({"l": [1], "r": [1]}))
case("map-input-path", mp({"InputPath": "$.basket", "ItemsPath": "$.items"}), {"basket": {"items": [1, 2]}}, ok([1, 2]))
case("map-result-selector", mp({"ResultSelector": {"n.$": "States.ArrayLength($)"}}), [1, 2, 3], ok({"n": 3}))
case("map-items-not-array", mp({"ItemsPath": "$.l"}), {"l": 5}, failed("States.Runtime", False))
case("map-items-missing", mp({"ItemsPath": "$.l"}), {}, failed("States.Runtime", False))
case("map-iteration-fails", mp({}, proc={"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "OK"},
    "F": {"Type": "Fail", "Error": "Two", "Cause": "item two"}, "OK": {"Type": "Succeed"}}}), [1, 2, 3], failed("Two", "item two"))
case("map-catch", {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}},
    "Catch": [{"ErrorEquals": ["E"], "Next": "H"}], "End": True}, "H": {"Type": "Pass", "End": True}}}, [1], ok({"Error": "E"}))
case("map-task-mocked", mp({}, proc={"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "End": True}}}), [1, 2, 3], ok(["a", "b", "b"]),
     mocks=mocks({"0": {"Return": "a"}, "1": {"Return": "b"}}), testCase="tc")
case("map-max-concurrency-time", {"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 2, "Next": "T",
    "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}},
    "T": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime"}, "End": True}}}, [1, 2, 3, 4, 5], ok({"t": "2024-01-01T00:00:30.000Z"}))
case("map-unlimited-concurrency-time", {"StartAt": "M", "States": {"M": {"Type": "Map", "Next": "T",
    "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}},
    "T": {"Type": "Pass", "Parameters": {"t.$": "$$.State.EnteredTime"}, "End": True}}}, [1, 2, 3, 4, 5], ok({"t": "2024-01-01T00:00:10.000Z"}))
case("map-nested", mp({}, proc={"StartAt": "M2", "States": {"M2": {"Type": "Map", "ItemProcessor": PROC, "End": True}}}), [[1, 2], [3]], ok([[1, 2], [3]]))
case("map-objects-order", mp({"MaxConcurrency": 1}, proc={"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.id", "End": True}}}),
     [{"id": "c"}, {"id": "a"}, {"id": "b"}], ok(["c", "a", "b"]))
DIST = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}
FAILODD = {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.odd", "BooleanEquals": True, "Next": "F"}], "Default": "OK"},
    "F": {"Type": "Fail", "Error": "Odd"}, "OK": {"Type": "Succeed"}}}
items4 = [{"odd": True}, {"odd": False}, {"odd": True}, {"odd": False}]
case("dmap-basic", mp({}, proc=dict(PROC, **DIST)), [1, 2], ok([1, 2]))
case("dmap-batcher", mp({"ItemBatcher": {"MaxItemsPerBatch": 2}}, proc=dict(PROC, **DIST)), [1, 2, 3], ok([{"Items": [1, 2]}, {"Items": [3]}]))
case("dmap-batch-input", mp({"ItemBatcher": {"MaxItemsPerBatch": 5, "BatchInput": {"k.$": "$.k"}}, "ItemsPath": "$.l"}, proc=dict(PROC, **DIST)), {"l": [1], "k": "v"},
     ok([{"Items": [1], "BatchInput": {"k": "v"}}]))
case("dmap-fail-no-tolerance", mp({}, proc=dict(FAILODD, **DIST)), items4,
     failed("States.ExceedToleratedFailureThreshold", False))
case("dmap-tolerated-count", mp({"ToleratedFailureCount": 2, "ResultSelector": {"n.$": "States.ArrayLength($)"}}, proc=dict(FAILODD, **DIST)), items4, ok({"n": 4}))
case("dmap-tolerated-count-exceeded", mp({"ToleratedFailureCount": 1}, proc=dict(FAILODD, **DIST)), items4,
     failed("States.ExceedToleratedFailureThreshold", False))
case("dmap-tolerated-percentage", mp({"ToleratedFailurePercentage": 50, "ResultSelector": {"n.$": "States.ArrayLength($)"}}, proc=dict(FAILODD, **DIST)), items4, ok({"n": 4}))
case("dmap-tolerated-percentage-exceeded", mp({"ToleratedFailurePercentage": 49}, proc=dict(FAILODD, **DIST)), items4,
     failed("States.ExceedToleratedFailureThreshold", False))

# ---- callbacks ---------------------------------------------------------------------
CB = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "HeartbeatSeconds": 60, "TimeoutSeconds": 600, "ResultPath": "$.r",
      "Parameters": {"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token"}},
      "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TO", "ResultPath": "$.e"},
                {"ErrorEquals": ["States.TaskFailed"], "Next": "TF", "ResultPath": "$.e"}], "End": True},
      "TO": {"Type": "Pass", "Result": "timeout", "ResultPath": "$.how", "End": True},
      "TF": {"Type": "Pass", "Result": "failed", "ResultPath": "$.how", "End": True}}}
case("callback-success", CB, {"a": 1}, ok({"a": 1, "r": {"status": "success"}}, stopTime="2024-01-01T00:00:30Z"),
     scenario=[{"at": 30, "action": "SendTaskSuccess", "output": {"status": "success"}}])
case("callback-failure", CB, {}, ok({"e": {"Error": "Denied", "Cause": "no"}, "how": "failed"}),
     scenario=[{"at": 10, "action": "SendTaskFailure", "error": "Denied", "cause": "no"}])
case("callback-heartbeat-timeout", CB, {}, ok({"e": {"Error": "States.HeartbeatTimeout"}, "how": "timeout"}, stopTime="2024-01-01T00:01:00Z"))
case("callback-heartbeat-timeout-uncaught", dict(CB, States=dict(CB["States"], T=dict(CB["States"]["T"], Catch=[]))), {},
     failed("States.HeartbeatTimeout", None, stopTime="2024-01-01T00:01:00Z"))
case("callback-heartbeat-then-timeout", CB, {}, ok({"e": {"Error": "States.HeartbeatTimeout"}, "how": "timeout"}, stopTime="2024-01-01T00:01:50Z"),
     scenario=[{"at": 50, "action": "SendTaskHeartbeat"}])
case("callback-heartbeats-then-task-timeout", CB, {}, ok({"e": {"Error": "States.Timeout"}, "how": "timeout"}, stopTime="2024-01-01T00:10:00Z"),
     scenario=[{"at": 50 * k, "action": "SendTaskHeartbeat"} for k in range(1, 13)])
case("callback-heartbeat-then-success", CB, {}, ok({"r": 1}, stopTime="2024-01-01T00:01:40Z"),
     scenario=[{"at": 50, "action": "SendTaskHeartbeat"}, {"at": 100, "action": "SendTaskSuccess", "output": 1}])
case("callback-iso-time", CB, {}, ok({"r": "x"}, stopTime="2024-01-01T00:00:05Z"),
     scenario=[{"at": "2024-01-01T00:00:05Z", "action": "SendTaskSuccess", "output": "x"}])
case("callback-stop-execution", CB, {}, {"status": "ABORTED", "stopTime": "2024-01-01T00:00:20Z"},
     scenario=[{"at": 20, "action": "StopExecution"}])
case("stop-during-wait", {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}, {},
     {"status": "ABORTED", "stopTime": "2024-01-01T00:00:10Z"}, scenario=[{"at": 10, "action": "StopExecution"}])
case("callback-token-in-payload", {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"MessageBody": {"t.$": "$$.Task.Token"}}, "TimeoutSeconds": 5, "End": True}}}, {}, failed("States.Timeout", None, stopTime="2024-01-01T00:00:05Z"))

# ---- limits ---------------------------------------------------------------------------
LOOP = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}
case("limit-endless-loop", LOOP, {}, failed("States.Runtime", False), options={"maxEvents": 100})
case("limit-default-events", LOOP, {}, failed("States.Runtime", False))
case("limit-payload-pass", one({"Type": "Pass", "Result": "y" * 200}), {}, failed("States.DataLimitExceeded", False), options={"maxPayload": 100})
case("limit-payload-input", one({"Type": "Pass"}), {"x": "z" * 200}, failed("States.DataLimitExceeded", False), options={"maxPayload": 100})
case("limit-payload-ok", one({"Type": "Pass", "Result": "y" * 50}), {}, ok("y" * 50), options={"maxPayload": 100})

# ---- the execution input stays as it came ($$.Execution.Input) ------------------------
# States write into their input (ResultPath, a Choice passing it on, a Catch); the
# execution input that $$.Execution.Input shows never changes, at any depth, in a Map too.
IN0 = {"a": {"b": 1, "c": [1, 2]}, "items": [{"v": 1}, {"v": 2}]}
def chain(*states):
    names = ["S%d" % i for i in range(len(states))]
    d = {"StartAt": names[0], "States": {}}
    for i, st in enumerate(states):
        st = dict(st)
        if st["Type"] not in ("Choice", "Succeed", "Fail"):
            if i + 1 < len(states):
                st["Next"] = names[i + 1]
            else:
                st["End"] = True
        d["States"][names[i]] = st
    return d
ORIG = {"Type": "Pass", "Parameters": {"now.$": "$", "orig.$": "$$.Execution.Input"}}
case("input-kept-result-path-deep", chain(
        {"Type": "Pass", "Result": "x", "ResultPath": "$.a.b"},
        {"Type": "Pass", "Result": 9, "ResultPath": "$.a.c[0]"},
        {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.items[1].w"}, ORIG), IN0,
     ok({"now": {"a": {"b": "x", "c": [9, 2]}, "items": [{"v": 1}, {"v": 2, "w": {"n": 1}}]}, "orig": IN0}))
case("input-kept-choice-then-write", chain(
        {"Type": "Choice", "Choices": [{"Variable": "$.a.b", "NumericEquals": 1, "Next": "S1"}], "Default": "S1"},
        {"Type": "Pass", "Result": 3, "ResultPath": "$.a.c[1]"}, ORIG), IN0,
     ok({"now": {"a": {"b": 1, "c": [1, 3]}, "items": [{"v": 1}, {"v": 2}]}, "orig": IN0}))
case("input-kept-result-path-null-then-write", chain(
        {"Type": "Pass", "Result": 5, "ResultPath": None},
        {"Type": "Pass", "Result": 6, "ResultPath": "$.a.b"}, ORIG), IN0,
     ok({"now": {"a": {"b": 6, "c": [1, 2]}, "items": [{"v": 1}, {"v": 2}]}, "orig": IN0}))
case("input-kept-catch-result-path", {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fn",
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.a.err", "Next": "S1"}], "End": True},
        "S1": {"Type": "Pass", "Result": 0, "ResultPath": "$.a.c[0]", "Next": "O"},
        "O": dict(ORIG, End=True)}}, IN0,
     ok({"now": {"a": {"b": 1, "c": [0, 2], "err": {"Error": "E", "Cause": "c"}}, "items": [{"v": 1}, {"v": 2}]}, "orig": IN0}),
     mocks={"StateMachines": {"Machine": {"TestCases": {"tc": {"T": "t"}}}},
            "MockedResponses": {"t": {"0": {"Throw": {"Error": "E", "Cause": "c"}}}}}, testCase="tc")
case("input-kept-parallel-branches-write", chain(
        {"Type": "Parallel", "Branches": [
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 1, "ResultPath": "$.a.b", "End": True}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 2, "ResultPath": "$.a.c[0]", "End": True}}}],
         "ResultPath": "$.p"}, ORIG), {"a": {"b": 0, "c": [0]}},
     ok({"now": {"a": {"b": 0, "c": [0]}, "p": [{"a": {"b": 1, "c": [0]}}, {"a": {"b": 0, "c": [2]}}]}, "orig": {"a": {"b": 0, "c": [0]}}}))
MAPW = {"StartAt": "W", "States": {
    "W": {"Type": "Pass", "Result": 0, "ResultPath": "$.v", "Next": "R"},
    "R": {"Type": "Pass", "Parameters": {"v.$": "$.v", "orig.$": "$$.Execution.Input.items"}, "End": True}}}
case("input-kept-map-writes-items", chain(
        {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": MAPW, "ResultPath": "$.items[0].r"},
        {"Type": "Pass", "Result": 7, "ResultPath": "$.items[1].v"}, ORIG), IN0,
     ok({"now": {"a": {"b": 1, "c": [1, 2]}, "items": [
            {"v": 1, "r": [{"v": 0, "orig": IN0["items"]}, {"v": 0, "orig": IN0["items"]}]},
            {"v": 7}]}, "orig": IN0}))
case("input-kept-map-selector", chain(
        {"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {"val.$": "$$.Map.Item.Value.v", "i.$": "$$.Map.Item.Index", "whole.$": "$$.Map.Item.Value", "b.$": "$.a.b"},
         "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Pass", "Result": "z", "ResultPath": "$.whole.v", "End": True}}},
         "ResultPath": "$.out"}, ORIG), IN0,
     ok({"now": {"a": {"b": 1, "c": [1, 2]}, "items": [{"v": 1}, {"v": 2}],
                 "out": [{"val": 1, "i": 0, "whole": {"v": "z"}, "b": 1}, {"val": 2, "i": 1, "whole": {"v": "z"}, "b": 1}]}, "orig": IN0}))
case("input-kept-map-no-selector-writes", chain(
        {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Pass", "Result": "z", "ResultPath": "$.v", "End": True}}},
         "ResultPath": "$.out"}, ORIG), IN0,
     ok({"now": {"a": {"b": 1, "c": [1, 2]}, "items": [{"v": 1}, {"v": 2}], "out": [{"v": "z"}, {"v": "z"}]}, "orig": IN0}))
case("input-kept-succeed-output", chain({"Type": "Pass", "Result": 1, "ResultPath": "$.a.c[1]"}, {"Type": "Succeed"}), IN0,
     ok({"a": {"b": 1, "c": [1, 1]}, "items": [{"v": 1}, {"v": 2}]}))

# ---- write ----------------------------------------------------------------------------
# The JSONata cases (4NN-6NN "-jsonata-") come from their own generators.
for f in glob.glob(os.path.join(OUT, "[0-8][0-9][0-9]-*.json")):
    if "-jsonata-" not in f:
        os.remove(f)
for i, (name, c) in enumerate(cases):
    assert i < 400, "too many generated cases: 400-699 are the JSONata cases"
    with open(os.path.join(OUT, "%03d-%s.json" % (i, name)), "w") as fh:
        json.dump(c, fh, indent=1)
        fh.write("\n")
print(len(cases), "cases")

#!/usr/bin/env python3
"""gen_jsonata_run.py - writes tests/conformance/6NN-jsonata-*.json: how
stepbook runs JSONata states, checked against what AWS documents.

Sources of the expectations (written by hand, never copied from stepbook):
- Developer guide, "Transforming data with JSONata in Step Functions":
  {% %} strings, $states.input / result / errorOutput / context, Arguments
  and Output, the default output of each state type, Output of a Catch.
- "Passing data between states with variables": Assign evaluates every
  value before assigning any, Output of the same state sees the old values,
  JSONPath states read the same variables, inner scopes of Map and Parallel
  read outer variables and their own assignments stay inside.
- The state pages (Choice: Condition, per-rule Assign/Output and a state-
  level Assign applied whichever rule matches; Wait: Seconds/Timestamp;
  Fail: Error/Cause; Map: Items/ItemSelector; Task: TimeoutSeconds).
- "Handling errors": States.QueryEvaluationError is catchable.
- API reference, EvaluationFailedEventDetails: state, error, cause, location.
The cause sentences ("The JSONata expression '...' specified for the field
'...' returned nothing (undefined)." and "... threw an error during
evaluation. <code>: <message>") follow the one AWS text quoted in issue 14;
the second ending is as reported from recorded AWS executions (not in AWS's
pages).  Re-run from this folder: python3 gen_jsonata_run.py"""
import json, os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIRST = 600
cases = []


def case(name, definition, inp, expect, mk=None, **extra):
    c = {"definition": definition, "input": inp}
    if mk is not None:
        c["mocks"] = mk
    c.update(extra)
    c["expect"] = expect
    cases.append((name, c))


def ok(output, **kw):
    d = {"status": "SUCCEEDED", "output": output}
    d.update(kw)
    return d


def failed(error, cause=None, **kw):
    d = {"status": "FAILED", "error": error}
    if cause is not None:
        d["cause"] = cause
    d.update(kw)
    return d


def machine(states, start=None):
    return {"QueryLanguage": "JSONata",
            "StartAt": start or next(iter(states)), "States": states}


def one(state):
    t = state["Type"]
    return machine({"S": state if t in ("Succeed", "Fail", "Choice")
                    else dict(state, End=True)})


def qe(state, event, expr, field, what="returned nothing (undefined)."):
    return ("An error occurred while executing the state '%s' (entered at "
            "the event id #%d). The JSONata expression '%s' specified for "
            "the field '%s' %s" % (state, event, expr, field, what))


LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:fn"


def mocks(responses, state="T"):
    return {"StateMachines": {"Machine": {"TestCases": {"tc": {state: "r"}}}},
            "MockedResponses": {"r": responses}}


# ---- Arguments, Output, $states --------------------------------------------

case("jsonata-task-arguments-nested-template",
     one({"Type": "Task", "Resource": LAMBDA,
          "Arguments": {"order": {"id": "{% $states.input.id %}",
                                  "lines": ["{% $count($states.input.lines) %}", "x"]},
                        "fixed": "$.notAPath"}}),
     {"id": 7, "lines": [1, 2, 3]},
     ok({"order": {"id": 7, "lines": [3, "x"]}, "fixed": "$.notAPath"}),
     mocks({"0": {"Template": "$"}}, state="S"), testCase="tc")

case("jsonata-task-output-combines-input-and-result",
     one({"Type": "Task", "Resource": LAMBDA,
          "Output": {"in": "{% $states.input.a %}",
                     "out": "{% $states.result.b %}"}}),
     {"a": 1},
     ok({"in": 1, "out": 2}),
     mocks({"0": {"Return": {"b": 2}}}, state="S"), testCase="tc")

case("jsonata-pass-result-not-available",
     one({"Type": "Pass", "Output": "{% $exists($states.result) %}"}),
     {"a": 1}, ok(False))

case("jsonata-pass-error-output-not-available",
     one({"Type": "Pass", "Output": "{% $exists($states.errorOutput) %}"}),
     {}, ok(False))

case("jsonata-context-retry-count-in-arguments",
     one({"Type": "Task", "Resource": LAMBDA,
          "Arguments": {"try": "{% $states.context.State.RetryCount %}"},
          "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1,
                     "MaxAttempts": 2}]}),
     {},
     ok({"try": 1}),
     mocks({"0": {"Throw": {"Error": "Flaky", "Cause": "x"}},
            "1": {"Template": "$"}}, state="S"), testCase="tc")

case("jsonata-now-reads-virtual-clock",
     one({"Type": "Pass", "Output": "{% $now() %}"}),
     {}, ok("2024-01-01T00:00:00.000Z"), options={"startTime": "2024-01-01T00:00:00Z"})

case("jsonata-now-after-wait",
     machine({"W": {"Type": "Wait", "Seconds": 90, "Next": "P"},
              "P": {"Type": "Pass", "Output": "{% $now() %}", "End": True}}),
     {}, ok("2024-01-01T00:01:30.000Z"), options={"startTime": "2024-01-01T00:00:00Z"})

case("jsonata-output-array-of-expressions",
     one({"Type": "Pass", "Output": ["{% $states.input.a %}", {"b": "{% $states.input.a * 2 %}"}, 3]}),
     {"a": 4}, ok([4, {"b": 8}, 3]))

case("jsonata-output-string-with-percent-inside",
     one({"Type": "Pass", "Output": "{% '50%' & ' off' %}"}),
     {}, ok("50% off"))

case("jsonata-output-leading-space-is-literal",
     one({"Type": "Pass", "Output": {"v": " {% 1 %}"}}),
     {}, ok({"v": " {% 1 %}"}))

# ---- Assign ---------------------------------------------------------------

case("jsonata-assign-task-result-then-read",
     machine({"T": {"Type": "Task", "Resource": LAMBDA,
                    "Assign": {"price": "{% $states.result.price %}"},
                    "Next": "P"},
              "P": {"Type": "Pass", "Output": "{% $price * 2 %}", "End": True}}),
     {}, ok(42), mocks({"0": {"Return": {"price": 21}}}), testCase="tc")

case("jsonata-assign-parallel-evaluation",
     machine({"A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
              "B": {"Type": "Pass", "Assign": {"x": "{% $y %}", "y": "{% $x %}",
                                                "sum": "{% $x + $y %}"},
                    "Output": "{% [$x, $y] %}", "Next": "C"},
              "C": {"Type": "Pass", "Output": "{% [$x, $y, $sum] %}", "End": True}}),
     {}, ok([2, 1, 3]))

case("jsonata-assign-output-same-state-sees-old",
     machine({"A": {"Type": "Pass", "Assign": {"n": 1}, "Next": "B"},
              "B": {"Type": "Pass", "Assign": {"n": "{% $n + 1 %}"},
                    "Output": {"seen": "{% $n %}"}, "End": True}}),
     {}, ok({"seen": 1}))

case("jsonata-assign-fails-nothing-assigned",
     machine({"A": {"Type": "Pass", "Assign": {"n": 1}, "Next": "P"},
              "P": {"Type": "Parallel",
                    "Branches": [{"StartAt": "B", "States": {"B": {
                        "Type": "Pass", "Assign": {"n": 5, "m": "{% $states.input.none %}"},
                        "End": True}}}],
                    "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"],
                               "Output": "{% $n %}", "Next": "E"}],
                    "End": True},
              "E": {"Type": "Succeed"}}),
     {}, ok(1))

case("jsonata-jsonpath-reads-assigned-object",
     {"StartAt": "A", "States": {
         "A": {"Type": "Pass", "QueryLanguage": "JSONata",
               "Assign": {"cart": {"total": "{% 2 * 5 %}"}}, "Next": "B"},
         "B": {"Type": "Pass", "Parameters": {"t.$": "$cart.total"}, "End": True}}},
     {}, ok({"t": 10}))

case("jsonata-reads-jsonpath-assigned",
     {"StartAt": "A", "States": {
         "A": {"Type": "Pass", "Assign": {"who.$": "$.name"}, "Next": "B"},
         "B": {"Type": "Pass", "QueryLanguage": "JSONata",
               "Output": "{% 'hello ' & $who %}", "End": True}}},
     {"name": "Ana"}, ok("hello Ana"))

case("jsonata-assign-in-catcher",
     machine({"T": {"Type": "Task", "Resource": LAMBDA,
                    "Catch": [{"ErrorEquals": ["States.ALL"],
                               "Assign": {"why": "{% $states.errorOutput.Cause %}"},
                               "Output": {"in": "{% $states.input.k %}"},
                               "Next": "R"}], "Next": "R"},
              "R": {"Type": "Pass", "Output": {"why": "{% $why %}", "was": "{% $states.input %}"},
                    "End": True}}),
     {"k": "v"}, ok({"why": "no stock", "was": {"in": "v"}}),
     mocks({"0": {"Throw": {"Error": "Boom", "Cause": "no stock"}}}), testCase="tc")

case("jsonata-state-assign-discarded-when-caught",
     machine({"T": {"Type": "Task", "Resource": LAMBDA,
                    "Assign": {"v": "set"},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "R"}],
                    "Next": "R"},
              "R": {"Type": "Pass", "Output": "{% $exists($v) %}", "End": True}}),
     {}, ok(False),
     mocks({"0": {"Throw": {"Error": "Boom"}}}), testCase="tc")

# ---- scopes ----------------------------------------------------------------

case("jsonata-map-inner-reads-outer-and-keeps-own",
     machine({"A": {"Type": "Pass", "Assign": {"rate": 3}, "Next": "M"},
              "M": {"Type": "Map", "Items": "{% [1, 2] %}",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {
                        "Type": "Pass", "Assign": {"rate": 100},
                        "Output": "{% $states.input * $rate %}", "End": True}}},
                    "Output": {"r": "{% $states.result %}", "rate": "{% $rate %}"},
                    "End": True}}),
     {}, ok({"r": [3, 6], "rate": 3}))

case("jsonata-parallel-branch-arguments-input",
     machine({"P": {"Type": "Parallel", "Arguments": {"n": "{% $states.input.n + 1 %}"},
                    "Branches": [
                        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $states.input.n %}", "End": True}}},
                        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": "{% $states.input.n * 10 %}", "End": True}}}],
                    "End": True}}),
     {"n": 1}, ok([2, 20]))

# ---- Choice -----------------------------------------------------------------

case("jsonata-choice-rule-output-wins",
     machine({"C": {"Type": "Choice", "Output": "state",
                    "Choices": [{"Condition": "{% true %}", "Output": {"v": "{% 'rule' %}"},
                                 "Next": "E"}]},
              "E": {"Type": "Succeed"}}),
     {}, ok({"v": "rule"}))

case("jsonata-choice-default-uses-state-output",
     machine({"C": {"Type": "Choice", "Output": "state",
                    "Choices": [{"Condition": "{% false %}", "Output": "rule", "Next": "E"}],
                    "Default": "E"},
              "E": {"Type": "Succeed"}}),
     {}, ok("state"))

case("jsonata-choice-condition-string-is-error",
     one({"Type": "Choice", "Choices": [{"Condition": "{% 'yes' %}", "Next": "S"}]}),
     {}, failed("States.QueryEvaluationError"))

case("jsonata-choice-rule-output-cause-path",
     machine({"C": {"Type": "Choice",
                    "Choices": [{"Condition": "{% false %}", "Next": "E"},
                                {"Condition": "{% true %}", "Output": {"v": "{% $nothing %}"},
                                 "Next": "E"}]},
              "E": {"Type": "Succeed"}}),
     {}, failed("States.QueryEvaluationError",
                qe("C", 2, "$nothing", "Choices[1]/Output/v")))

case("jsonata-choice-loop-counter-assign",
     machine({"Init": {"Type": "Pass", "Assign": {"i": 0}, "Next": "Loop"},
              "Loop": {"Type": "Choice",
                       "Choices": [{"Condition": "{% $i < 5 %}", "Next": "Inc"}],
                       "Default": "Done"},
              "Inc": {"Type": "Pass", "Assign": {"i": "{% $i + 1 %}"}, "Next": "Loop"},
              "Done": {"Type": "Pass", "Output": "{% $i %}", "End": True}}),
     {}, ok(5, transitions=13))

# ---- Map ----------------------------------------------------------------------

case("jsonata-map-item-selector-context",
     machine({"M": {"Type": "Map", "Items": "{% $states.input.xs %}",
                    "ItemSelector": {"i": "{% $states.context.Map.Item.Index %}",
                                     "v": "{% $states.context.Map.Item.Value %}",
                                     "tag": "{% $states.input.tag %}"},
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
                    "End": True}}),
     {"xs": ["a", "b"], "tag": "t"},
     ok([{"i": 0, "v": "a", "tag": "t"}, {"i": 1, "v": "b", "tag": "t"}]))

case("jsonata-map-items-object-is-error",
     one({"Type": "Map", "Items": "{% {'a': 1} %}",
          "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}}),
     {}, failed("States.QueryEvaluationError"))

case("jsonata-map-max-concurrency-timing",
     machine({"M": {"Type": "Map", "Items": "{% [1, 2, 3, 4] %}",
                    "MaxConcurrency": "{% $states.input.mc %}",
                    "ItemProcessor": {"StartAt": "W", "States": {"W": {
                        "Type": "Wait", "Seconds": 10, "End": True}}},
                    "End": True}}),
     {"mc": 2}, ok([1, 2, 3, 4], stopTime="2024-01-01T00:00:20Z"),
     options={"startTime": "2024-01-01T00:00:00Z"})

# ---- Wait, Fail, timeouts -------------------------------------------------

case("jsonata-wait-seconds-from-input",
     machine({"W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "Next": "P"},
              "P": {"Type": "Pass", "Output": "{% $now() %}", "End": True}}),
     {"s": 5}, ok("2024-01-01T00:00:05.000Z"), options={"startTime": "2024-01-01T00:00:00Z"})

case("jsonata-wait-timestamp-from-now",
     machine({"W": {"Type": "Wait",
                    "Timestamp": "{% $fromMillis($millis() + 60000) %}", "Next": "P"},
              "P": {"Type": "Pass", "Output": "{% $now() %}", "End": True}}),
     {}, ok("2024-01-01T00:01:00.000Z"), options={"startTime": "2024-01-01T00:00:00Z"})

case("jsonata-wait-output",
     one({"Type": "Wait", "Seconds": 0, "Output": {"waited": "{% $states.input.x %}"}}),
     {"x": 1}, ok({"waited": 1}))

case("jsonata-wait-output-reads-input-after-pass",
     machine({"P": {"Type": "Pass", "Output": {"x": 2}, "Next": "W"},
              "W": {"Type": "Wait", "Seconds": 1, "Assign": {"seen": "{% $states.input.x %}"},
                    "Output": "{% $states.input.x * 10 %}", "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input = 20 %}",
                                                   "Output": "{% [$states.input, $seen] %}",
                                                   "Next": "E"}]},
              "E": {"Type": "Succeed"}}),
     {}, ok([20, 2]))

case("jsonata-fail-error-and-cause-computed",
     one({"Type": "Fail", "Error": "{% 'Order.' & $states.input.code %}",
          "Cause": "{% 'order ' & $string($states.input.id) & ' refused' %}"}),
     {"code": "Refused", "id": 12},
     failed("Order.Refused", "order 12 refused"))

case("jsonata-task-timeout-computed",
     one({"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": "{% $states.input.t %}"}),
     {"t": 3}, failed("States.Timeout", stopTime="2024-01-01T00:00:03Z"),
     mocks=mocks({"0": {"Return": {}, "DelaySeconds": 10}}, state="S"), testCase="tc",
     options={"startTime": "2024-01-01T00:00:00Z"})

case("jsonata-task-timeout-zero-is-error",
     one({"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": "{% 0 %}"}),
     {}, failed("States.QueryEvaluationError"),
     mocks=mocks({"0": {"Return": {}}}, state="S"), testCase="tc")

# ---- failures and their causes -------------------------------------------------

case("jsonata-cause-arguments-nested-path",
     machine({"A": {"Type": "Pass", "Next": "T"},
              "T": {"Type": "Task", "Resource": LAMBDA,
                    "Arguments": {"Payload": {"id": "{% $states.input.id %}"}},
                    "End": True}}),
     {}, failed("States.QueryEvaluationError",
                qe("T", 4, "$states.input.id", "Arguments/Payload/id")),
     mocks=mocks({"0": {"Return": {}}}), testCase="tc")

case("jsonata-cause-coded-error",
     one({"Type": "Pass", "Output": {"n": "{% 'a' + 1 %}"}}),
     {}, failed("States.QueryEvaluationError",
                qe("S", 2, "'a' + 1", "Output/n",
                   "threw an error during evaluation. T2001: The left side of "
                   "the \"+\" operator must evaluate to a number")))

case("jsonata-cause-catcher-output",
     machine({"T": {"Type": "Task", "Resource": LAMBDA,
                    "Catch": [{"ErrorEquals": ["Other"], "Next": "E"},
                              {"ErrorEquals": ["States.ALL"],
                               "Output": {"e": "{% $states.errorOutput.Missing %}"},
                               "Next": "E"}],
                    "End": True},
              "E": {"Type": "Succeed"}}),
     {}, failed("States.QueryEvaluationError",
                qe("T", 2, "$states.errorOutput.Missing", "Catch[1]/Output/e")),
     mocks=mocks({"0": {"Throw": {"Error": "Boom"}}}), testCase="tc")

case("jsonata-cause-assign-key",
     one({"Type": "Pass", "Assign": {"a": 1, "b": "{% $states.input.b %}"}}),
     {}, failed("States.QueryEvaluationError",
                qe("S", 2, "$states.input.b", "Assign/b")))

case("jsonata-cause-map-inner-state",
     machine({"M": {"Type": "Map", "Items": "{% [1] %}",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {
                        "Type": "Pass", "Output": "{% $states.input.x %}", "End": True}}},
                    "End": True}}),
     {}, failed("States.QueryEvaluationError",
                qe("I", 5, "$states.input.x", "Output")))

case("jsonata-error-caught-by-own-catch",
     machine({"T": {"Type": "Task", "Resource": LAMBDA,
                    "Output": "{% $states.result.none %}",
                    "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"],
                               "Output": "{% $states.errorOutput.Error %}",
                               "Next": "E"}], "End": True},
              "E": {"Type": "Succeed"}}),
     {}, ok("States.QueryEvaluationError"),
     mocks=mocks({"0": {"Return": {"a": 1}}}), testCase="tc")

case("jsonata-error-retried",
     machine({"T": {"Type": "Task", "Resource": LAMBDA,
                    "Output": "{% $states.result.v %}",
                    "Retry": [{"ErrorEquals": ["States.QueryEvaluationError"],
                               "MaxAttempts": 1, "IntervalSeconds": 1}],
                    "End": True}}),
     {}, failed("States.QueryEvaluationError"),
     mocks=mocks({"0": {"Return": {}}}), testCase="tc")

case("jsonata-evaluation-failed-event",
     one({"Type": "Pass", "Output": "{% $states.input.none %}"}),
     {}, failed("States.QueryEvaluationError",
                eventTypes=["ExecutionStarted", "PassStateEntered",
                            "EvaluationFailed", "ExecutionFailed"],
                event={"type": "EvaluationFailed",
                       "details": {"state": "S", "location": "Output",
                                   "error": "States.QueryEvaluationError"}}))

case("jsonata-history-exit-output",
     one({"Type": "Pass", "Output": {"a": "{% 1 + 1 %}"}}),
     {}, ok({"a": 2},
            event={"type": "PassStateExited",
                   "details": {"name": "S", "output": "{\"a\":2}"}}))

case("jsonata-limit-payload-output",
     one({"Type": "Pass", "Output": "{% $pad('', 300, 'x') %}"}),
     {}, failed("States.DataLimitExceeded"), options={"maxPayload": 100})

case("jsonata-callback-token-in-arguments",
     machine({"T": {"Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Arguments": {"token": "{% $length($states.context.Task.Token) > 0 %}"},
                    "Output": "{% $states.result %}", "End": True}}),
     {}, ok({"ok": True}),
     scenario=[{"at": 5, "action": "SendTaskSuccess", "output": {"ok": True}}])

# ---- AWS's own functions, in the fields that use them (functions page of
# "Transforming data with JSONata") --------------------------------------------

case("jsonata-fn-partition-batches-map-items",
     machine({"M": {"Type": "Map", "Items": "{% $partition($states.input.ids, 2) %}",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {
                        "Type": "Pass", "Output": "{% $count($states.input) %}", "End": True}}},
                    "End": True}}),
     {"ids": [1, 2, 3, 4, 5]}, ok([2, 2, 1]))

case("jsonata-fn-parse-task-result-string",
     one({"Type": "Task", "Resource": LAMBDA,
          "Output": "{% $parse($states.result.body).total %}"}),
     {}, ok(9), mocks({"0": {"Return": {"body": "{\"total\": 9}"}}}, state="S"),
     testCase="tc")

case("jsonata-fn-hash-in-arguments",
     one({"Type": "Task", "Resource": LAMBDA,
          "Arguments": {"h": "{% $hash('abc', 'SHA-256') %}"}}),
     {}, ok({"h": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}),
     mocks({"0": {"Template": "$"}}, state="S"), testCase="tc")

case("jsonata-fn-range-loop-items",
     one({"Type": "Map", "Items": "{% $range(0, 6, 3) %}",
          "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}}),
     {}, ok([0, 3, 6]))

case("jsonata-fn-random-seeded-java",
     one({"Type": "Pass", "Output": "{% $random(42) %}"}),
     {}, ok(0.7275636800328681))


def main():
    for old in os.listdir(OUT):
        if old[:1] == "6" and "-jsonata-" in old and old.endswith(".json"):
            os.remove(os.path.join(OUT, old))
    for i, (name, c) in enumerate(cases):
        path = os.path.join(OUT, "%d-%s.json" % (FIRST + i, name))
        with open(path, "w") as fh:
            json.dump(c, fh, indent=1, ensure_ascii=False)
            fh.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""gen_jsonata.py - writes the JSONata conformance cases (numbers 400-599).

Every expected value is what AWS documents for Step Functions' JSONata mode
(developer guide pages "Transforming data with JSONata", "Passing data
between states with variables", the state pages for Choice, Map, Wait, Fail,
Task and Parallel, "Handling errors"), what the JSONata 2.0.6 documentation
says an expression returns, or a value computed independently here (hash
digests with hashlib, java.util.Random for $random(seed)).  Nothing is copied
from stepbook's output.

A case is written into tests/conformance/ when a file of that name already
lives there (it passed and was moved), otherwise into this folder
(tests/conformance-pending/, not run by `make check`).  Cases whose exact
'cause' text AWS does not document are CAUSE_PENDING: they stay here until
the wording is confirmed (see README.md).  Re-run: python3 gen_jsonata.py."""
import hashlib, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "..", "conformance")
cases = []
CAUSE_PENDING = set()

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:fn"
CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"
EXEC_ARN = "arn:aws:states:us-east-1:123456789012:execution:Machine:"
SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Machine"
QEE = "States.QueryEvaluationError"


def case(num, name, definition, inp, expect, **extra):
    c = {"definition": definition, "input": inp}
    c.update(extra)
    c["expect"] = expect
    cases.append(("%03d-jsonata-%s.json" % (num, name), c))


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


def machine(states, start=None, ql="JSONata"):
    d = {}
    if ql:
        d["QueryLanguage"] = ql
    d["StartAt"] = start or next(iter(states))
    d["States"] = states
    return d


def chain(*pairs, ql="JSONata"):
    """A machine of states run in order: pairs of (name, state)."""
    states = {}
    for i, (n, s) in enumerate(pairs):
        s = dict(s)
        if s.get("Type") not in ("Choice", "Succeed", "Fail") and \
                "Next" not in s and "End" not in s:
            if i + 1 < len(pairs):
                s["Next"] = pairs[i + 1][0]
            else:
                s["End"] = True
        states[n] = s
    return machine(states, ql=ql)


def p(**f):
    s = {"Type": "Pass"}
    s.update(f)
    return s


def one(output, inp=None, **f):
    """A one-Pass machine whose Output is 'output'."""
    return chain(("S", p(Output=output, **f)))


def task(**f):
    s = {"Type": "Task", "Resource": LAMBDA}
    s.update(f)
    return s


def mocks(*responses, state="T"):
    """MockConfigFile: state -> responses (list of per-invocation entries)."""
    if isinstance(state, str):
        state = {state: list(responses)}
    tc, mr = {}, {}
    for st, resp in state.items():
        key = "r" + st
        tc[st] = key
        mr[key] = {str(i): r for i, r in enumerate(resp)}
    return {"mocks": {"StateMachines": {"Machine": {"TestCases": {"tc": tc}}},
                      "MockedResponses": mr}, "testCase": "tc"}


ECHO = {"Template": "$"}  # stepbook mock extension: the task's input back


def entered(state, event_id, expr, field, tail="returned nothing (undefined)."):
    return ("An error occurred while executing the state '%s' (entered at the "
            "event id #%d). The JSONata expression '%s' specified for the field "
            "'%s' %s" % (state, event_id, expr, field, tail))


def qerr(num, name, definition, inp, cause, **extra):
    """A QueryEvaluationError case: the error name is documented; the cause
    wording is not, so the case is CAUSE_PENDING."""
    case(num, name, definition, inp, failed(QEE, cause), **extra)
    CAUSE_PENDING.add("%03d-jsonata-%s.json" % (num, name))


def caught(branch_states, start=None):
    """A Parallel whose single branch fails; the Catch outputs the error
    name, so the error is checked without relying on the cause text."""
    return chain(
        ("P", {"Type": "Parallel",
               "Branches": [machine(branch_states, start=start, ql=None)],
               "Catch": [{"ErrorEquals": [QEE], "Next": "H",
                          "Output": "{% $states.errorOutput.Error %}"}],
               "End": True}),
        ("H", p()))


# ---- 400-429: Output on every state type, output types, literals --------
case(400, "pass-no-output-is-input", chain(("S", p())), {"a": 1}, ok({"a": 1}))
case(401, "pass-output-object", one({"a": "{% $states.input.x %}", "b": "static"}),
     {"x": 5}, ok({"a": 5, "b": "static"}))
case(402, "pass-output-number", one("{% $states.input.x + 1 %}"), {"x": 41}, ok(42))
case(403, "pass-output-string", one("{% 'Hello, ' & $states.input.name & '!' %}"),
     {"name": "Ana"}, ok("Hello, Ana!"))
case(404, "pass-output-boolean", one("{% $states.input.n > 3 %}"), {"n": 4}, ok(True))
case(405, "pass-output-null", one("{% null %}"), {"n": 4}, ok(None))
case(406, "pass-output-nested-array", one([1, "{% $states.input.x %}",
                                          {"k": "{% $states.input.x * 2 %}"}]),
     {"x": 3}, ok([1, 3, {"k": 6}]))
case(407, "pass-output-non-expression-strings", one(
    {"path": "$.x", "var": "$states.input.x", "intrinsic": "States.Format('{}', 1)",
     "inner": "a {% 1 %} b", "ctx": "$$.Execution.Id"}),
     {"x": 1}, ok({"path": "$.x", "var": "$states.input.x",
                   "intrinsic": "States.Format('{}', 1)",
                   "inner": "a {% 1 %} b", "ctx": "$$.Execution.Id"}))
case(408, "pass-output-literal-number", one(42), {"x": 1}, ok(42))
case(409, "pass-output-literal-json", one({"a": 1, "b": [True, None], "c": {"d": "e"}}),
     {}, ok({"a": 1, "b": [True, None], "c": {"d": "e"}}))
case(410, "pass-output-whole-input", one("{% $states.input %}"),
     {"a": [1, 2], "b": {"c": None}}, ok({"a": [1, 2], "b": {"c": None}}))
case(411, "pass-output-fraction", one("{% 7 / 2 %}"), {}, ok(3.5))
case(412, "pass-output-spaces-in-delimiters", one("{%    $states.input.x    %}"),
     {"x": "y"}, ok("y"))
case(413, "pass-output-string-functions",
     one({"up": "{% $uppercase($states.input.s) %}",
          "len": "{% $length($states.input.s) %}",
          "sub": "{% $substring($states.input.s, 1, 3) %}",
          "parts": "{% $split($states.input.s, 'e') %}"}),
     {"s": "stepbook"}, ok({"up": "STEPBOOK", "len": 8, "sub": "tep",
                            "parts": ["st", "pbook"]}))
case(414, "pass-output-object-constructor",
     one("{% {'total': $sum($states.input.l), 'n': $count($states.input.l)} %}"),
     {"l": [1, 2, 3.5]}, ok({"total": 6.5, "n": 3}))
case(415, "pass-output-path-map", one("{% $states.input.l.(v * 2) %}"),
     {"l": [{"v": 1}, {"v": 2}, {"v": 3}]}, ok([2, 4, 6]))
case(416, "pass-output-singleton-sequence", one("{% $states.input.l[v > 2].v %}"),
     {"l": [{"v": 1}, {"v": 3}]}, ok(3))
case(417, "pass-output-array-constructor-keeps-array",
     one("{% [$states.input.l[v > 2].v] %}"),
     {"l": [{"v": 1}, {"v": 3}]}, ok([3]))
case(418, "pass-output-filter-sort-join",
     one("{% $join($sort($states.input.tags[$ != 'x']), ',') %}"),
     {"tags": ["b", "x", "a"]}, ok("a,b"))
case(419, "pass-output-conditional", one("{% $states.input.n % 2 = 0 ? 'even' : 'odd' %}"),
     {"n": 7}, ok("odd"))
case(420, "pass-output-string-number-conversion",
     one({"s": "{% $string($states.input.n) %}", "n": "{% $number($states.input.s) %}"}),
     {"n": 12, "s": "3.25"}, ok({"s": "12", "n": 3.25}))
case(421, "pass-output-keys-merge",
     one({"keys": "{% $keys($states.input.a) %}",
          "merged": "{% $merge([$states.input.a, {'z': 26}]) %}"}),
     {"a": {"x": 1, "y": 2}}, ok({"keys": ["x", "y"], "merged": {"x": 1, "y": 2, "z": 26}}))
case(422, "pass-output-reduce-lambda",
     one("{% $reduce($states.input.l, function($acc, $v) { $acc * $v }) %}"),
     {"l": [2, 3, 4]}, ok(24))
case(423, "pass-output-block-with-bindings",
     one("{% ($a := $states.input.x; $b := $a * 10; $a + $b) %}"), {"x": 2}, ok(22))
case(424, "succeed-output", chain(("S", {"Type": "Succeed",
                                          "Output": {"done": "{% $states.input.id %}"}})),
     {"id": "o-1"}, ok({"done": "o-1"}))
case(425, "wait-output", chain(("W", {"Type": "Wait", "Seconds": 1,
                                       "Output": "{% $states.input.v %}"})),
     {"v": [1]}, ok([1], stopTime="2024-01-01T00:00:01Z"))
case(426, "choice-output", chain(
    ("C", {"Type": "Choice", "Output": {"picked": "{% $states.input.k %}"},
           "Choices": [{"Condition": "{% $states.input.k = 'a' %}", "Next": "A"}],
           "Default": "B"}),
    ("A", p(End=True)), ("B", p(Output="wrong"))),
     {"k": "a"}, ok({"picked": "a"}))
case(427, "choice-no-output-passes-input", chain(
    ("C", {"Type": "Choice",
           "Choices": [{"Condition": "{% true %}", "Next": "A"}]}),
    ("A", p())), {"k": 1}, ok({"k": 1}))
case(428, "pass-output-escaped-quotes",
     one("{% \"double\" & ' and ' & 'single' %}"), {}, ok("double and single"))
case(429, "pass-output-deep-template", one(
    {"a": {"b": {"c": ["{% $states.input.x %}", {"d": "{% $states.input.x & '!' %}"}]}}}),
     {"x": "hi"}, ok({"a": {"b": {"c": ["hi", {"d": "hi!"}]}}}))

# ---- 430-449: Task and Parallel: Arguments, Output, $states.result ------
case(430, "task-default-output-is-result", chain(("T", task())), {"in": 1},
     ok({"r": 1}), **mocks({"Return": {"r": 1}}))
case(431, "task-output-result-and-input", chain(("T", task(
    Output={"res": "{% $states.result.r %}", "in": "{% $states.input.x %}"}))),
     {"x": "X"}, ok({"res": 7, "in": "X"}), **mocks({"Return": {"r": 7}}))
case(432, "task-arguments-object", chain(("T", task(
    Arguments={"id": "{% $states.input.id %}", "static": "s",
               "list": [1, "{% $states.input.id & '-2' %}"]}))),
     {"id": "a"}, ok({"id": "a", "static": "s", "list": [1, "a-2"]}), **mocks(ECHO))
case(433, "task-arguments-expression", chain(("T", task(
    Arguments="{% $states.input.payload %}"))),
     {"payload": {"k": [1, 2]}, "other": 0}, ok({"k": [1, 2]}), **mocks(ECHO))
case(434, "task-arguments-not-evaluated-strings", chain(("T", task(
    Arguments={"p": "$.x", "v": "$customerName", "i": "States.UUID()"}))),
     {"x": 1}, ok({"p": "$.x", "v": "$customerName", "i": "States.UUID()"}), **mocks(ECHO))
case(435, "task-arguments-variable", chain(
    ("A", p(Assign={"customerName": "María"})),
    ("T", task(Arguments={"static": "Hello", "title": "{% $states.input.title %}",
                          "name": "{% $customerName %}",
                          "not-evaluated": "$customerName"}))),
     {"title": "Doctor"}, ok({"static": "Hello", "title": "Doctor", "name": "María",
                              "not-evaluated": "$customerName"}), **mocks(ECHO))
case(436, "task-output-literal", chain(("T", task(Output={"charged": True}))),
     {}, ok({"charged": True}), **mocks({"Return": "x"}))
case(437, "task-assign-result", chain(
    ("T", task(Assign={"price": "{% $states.result.price %}"}, Output="{% $states.input %}")),
    ("B", p(Output={"price": "{% $price %}", "in": "{% $states.input %}"}))),
     {"o": 1}, ok({"price": 9.5, "in": {"o": 1}}), **mocks({"Return": {"price": 9.5}}))
case(438, "parallel-arguments", chain(
    ("P", {"Type": "Parallel", "Arguments": {"v": "{% $states.input.x %}"},
           "Branches": [machine({"A": p(End=True)}, ql=None),
                        machine({"B": p(Output="{% $states.input.v * 2 %}", End=True)},
                                ql=None)]})),
     {"x": 4, "y": 0}, ok([{"v": 4}, 8]))
case(439, "parallel-output-result", chain(
    ("P", {"Type": "Parallel", "Output": "{% $states.result[1] %}",
           "Branches": [machine({"A": p(Output=1, End=True)}, ql=None),
                        machine({"B": p(Output=2, End=True)}, ql=None)]})),
     {}, ok(2))
case(440, "parallel-default-output", chain(
    ("P", {"Type": "Parallel",
           "Branches": [machine({"A": p(Output="{% $states.input.a %}", End=True)}, ql=None),
                        machine({"B": p(Output="{% $states.input.b %}", End=True)}, ql=None)]})),
     {"a": "x", "b": "y"}, ok(["x", "y"]))
case(441, "parallel-assign-result", chain(
    ("P", {"Type": "Parallel", "Assign": {"both": "{% $join($states.result, '+') %}"},
           "Output": {},
           "Branches": [machine({"A": p(Output="a", End=True)}, ql=None),
                        machine({"B": p(Output="b", End=True)}, ql=None)]}),
    ("R", p(Output="{% $both %}"))), {}, ok("a+b"))
case(442, "task-timeout-seconds-expression", chain(
    ("T", task(TimeoutSeconds="{% $states.input.t %}",
               Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "H"}])),
    ("H", p())), {"t": 3}, ok({"Error": "States.Timeout"}, stopTime="2024-01-01T00:00:03Z"),
     **mocks({"Return": 1, "DelaySeconds": 10}))
case(443, "task-timeout-seconds-uncaught", chain(
    ("T", task(TimeoutSeconds="{% 2 %}"))), {},
     failed("States.Timeout", stopTime="2024-01-01T00:00:02Z"),
     **mocks({"Return": 1, "DelaySeconds": 10}))
case(444, "task-timeout-seconds-not-reached", chain(
    ("T", task(TimeoutSeconds="{% $states.input.t * 2 %}"))), {"t": 5},
     ok(1, stopTime="2024-01-01T00:00:04Z"), **mocks({"Return": 1, "DelaySeconds": 4}))
case(445, "task-heartbeat-seconds-expression", chain(
    ("A", p(Assign={"hb": 60})),
    ("T", {"Type": "Task", "Resource": CALLBACK,
           "HeartbeatSeconds": "{% $hb %}", "TimeoutSeconds": 600,
           "Arguments": {"FunctionName": "f",
                         "Payload": {"token": "{% $states.context.Task.Token %}"}},
           "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "H",
                      "Output": "{% $states.errorOutput %}"}]}),
    ("H", p())), {},
     ok({"Error": "States.HeartbeatTimeout"}, stopTime="2024-01-01T00:01:00Z"))
case(446, "task-retry-context-retry-count", chain(
    ("T", task(Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 1, "BackoffRate": 1}],
               Output={"r": "{% $states.result %}",
                       "retries": "{% $states.context.State.RetryCount %}"}))),
     {}, ok({"r": "ok", "retries": 2}),
     **mocks({"Throw": {"Error": "E", "Cause": "c"}}, {"Throw": {"Error": "E", "Cause": "c"}},
             {"Return": "ok"}))
case(447, "task-arguments-context", chain(("T", task(
    Arguments={"state": "{% $states.context.State.Name %}",
               "machine": "{% $states.context.StateMachine.Name %}"}))),
     {}, ok({"state": "T", "machine": "Machine"}), **mocks(ECHO))
case(448, "task-output-array-of-results", chain(("T", task(
    Output="{% $states.result.items[price > 2].name %}"))), {},
     ok(["b", "c"]), **mocks({"Return": {"items": [{"name": "a", "price": 1},
                                                   {"name": "b", "price": 3},
                                                   {"name": "c", "price": 5}]}}))
case(449, "task-result-scalar", chain(("T", task(
    Output={"twice": "{% $states.result * 2 %}"}))), {}, ok({"twice": 42}),
     **mocks({"Return": 21}))

# ---- 450-479: Assign and variables --------------------------------------
case(450, "assign-then-read", chain(("A", p(Assign={"x": 1})),
                                    ("B", p(Output="{% $x %}"))), {}, ok(1))
case(451, "assign-literal-types", chain(
    ("A", p(Assign={"productName": "product1", "count": 42, "available": True,
                    "tags": ["a", "b"], "meta": {"n": None}})),
    ("B", p(Output={"productName": "{% $productName %}", "count": "{% $count %}",
                    "available": "{% $available %}", "tags": "{% $tags %}",
                    "meta": "{% $meta %}"}))), {},
     ok({"productName": "product1", "count": 42, "available": True,
         "tags": ["a", "b"], "meta": {"n": None}}))
case(452, "assign-evaluates-all-first", chain(
    ("A", p(Assign={"x": 3, "a": 6})),
    ("B", p(Assign={"x": "{% $a %}", "nextX": "{% $x %}"})),
    ("C", p(Output={"x": "{% $x %}", "nextX": "{% $nextX %}"}))), {},
     ok({"x": 6, "nextX": 3}))
case(453, "assign-swap", chain(
    ("A", p(Assign={"a": "first", "b": "second"})),
    ("B", p(Assign={"a": "{% $b %}", "b": "{% $a %}"})),
    ("C", p(Output="{% [$a, $b] %}"))), {}, ok(["second", "first"]))
case(454, "assign-output-sees-old-values", chain(
    ("A", p(Assign={"n": 1})),
    ("B", p(Assign={"n": "{% $n + 1 %}"}, Output={"during": "{% $n %}"})),
    ("C", p(Output={"before": "{% $states.input.during %}", "after": "{% $n %}"}))), {},
     ok({"before": 1, "after": 2}))
case(455, "assign-from-input", chain(
    ("A", p(Assign={"order": "{% $states.input.order %}"}, Output={})),
    ("B", p(Output="{% $order.id %}"))), {"order": {"id": "o-9"}}, ok("o-9"))
case(456, "assign-overwrite", chain(
    ("A", p(Assign={"v": "one"})), ("B", p(Assign={"v": "two"})),
    ("C", p(Output="{% $v %}"))), {}, ok("two"))
case(457, "assign-null", chain(
    ("A", p(Assign={"n": None})),
    ("B", p(Output={"isNull": "{% $n = null %}", "exists": "{% $exists($n) %}"}))),
     {}, ok({"isNull": True, "exists": True}))
case(458, "assign-nested-expressions", chain(
    ("A", p(Assign={"cfg": {"limit": "{% $states.input.l %}", "fixed": 1,
                            "list": ["{% $states.input.l * 2 %}"]}})),
    ("B", p(Output="{% $cfg %}"))), {"l": 5}, ok({"limit": 5, "fixed": 1, "list": [10]}))
case(459, "assign-whole-expression-object", chain(
    ("A", p(Assign={"o": "{% {'k': $states.input.v} %}"})),
    ("B", p(Output="{% $o.k %}"))), {"v": True}, ok(True))
case(460, "assign-on-wait", chain(
    ("W", {"Type": "Wait", "Seconds": 0, "Assign": {"w": "{% $states.input.a %}"}}),
    ("B", p(Output="{% $w %}"))), {"a": "waited"}, ok("waited"))
case(461, "assign-context", chain(
    ("First", p(Assign={"where": "{% $states.context.State.Name %}"})),
    ("Second", p(Output="{% $where & '>' & $states.context.State.Name %}"))),
     {}, ok("First>Second"))
case(462, "assign-read-in-later-choice", chain(
    ("A", p(Assign={"limit": 10})),
    ("C", {"Type": "Choice",
           "Choices": [{"Condition": "{% $states.input.n > $limit %}", "Next": "Big"}],
           "Default": "Small"}),
    ("Big", p(Output="big", End=True)), ("Small", p(Output="small", End=True))),
     {"n": 3}, ok("small"))
case(463, "assign-fail-cause-from-variable", chain(
    ("A", p(Assign={"reason": "out of stock"})),
    ("F", {"Type": "Fail", "Error": "OrderFailed", "Cause": "{% $reason %}"})),
     {}, failed("OrderFailed", "out of stock"))
case(464, "assign-variable-in-wait-seconds", chain(
    ("A", p(Assign={"delay": 7})),
    ("W", {"Type": "Wait", "Seconds": "{% $delay %}"})), {"x": 1},
     ok({"x": 1}, stopTime="2024-01-01T00:00:07Z"))
case(465, "assign-unknown-variable-exists-false",
     one({"known": "{% $exists($nothingAssigned) %}"}), {}, ok({"known": False}))
case(466, "assign-many-states-accumulate", chain(
    ("A", p(Assign={"total": 0})),
    ("B", p(Assign={"total": "{% $total + $states.input[0] %}"})),
    ("C", p(Assign={"total": "{% $total + $states.input[1] %}"})),
    ("D", p(Output="{% $total %}"))), [5, 6], ok(11))

# ---- 467-479: JSONPath states and variables; QueryLanguage mixing -------
# A JSONata machine holds no JSONPath state; mixing happens in a JSONPath
# machine (no top-level QueryLanguage) whose JSONata states say so.
def ja(**f):
    s = {"Type": "Pass", "QueryLanguage": "JSONata"}
    s.update(f)
    return s


case(467, "jsonpath-state-reads-variable", chain(
    ("A", ja(Assign={"customerName": "María"})),
    ("B", {"Type": "Pass",
           "Parameters": {"static": "Hello", "title.$": "$.title",
                          "name.$": "$customerName", "not-evaluated": "$customerName"}}),
    ql=None),
     {"title": "Doctor"}, ok({"static": "Hello", "title": "Doctor", "name": "María",
                              "not-evaluated": "$customerName"}))
case(468, "jsonpath-state-assigns-jsonata-reads", chain(
    ("A", {"Type": "Pass", "Assign": {"fromPath.$": "$.a", "lit": 2}}),
    ("B", ja(Output={"a": "{% $fromPath %}", "lit": "{% $lit %}"})), ql=None),
     {"a": "A"}, ok({"a": "A", "lit": 2}))
case(469, "jsonpath-machine-jsonata-state", chain(
    ("A", {"Type": "Pass", "Parameters": {"v.$": "$.x"}}),
    ("B", ja(Output="{% $states.input.v * 10 %}")), ql=None),
     {"x": 3}, ok(30))
case(470, "jsonpath-machine-explicit-then-jsonata", chain(
    ("A", ja(Output={"v": "{% $states.input.x %}"})),
    ("B", {"Type": "Pass", "ResultPath": "$.copy", "Result": "r"}), ql="JSONPath"),
     {"x": 1}, ok({"v": 1, "copy": "r"}))
case(471, "jsonpath-task-then-jsonata", chain(
    ("T", {"Type": "Task", "Resource": LAMBDA,
           "Parameters": {"id.$": "$.id"}, "ResultPath": "$.res"}),
    ("B", ja(Output="{% $states.input.res.id %}")), ql=None), {"id": "i"}, ok("i"),
     **mocks(ECHO))
case(472, "jsonata-map-inner-inherits-jsonata", chain(
    ("M", {"Type": "Map", "Items": "{% $states.input.l %}",
           "ItemProcessor": {"StartAt": "I",
                             "States": {"I": p(Output="{% $states.input * 3 %}", End=True)}}})),
     {"l": [1, 2]}, ok([3, 6]))
case(473, "jsonpath-machine-jsonata-map-inner-jsonpath", chain(
    ("M", {"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% $states.input.l %}",
           "ItemProcessor": {"StartAt": "I",
                             "States": {"I": {"Type": "Pass", "Parameters": {"w.$": "$"},
                                              "End": True}}}}), ql=None),
     {"l": ["a", "b"]}, ok([{"w": "a"}, {"w": "b"}]))
case(474, "jsonata-parallel-inner-inherits-jsonata", chain(
    ("P", {"Type": "Parallel",
           "Branches": [machine({"A": p(Output="{% $states.input.a & '!' %}", End=True)},
                                ql=None)]})), {"a": "x"}, ok(["x!"]))
case(475, "jsonpath-choice-reads-jsonata-variable", chain(
    ("A", ja(Assign={"level": 5})),
    ("C", {"Type": "Choice",
           "Choices": [{"Variable": "$level", "NumericGreaterThan": 3, "Next": "Hi"}],
           "Default": "Lo"}),
    ("Hi", ja(Output="hi", End=True)), ("Lo", ja(Output="lo", End=True)), ql=None),
     {}, ok("hi"))
case(476, "jsonpath-output-path-then-jsonata", chain(
    ("A", {"Type": "Pass", "OutputPath": "$.inner"}),
    ("B", ja(Output="{% $states.input.k %}")), ql=None), {"inner": {"k": "v"}}, ok("v"))
case(477, "jsonpath-machine-jsonata-parallel-arguments", chain(
    ("P", {"Type": "Parallel", "QueryLanguage": "JSONata",
           "Arguments": {"n": "{% $states.input.n + 1 %}"},
           "Branches": [machine({"B": {"Type": "Pass", "Parameters": {"got.$": "$.n"},
                                       "End": True}}, ql=None)]}), ql=None),
     {"n": 1}, ok([{"got": 2}]))
case(478, "jsonpath-machine-jsonata-task-result", chain(
    ("T", {"Type": "Task", "Resource": LAMBDA, "QueryLanguage": "JSONata",
           "Output": {"fromResult": "{% $states.result.v %}"}}),
    ("B", {"Type": "Pass", "ResultPath": "$.next", "Result": True}), ql=None),
     {}, ok({"fromResult": 1, "next": True}), **mocks({"Return": {"v": 1}}))

case(479, "dmap-item-batcher-expressions", chain(
    ("S", {"Type": "Map", "Items": "{% $states.input.l %}",
           "ItemBatcher": {"MaxItemsPerBatch": "{% $states.input.size %}",
                           "BatchInput": {"k": "{% $states.input.k %}", "fixed": 1}},
           "ItemProcessor": {"StartAt": "P", "States": {"P": p(End=True)},
                             "ProcessorConfig": {"Mode": "DISTRIBUTED",
                                                 "ExecutionType": "STANDARD"}}})),
     {"l": [1, 2, 3], "size": 2, "k": "v"},
     ok([{"Items": [1, 2], "BatchInput": {"k": "v", "fixed": 1}},
         {"Items": [3], "BatchInput": {"k": "v", "fixed": 1}}]))

# ---- 480-499: $states.context members -------------------------------------
case(480, "context-execution-id",
     one({"ok": "{% $states.context.Execution.Id = '" + EXEC_ARN +
               "' & $states.context.Execution.Name %}"}), {}, ok({"ok": True}))
case(481, "context-execution-start-time",
     one("{% $states.context.Execution.StartTime %}"), {},
     ok("2030-06-15T08:30:00.000Z"), options={"startTime": "2030-06-15T08:30:00Z"})
case(482, "context-execution-input", chain(
    ("A", p(Output={"changed": True})),
    ("B", p(Output="{% $states.context.Execution.Input %}"))),
     {"orig": [1]}, ok({"orig": [1]}))
case(483, "context-state-name", chain(("MyState", p(
    Output="{% $states.context.State.Name %}"))), {}, ok("MyState"))
case(484, "context-state-entered-time", chain(
    ("W", {"Type": "Wait", "Seconds": 5}),
    ("S", p(Output="{% $states.context.State.EnteredTime %}"))), {},
     ok("2024-01-01T00:00:05.000Z"))
case(485, "context-state-retry-count-zero",
     one("{% $states.context.State.RetryCount %}"), {}, ok(0))
case(486, "context-state-machine",
     one({"name": "{% $states.context.StateMachine.Name %}",
          "id": "{% $states.context.StateMachine.Id %}"}), {},
     ok({"name": "Machine", "id": SM_ARN}))
case(487, "context-execution-redrive-count",
     one("{% $states.context.Execution.RedriveCount %}"), {}, ok(0))
case(488, "context-map-item-index-value", chain(
    ("M", {"Type": "Map", "Items": "{% $states.input.l %}",
           "ItemSelector": {"i": "{% $states.context.Map.Item.Index %}",
                            "v": "{% $states.context.Map.Item.Value %}"},
           "ItemProcessor": {"StartAt": "I", "States": {"I": p(End=True)}}})),
     {"l": ["x", "y"]}, ok([{"i": 0, "v": "x"}, {"i": 1, "v": "y"}]))
case(489, "context-task-token-in-arguments", chain(
    ("T", {"Type": "Task", "Resource": LAMBDA,
           "Arguments": {"hasToken": "{% $exists($states.context.Task.Token) %}"}})),
     {}, ok({"hasToken": False}), **mocks(ECHO))
case(490, "context-execution-name-is-uuid",
     one("{% $contains($states.context.Execution.Name, "
         "/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) %}"),
     {}, ok(True))
case(491, "context-whole-object-has-members",
     one("{% $sort($keys($states.context)) %}"), {},
     ok(["Execution", "State", "StateMachine"]))

# ---- 492-519: Choice Condition -------------------------------------------
def choice_machine(choices, default="D", extra=None):
    c = {"Type": "Choice", "Choices": choices}
    if default:
        c["Default"] = default
    c.update(extra or {})
    return machine({"C": c, "A": p(Output="A", End=True), "B": p(Output="B", End=True),
                    "D": p(Output="D", End=True)})


case(492, "choice-first-rule", choice_machine(
    [{"Condition": "{% $states.input.n = 1 %}", "Next": "A"},
     {"Condition": "{% $states.input.n >= 1 %}", "Next": "B"}]), {"n": 1}, ok("A"))
case(493, "choice-second-rule", choice_machine(
    [{"Condition": "{% $states.input.n = 1 %}", "Next": "A"},
     {"Condition": "{% $states.input.n >= 1 %}", "Next": "B"}]), {"n": 2}, ok("B"))
case(494, "choice-default", choice_machine(
    [{"Condition": "{% $states.input.n = 1 %}", "Next": "A"}]), {"n": 0}, ok("D"))
case(495, "choice-no-match", choice_machine(
    [{"Condition": "{% $states.input.n = 1 %}", "Next": "A"}], default=None), {"n": 0},
     failed("States.NoChoiceMatched"))
case(496, "choice-string-greater", choice_machine(
    [{"Condition": "{% $states.input.s > 'MyStringABC' %}", "Next": "A"}]),
     {"s": "MyStringABD"}, ok("A"))
case(497, "choice-null-guard-and", choice_machine(
    [{"Condition": "{% $states.input.v != null and $states.input.v = 42 %}", "Next": "A"}]),
     {"v": None}, ok("D"))
case(498, "choice-or-not", choice_machine(
    [{"Condition": "{% $not($states.input.a) or $states.input.b %}", "Next": "A"}]),
     {"a": True, "b": False}, ok("D"))
case(499, "choice-exists", choice_machine(
    [{"Condition": "{% $exists($states.input.opt) %}", "Next": "A"}]), {"opt": 0}, ok("A"))
case(500, "choice-in-array", choice_machine(
    [{"Condition": "{% $states.input.c in ['red', 'green'] %}", "Next": "A"}]),
     {"c": "green"}, ok("A"))
case(501, "choice-rule-assign", machine({
    "C": {"Type": "Choice",
          "Choices": [{"Condition": "{% $states.input.t = 'local' %}", "Next": "R",
                       "Assign": {"path": "local-rule"}},
                      {"Condition": "{% true %}", "Next": "R",
                       "Assign": {"path": "other-rule"}}]},
    "R": p(Output="{% $path %}", End=True)}), {"t": "local"}, ok("local-rule"))
case(502, "choice-state-and-rule-assign", machine({
    "C": {"Type": "Choice", "Assign": {"always": "{% $states.input.t %}"},
          "Choices": [{"Condition": "{% $states.input.t = 'x' %}", "Next": "R",
                       "Assign": {"rule": 1}}]},
    "R": p(Output={"always": "{% $always %}", "rule": "{% $rule %}"}, End=True)}),
     {"t": "x"}, ok({"always": "x", "rule": 1}))
case(503, "choice-state-assign-on-default", machine({
    "C": {"Type": "Choice", "Assign": {"always": "set"},
          "Choices": [{"Condition": "{% false %}", "Next": "R"}], "Default": "R"},
    "R": p(Output="{% $always %}", End=True)}), {}, ok("set"))
case(504, "choice-unmatched-rule-assign-skipped", machine({
    "I": p(Assign={"v": "initial"}, Next="C"),
    "C": {"Type": "Choice",
          "Choices": [{"Condition": "{% false %}", "Next": "R", "Assign": {"v": "rule"}}],
          "Default": "R"},
    "R": p(Output="{% $v %}", End=True)}, start="I"), {}, ok("initial"))
case(505, "choice-condition-variable", machine({
    "I": p(Assign={"type": "local"}, Next="C"),
    "C": {"Type": "Choice",
          "Choices": [{"Condition": "{% $type = 'local' %}", "Next": "A"}], "Default": "D"},
    "A": p(Output="A", End=True), "D": p(Output="D", End=True)}, start="I"), {}, ok("A"))
case(506, "choice-condition-literal-true", choice_machine(
    [{"Condition": "{% true %}", "Next": "B"}]), {}, ok("B"))
case(507, "choice-condition-context", choice_machine(
    [{"Condition": "{% $states.context.State.Name = 'C' %}", "Next": "A"}]), {}, ok("A"))
case(508, "choice-condition-functions", choice_machine(
    [{"Condition": "{% $count($states.input.items) > 2 and "
                   "$sum($states.input.items.price) < 100 %}", "Next": "A"}]),
     {"items": [{"price": 10}, {"price": 20}, {"price": 30}]}, ok("A"))
case(509, "choice-condition-regex", choice_machine(
    [{"Condition": "{% $contains($states.input.email, /@example\\.org$/) %}", "Next": "A"}]),
     {"email": "ana@example.org"}, ok("A"))
case(510, "choice-loop-counter", machine({
    "I": p(Assign={"i": 0}, Next="C"),
    "C": {"Type": "Choice",
          "Choices": [{"Condition": "{% $i < 3 %}", "Next": "Inc"}], "Default": "Done"},
    "Inc": p(Assign={"i": "{% $i + 1 %}"}, Next="C"),
    "Done": p(Output="{% $i %}", End=True)}, start="I"), {}, ok(3))

# ---- 511-529: Map Items / ItemSelector / limits ---------------------------
def mapm(extra, inner=None, **kw):
    m = {"Type": "Map",
         "ItemProcessor": {"StartAt": "I", "States": inner or {"I": p(End=True)}}}
    m.update(extra)
    return chain(("M", m), **kw)


case(511, "map-items-from-input", mapm({"Items": "{% $states.input.l %}"}),
     {"l": [1, 2, 3]}, ok([1, 2, 3]))
case(512, "map-items-literal-array", mapm({"Items": [1, "two", {"t": 3}]}),
     {}, ok([1, "two", {"t": 3}]))
case(513, "map-items-expression-range", mapm({"Items": "{% [1..4] %}"}), {}, ok([1, 2, 3, 4]))
case(514, "map-items-default-is-input", mapm({}), ["a", "b"], ok(["a", "b"]))
case(515, "map-items-empty", mapm({"Items": "{% $states.input.l %}"}), {"l": []}, ok([]))
case(516, "map-items-from-variable", chain(
    ("A", p(Assign={"todo": ["x", "y"]})),
    ("M", {"Type": "Map", "Items": "{% $todo %}",
           "ItemProcessor": {"StartAt": "I", "States": {"I": p(End=True)}}})), {},
     ok(["x", "y"]))
case(517, "map-item-selector-uses-state-input", mapm(
    {"Items": "{% $states.input.l %}",
     "ItemSelector": {"order": "{% $states.input.order %}",
                      "item": "{% $states.context.Map.Item.Value %}",
                      "pos": "{% $states.context.Map.Item.Index + 1 %}"}}),
     {"order": "A-17", "l": ["tea", "mug"]},
     ok([{"order": "A-17", "item": "tea", "pos": 1}, {"order": "A-17", "item": "mug", "pos": 2}]))
case(518, "map-item-selector-expression", mapm(
    {"Items": "{% $states.input.l %}",
     "ItemSelector": "{% $states.context.Map.Item.Value.name %}"}),
     {"l": [{"name": "a"}, {"name": "b"}]}, ok(["a", "b"]))
case(519, "map-output-result", mapm(
    {"Items": "{% $states.input.l %}", "Output": {"total": "{% $sum($states.result) %}"}},
    inner={"I": p(Output="{% $states.input * 10 %}", End=True)}),
     {"l": [1, 2, 3]}, ok({"total": 60}))
case(520, "map-assign-result", chain(
    ("M", {"Type": "Map", "Items": "{% $states.input.l %}",
           "Assign": {"count": "{% $count($states.result) %}"}, "Output": "{% $states.input %}",
           "ItemProcessor": {"StartAt": "I", "States": {"I": p(End=True)}}}),
    ("R", p(Output={"count": "{% $count %}", "in": "{% $states.input.l %}"}))),
     {"l": [4, 5]}, ok({"count": 2, "in": [4, 5]}))
case(521, "map-max-concurrency-expression", chain(
    ("M", {"Type": "Map", "Items": "{% $states.input %}", "MaxConcurrency": "{% 2 %}",
           "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10,
                                                              "End": True}}}}),
    ("T", p(Output="{% $states.context.State.EnteredTime %}"))),
     [1, 2, 3, 4, 5], ok("2024-01-01T00:00:30.000Z"))
case(522, "map-max-concurrency-from-input", chain(
    ("M", {"Type": "Map", "Items": "{% $states.input.l %}",
           "MaxConcurrency": "{% $states.input.c %}",
           "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10,
                                                              "End": True}}}}),
    ("T", p(Output="{% $states.context.State.EnteredTime %}"))),
     {"l": [1, 2, 3], "c": 1}, ok("2024-01-01T00:00:30.000Z"))
DMAP_INNER = {"C": {"Type": "Choice",
                    "Choices": [{"Condition": "{% $states.input.odd %}", "Next": "F"}],
                    "Default": "OK"},
              "F": {"Type": "Fail", "Error": "Odd"}, "OK": {"Type": "Succeed"}}
DMAP_IN = [{"odd": True}, {"odd": False}, {"odd": True}, {"odd": False}]


def dmap(extra):
    m = {"Type": "Map", "ItemProcessor": {
        "StartAt": "C", "States": DMAP_INNER,
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}}
    m.update(extra)
    return chain(("S", m))


case(523, "dmap-tolerated-count-expression",
     dmap({"ToleratedFailureCount": "{% $states.input.n %}",
           "Items": "{% $states.input.l %}", "Output": {"n": "{% $count($states.result) %}"}}),
     {"n": 2, "l": DMAP_IN}, ok({"n": 4}))
case(524, "dmap-tolerated-count-exceeded",
     dmap({"ToleratedFailureCount": "{% 1 %}", "Items": "{% $states.input.l %}"}),
     {"l": DMAP_IN}, failed("States.ExceedToleratedFailureThreshold"))
case(525, "dmap-tolerated-percentage-expression",
     dmap({"ToleratedFailurePercentage": "{% 50 %}", "Items": "{% $states.input %}",
           "Output": {"n": "{% $count($states.result) %}"}}),
     DMAP_IN, ok({"n": 4}))
case(526, "dmap-tolerated-percentage-exceeded",
     dmap({"ToleratedFailurePercentage": "{% $states.input.p %}",
           "Items": "{% $states.input.l %}"}),
     {"p": 25, "l": DMAP_IN}, failed("States.ExceedToleratedFailureThreshold"))
case(527, "map-nested-index", chain(
    ("M", {"Type": "Map", "Items": "{% $states.input %}",
           "ItemProcessor": {"StartAt": "N", "States": {"N": {
               "Type": "Map", "Items": "{% $states.input %}",
               "ItemSelector": "{% $states.context.Map.Item.Value * 10 %}",
               "ItemProcessor": {"StartAt": "I", "States": {"I": p(End=True)}},
               "End": True}}}})), [[1, 2], [3]], ok([[10, 20], [30]]))
case(528, "map-iteration-fails-caught", chain(
    ("M", {"Type": "Map", "Items": "{% $states.input %}",
           "ItemProcessor": {"StartAt": "F", "States": {"F": {
               "Type": "Fail", "Error": "{% 'Bad' & $string($states.input) %}",
               "Cause": "item failed"}}},
           "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}]}),
    ("H", p())), [7], ok({"Error": "Bad7", "Cause": "item failed"}))
case(529, "map-items-objects-with-selector-index", mapm(
    {"Items": "{% $states.input.users %}",
     "ItemSelector": {"label": "{% $string($states.context.Map.Item.Index) & ':' & "
                               "$states.context.Map.Item.Value.name %}"}}),
     {"users": [{"name": "ana"}, {"name": "bo"}]}, ok([{"label": "0:ana"}, {"label": "1:bo"}]))

# ---- 530-539: variable scoping in Map and Parallel -----------------------
case(530, "scope-map-inner-reads-outer", chain(
    ("A", p(Assign={"k": 10})),
    ("M", {"Type": "Map", "Items": "{% $states.input.l %}",
           "ItemProcessor": {"StartAt": "I", "States": {"I": p(
               Output="{% $states.input + $k %}", End=True)}}})), {"l": [1, 2]}, ok([11, 12]))
case(531, "scope-parallel-inner-reads-outer", chain(
    ("A", p(Assign={"greeting": "hi"})),
    ("P", {"Type": "Parallel", "Branches": [
        machine({"B1": p(Output="{% $greeting & ' one' %}", End=True)}, ql=None),
        machine({"B2": p(Output="{% $greeting & ' two' %}", End=True)}, ql=None)]})),
     {}, ok(["hi one", "hi two"]))
case(532, "scope-map-inner-assign-not-visible-after", chain(
    ("M", {"Type": "Map", "Items": [1, 2],
           "ItemProcessor": {"StartAt": "I", "States": {"I": p(
               Assign={"inner": "{% $states.input %}"}, End=True)}}}),
    ("R", p(Output={"seen": "{% $exists($inner) %}"}))), {}, ok({"seen": False}))
case(533, "scope-parallel-inner-assign-not-visible-after", chain(
    ("P", {"Type": "Parallel", "Branches": [
        machine({"B": p(Assign={"branchVar": 1}, End=True)}, ql=None)]}),
    ("R", p(Output={"seen": "{% $exists($branchVar) %}"}))), {}, ok({"seen": False}))
case(534, "scope-map-iteration-own-variables", chain(
    ("M", {"Type": "Map", "Items": [1, 2, 3],
           "ItemProcessor": {"StartAt": "I1", "States": {
               "I1": p(Assign={"twice": "{% $states.input * 2 %}"}, Next="I2"),
               "I2": p(Output="{% $twice %}", End=True)}}})), {}, ok([2, 4, 6]))
case(535, "scope-outer-variable-unchanged-after-map", chain(
    ("A", p(Assign={"outer": "kept"})),
    ("M", {"Type": "Map", "Items": [1],
           "ItemProcessor": {"StartAt": "I", "States": {"I": p(
               Output="{% $outer %}", End=True)}}}),
    ("R", p(Output={"outer": "{% $outer %}", "result": "{% $states.input %}"}))),
     {}, ok({"outer": "kept", "result": ["kept"]}))
case(536, "scope-map-output-carries-data-out", chain(
    ("M", {"Type": "Map", "Items": ["a", "b"],
           "ItemProcessor": {"StartAt": "I1", "States": {
               "I1": p(Assign={"v": "{% $uppercase($states.input) %}"}, Next="I2"),
               "I2": p(Output="{% $v %}", End=True)}},
           "Assign": {"all": "{% $states.result %}"}}),
    ("R", p(Output="{% $all %}"))), {}, ok(["A", "B"]))
case(537, "scope-map-item-selector-reads-variable", chain(
    ("A", p(Assign={"prefix": "#"})),
    ("M", {"Type": "Map", "Items": ["x"],
           "ItemSelector": "{% $prefix & $states.context.Map.Item.Value %}",
           "ItemProcessor": {"StartAt": "I", "States": {"I": p(End=True)}}})), {}, ok(["#x"]))
case(538, "scope-parallel-branches-separate", chain(
    ("P", {"Type": "Parallel", "Branches": [
        machine({"B1": p(Assign={"v": 1}, Next="B1b"),
                 "B1b": p(Output="{% $v %}", End=True)}, ql=None),
        machine({"B2": p(Assign={"v": 2}, Next="B2b"),
                 "B2b": p(Output="{% $v %}", End=True)}, ql=None)]})), {}, ok([1, 2]))

# ---- 539-549: Wait -------------------------------------------------------
case(539, "wait-seconds-expression", chain(("W", {"Type": "Wait",
                                                  "Seconds": "{% $states.input.s %}"})),
     {"s": 12}, ok({"s": 12}, stopTime="2024-01-01T00:00:12Z"))
case(540, "wait-seconds-literal", chain(("W", {"Type": "Wait", "Seconds": 3})), {},
     ok({}, stopTime="2024-01-01T00:00:03Z"))
case(541, "wait-timestamp-expression", chain(("W", {"Type": "Wait",
                                                    "Timestamp": "{% $states.input.t %}"})),
     {"t": "2024-01-01T00:10:00Z"}, ok({"t": "2024-01-01T00:10:00Z"},
                                      stopTime="2024-01-01T00:10:00Z"))
case(542, "wait-timestamp-literal", chain(("W", {"Type": "Wait",
                                                 "Timestamp": "2024-01-01T01:00:00Z"})),
     {}, ok({}, stopTime="2024-01-01T01:00:00Z"))
case(543, "wait-timestamp-computed", chain(("W", {"Type": "Wait",
    "Timestamp": "{% $fromMillis($toMillis($states.context.Execution.StartTime) + 60000) %}"})),
     {}, ok({}, stopTime="2024-01-01T00:01:00Z"))
case(544, "wait-timestamp-past", chain(("W", {"Type": "Wait",
                                              "Timestamp": "{% '2020-01-01T00:00:00Z' %}"})),
     {}, ok({}, stopTime="2024-01-01T00:00:00Z"))
case(545, "wait-seconds-arithmetic", chain(
    ("W", {"Type": "Wait", "Seconds": "{% $states.input.m * 60 %}", "Output": "done"})),
     {"m": 2}, ok("done", stopTime="2024-01-01T00:02:00Z"))

# ---- 546-559: Fail Error / Cause ------------------------------------------
case(546, "fail-literal", chain(("F", {"Type": "Fail", "Error": "E", "Cause": "C"})),
     {}, failed("E", "C"))
case(547, "fail-error-expression", chain(("F", {"Type": "Fail",
                                                "Error": "{% $states.input.code %}",
                                                "Cause": "static"})),
     {"code": "Custom.Error"}, failed("Custom.Error", "static"))
case(548, "fail-cause-expression", chain(("F", {"Type": "Fail", "Error": "E",
    "Cause": "{% 'order ' & $states.input.id & ' rejected' %}"})),
     {"id": "o-1"}, failed("E", "order o-1 rejected"))
case(549, "fail-error-only", chain(("F", {"Type": "Fail", "Error": "{% 'Only' %}"})),
     {}, failed("Only", cause=None) | {"cause": None})
case(550, "fail-cause-json-string", chain(("F", {"Type": "Fail", "Error": "E",
    "Cause": "{% $string($states.input) %}"})), {"a": 1}, failed("E", "{\"a\":1}"))
case(551, "fail-in-parallel-caught-errorOutput", chain(
    ("P", {"Type": "Parallel", "Branches": [machine({"F": {
        "Type": "Fail", "Error": "{% $states.input.e %}", "Cause": "{% $states.input.c %}"}},
        ql=None)],
           "Catch": [{"ErrorEquals": ["Boom"], "Next": "H",
                      "Output": {"err": "{% $states.errorOutput %}",
                                 "in": "{% $states.input %}"}}]}),
    ("H", p())), {"e": "Boom", "c": "why"},
     ok({"err": {"Error": "Boom", "Cause": "why"}, "in": {"e": "Boom", "c": "why"}}))

# ---- 552-569: Catch, $states.errorOutput, Retry ---------------------------
case(552, "catch-default-output-is-error-output", chain(
    ("T", task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}])), ("H", p())),
     {"a": 1}, ok({"Error": "MyError", "Cause": "it broke"}),
     **mocks({"Throw": {"Error": "MyError", "Cause": "it broke"}}))
case(553, "catch-output-error-output-and-input", chain(
    ("T", task(Catch=[{"ErrorEquals": ["MyError"], "Next": "H",
                       "Output": {"input": "{% $states.input %}",
                                  "error": "{% $states.errorOutput.Error %}",
                                  "cause": "{% $states.errorOutput.Cause %}"}}])),
    ("H", p())), {"a": 1}, ok({"input": {"a": 1}, "error": "MyError", "cause": "it broke"}),
     **mocks({"Throw": {"Error": "MyError", "Cause": "it broke"}}))
case(554, "catch-assign", chain(
    ("T", task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H",
                       "Assign": {"lastError": "{% $states.errorOutput.Error %}"}}])),
    ("H", p(Output={"lastError": "{% $lastError %}", "in": "{% $states.input %}"}))),
     {}, ok({"lastError": "MyError", "in": {"Error": "MyError", "Cause": "it broke"}}),
     **mocks({"Throw": {"Error": "MyError", "Cause": "it broke"}}))
case(555, "catch-assign-and-output", chain(
    ("T", task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H",
                       "Assign": {"e": "{% $states.errorOutput %}"},
                       "Output": "{% $states.input.order %}"}])),
    ("H", p(Output={"order": "{% $states.input %}", "e": "{% $e %}"}))),
     {"order": "o-1"}, ok({"order": "o-1", "e": {"Error": "MyError", "Cause": "it broke"}}),
     **mocks({"Throw": {"Error": "MyError", "Cause": "it broke"}}))
case(556, "catch-error-output-without-cause", chain(
    ("T", task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H",
                       "Output": "{% $states.errorOutput %}"}])), ("H", p())),
     {}, ok({"Error": "NoCause"}), **mocks({"Throw": {"Error": "NoCause"}}))
case(557, "catch-second-catcher", chain(
    ("T", task(Catch=[{"ErrorEquals": ["Other"], "Next": "A"},
                      {"ErrorEquals": ["MyError"], "Next": "B"}])),
    ("A", p(Output="A", End=True)), ("B", p(Output="B", End=True))), {}, ok("B"),
     **mocks({"Throw": {"Error": "MyError", "Cause": "it broke"}}))
case(558, "retry-then-catch-output", chain(
    ("T", task(Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 1, "IntervalSeconds": 2}],
               Catch=[{"ErrorEquals": ["E"], "Next": "H",
                       "Output": {"attempts": "{% $states.context.State.RetryCount %}",
                                  "e": "{% $states.errorOutput.Error %}"}}])),
    ("H", p())), {}, ok({"attempts": 1, "e": "E"}),
     **mocks({"Throw": {"Error": "E", "Cause": "c"}}))
case(559, "map-catch-error-output", chain(
    ("M", {"Type": "Map", "Items": [1],
           "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}},
           "Catch": [{"ErrorEquals": ["E"], "Next": "H",
                      "Output": {"caught": "{% $states.errorOutput.Error %}"}}]}),
    ("H", p())), {}, ok({"caught": "E"}))

# ---- 560-574: AWS's JSONata functions -------------------------------------
case(560, "fn-partition", one("{% $partition([1,2,3,4], 2) %}"), {}, ok([[1, 2], [3, 4]]))
case(561, "fn-partition-remainder", one("{% $partition($states.input, 2) %}"),
     [1, 2, 3, 4, 5], ok([[1, 2], [3, 4], [5]]))
case(562, "fn-range-lands-on-end", one("{% $range(0, 10, 2) %}"), {}, ok([0, 2, 4, 6, 8, 10]))
case(563, "fn-range-does-not-land", one("{% $range(1, 6, 2) %}"), {}, ok([1, 3, 5]))
case(564, "fn-range-fraction-step", one("{% $range(0, 1, 0.25) %}"), {},
     ok([0, 0.25, 0.5, 0.75, 1]))
HELLO = {a: hashlib.new(h, b"hello").hexdigest() for a, h in
         (("MD5", "md5"), ("SHA-1", "sha1"), ("SHA-256", "sha256"),
          ("SHA-384", "sha384"), ("SHA-512", "sha512"))}
case(565, "fn-hash-all-algorithms",
     one({a: "{% $hash($states.input.s, '" + a + "') %}" for a in HELLO}),
     {"s": "hello"}, ok(HELLO))
case(566, "fn-hash-sha256-nonascii", one("{% $hash('María', 'SHA-256') %}"), {},
     ok(hashlib.sha256("María".encode()).hexdigest()))


def java_random(seed):
    """java.util.Random(seed).nextDouble(), written from the JDK's documented
    algorithm (48-bit LCG, two draws of 26 and 27 bits)."""
    mask = (1 << 48) - 1
    s = (seed ^ 0x5DEECE66D) & mask
    out = []
    for bits in (26, 27):
        s = (s * 0x5DEECE66D + 0xB) & mask
        out.append(s >> (48 - bits))
    return ((out[0] << 27) + out[1]) * 2.0 ** -53


assert java_random(42) == 0.7275636800328681  # the value the issue names
case(567, "fn-random-seeded", one("{% $random(42) %}"), {}, ok(java_random(42)))
case(568, "fn-random-seed-repeatable", one("{% $random(7) = $random(7) %}"), {}, ok(True))
case(569, "fn-random-range", one("{% ($r := $random(); $r >= 0 and $r < 1) %}"), {}, ok(True))
case(570, "fn-uuid-v4", one(
    "{% $contains($uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) %}"),
     {}, ok(True))
case(571, "fn-uuid-distinct", one("{% $uuid() != $uuid() %}"), {}, ok(True))
case(572, "fn-parse-object", one("{% $parse($states.input.json) %}"),
     {"json": "{\"a\":[1,true,null],\"b\":\"x\"}"}, ok({"a": [1, True, None], "b": "x"}))
case(573, "fn-parse-scalar", one({"n": "{% $parse('42') %}", "s": "{% $parse('\"s\"') %}"}),
     {}, ok({"n": 42, "s": "s"}))
case(574, "fn-partition-in-map-items", mapm({"Items": "{% $partition($states.input, 2) %}"}),
     ["a", "b", "c"], ok([["a", "b"], ["c"]]))

# ---- 575-599: failures: States.QueryEvaluationError ------------------------
# The error name and that it is catchable are documented; each failure is
# first checked through a Catch (no cause text involved), then once more
# uncaught with AWS's cause format (CAUSE_PENDING).
case(575, "err-output-undefined-caught",
     caught({"S": p(Output={"v": "{% $states.input.absent %}"}, End=True)}), {},
     ok(QEE))
case(576, "err-arguments-undefined-caught",
     caught({"T": task(Arguments={"id": "{% $states.input.absent %}"}, End=True)}), {},
     ok(QEE), **mocks(ECHO))
case(577, "err-assign-undefined-caught",
     caught({"S": p(Assign={"x": "{% $states.input.absent %}"}, End=True)}), {}, ok(QEE))
case(578, "err-condition-not-boolean-caught",
     caught({"C": {"Type": "Choice", "Choices": [{"Condition": "{% 1 %}", "Next": "E"}],
                   "Default": "E"}, "E": p(End=True)}, start="C"), {}, ok(QEE))
case(579, "err-items-not-array-caught",
     caught({"M": {"Type": "Map", "Items": "{% 'text' %}", "End": True,
                   "ItemProcessor": {"StartAt": "I", "States": {"I": p(End=True)}}}}),
     {}, ok(QEE))
case(580, "err-wait-seconds-negative-caught",
     caught({"W": {"Type": "Wait", "Seconds": "{% -1 %}", "End": True}}), {}, ok(QEE))
case(581, "err-wait-timestamp-invalid-caught",
     caught({"W": {"Type": "Wait", "Timestamp": "{% 'yesterday' %}", "End": True}}), {},
     ok(QEE))
case(582, "err-fail-error-not-string-caught",
     caught({"F": {"Type": "Fail", "Error": "{% 42 %}"}}), {}, ok(QEE))
case(583, "err-jsonata-runtime-error-caught",
     caught({"S": p(Output="{% 'a' + 1 %}", End=True)}), {}, ok(QEE))
case(584, "err-jsonata-error-function-caught",
     caught({"S": p(Output="{% $error('boom') %}", End=True)}), {}, ok(QEE))
case(585, "err-catch-states-all",
     chain(("P", {"Type": "Parallel",
                  "Branches": [machine({"S": p(Output="{% $states.input.absent %}", End=True)},
                                       ql=None)],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H",
                             "Output": "{% $states.errorOutput.Error %}"}]}),
           ("H", p())), {}, ok(QEE))
case(586, "err-timeout-seconds-not-integer-caught",
     caught({"T": task(TimeoutSeconds="{% 'soon' %}", End=True)}), {}, ok(QEE),
     **mocks({"Return": 1}))
case(587, "err-max-concurrency-negative-caught",
     caught({"M": {"Type": "Map", "Items": [1], "MaxConcurrency": "{% -1 %}", "End": True,
                   "ItemProcessor": {"StartAt": "I", "States": {"I": p(End=True)}}}}),
     {}, ok(QEE))
case(588, "err-uncaught-status", one({"v": "{% $states.input.absent %}"}), {},
     failed(QEE))

qerr(589, "cause-output-undefined", one({"v": "{% $states.input.absent %}"}), {},
     entered("S", 2, "$states.input.absent", "Output/v"))
qerr(590, "cause-output-nested-index",
     one({"a": {"b": [0, "{% $states.input.absent %}"]}}), {},
     entered("S", 2, "$states.input.absent", "Output/a/b[1]"))
qerr(591, "cause-arguments-undefined",
     chain(("A", p()), ("T", task(Arguments={"Payload": {"id": "{% $states.input.id %}"}}))),
     {}, entered("T", 4, "$states.input.id", "Arguments/Payload/id"), **mocks(ECHO))
qerr(592, "cause-assign-undefined", chain(("S", p(Assign={"x": "{% $states.input.absent %}"}))),
     {}, entered("S", 2, "$states.input.absent", "Assign/x"))
qerr(593, "cause-output-whole-undefined", one("{% $states.input.absent %}"), {},
     entered("S", 2, "$states.input.absent", "Output"))
qerr(594, "cause-fail-cause-undefined",
     chain(("F", {"Type": "Fail", "Error": "E", "Cause": "{% $states.input.absent %}"})),
     {}, entered("F", 2, "$states.input.absent", "Cause"))
qerr(595, "cause-wait-seconds-undefined",
     chain(("W", {"Type": "Wait", "Seconds": "{% $states.input.absent %}"})),
     {}, entered("W", 2, "$states.input.absent", "Seconds"))
qerr(596, "cause-items-undefined", mapm({"Items": "{% $states.input.absent %}"}),
     {}, entered("M", 2, "$states.input.absent", "Items"))
qerr(597, "cause-choice-condition-undefined", choice_machine(
    [{"Condition": "{% $states.input.absent %}", "Next": "A"}]), {},
     entered("C", 2, "$states.input.absent", "Choices[0]/Condition"))
qerr(598, "cause-unknown-variable", one({"v": "{% $neverAssigned %}"}), {},
     entered("S", 2, "$neverAssigned", "Output/v"))
qerr(599, "cause-item-selector-undefined",
     mapm({"Items": [1], "ItemSelector": {"v": "{% $states.input.absent %}"}}), {},
     entered("M", 2, "$states.input.absent", "ItemSelector/v"))


def main():
    names = set()
    for name, c in cases:
        assert name not in names, name
        names.add(name)
        dest = RUN if os.path.exists(os.path.join(RUN, name)) else HERE
        with open(os.path.join(dest, name), "w", encoding="utf-8") as f:
            json.dump(c, f, indent=1, ensure_ascii=False)
            f.write("\n")
    with open(os.path.join(HERE, "cause-pending.txt"), "w") as f:
        f.write("# cases whose cause text AWS does not document (see README.md)\n")
        for n in sorted(CAUSE_PENDING):
            f.write(n + "\n")
    print(len(cases), "cases")


main()

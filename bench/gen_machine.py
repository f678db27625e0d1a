#!/usr/bin/env python3
"""Prints a JSON state machine of about N states (default 200) for the
diagram benchmark: a chain of Tasks that all Catch to one shared handler,
a Choice every 10 states that skips ahead or loops back, a Retry on every
third Task, and a Parallel every 50 states."""
import json, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
states = {}
names = [f"Step{i:03d}" for i in range(n)]
for i, name in enumerate(names):
    nxt = names[i + 1] if i + 1 < n else "Done"
    if i % 10 == 9:
        states[name] = {"Type": "Choice", "Choices": [
            {"Variable": "$.count", "NumericGreaterThan": i, "Next": names[min(i + 5, n - 1)]},
            {"And": [{"Variable": "$.retry", "BooleanEquals": True},
                     {"Not": {"Variable": "$.kind", "StringEquals": "final"}}],
             "Next": names[max(i - 7, 0)]}],
            "Default": nxt}
    elif i % 50 == 25:
        states[name] = {"Type": "Parallel", "Next": nxt, "Branches": [
            {"StartAt": f"{name}A", "States": {f"{name}A": {"Type": "Pass", "End": True}}},
            {"StartAt": f"{name}B", "States": {f"{name}B": {"Type": "Wait", "Seconds": 1, "End": True}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handler"}]}
    else:
        st = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": nxt,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handler"}]}
        if i % 3 == 0:
            st["Retry"] = [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3}]
        if i % 7 == 0:
            st["TimeoutSeconds"] = 60
        states[name] = st
states["Handler"] = {"Type": "Pass", "Next": "Failed"}
states["Failed"] = {"Type": "Fail", "Error": "Pipeline.Failed"}
states["Done"] = {"Type": "Succeed"}
json.dump({"Comment": f"{n}-state benchmark machine", "StartAt": names[0], "States": states},
          sys.stdout, indent=1)

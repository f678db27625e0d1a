#!/usr/bin/env python3
"""Writes the interpreter benchmark's machines and inputs into DIR:
loop.asl.json - a Choice + Pass loop, 2 transitions per iteration, the Pass
                counting with States.MathAdd; run with {"i": 0, "n": N};
jsonata-loop.asl.json - the same loop in JSONata (Condition, Output, Assign);
map.asl.json  - an inline Map over object items (ItemSelector reading
                $$.Map.Item, a Pass with an intrinsic inside);
mapwait.asl.json - the same Map with a zero-second Wait before the Pass:
                iterations that may take time, each a frame of its own
                on the scheduler (40 at a time);
loop-N.json, map-N.json - the inputs.
usage: gen_interp.py DIR LOOP_N... --map MAP_N"""
import json, os, sys

LOOP = {
    "Comment": "counts $.i up to $.n",
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice",
                  "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.n",
                               "Next": "Inc"}],
                  "Default": "Done"},
        "Inc": {"Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n"},
                "Next": "Check"},
        "Done": {"Type": "Succeed"},
    },
}

# The same loop in JSONata: Choice Condition, Pass Output and Assign.
JSONATA_LOOP = {
    "Comment": "counts $states.input.i up to $states.input.n",
    "QueryLanguage": "JSONata",
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice",
                  "Choices": [{"Condition": "{% $states.input.i < $states.input.n %}",
                               "Next": "Inc"}],
                  "Default": "Done"},
        "Inc": {"Type": "Pass",
                "Output": {"i": "{% $states.input.i + 1 %}",
                           "n": "{% $states.input.n %}"},
                "Assign": {"last": "{% $states.input.i %}"},
                "Next": "Check"},
        "Done": {"Type": "Succeed"},
    },
}

MAP = {
    "Comment": "one Pass per item",
    "StartAt": "Each",
    "States": {
        "Each": {"Type": "Map", "ItemsPath": "$.items",
                 "ItemSelector": {"id.$": "$$.Map.Item.Value.id",
                                  "name.$": "$$.Map.Item.Value.name",
                                  "index.$": "$$.Map.Item.Index"},
                 "ItemProcessor": {
                     "ProcessorConfig": {"Mode": "INLINE"},
                     "StartAt": "Work",
                     "States": {"Work": {"Type": "Pass",
                                         "Parameters": {
                                             "id.$": "$.id",
                                             "twice.$": "States.MathAdd($.id, $.id)",
                                             "label.$": "States.Format('{}-{}', $.name, $.index)"},
                                         "End": True}}},
                 "ResultPath": "$.results",
                 "Next": "Count"},
        "Count": {"Type": "Pass",
                  "Parameters": {"count.$": "States.ArrayLength($.results)"},
                  "End": True},
    },
}


MAPWAIT = json.loads(json.dumps(MAP))
MAPWAIT["States"]["Each"]["ItemProcessor"]["StartAt"] = "Pause"
MAPWAIT["States"]["Each"]["ItemProcessor"]["States"]["Pause"] = {
    "Type": "Wait", "Seconds": 0, "Next": "Work"}


def write(path, value):
    with open(path, "w") as f:
        json.dump(value, f, separators=(",", ":"))


def main(argv):
    out, rest = argv[1], argv[2:]
    map_ns = []
    if "--map" in rest:
        k = rest.index("--map")
        map_ns, rest = rest[k + 1:], rest[:k]
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "loop.asl.json"), LOOP)
    write(os.path.join(out, "jsonata-loop.asl.json"), JSONATA_LOOP)
    write(os.path.join(out, "map.asl.json"), MAP)
    write(os.path.join(out, "mapwait.asl.json"), MAPWAIT)
    for n in rest:
        write(os.path.join(out, f"loop-{n}.json"), {"i": 0, "n": int(n)})
    for n in map_ns:
        items = [{"id": i, "name": f"item-{i}", "tags": ["a", "b"]}
                 for i in range(int(n))]
        write(os.path.join(out, f"map-{n}.json"), {"items": items})


if __name__ == "__main__":
    main(sys.argv)

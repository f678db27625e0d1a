0
eval '{"name.$": "$.Account.Name", "n.$": "States.ArrayLength($.Account.Order)"}' --lang jsonpath --input input.json

1
eval '$.nope' --lang jsonpath --input input.json --format json

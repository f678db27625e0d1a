1
eval '$.orders' --lang jsonpath --input not-json.json

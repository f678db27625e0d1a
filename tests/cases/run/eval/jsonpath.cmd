0
eval '$.Account.Order[*].OrderID' --lang jsonpath --input input.json

0
eval 'Account.Order[1].OrderID' --input - < input.json

0
eval 'Account.Order.Product{Name: $sum(Quantity)}' --input input.json

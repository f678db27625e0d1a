0
eval '$sum(Account.Order.Product.(Price * Quantity))' --input input.json

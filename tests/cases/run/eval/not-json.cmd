1
eval 'orders.id' --input not-json.json

0
eval 'Account.Nothing' --input input.json

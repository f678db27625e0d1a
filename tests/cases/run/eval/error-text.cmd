1
eval 'Account.Name + 1' --input input.json

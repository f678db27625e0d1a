2
test-state --request r.json --state Charge

1
test-state test-state-machine.asl.yaml --state Charge

2
test-state test-state-machine.asl.yaml --input '{"n": 2'

2
test-state test-state-machine.asl.yaml --retry-count -1

0
test-state test-state-machine.asl.yaml --state Charge --input '{"n": 2}' --mock-error Lambda.ServiceException --retry-count 2 --compact

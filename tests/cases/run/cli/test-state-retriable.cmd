0
test-state test-state-machine.asl.yaml --state Charge --input '{"n": 2}' --mock-error Lambda.ServiceException --mock-cause busy --retry-count 1 --inspection-level DEBUG

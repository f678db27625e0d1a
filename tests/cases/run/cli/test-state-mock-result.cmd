0
test-state test-state-machine.asl.yaml --state Charge --input '{"n": 2}' --mock-result '{"Payload": {"ok": true}}'

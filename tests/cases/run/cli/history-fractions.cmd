0
run retry.asl.json --mock-config mocks.json --test-case TwoBusy --format history

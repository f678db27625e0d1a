1
run retry.asl.json --mock-config mocks.json --test-case AlwaysBusy --format json --compact

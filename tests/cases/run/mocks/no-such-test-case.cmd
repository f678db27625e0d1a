1
run price.asl.json --mock-config mocks.json --test-case Missing --format json

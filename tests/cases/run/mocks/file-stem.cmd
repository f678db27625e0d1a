0
run price.asl.json --mock-config mocks.json --test-case T --format json

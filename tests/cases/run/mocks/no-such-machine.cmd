1
run price.asl.json --name Nope --mock-config mocks.json --test-case T --format json

0
run price.asl.json --name Custom --mock-config mocks.json --test-case T --format json

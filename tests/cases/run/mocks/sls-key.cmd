0
run serverless.yml --machine orderFlow --mock-config mocks.json --test-case T --format json

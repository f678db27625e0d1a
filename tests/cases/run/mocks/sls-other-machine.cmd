0
run serverless.yml --machine refundFlow --mock-config mocks.json --test-case T --format json

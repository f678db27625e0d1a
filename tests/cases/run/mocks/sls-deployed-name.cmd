0
run serverless.yml --machine orderFlow --mock-config deployed.json --test-case T --format json

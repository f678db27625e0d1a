0
run serverless.yml --machine orderFlow --mock-config deployed.json --format json

0
run retry.asl.json --mock-config mocks.json --name other

0
run handler.asl.json --input '{"qty":21}' --mock-config mocks.json --test-case Refuse --allow-exec

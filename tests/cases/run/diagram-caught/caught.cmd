1
run caught.asl.json --input '{"order":7}' --mock-config mocks.json --test-case Declined --diagram "$OUT/run.svg"

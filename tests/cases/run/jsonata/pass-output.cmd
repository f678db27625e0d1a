0
run pass-output.asl.json --input '{"a":5}'

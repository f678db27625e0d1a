2
run retry.asl.json --format xml

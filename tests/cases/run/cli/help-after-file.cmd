0
run retry.asl.json --help

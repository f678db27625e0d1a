2
run retry.asl.json --seed ''

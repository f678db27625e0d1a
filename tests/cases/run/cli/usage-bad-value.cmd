2
run retry.asl.json --max-events lots

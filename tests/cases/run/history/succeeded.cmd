0
run small.asl.json --input '{"n":2}' --format history --seed 7

1
run small.asl.json --input '{"n":0}' --format history --seed 7

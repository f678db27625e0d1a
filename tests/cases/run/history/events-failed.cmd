1
run small.asl.json --input '{"n":0}' --format events --seed 7

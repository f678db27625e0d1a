0
run parallel.asl.json --format history --seed 7

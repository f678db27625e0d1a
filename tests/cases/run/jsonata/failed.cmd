1
run failed.asl.json --input '{"name":"Ana"}' --format history --seed 7

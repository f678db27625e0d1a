0
run small.asl.json --input '{"n":5}' --format events --seed 7 --start-time 2024-06-01T12:00:00Z

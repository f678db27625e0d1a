0
run distmap.asl.json --input '{"key":"csv/gone.csv"}' --s3-dir ../../../data/s3 --format history

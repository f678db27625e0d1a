0
run distmap.asl.json --input '{"key":"csv/people.csv"}' --s3-dir ../../../data/s3 --format history

0
validate retry.asl.json --format json

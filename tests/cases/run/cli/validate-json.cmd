1
validate typo.asl.json --format json

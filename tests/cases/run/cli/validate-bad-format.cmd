2
validate typo.asl.json --format junit

1
validate typo.asl.json

2
validate typo.asl.json --strcit

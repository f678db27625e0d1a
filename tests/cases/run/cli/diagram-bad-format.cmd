2
diagram retry.asl.json -T jpg

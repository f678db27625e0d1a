2
diagram retry.asl.json --scale 2

2
diagram retry.asl.json -T png --scale 20

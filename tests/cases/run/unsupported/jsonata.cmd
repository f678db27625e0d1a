1
run jsonata.asl.json --input {}

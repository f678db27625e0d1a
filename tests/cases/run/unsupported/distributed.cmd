1
run distributed.asl.json --input {}

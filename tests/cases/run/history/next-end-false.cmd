0
run next-end-false.asl.json --input {}
